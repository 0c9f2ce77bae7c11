/**
 * Says out loud (to screen readers, politely) when an agent starts waiting for the user. The
 * first load announces nothing: the page itself shows what was already waiting. (The tab title
 * and desktop notifications are app-wide: attention/AttentionWatcher.tsx.)
 */
import { useEffect, useRef, useState } from 'react';
import type { AgentStatus, AgentView } from '../../api/types.js';
import { newlyWaiting, snapshot } from '../../attention/attention.js';

export function AttentionAnnouncer({ agents }: { agents: readonly AgentView[] | undefined }) {
  const seen = useRef<Map<string, AgentStatus> | null>(null);
  const [message, setMessage] = useState<{ seq: number; text: string } | null>(null);

  useEffect(() => {
    if (!agents) return;
    const before = seen.current;
    seen.current = snapshot(agents);
    if (!before) return;
    const messages = newlyWaiting(before, agents).map((w) => w.text);
    // A fresh node per announcement, so the same words said twice are still read twice.
    if (messages.length > 0) setMessage((m) => ({ seq: (m?.seq ?? 0) + 1, text: `${messages.join('. ')}.` }));
  }, [agents]);

  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="fleet-announcer">
      {message && <p key={message.seq}>{message.text}</p>}
    </div>
  );
}
