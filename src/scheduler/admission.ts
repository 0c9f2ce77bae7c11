import type { Agent, AgentMode } from '../domain/agent.js';
import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { MemoryHeadroom } from '../domain/scheduler.js';
import type { Task, TaskStatus } from '../domain/task.js';
import { KeyedMutex } from '../proc/keyed-mutex.js';
import { type Blocker, describeBlockers, holdsSlot } from './slots.js';
import { type UpResult, up } from './up.js';

/**
 * Admission: the one gate every new agent passes, whether `start` asked for it or `up` did.
 * It refuses a task whose dependencies are not done, and a start beyond the concurrency limit.
 *
 * Counting live agents and taking a slot is one serialized step: two `up` at once each counted
 * 0 live agents and started 4, so 8 ran under `max_concurrent: 4`. A slot is held from admission
 * until the launch has committed its agent row (which then counts as live) or failed, so starts
 * still in flight count too. `force` skips both refusals, but a forced start still takes a slot.
 */

/**
 * What admission needs, as narrow ports the store's tasks, the supervisor and the live config
 * fit as they are (no adapter closures in between: a start walks straight into them).
 */
export interface AdmissionDeps {
  tasks: {
    resolve(idOrPrefix: string): Promise<Task>;
    get(id: string): Promise<Task | null>;
    /** `todo` tasks whose dependencies are all done, in the order `up` takes them. */
    ready(repoId?: string): Promise<Task[]>;
    list(filter: { status: TaskStatus[]; repoId?: string }): Promise<Task[]>;
  };
  agents: {
    /** Agents (any status); those that hold a slot are picked here. */
    list(): Promise<Agent[]>;
    /** The actual start, all or nothing (the supervisor's). */
    start(taskId: string, options: LaunchOptions): Promise<Agent>;
  };
  /** The config: `limits.max_concurrent` and `limits.min_free_memory_mb` are read on each admission. */
  config: { readonly limits: { readonly max_concurrent: number; readonly min_free_memory_mb: number } };
  /**
   * Whether a done dependency's work is on the base (core/landed.ts): a task whose dependency was
   * marked done but never landed would start from a base without that code. Absent: done is enough.
   */
  landed?(task: Task): Promise<boolean>;
  /** Memory the machine has for a new agent, in MiB (proc/memory.ts); absent: not checked. */
  availableMemoryMb?(): number;
}

export interface LaunchOptions {
  agent?: string;
  mode?: AgentMode;
  actor?: Actor;
  /** `start --reuse-branch`: start from the task's kept branch, keeping its commits. */
  reuseBranch?: boolean;
}

export interface AdmitOptions extends LaunchOptions {
  /** Start even if dependencies are not done or the limit is reached. */
  force?: boolean;
  /** The limit for this request (`up --max`); default `limits.max_concurrent`. */
  limit?: number;
}

/** What callers of admission use: start one agent, or `up`. */
export type AdmissionGate = Pick<Admission, 'start' | 'up'>;

export class Admission {
  private readonly gate = new KeyedMutex();
  /** Tasks admitted whose launch has not finished yet. */
  private readonly inFlight = new Set<string>();

  constructor(private readonly deps: AdmissionDeps) {}

  /** Starts an agent on a task if admission allows it; refuses with BLOCKED or LIMIT_REACHED. */
  async start(taskIdOrPrefix: string, options: AdmitOptions = {}): Promise<Agent> {
    const { force = false, limit: asked, ...launch } = options;
    const task = await this.deps.tasks.resolve(taskIdOrPrefix);
    if (!force) {
      const blockers = await this.blockers(task);
      if (blockers.length > 0) throw blockedError(task, blockers);
    }
    if (!force) this.checkHeadroom(task);
    const limit = asked ?? this.deps.config.limits.max_concurrent;
    const reserved = await this.gate.run('admit', async () => {
      const live = await this.occupied();
      // A task already live or in flight is refused by the launch itself, with its own message.
      if (live.has(task.id) || this.inFlight.has(task.id)) return false;
      const used = live.size + this.inFlight.size;
      if (!force && used >= limit) throw limitError(task, used, limit, asked !== undefined);
      this.inFlight.add(task.id);
      return true;
    });
    try {
      return await this.deps.agents.start(task.id, launch);
    } finally {
      if (reserved) this.inFlight.delete(task.id);
    }
  }

