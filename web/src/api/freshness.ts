/**
 * Never let an older picture of an agent overwrite a newer one. A status reaches the page two
 * ways: an event over the stream (patched in at once) and a fetched list (the 5 s figures
 * refresh, a refetch after events, an action's answer). A response computed before an event
 * but arriving after it would put the old status back on the card, showing an agent as busy
 * when it waits for the user. So a status moves forward in time only.
 */
import { replaceEqualDeep } from '@tanstack/react-query';
import type { AgentView } from './types.js';

/** `next`, except that an agent's status is kept from `prev` where that one is newer. */
export function newerStatus(prev: AgentView, next: AgentView): AgentView {
  if (prev.statusSince <= next.statusSince) return next;
  return { ...next, status: prev.status, statusSince: prev.statusSince, statusSource: prev.statusSource };
}

/** The structural-sharing step for the agent list: merge by id, then share unchanged parts. */
export function mergeAgentLists(prev: unknown, next: unknown): unknown {
  if (!Array.isArray(prev) || !Array.isArray(next)) return next;
  const before = new Map((prev as AgentView[]).map((a) => [a.id, a]));
  const merged = (next as AgentView[]).map((a) => {
    const old = before.get(a.id);
    return old ? newerStatus(old, a) : a;
  });
  return replaceEqualDeep(prev, merged);
}
