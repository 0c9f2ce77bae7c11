/**
 * App-wide, on every page: the tab title counts the agents waiting for the user, and (when the
 * user turned them on) a desktop notification fires when one starts waiting while the page is
 * not in front. The first snapshot notifies nothing: the page shows what already waits.
 */
import { useEffect, useRef } from 'react';
import { useLocation } from 'wouter';
import { useAgents } from '../api/queries.js';
import type { AgentStatus } from '../api/types.js';
import { isWaiting, newlyWaiting, snapshot } from './attention.js';
import { notify } from './notifications.js';

export function AttentionWatcher() {
  const agents = useAgents().data;
  const [, navigate] = useLocation();
  const seen = useRef<Map<string, AgentStatus> | null>(null);

  useEffect(() => {
    if (!agents) return;
    const before = seen.current;
    seen.current = snapshot(agents);
    if (!before || (document.visibilityState === 'visible' && document.hasFocus())) return;
    for (const w of newlyWaiting(before, agents)) {
      notify(
        w.agent.id,
        `Flotilla: ${w.agent.status === 'needs_permission' ? 'approval needed' : 'input needed'}`,
        w.text,
        navigate,
      );
    }
  }, [agents, navigate]);

  const waiting = agents?.filter((a) => isWaiting(a.status)).length ?? 0;
  useEffect(() => {
    const base = 'Flotilla';
    document.title = waiting > 0 ? `(${waiting}) ${base} — ${waiting} waiting for you` : base;
    return () => {
      document.title = base;
    };
  }, [waiting]);

  return null;
}
