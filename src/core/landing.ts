import { join } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import type { Config } from '../config/schema.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { Landing } from '../domain/landing.js';
import type { Repo } from '../domain/repo.js';
import type { Task } from '../domain/task.js';
import type { Worktree } from '../domain/worktree.js';
import type { Store } from '../store/index.js';
import { ACTIVE_LANDING_STATES } from '../store/landings.js';
import type { SupervisorLogger } from '../supervisor/index.js';
import { type LandingAgents, runLanding } from './landing-run.js';

/**
 * The landing queue: `flotilla land TASK…` and the Land button put tasks in their repo's queue;
 * one landing at a time per repo runs through predict → prepare → verify → advance → finish
 * (core/landing-run.ts). Rows survive a restart and `resume()` picks them up (landing-recovery.ts).
 * See docs/adr/0021-landing-queue.md.
 */

export interface LandingServiceDeps {
  store: Store;
  paths: Pick<StatePaths, 'home'>;
  logger: SupervisorLogger;
  /** The agents side: the repo's config, and the task's agent to stop or send a message to. */
  agents: () => LandingAgents;
}

/** One task's place in the queue, as `land` reports it. */
export interface Queued {
  landing: Landing;
  /** 1 = next to run (or running). */
  position: number;
  /** It was in the queue already; nothing new was queued. */
  already: boolean;
}

export class LandingService {
  /** Repos whose queue is being worked on, and whether more was queued meanwhile. */
  private readonly running = new Map<string, { again: boolean; done: Promise<void> }>();
  private closed = false;

  constructor(private readonly deps: LandingServiceDeps) {}

  /** Where a landing builds its commit and runs its verify: Flotilla's own, never the user's. */
  scratchPath(landingId: string): string {
    return join(this.deps.paths.home, 'landing', landingId);
  }

  /** Queues tasks for landing, in the order given; each is checked before any is queued. */
  async enqueue(taskIdsOrPrefixes: readonly string[], actor: Actor): Promise<Queued[]> {
    if (taskIdsOrPrefixes.length === 0) {
      throw new FlotillaError('INVALID_INPUT', 'name at least one task to land', {
        hint: 'flotilla review lists the tasks waiting for review',
      });
    }
    const checked: { task: Task; repo: Repo; worktree: Worktree; config: Config }[] = [];
    for (const ref of taskIdsOrPrefixes) checked.push(await this.check(ref));
    const out: Queued[] = [];
    for (const { task, repo, worktree, config } of checked) {
      const active = await this.deps.store.landings.list({ taskId: task.id, states: ACTIVE_LANDING_STATES });
      const landing =
        active[0] ??
        (await this.deps.store.landings.enqueue(
          {
            repoId: repo.id,
            taskId: task.id,
            strategy: config.landing.strategy,
            baseRef: worktree.baseRef,
            branch: worktree.branch,
          },
          actor,
        ));
      const queue = await this.deps.store.landings.list({ repoId: repo.id, states: ACTIVE_LANDING_STATES });
      out.push({
        landing,
        position: queue.findIndex((l) => l.id === landing.id) + 1,
        already: active.length > 0,
      });
      this.kick(repo.id);
    }
    return out;
  }

  /**
   * A task sent back by a failed landing that returns to review lands again by itself: the queue's
   * own retry, up to `landing.max_attempts` (counted by landing-run.ts).
   */
  async relandIfSentBack(taskId: string): Promise<boolean> {
    const last = (await this.deps.store.landings.list({ taskId })).at(-1);
    if (last?.state !== 'sent_back') return false;
    await this.enqueue([taskId], 'scheduler');
    return true;
  }

  /** Landings by repo, task and state (oldest first). */
  list(filter: Parameters<Store['landings']['list']>[0] = {}): Promise<Landing[]> {
    return this.deps.store.landings.list(filter);
  }

  /** Takes a queued landing of a task out of the queue (a running one finishes its step first). */
  async cancel(taskIdOrPrefix: string, actor: Actor): Promise<Landing> {
    const task = await this.deps.store.tasks.resolve(taskIdOrPrefix);
    const [queued] = await this.deps.store.landings.list({ taskId: task.id, states: ['queued'] });
    if (!queued) {
      throw new FlotillaError('NOT_FOUND', `task ${task.id} is not waiting in a landing queue`, {
        hint: 'flotilla land --list shows the queues',
      });
    }
    await this.deps.store.landings.cancel(queued, actor);
    return (await this.deps.store.landings.get(queued.id)) as Landing;
  }

  /** Starts (or wakes) the repo's queue; one landing at a time per repo. */
  kick(repoId: string): void {
    if (this.closed) return;
    const current = this.running.get(repoId);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = this.drain(repoId, entry).finally(() => this.running.delete(repoId));
    this.running.set(repoId, entry);
  }

  /** Resolves once every queue that is running now has nothing left to do (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running.values()].map((r) => r.done));
  }

  /** Stops taking new landings; the one running finishes (its base move is atomic either way). */
  async close(): Promise<void> {
    this.closed = true;
    await this.idle();
  }

  private async drain(repoId: string, entry: { again: boolean }): Promise<void> {
    do {
      entry.again = false;
      for (;;) {
        if (this.closed) return;
        const next = await this.deps.store.landings.next(repoId);
        if (!next) break;
        try {
          await runLanding({ ...this.deps, scratchPath: (id) => this.scratchPath(id) }, next);
        } catch (err) {
          // runLanding records its own failures; this is a bug or the store going away.
          this.deps.logger.error({ err, landingId: next.id }, 'landing: unexpected failure');
          return;
        }
      }
    } while (entry.again);
  }

  /** The task, its repo, its worktree and the repo's config, if the task can be landed. */
  private async check(ref: string): Promise<{ task: Task; repo: Repo; worktree: Worktree; config: Config }> {
    const { store } = this.deps;
    const task = await store.tasks.resolve(ref);
    if (task.status === 'done' || task.status === 'cancelled') {
      throw new FlotillaError('CONFLICT', `task ${task.id} is ${task.status}: there is nothing to land`, {
        hint: `flotilla task show ${task.id}`,
      });
    }
    const repo = await store.repos.get(task.repoId);
    if (!repo) throw new FlotillaError('NOT_FOUND', `the repo of task ${task.id} is not registered`);
    const config = this.deps.agents().configFor(repo);
    if (config.landing.mode === 'pr') {
      throw new FlotillaError(
        'CONFIG_INVALID',
        'landing.mode is pr, and landing through pull requests needs the GitHub integration, which is not built yet',
        {
          hint: 'set landing.mode: local in flotilla.yaml or your config.yaml (flotilla config show says where it is set)',
        },
      );
    }
    const worktree = await store.worktrees.lastOfTask(task.id);
    if (!worktree) {
      throw new FlotillaError('CONFLICT', `task ${task.id} has no branch yet: no agent ever worked on it`, {
        hint: `start one: flotilla start ${task.id}`,
      });
    }
    const { branchSummary } = await import('../git/index.js');
    const summary = await branchSummary(repo.path, worktree.baseRef, worktree.branch);
    if (summary.ahead === 0) {
      throw new FlotillaError(
        'CONFLICT',
        `task ${task.id}'s branch ${worktree.branch} has no commits that are not on ${worktree.baseRef}: nothing to land`,
        {
          hint: `commit the work in ${worktree.path} first, or mark the task done: flotilla task move ${task.id} done`,
        },
      );
    }
    return { task, repo, worktree, config };
  }
}
