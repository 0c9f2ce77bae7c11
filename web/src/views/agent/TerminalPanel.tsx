import { lazy, Suspense } from 'react';
import { useTerminalInput } from '../../api/queries.js';
import './TerminalPanel.css';

// Lazy so xterm (and its CSS) load only when an agent's terminal is on screen.
const XTermView = lazy(() => import('./XTermView.js'));

/** The agent's live terminal, read-only unless the daemon's config lets the page type into it. */
export function TerminalPanel({ agentId }: { agentId: string }) {
  const input = useTerminalInput();
  return (
    <div className="terminal-panel">
      <p className="terminal-mode muted" data-testid="terminal-mode">
        {input ? (
          'Typing here goes to the agent.'
        ) : (
          <>
            Read-only: set <code>server.terminal_input: true</code> to type here
          </>
        )}
      </p>
      <section
        className="terminal-frame"
        data-testid="terminal"
        data-readonly={input ? 'false' : 'true'}
        aria-label={`Terminal of agent ${agentId}${input ? '' : ' (read-only)'}`}
      >
        <Suspense fallback={<p className="muted terminal-loading">Loading terminal…</p>}>
          <XTermView agentId={agentId} input={input} />
        </Suspense>
      </section>
    </div>
  );
}
