import { resolve } from 'node:path';

/**
 * Serializes git commands that write or walk `.git/worktrees/` in one repository. Concurrent
 * `git worktree add`s race inside git itself: one reads the other's half-made entry and dies
 * with "failed to read .git/worktrees/<name>/commondir". The daemon is the only process that
 * creates worktrees, so an in-process queue per repository is enough; only the short git step
 * is held, never copying or setup, so parallel creations still overlap.
 */

const tails = new Map<string, Promise<unknown>>();

export async function withWorktreeLock<T>(repoPath: string, fn: () => Promise<T>): Promise<T> {
  const key = resolve(repoPath);
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.then(fn, fn);
  const tail = current.catch(() => undefined);
  tails.set(key, tail);
  try {
    return await current;
  } finally {
    // The last one out removes the entry, so the map does not grow with every repo ever seen.
    if (tails.get(key) === tail) tails.delete(key);
  }
}
