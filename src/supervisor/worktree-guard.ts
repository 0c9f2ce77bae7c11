import type { AgentStatus } from '../domain/agent.js';
import type { Worktree } from '../domain/worktree.js';
import { KeyedMutex } from '../proc/keyed-mutex.js';
import type { SupervisorContext } from './context.js';
import type { StartLocks } from './launch.js';
import { type AgentMachines, type HeldAgent, isLive } from './machine.js';

/**
 * Work on a task's worktree (removing it, never losing work) while no agent can run in it.
 *
 * Checking "no live agent uses it" and then removing it left a gap: a restart between the two
 * relaunched the agent in a directory that was then deleted. Here the check and the work run
 * holding the state-machine lock of every agent of the worktree (a restart or a resume takes
 * that lock before it relaunches), and with the task marked so that a new start on the task,
 * which would reuse the worktree, is refused until the work is done. A start already in flight
 * counts as holding it.
 */

/** Who holds a worktree: a live agent, or (agentId null) an agent being started on its task. */
export type WorktreeHolder = { agentId: string; status: AgentStatus } | { agentId: null; status: 'starting' };

/** What `whenFree` did: the work's answer, or who held the worktree (the work did not run). */
export type WhenFree<T> = { done: T } | { heldBy: WorktreeHolder };

export class WorktreeGuard {
  /** One piece of work per task at a time, so that the task's mark is one owner's. */
  private readonly tasks = new KeyedMutex();

  constructor(
    private readonly ctx: Pick<SupervisorContext, 'store' | 'machines'>,
    private readonly locks: StartLocks,
  ) {}

  whenFree<T>(worktree: Pick<Worktree, 'taskId' | 'path'>, work: () => Promise<T>): Promise<WhenFree<T>> {
    const { taskId } = worktree;
    return this.tasks.run(taskId, async () => {
      // Checked and marked in one step (no await between), as a start checks and marks the task.
      if (this.locks.tasks.has(taskId)) return { heldBy: { agentId: null, status: 'starting' } };
      this.locks.clearing.add(taskId);
      try {
        // Listed after the mark: every agent that can still run in the worktree is here.
        const ids = (await this.ctx.store.agents.list({ taskId }))
          .filter((a) => a.worktreePath === worktree.path)
          .map((a) => a.id)
          .sort();
        return await holding(this.ctx.machines, ids, [], async (held) => {
          const live = held.find((h) => isLive(h.agent.status) || h.agent.status === 'restarting');
          if (live) return { heldBy: { agentId: live.agent.id, status: live.agent.status } };
          return { done: await work() };
        });
      } finally {
        this.locks.clearing.delete(taskId);
      }
    });
  }
}

/** Runs `fn` holding every agent's lock, taken in id order (two guards never wait on each other). */
function holding<T>(
  machines: AgentMachines,
  ids: readonly string[],
  held: HeldAgent[],
  fn: (held: HeldAgent[]) => Promise<T>,
): Promise<T> {
  const [first, ...rest] = ids;
  if (first === undefined) return fn(held);
  return machines.run(first, (h) => holding(machines, rest, [...held, h], fn));
}
