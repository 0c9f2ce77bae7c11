/**
 * Says out loud (to screen readers, politely) when an agent starts waiting for the user, and
 * puts the number of waiting agents in the tab's title, for a page left open in the background.
 * The first load announces nothing: the page itself shows what was already waiting.
 */
import { useEffect, useRef, useState } from 'react';
import type { AgentStatus, AgentView } from '../../api/types.js';
import { isWaiting } from './order.js';

const PHRASE: Partial<Record<AgentStatus, string>> = {
  needs_permission: 'needs your permission',
  needs_input: 'needs your input',
};

/** The announcements for agents that entered a waiting status between two fleet snapshots. */
export function newlyWaiting(
  before: ReadonlyMap<string, AgentStatus>,
  agents: readonly AgentView[],
): string[] {
  const messages: string[] = [];
  for (const a of agents) {
    const phrase = PHRASE[a.status];
    if (!phrase || before.get(a.id) === a.status) continue;
    messages.push(`Agent ${a.id}${a.taskTitle ? ` (${a.taskTitle})` : ''} ${phrase}`);
  }
  return messages;
}

export function AttentionAnnouncer({ agents }: { agents: readonly AgentView[] | undefined }) {
  const seen = useRef<Map<string, AgentStatus> | null>(null);
  const [message, setMessage] = useState<{ seq: number; text: string } | null>(null);

  useEffect(() => {
    if (!agents) return;
    const before = seen.current;
    seen.current = new Map(agents.map((a) => [a.id, a.status]));
    if (!before) return;
    const messages = newlyWaiting(before, agents);
    // A fresh node per announcement, so the same words said twice are still read twice.
    if (messages.length > 0) setMessage((m) => ({ seq: (m?.seq ?? 0) + 1, text: `${messages.join('. ')}.` }));
  }, [agents]);

  const waiting = agents?.filter((a) => isWaiting(a.status)).length ?? 0;
  useEffect(() => {
    const base = 'Flotilla';
    document.title = waiting > 0 ? `(${waiting}) ${base} — ${waiting} waiting for you` : base;
    return () => {
      document.title = base;
    };
  }, [waiting]);

  return (
    <div className="visually-hidden" aria-live="polite" aria-atomic="true" data-testid="fleet-announcer">
      {message && <p key={message.seq}>{message.text}</p>}
    </div>
  );
}
