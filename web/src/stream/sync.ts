/**
 * Turns stream events into cache updates. A status change patches the agent's card at once
 * (that is the number users feel: hook → card); everything else marks the affected queries
 * stale, coalesced so a burst of events costs one refetch per resource.
 */
import type { QueryClient } from '@tanstack/react-query';
import { keys } from '../api/queries.js';
import type { AgentView, FlotillaEvent } from '../api/types.js';

const REFRESH_DELAY_MS = 150;

export function createSync(client: QueryClient) {
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | null = null;

  const flush = () => {
    timer = null;
    for (const key of pending) void client.invalidateQueries({ queryKey: [key] });
    pending.clear();
  };
  const refresh = (...queryKeys: string[]) => {
    for (const k of queryKeys) pending.add(k);
    timer ??= setTimeout(flush, REFRESH_DELAY_MS);
  };

  return {
    apply(event: FlotillaEvent): void {
      if (event.type === 'agent.status_changed' && event.agentId) {
        const { to, source } = event.data;
        // An old row may lack `to` (the log is read as written): then only the refresh below.
        if (to) {
          // A list fetch still in flight may have been answered before this change: the list's
          // merge (api/freshness.ts) keeps this newer status when it lands, and the refresh
          // below fetches again after the change. (Cancelling it would revert this patch.)
          client.setQueryData<AgentView[]>(keys.agents, (list) =>
            list?.map((a) =>
              a.id === event.agentId
                ? { ...a, status: to, statusSince: event.ts, statusSource: source ?? a.statusSource }
                : a,
            ),
          );
        }
      }
      if (event.type === 'agent.progress' && event.agentId) {
        // The agent's own progress line shows on its card at once, as a status change does.
        const { text } = event.data;
        if (typeof text === 'string') {
          client.setQueryData<AgentView[]>(keys.agents, (list) =>
            list?.map((a) => (a.id === event.agentId ? { ...a, progress: { text, at: event.ts } } : a)),
          );
        }
      }
      if (event.type.startsWith('agent.')) refresh('agents', 'events');
      if (event.type === 'agent.hook') refresh('diff');
      if (event.type.startsWith('task.') || event.type === 'agent.created') refresh('tasks', 'events');
      if (event.type.startsWith('worktree.')) refresh('diff', 'agents');
      if (event.type === 'repo.registered') refresh('repos');
      // A review page shows the landing as it goes and a task's move in or out of review.
      if (event.type.startsWith('landing.') || event.type === 'task.moved') refresh('review', 'landings');
    },
    /** After a reconnect: the gap was replayed, but figures and anything unevented may be stale. */
    refreshAll(): void {
      refresh('agents', 'tasks', 'repos', 'events', 'diff', 'limits', 'review', 'landings');
    },
    dispose(): void {
      if (timer) clearTimeout(timer);
    },
  };
}
