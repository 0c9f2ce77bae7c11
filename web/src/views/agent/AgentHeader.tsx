import type { AgentView } from '../../api/types.js';
import { AgentAsk } from '../../components/AgentAsk.js';
import { AgentProgressLine } from '../../components/AgentProgressLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { ReviewLink } from '../../components/ReviewLink.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { AgentControls } from './AgentControls.js';

/** Who the agent is and what it is doing, with the actions a user takes on it. */
export function AgentHeader({ agent }: { agent: AgentView }) {
  return (
    <header className="agent-header" data-agent-id={agent.id} data-status={agent.status}>
      <div className="agent-header-title">
        <h1>{agent.taskTitle ?? `Agent ${agent.id}`}</h1>
        {/* Polite live region: a switch to needs_permission is announced without a refresh. */}
        <p className="agent-header-status" aria-live="polite">
          <StatusBadge status={agent.status} />{' '}
          <span className="muted">
            for <RelativeTime iso={agent.statusSince} /> (from {agent.statusSource})
          </span>
        </p>
        <ReviewLink taskId={agent.taskId} />
      </div>
      <dl className="agent-facts">
        <div>
          <dt>Agent</dt>
          <dd className="mono">{agent.id}</dd>
        </div>
        <div>
          <dt>Adapter</dt>
          <dd>{agent.adapter}</dd>
        </div>
        <div>
          <dt>Branch</dt>
          <dd className="mono">{agent.branch}</dd>
        </div>
        <div>
          <dt>Restarts</dt>
          <dd>{agent.restartCount}</dd>
        </div>
        {agent.exitCode !== null && (
          <div>
            <dt>Exit code</dt>
            <dd>{agent.exitCode}</dd>
          </div>
        )}
      </dl>
      <AgentAsk agent={agent} full />
      <AgentProgressLine agent={agent} />
      <AgentControls agent={agent} />
    </header>
  );
}
