/**
 * One agent's page (`/agents/:id`): who it is and what it does (header with the same actions
 * as its fleet card), its conversation, its live terminal, its event timeline, its diff and where it lives.
 * Sections are stacked, each with a heading and an anchor in a small in-page menu, rather than
 * tabs: everything stays visible (and findable) at once on a wide screen, and on a phone a
 * heading-to-heading jump is the screen-reader way anyway.
 */
import { Link } from 'wouter';
import { ApiError } from '../../api/client.js';
import { ErrorState } from '../../components/ErrorState.js';
import { ConflictPanel } from '../conflicts/ConflictPanel.js';
import { ConversationView } from '../conversation/ConversationView.js';
import { AgentDetails } from './AgentDetails.js';
import { AgentHeader } from './AgentHeader.js';
import { DiffPanel } from './DiffPanel.js';
import { TerminalPanel } from './TerminalPanel.js';
import { Timeline } from './Timeline.js';
import { useAgent } from './useAgent.js';
import './AgentPage.css';

const SECTIONS = [
  { id: 'conversation', title: 'Conversation' },
  { id: 'terminal', title: 'Terminal' },
  { id: 'timeline', title: 'Timeline' },
  { id: 'diff', title: 'Diff' },
  { id: 'conflicts', title: 'Conflicts' },
  { id: 'details', title: 'Details' },
] as const;

export function AgentPage({ id }: { id: string }) {
  const { agent, error, pending, refetch } = useAgent(id);
  if (error) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <div className="agent-page">
        <ErrorState
          title={missing ? `No agent ${id}` : 'Cannot load the agent'}
          error={error}
          onRetry={missing ? undefined : () => void refetch()}
        />
        <p>
          <Link href="/">Back to the fleet</Link>
        </p>
      </div>
    );
  }
  if (pending || !agent)
    return (
      <p className="muted" aria-busy="true">
        Loading agent {id}…
      </p>
    );
  return (
    <div className="agent-page">
      <nav className="agent-crumbs" aria-label="Breadcrumb">
        <Link href="/">Fleet</Link> <span aria-hidden="true">/</span>{' '}
        <span aria-current="page" className="mono">
          {agent.id}
        </span>
      </nav>
      <AgentHeader agent={agent} />
      <nav className="agent-sections-nav" aria-label="Sections of this page">
        <ul>
          {SECTIONS.map((s) => (
            <li key={s.id}>
              <a href={`#agent-${s.id}`}>{s.title}</a>
            </li>
          ))}
        </ul>
      </nav>
      <div className="agent-grid">
        <section
          id="agent-conversation"
          className="agent-section agent-conversation"
          aria-labelledby="h-conversation"
        >
          <h2 id="h-conversation">Conversation</h2>
          <ConversationView agentId={agent.id} />
        </section>
        <section id="agent-terminal" className="agent-section agent-terminal" aria-labelledby="h-terminal">
          <h2 id="h-terminal">Terminal</h2>
          <TerminalPanel agentId={agent.id} />
        </section>
        <section id="agent-timeline" className="agent-section agent-timeline" aria-labelledby="h-timeline">
          <h2 id="h-timeline">Timeline</h2>
          <div data-testid="timeline">
            <Timeline agentId={agent.id} />
          </div>
        </section>
        <section id="agent-diff" className="agent-section agent-diff" aria-labelledby="h-diff">
          <h2 id="h-diff">Diff</h2>
          <DiffPanel taskId={agent.taskId} branch={agent.branch} />
        </section>
        <section id="agent-conflicts" className="agent-section agent-conflicts" aria-labelledby="h-conflicts">
          <h2 id="h-conflicts">Conflicts</h2>
          <ConflictPanel agentId={agent.id} />
        </section>
        <section
          id="agent-details"
          className="agent-section agent-details-section"
          aria-labelledby="h-details"
        >
          <h2 id="h-details">Details</h2>
          <AgentDetails agent={agent} />
        </section>
      </div>
    </div>
  );
}
