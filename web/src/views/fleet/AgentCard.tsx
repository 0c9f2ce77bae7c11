/**
 * One agent on the fleet view: what it is doing and since when, which task and branch, how it
 * is faring (restarts, CPU, memory, its last line of output), and what you can do about it.
 * Memoized on the agent object: the query cache keeps an unchanged agent's identity across
 * refetches, so a refresh re-renders only the cards whose agent changed.
 */
import { memo } from 'react';
import { Link } from 'wouter';
import type { AgentView } from '../../api/types.js';
import { AgentAsk } from '../../components/AgentAsk.js';
import { AgentProgressLine } from '../../components/AgentProgressLine.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { ReviewLink } from '../../components/ReviewLink.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { withDrawableGlyphs } from '../agent/terminalGlyphs.js';
import { ConflictBadges } from '../conflicts/ConflictBadges.js';
import { CardActions } from './CardActions.js';
import type { OpenDialog } from './FleetDialogs.js';
import { formatBytes, formatCpu } from './format.js';
import { Sparkline } from './Sparkline.js';
import './AgentCard.css';

/** What a waiting card says, in words and an icon (colour is never the only cue). */
const WAITING_NOTE: Partial<Record<AgentView['status'], { icon: string; text: string }>> = {
  needs_permission: { icon: '!', text: 'Waiting for your approval' },
  needs_input: { icon: '?', text: 'Waiting for your answer' },
};

export const AgentCard = memo(function AgentCard({
  agent,
  onDialog,
}: {
  agent: AgentView;
  onDialog: OpenDialog;
}) {
  const waiting = WAITING_NOTE[agent.status];
  const samples = agent.cpuHistory.length;
  const cpuText = formatCpu(agent.cpuPercent);
  const rssText = formatBytes(agent.rssBytes);
  const titleId = `agent-${agent.id}-title`;
  return (
    <article
      className={`agent-card${waiting ? ' agent-card-waiting' : ''}`}
      data-testid="agent-card"
      data-agent-id={agent.id}
      data-status={agent.status}
      aria-labelledby={titleId}
    >
      <header className="card-head">
        <StatusBadge status={agent.status} />
        <span className="card-since muted">
          for <RelativeTime iso={agent.statusSince} />
        </span>
        <span className="card-adapter" title={`Adapter: ${agent.adapter} (${agent.mode})`}>
          {agent.adapter}
        </span>
      </header>

      {waiting && (
        <p className="card-waiting">
          <span className="attention-icon" aria-hidden="true">
            {waiting.icon}
          </span>
          {waiting.text}
        </p>
      )}
      {agent.status === 'idle' && !agent.resumeAt && <p className="card-finished">Turn done — your move</p>}
      <AgentAsk agent={agent} />
      <AgentProgressLine agent={agent} />
      <ConflictBadges agentId={agent.id} />
      {agent.warning && (
        <p className="card-warning" role="status">
          <strong>Warning:</strong> {agent.warning}
        </p>
      )}

      <h3 className="card-title" id={titleId}>
        {agent.taskTitle ? (
          <Link href={`/agents/${agent.id}`}>{agent.taskTitle}</Link>
        ) : (
          <Link href={`/agents/${agent.id}`} aria-label={`Open agent ${agent.id}`}>
            Agent {agent.id}
          </Link>
        )}
      </h3>
      <ReviewLink taskId={agent.taskId} title={agent.taskTitle} />

      <dl className="card-facts">
        <div>
          <dt>Agent</dt>
          <dd className="mono">{agent.id}</dd>
        </div>
        <div className="card-branch">
          <dt>Branch</dt>
          <dd className="mono" title={agent.branch}>
            {agent.branch}
          </dd>
        </div>
        <div>
          <dt>Restarts</dt>
          <dd className={agent.restartCount > 0 ? 'card-restarts' : undefined}>{agent.restartCount}</dd>
        </div>
        {agent.exitCode !== null && (
          <div>
            <dt>Exit code</dt>
            <dd className="mono">{agent.exitCode}</dd>
          </div>
        )}
        {agent.resumeAt && (
          <div>
            <dt>Resumes</dt>
            <dd>
              <time dateTime={agent.resumeAt}>{new Date(agent.resumeAt).toLocaleTimeString()}</time>
            </dd>
          </div>
        )}
      </dl>

      <div className="card-resources">
        <span className="card-resource">
          <Sparkline
            values={agent.cpuHistory}
            max={100}
            className="sparkline-cpu"
            label={samples ? `CPU over the last ${samples} samples, now ${cpuText}` : 'CPU: no samples yet'}
          />
          <span className="card-figure">{cpuText}</span>
        </span>
        <span className="card-resource">
          <Sparkline
            values={agent.rssHistory}
            max={0}
            className="sparkline-rss"
            label={
              agent.rssHistory.length
                ? `Memory over the last ${agent.rssHistory.length} samples, now ${rssText}`
                : 'Memory: no samples yet'
            }
          />
          <span className="card-figure">{rssText}</span>
        </span>
      </div>

      <p className="card-output mono" title={agent.lastOutput ?? undefined}>
        <span className="visually-hidden">Last output: </span>
        {/* The screen's own symbols: ⎿ and ⏺ have no glyph in the fonts a browser may have. */}
        {agent.lastOutput === null ? (
          <span className="muted">no output seen yet</span>
        ) : (
          withDrawableGlyphs(agent.lastOutput)
        )}
      </p>

      <CardActions agent={agent} onDialog={onDialog} />
    </article>
  );
});
