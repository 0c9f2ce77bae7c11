import type { Config } from '../config/schema.js';
import type { Agent } from '../domain/agent.js';
import type { Repo } from '../domain/repo.js';
import type { DispatchStatus, MemoryHeadroom } from '../domain/scheduler.js';

export type { DispatchStatus } from '../domain/scheduler.js';

import type { EventBus } from '../events/bus.js';
import type { AdmissionGate } from '../scheduler/admission.js';
import { holdsSlot } from '../scheduler/slots.js';
import type { Store } from '../store/index.js';
import type { SupervisorLogger } from '../supervisor/index.js';

/**
 * The dispatcher: with `scheduler.auto` (a repo's config) or while `flotilla up --watch` runs
 * (a lease on the repo), ready tasks start by themselves as their dependencies land, highest
 * priority first, within `limits.max_concurrent`, `scheduler.max_per_repo` and the memory floor.
 * It runs when something that can free a slot or ready a task happens (a task moved, created or
 * deleted; an agent ended or was removed; a landing landed), and every TICK_MS as a safety net.
 * Its starts go through the same admission gate as `flotilla start`, as actor `scheduler`.
 */

const TICK_MS = 5_000;
/** A start that failed (a broken setup, a missing agent) is not retried before this. */
const RETRY_MS = 60_000;
/** Events that can make a task ready or free a slot. */
const WAKE_TYPES = [
  'task.moved',
  'task.created',
  'task.deleted',
  'task.updated',
  'agent.removed',
  'landing.landed',
] as const;
const ENDED = new Set(['exited', 'stopped', 'crashed']);

export interface DispatcherDeps {
  store: Store;
  bus: EventBus;
  logger: SupervisorLogger;
  gate: () => {
    admission: AdmissionGate & { headroom(): MemoryHeadroom };
    configFor(repo: Pick<Repo, 'id' | 'path'>): Config;
    agents(): Promise<Agent[]>;
  } | null;
}

/** A `flotilla up --watch`: the dispatcher is on for its repo (or all repos) until it expires. */
interface Lease {
  repoId: string | null;
  expiresAt: number;
}

export class Dispatcher {
  private readonly leases = new Map<string, Lease>();
  private timer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;
  private running: Promise<void> | null = null;
  private again = false;
  private lastRunAt: string | null = null;
  private lastStarted: string[] = [];
  private nextLease = 1;
  /** Tasks whose start failed for another reason, and when: not tried again for RETRY_MS. */
  private readonly failedAt = new Map<string, number>();

  constructor(private readonly deps: DispatcherDeps) {}

  start(): void {
    this.unsubscribe = this.deps.bus.subscribe(
      { types: [...WAKE_TYPES, 'agent.status_changed'], liveOnly: true },
      (event) => {
        if (event.type === 'agent.status_changed' && !ENDED.has(event.data.to)) return;
        this.wake();
      },
    );
    this.timer = setInterval(() => this.wake(), TICK_MS);
    this.timer.unref();
    this.wake();
  }

  async close(): Promise<void> {
    this.unsubscribe?.();
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Turns dispatch on for a repo (or every repo: null) for `ttlMs`; renew with the same id. */
  watch(repoId: string | null, ttlMs: number, leaseId?: string): string {
    const id = leaseId && this.leases.has(leaseId) ? leaseId : `w${this.nextLease++}`;
    this.leases.set(id, { repoId, expiresAt: Date.now() + ttlMs });
    this.wake();
    return id;
  }

  unwatch(leaseId: string): boolean {
    return this.leases.delete(leaseId);
  }

  /** Runs a dispatch pass soon; passes never overlap, and one asked for during a pass follows it. */
  wake(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      do {
        this.again = false;
        try {
          await this.pass();
        } catch (err) {
          this.deps.logger.warn({ err }, 'dispatch pass failed');
        }
      } while (this.again);
    })().finally(() => {
      this.running = null;
    });
  }

  /** Resolves when no pass runs (tests). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  async status(): Promise<DispatchStatus> {
    const gate = this.deps.gate();
    const repos = await this.deps.store.repos.list();
    const agents = gate ? await gate.agents() : [];
    return {
      repos: repos.map((repo) => {
        const by = this.autoBy(repo, gate);
        const config = gate?.configFor(repo);
        return {
          repoId: repo.id,
          name: repo.name,
          auto: by !== null,
          by,
          live: agents.filter((a) => a.repoId === repo.id && holdsSlot(a)).length,
          maxPerRepo: config?.scheduler.max_per_repo ?? null,
        };
      }),
      memory: gate?.admission.headroom() ?? { availableMb: null, floorMb: 0, ok: true },
      lastRunAt: this.lastRunAt,
      lastStarted: this.lastStarted,
    };
  }

  private autoBy(repo: Repo, gate: ReturnType<DispatcherDeps['gate']>): 'config' | 'watch' | null {
    const now = Date.now();
    for (const [id, lease] of this.leases) {
      if (lease.expiresAt < now) this.leases.delete(id);
      else if (lease.repoId === null || lease.repoId === repo.id) return 'watch';
    }
    return gate?.configFor(repo).scheduler.auto ? 'config' : null;
  }

  private async pass(): Promise<void> {
    const gate = this.deps.gate();
    if (!gate) return;
    this.lastRunAt = new Date().toISOString();
    const started: string[] = [];
    for (const repo of await this.deps.store.repos.list()) {
      if (this.autoBy(repo, gate) === null) continue;
      if (!gate.admission.headroom().ok) break;
      const config = gate.configFor(repo);
      const live = (await gate.agents()).filter((a) => a.repoId === repo.id && holdsSlot(a)).length;
      let room = (config.scheduler.max_per_repo ?? Number.POSITIVE_INFINITY) - live;
      if (room <= 0) continue;
      for (const task of await this.deps.store.tasks.ready(repo.id)) {
        if (room <= 0) break;
        if ((this.failedAt.get(task.id) ?? 0) > Date.now() - RETRY_MS) continue;
        try {
          const agent = await gate.admission.start(task.id, { actor: 'scheduler' });
          started.push(agent.id);
          room--;
        } catch (err) {
          const code = (err as { code?: string }).code;
          // Blocked (a dependency not landed yet) and a full fleet are the normal reasons to wait.
          if (code === 'LIMIT_REACHED') return this.done(started);
          if (code !== 'BLOCKED' && code !== 'CONFLICT') {
            this.failedAt.set(task.id, Date.now());
            this.deps.logger.warn({ err, taskId: task.id }, 'dispatcher: start failed');
          }
        }
      }
    }
    this.done(started);
  }

  private done(started: string[]): void {
    if (started.length > 0) {
      this.lastStarted = started;
      this.deps.logger.info({ started }, 'dispatcher started agents');
    }
  }
}
