import type { Agent } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import { branchExists, type RemoveResult } from '../git/index.js';
import type { SupervisorContext } from './context.js';
import type { Lifecycle } from './lifecycle.js';
import { isLive } from './machine.js';

/** Options of `remove`. */
export interface RemoveOptions {
  /** Stop a live agent first. */
  force?: boolean;
}

/** What removing an agent did. */
export interface RemoveOutcome {
  agent: Agent;
  /** The agent's worktree's removal, when the caller asked for it (core/agents.ts); else null. */
  worktree: RemoveResult | null;
  /**
   * The agent's branch as it is after the removal. Flotilla never deletes it here, but someone
   * may have (`git branch -D`, `worktree clean --merged`): what is printed must be what is true.
   */
  branch: { name: string; exists: boolean };
}

/**
 * Removes an agent: its session is killed and its row hidden (kept for history: costs, audit).
 * The branch and the worktree are kept: removing the worktree too is core/worktrees.ts's one
 * removal, which the agent service runs around this. Every event is recorded as `actor`'s.
 */
export async function removeAgent(
  ctx: SupervisorContext,
  lifecycle: Lifecycle,
  agent: Agent,
  options: RemoveOptions,
  actor: Actor,
): Promise<RemoveOutcome> {
  if (isLive(agent.status) || agent.status === 'restarting') {
    if (!options.force) {
      throw new FlotillaError('CONFLICT', `agent ${agent.id} is ${agent.status}`, {
        hint: `stop it first (flotilla stop ${agent.id}), or remove it with --force`,
      });
    }
    agent = await lifecycle.stop(agent.id, actor, 'stopped to be removed');
  }
  await lifecycle.cancelWakeups(agent.id);
  await ctx.tmux.killSession(agent.tmuxSession);
  ctx.ingestor.untrack(agent.id);
  ctx.runtime.delete(agent.id);
  const removed = await ctx.store.agents.remove(agent.id, actor);
  const repo = await ctx.store.repos.get(agent.repoId);
  const exists = repo ? await branchExists(repo.path, agent.branch).catch(() => false) : false;
  return { agent: removed, worktree: null, branch: { name: agent.branch, exists } };
}
