import type { Agent } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import { branchExists, type RemoveResult, removeWorktree } from '../git/index.js';
import type { SupervisorContext } from './context.js';
import type { Lifecycle } from './lifecycle.js';
import { isLive } from './machine.js';

/** Options of `remove`. */
export interface RemoveOptions {
  /** Stop a live agent first; with removeWorktree, discard uncommitted work too. */
  force?: boolean;
  /** Also remove the worktree (never its branch), following the never-lose-work rules. */
  removeWorktree?: boolean;
}

/** What `remove` did. */
export interface RemoveOutcome {
  agent: Agent;
  worktree: RemoveResult | null;
  /**
   * The agent's branch as it is after the removal. Flotilla never deletes it here, but someone
   * may have (`git branch -D`, `worktree clean --merged`): what is printed must be what is true.
   */
  branch: { name: string; exists: boolean };
}

/**
 * Removes an agent: its session is killed and its row hidden (kept for history: costs, audit).
 * The branch is always kept; the worktree goes only when asked, and never with uncommitted work
 * unless forced. The worktree check runs before anything changes, so a refusal changes nothing.
 */
export async function removeAgent(
  ctx: SupervisorContext,
  lifecycle: Lifecycle,
  agent: Agent,
  options: RemoveOptions,
): Promise<RemoveOutcome> {
  if (isLive(agent.status) || agent.status === 'restarting') {
    if (!options.force) {
      throw new FlotillaError('CONFLICT', `agent ${agent.id} is ${agent.status}`, {
        hint: `stop it first (flotilla stop ${agent.id}), or remove it with --force`,
      });
    }
    agent = await lifecycle.stop(agent.id, 'stopped to be removed');
  }
  let worktree: RemoveResult | null = null;
  if (options.removeWorktree) {
    const wt = await ctx.store.worktrees.ofAgent(agent.id);
    const repo = await ctx.store.repos.require(agent.repoId);
    if (wt && wt.removedAt === null) {
      worktree = await removeWorktree({
        repoPath: repo.path,
        path: wt.path,
        branch: wt.branch,
        baseCommit: wt.baseCommit,
        force: options.force ?? false,
        deleteBranch: false,
      });
      if (worktree.worktreeRemoved) await ctx.store.worktrees.markRemoved(wt.id, 'user');
    }
  }
  await lifecycle.cancelWakeups(agent.id);
  await ctx.tmux.killSession(agent.tmuxSession);
  ctx.ingestor.untrack(agent.id);
  ctx.runtime.delete(agent.id);
  const removed = await ctx.store.agents.remove(agent.id, 'user');
  const repo = await ctx.store.repos.get(agent.repoId);
  const exists = repo ? await branchExists(repo.path, agent.branch).catch(() => false) : false;
  return { agent: removed, worktree, branch: { name: agent.branch, exists } };
}
