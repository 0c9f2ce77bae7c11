import type { Agent } from '../domain/agent.js';
import type { Task } from '../domain/task.js';
import type { Worktree } from '../domain/worktree.js';
import type { EventBus } from '../events/bus.js';
import type { Store } from '../store/index.js';
import { ACTIVE_LANDING_STATES } from '../store/landings.js';
import type { SupervisorLogger } from '../supervisor/index.js';

/**
 * Tasks follow git. A task whose branch was merged into its base outside Flotilla (fast-forward,
 * merge, squash, rebase: git/merge.ts) moves to done, so its dependents become ready; an
 * interactive agent that ends a turn with commits ahead of the base moves its task to review.
 * Looked at when a turn ends or a landing lands, and every TICK_MS for merges made by hand (cheap: see followMerges).
 */

const TICK_MS = 5_000;
/** Tasks this watches: the ones an agent is on or that wait for review. */
const FOLLOWED: readonly Task['status'][] = ['in_progress', 'review'];

export class GitFollower {
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  /** Per task, the branch and base tips its merge check last saw. */
  private readonly checked = new Map<string, string>();

  constructor(
    private readonly deps: {
      store: Store;
      bus: EventBus;
      logger: SupervisorLogger;
      /** After a landing sent back returns to review: land it again (the queue's own retry). */
      relaunch(taskId: string): Promise<void>;
    },
  ) {}

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe(
      { types: ['agent.status_changed', 'landing.landed', 'task.moved'], liveOnly: true },
      (event) => {
        if (event.type === 'agent.status_changed' && event.data.to === 'idle' && event.agentId) {
          void this.turnEnded(event.agentId).catch((err) =>
            this.deps.logger.warn({ err, agentId: event.agentId }, 'review check failed'),
          );
        } else if (event.type === 'task.moved' && event.data.to === 'review' && event.taskId) {
          void this.deps.relaunch(event.taskId).catch(() => undefined);
        }
        if (event.type !== 'task.moved') this.wake();
      },
    );
    this.timer = setInterval(() => this.wake(), TICK_MS);
    this.timer.unref();
    this.wake();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.followMerges();
        } catch (err) {
          this.deps.logger.warn({ err }, 'following merges failed');
        }
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
  }

  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /**
   * Moves to done each followed task whose branch (with commits of its own) is merged into its
   * base. One `for-each-ref` per repo a pass; the merge check runs only for a task whose branch
   * or base moved since it was last checked, so an idle fleet costs one git call per repo.
   */
  async followMerges(): Promise<string[]> {
    const { store } = this.deps;
    const git = await import('../git/index.js');
    const moved: string[] = [];
    const tipsOf = new Map<string, Map<string, string>>();
    const worktreesOf = new Map<string, Worktree[]>();
    const repos = new Map((await store.repos.list()).map((r) => [r.id, r]));
    for (const task of await store.tasks.list({ status: [...FOLLOWED] })) {
      const repo = repos.get(task.repoId);
      let worktrees = worktreesOf.get(task.repoId);
      if (!worktrees) {
        worktrees = await store.worktrees.list({ includeRemoved: true, repoId: task.repoId });
        worktreesOf.set(task.repoId, worktrees);
      }
      const worktree = worktrees.filter((w) => w.taskId === task.id).at(-1);
      if (!repo || !worktree || worktree.baseRef === '') continue;
      let tips = tipsOf.get(repo.id);
      if (!tips) {
        tips = await git.branchTips(repo.path);
        tipsOf.set(repo.id, tips);
      }
      const tip = tips.get(worktree.branch);
      const baseTip = tips.get(worktree.baseRef);
      // No commits of its own (trivially "merged"), or unchanged since the last look.
      if (!tip || !baseTip || tip === worktree.baseCommit) continue;
      const key = `${tip} ${baseTip}`;
      if (this.checked.get(task.id) === key) continue;
      // A landing in the queue owns the move to done.
      if ((await store.landings.list({ taskId: task.id, states: ACTIVE_LANDING_STATES })).length > 0)
        continue;
      const check = await git.isMerged(repo.path, worktree.branch, worktree.baseRef).catch(() => null);
      this.checked.set(task.id, key);
      if (!check?.merged) continue;
      await store.tasks.move(task.id, 'done', 'scheduler');
      this.deps.logger.info(
        { taskId: task.id, how: check.how },
        'task done: its branch was merged outside Flotilla',
      );
      moved.push(task.id);
    }
    return moved;
  }

  /** An interactive agent idle at its prompt with commits ahead of its base: its task goes to review. */
  async turnEnded(agentId: string): Promise<boolean> {
    const { store } = this.deps;
    const agent: Agent | null = await store.agents.get(agentId);
    if (agent?.mode !== 'interactive') return false;
    const task = await store.tasks.get(agent.taskId);
    if (task?.status !== 'in_progress') return false;
    const repo = await store.repos.get(task.repoId);
    const worktree = await store.worktrees.ofAgent(agent.id);
    if (!repo || !worktree || worktree.removedAt !== null || worktree.baseRef === '') return false;
    const git = await import('../git/index.js');
    const summary = await git.branchSummary(repo.path, worktree.baseRef, worktree.branch);
    if (summary.ahead === 0) return false;
    // Uncommitted changes mean the work is not finished: the agent stopped half-way or asked.
    const status = await git.worktreeStatus(worktree.path, worktree.baseRef).catch(() => null);
    if (status?.dirty) return false;
    await store.tasks.move(task.id, 'review', 'supervisor');
    return true;
  }
}
