/**
 * An agent's terminal as text: its output played through a terminal emulator by the daemon
 * (`GET /agents/:id/logs?raw=true`), so what shows is the lines that were on screen, refreshed
 * every few seconds while shown.
 */
import { useEffect, useState } from 'react';
import { api, qs } from '../../api/client.js';
import { ErrorState } from '../../components/ErrorState.js';
import './ConversationView.css';

export function RawTerminalView({ agentId }: { agentId: string }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let cancelled = false;
    const load = () =>
      api<{ text: string }>(
        `/agents/${encodeURIComponent(agentId)}/logs${qs({ lines: 2000, raw: true })}`,
      ).then(
        (r) => {
          if (!cancelled) {
            setText(r.text);
            setError(null);
          }
        },
        (e: unknown) => {
          if (!cancelled) setError(e);
        },
      );
    void load();
    const timer = setInterval(() => void load(), 3000);
    return () => {
      cancelled = true;
      clearInterval(timer);
    };
  }, [agentId]);
  if (error && text === null) return <ErrorState title="Cannot load the terminal output" error={error} />;
  if (text === null)
    return (
      <p className="muted" aria-busy="true">
        Loading the terminal output…
      </p>
    );
  return (
    <section className="raw-terminal-region" aria-label="Terminal output">
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <pre className="raw-terminal" data-testid="raw-terminal" tabIndex={0}>
        {text || '(no output yet)'}
      </pre>
    </section>
  );
}
