/**
 * The agent's own latest word on what it is doing (its `report_progress` MCP tool), on its card
 * and its page: the line it reported and how long ago. Nothing when it has reported none.
 */
import type { AgentView } from '../api/types.js';
import { RelativeTime } from './RelativeTime.js';
import './AgentProgressLine.css';

export function AgentProgressLine({ agent }: { agent: AgentView }) {
  const p = agent.progress;
  if (!p) return null;
  return (
    <p className="card-progress" data-testid="agent-progress" title={p.text}>
      <span className="card-progress-label">Progress:</span>
      {p.text}{' '}
      <span className="muted">
        (<RelativeTime iso={p.at} /> ago)
      </span>
    </p>
  );
}
