import { resolve } from 'node:path';
import { KeyedMutex } from '../proc/keyed-mutex.js';

/**
 * Serializes git commands that write or walk `.git/worktrees/` in one repository. Concurrent
 * `git worktree add`s race inside git itself: one reads the other's half-made entry and dies
 * with "failed to read .git/worktrees/<name>/commondir". The daemon is the only process that
 * creates worktrees, so an in-process queue per repository is enough; only the short git step
 * is held, never copying or setup, so parallel creations still overlap.
 */

const locks = new KeyedMutex();

export function withWorktreeLock<T>(repoPath: string, fn: () => Promise<T>): Promise<T> {
  return locks.run(resolve(repoPath), fn);
}
