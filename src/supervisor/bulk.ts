import type { Agent, AgentStatus } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { RemoveOutcome } from './remove.js';

/**
 * Statuses of an agent that is done: nothing runs, so removing it loses nothing but its session
 * (the branch is always kept; the worktree only goes when asked, by the usual rules).
 */
export const FINISHED_AGENT_STATUSES: readonly AgentStatus[] = ['exited', 'stopped', 'crashed'];

/** How a bulk removal removes one agent (the agent service's, which may take its worktree too). */
export interface BulkRemoveOptions {
  force?: boolean;
  removeWorktree?: boolean;
}

/**
 * The operations a bulk action is made of (the supervisor's list and stop, the agent service's
 * removal). Each names its actor: the bulk action's caller.
 */
export interface BulkOps {
  list(): Promise<Agent[]>;
  stop(id: string, actor: Actor): Promise<Agent>;
  remove(id: string, options: BulkRemoveOptions, actor: Actor): Promise<RemoveOutcome>;
}

/** One agent a bulk action could not act on, and why (the rest went ahead). */
export interface BulkFailure {
  agentId: string;
  code: string;
  message: string;
  hint?: string;
}

/**
 * Stops go a few at a time: each escalates SIGINT → SIGTERM → SIGKILL with waits, so one by one
 * would make "stop all" of ten agents take a minute; all at once would fork a burst of tmux calls.
 */
const CONCURRENCY = 4;

async function eachBounded<T, R>(
  items: readonly T[],
  act: (item: T) => Promise<R>,
): Promise<{ done: R[]; failed: { item: T; err: unknown }[] }> {
  const done: R[] = [];
  const failed: { item: T; err: unknown }[] = [];
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      try {
        done.push(await act(item));
      } catch (err) {
        failed.push({ item, err });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return { done, failed };
}

const failure = (agentId: string, err: unknown): BulkFailure => {
  if (err instanceof FlotillaError)
    return { agentId, code: err.code, message: err.message, ...(err.hint ? { hint: err.hint } : {}) };
  return { agentId, code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
};

/** Stops every agent that is not finished (of one repo when `repoId` is given), as `actor`. */
export async function stopAll(
  ops: BulkOps,
  actor: Actor,
  options: { repoId?: string } = {},
): Promise<{ stopped: Agent[]; failed: BulkFailure[] }> {
  const targets = (await ops.list()).filter(
    (a) =>
      !FINISHED_AGENT_STATUSES.includes(a.status) &&
      (options.repoId === undefined || a.repoId === options.repoId),
  );
  const { done, failed } = await eachBounded(targets, (a) => ops.stop(a.id, actor));
  return { stopped: done, failed: failed.map((f) => failure(f.item.id, f.err)) };
}

/**
 * Removes every finished agent (of one repo when `repoId` is given). Never forced: a worktree
 * with uncommitted or unmerged work is refused for that agent (reported, the rest go ahead).
 * Recorded as `actor`'s.
 */
export async function removeFinished(
  ops: BulkOps,
  actor: Actor,
  options: { repoId?: string; removeWorktree?: boolean } = {},
): Promise<{ removed: RemoveOutcome[]; failed: BulkFailure[] }> {
  const targets = (await ops.list()).filter(
    (a) =>
      FINISHED_AGENT_STATUSES.includes(a.status) &&
      (options.repoId === undefined || a.repoId === options.repoId),
  );
  const { done, failed } = await eachBounded(targets, (a) =>
    ops.remove(a.id, { force: false, removeWorktree: options.removeWorktree ?? false }, actor),
  );
  return { removed: done, failed: failed.map((f) => failure(f.item.id, f.err)) };
}
