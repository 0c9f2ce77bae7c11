import type { Task } from '../domain/task.js';
import type { Store } from '../store/index.js';

/**
 * Whether a task's work is on its base branch: the question a dependent's start asks of a
 * dependency marked done. Done is not enough: a card dragged to Done (or moved by `task move`)
 * without its branch landed would let the dependent start from a base without that code.
 * A task that never had a branch (planning, manual work), a branch with no commits of its own,
 * and a branch already deleted (Flotilla deletes only merged ones) count as landed.
 */
export async function isTaskLanded(store: Store, task: Pick<Task, 'id' | 'repoId'>): Promise<boolean> {
  const repo = await store.repos.get(task.repoId);
  if (!repo) return true;
  const worktree = await store.worktrees.lastOfTask(task.id);
  if (!worktree || worktree.baseRef === '') return true;
  const git = await import('../git/index.js');
  if (!(await git.branchExists(repo.path, worktree.branch))) return true;
  try {
    return (await git.isMerged(repo.path, worktree.branch, worktree.baseRef)).merged;
  } catch {
    return true; // the base is gone or unreadable: nothing to compare with, do not block for ever
  }
}