  /**
   * `flotilla up`: starts ready tasks through this gate and says why each other todo task was
   * not. Its writes (worktrees, agents, the tasks' moves to in_progress) are `actor`'s: the
   * caller's (`user` from the CLI); an automatic dispatcher would pass `scheduler`.
   */
  async up(options: { limit?: number; repoId?: string; actor: Actor }): Promise<UpResult> {
    const { deps } = this;
    const result = await up(
      {
        readyTasks: (repoId) => deps.tasks.ready(repoId),
        blockedTasks: async (repoId) => {
          const ready = new Set((await deps.tasks.ready(repoId)).map((t) => t.id));
          const out: { task: Task; blockers: Blocker[] }[] = [];
          for (const task of await deps.tasks.list({ status: ['todo'], ...(repoId ? { repoId } : {}) })) {
            if (!ready.has(task.id)) out.push({ task, blockers: await this.blockers(task) });
          }
          return out;
        },
        agents: () => deps.agents.list(),
        start: (taskId, limit) => this.start(taskId, { limit, actor: options.actor }),
      },
      {
        limit: options.limit ?? deps.config.limits.max_concurrent,
        ...(options.repoId ? { repoId: options.repoId } : {}),
      },
    );
    return { ...result, memory: this.headroom() };
  }

  /** The task's dependencies that are not done, or done but not landed, in its own order. */
  async blockers(task: Task): Promise<Blocker[]> {
    const out: Blocker[] = [];
    for (const id of task.dependsOn) {
      const dep = await this.deps.tasks.get(id);
      if (!dep) continue;
      if (dep.status !== 'done') out.push({ id: dep.id, title: dep.title, status: dep.status });
      else if (this.deps.landed && !(await this.deps.landed(dep))) {
        out.push({ id: dep.id, title: dep.title, status: 'done, not landed' });
      }
    }
    return out;
  }

  /**
   * The machine's memory headroom, as `up`, `ps` and the dispatcher report it: below
   * `limits.min_free_memory_mb`, no agent starts (a start would push the others into swap).
   */
  headroom(): MemoryHeadroom {
    const floorMb = this.deps.config.limits.min_free_memory_mb;
    const availableMb = this.deps.availableMemoryMb?.() ?? null;
    return { availableMb, floorMb, ok: floorMb === 0 || availableMb === null || availableMb >= floorMb };
  }

  private checkHeadroom(task: Task): void {
    const room = this.headroom();
    if (room.ok) return;
    throw new FlotillaError(
      'LIMIT_REACHED',
      `cannot start task ${task.id}: ${room.availableMb} MiB of memory available, below limits.min_free_memory_mb (${room.floorMb} MiB)`,
      {
        hint: `stop an agent (flotilla stop <agent>), lower limits.min_free_memory_mb, or start anyway: flotilla start ${task.id} --force`,
      },
    );
  }

  /** Task ids with an agent holding a slot (one task has at most one such agent). */
  private async occupied(): Promise<Set<string>> {
    return new Set((await this.deps.agents.list()).filter(holdsSlot).map((a) => a.taskId));
  }
}

function blockedError(task: Task, blockers: Blocker[]): FlotillaError {
  const n = blockers.length;
  return new FlotillaError(
    'BLOCKED',
    `task ${task.id} "${task.title}" waits on ${n} unfinished ${n === 1 ? 'dependency' : 'dependencies'}: ${describeBlockers(blockers)}`,
    {
      hint: `finish ${n === 1 ? 'it' : 'them'} first (flotilla task show ${blockers[0]?.id}), or start anyway with: flotilla start ${task.id} --force`,
    },
  );
}

function limitError(task: Task, used: number, limit: number, fromRequest: boolean): FlotillaError {
  const source = fromRequest ? '--max' : 'limits.max_concurrent';
  return new FlotillaError(
    'LIMIT_REACHED',
    `cannot start task ${task.id}: ${used} agents are running (or starting), the limit is ${limit} (${source})`,
    {
      hint:
        'stop one (flotilla ps; flotilla stop AGENT), or raise limits.max_concurrent in ' +
        '~/.config/flotilla/config.yaml or FLOTILLA_LIMITS__MAX_CONCURRENT and run flotilla daemon restart, ' +
        `or start anyway with: flotilla start ${task.id} --force`,
    },
  );
}
