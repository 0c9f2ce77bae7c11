/**
 * What an agent waits on, shown where the user decides (the fleet card and the agent page), so
 * nobody has to attach to learn it: the exact tool call a permission asks for (with the diff of
 * an edit), the question asked, or — for a finished turn — its last message.
 */
import type { AgentView } from '../api/types.js';
import './AgentAsk.css';

/** The question itself, without the "asks: " the status detail starts with. */
const question = (detail: string | null) => (detail?.startsWith('asks: ') ? detail.slice(6) : detail);

export function AgentAsk({ agent, full = false }: { agent: AgentView; full?: boolean }) {
  const p = agent.pendingPermission;
  if (agent.status === 'needs_permission') {
    if (!p) return agent.statusDetail ? <p className="agent-ask mono">{agent.statusDetail}</p> : null;
    return (
      <div className="agent-ask" data-testid="agent-ask">
        <p className="agent-ask-call">
          <span className="agent-ask-tool">{p.tool}</span>
          {p.subject !== null && <code className="agent-ask-subject">{p.subject}</code>}
        </p>
        {p.diff !== null && (
          <details open={full}>
            <summary>What it would change</summary>
            <pre className="agent-ask-diff mono">{p.diff}</pre>
          </details>
        )}
      </div>
    );
  }
  if (agent.status === 'needs_input') {
    const asked = question(agent.statusDetail);
    return asked ? (
      <p className="agent-ask agent-ask-question" data-testid="agent-ask">
        {asked}
      </p>
    ) : null;
  }
  if (agent.lastMessage && (full || agent.status === 'idle')) {
    return (
      <p
        className={`agent-ask agent-ask-message${full ? '' : ' agent-ask-clamp'}`}
        data-testid="agent-last-message"
      >
        <span className="visually-hidden">Last message: </span>
        {agent.lastMessage}
      </p>
    );
  }
  return null;
}
