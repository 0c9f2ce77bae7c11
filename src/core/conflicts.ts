import type { Agent } from '../domain/agent.js';
import type { ConflictSide, RepoConflicts } from '../domain/conflicts.js';
import { FlotillaError, NotFoundError } from '../domain/errors.js';
import type { FlotillaEvent } from '../domain/event.js';
import type { Repo } from '../domain/repo.js';
import { nowIso } from '../domain/time.js';
import { LIVE_AGENT_STATUSES } from '../domain/values.js';
import type { EventBus } from '../events/bus.js';
import type { OverlapTracker } from '../git/index.js';
import type { Store } from '../store/index.js';
import type { SupervisorLogger } from '../supervisor/index.js';

/**
 * Conflict prediction across live work, kept per repo: which live agents' branches (with their
 * uncommitted changes) touch the same files and hunks, and which would conflict if merged.
 *
 * Recomputed when something can have changed it: an agent's turn ends or it waits for the user
 * (the moments its work is at rest), it commits (a `git commit` through its shell tool), an agent
 * or worktree comes or goes; and on a slow tick for everything else (a commit by hand, the base
 * moving). Each repo's computations run one at a time, and calls that arrive while one waits to
 * start share it; the git layer's caches make a recompute redo only the sides that changed. A
 * failure in the background is logged, never thrown.
 */

/** Statuses an agent reaches when its turn ends, it waits, or it stops: its work is at rest. */
const AT_REST: ReadonlySet<string> = new Set([
  'idle',
  'needs_input',
  'needs_permission',
  'exited',
  'stopped',
  'crashed',
]);
const MEMBERSHIP: ReadonlySet<string> = new Set([
  'agent.created',
  'agent.removed',
  'worktree.created',
  'worktree.removed',
]);
/** A shell tool call that ran `git commit` (the hook summary is "<hook> <tool>: <command line>"). */
const COMMIT_COMMAND = /\bgit\b[^\n]*\bcommit\b/;

/** Timings; tests shorten them. */
export interface ConflictTimings {
  /** The slow refresh of every repo with live agents. Default 30 s. */
  tickMs?: number;
  /** Events closer together than this cause one recompute. Default 500 ms. */
  debounceMs?: number;
}

interface RepoState {
  tracker: OverlapTracker | null;
  last: RepoConflicts | null;
  /** A computation waiting to start: later callers share it. */
  queued: Promise<RepoConflicts> | null;
  tail: Promise<unknown>;
  timer: NodeJS.Timeout | null;
  /** The branch tips the slow tick last saw, and when it last recomputed (epoch ms). */
  tips: string | null;
  tickedAt: number;
}

/**
 * The slow tick recomputes a repo only when a branch moved (a commit by hand, the base moving:
 * one `for-each-ref`), or at least this often for edits nobody committed. Recomputing every
 * worktree's status on every tick was most of an idle daemon's CPU (50 idle agents: 2.3 % of a
 * core against a 2 % budget, git's time included).
 */
const FULL_TICK_MS = 5 * 60_000;

/** Whether an event can change a repo's prediction. */
export function changesPrediction(event: FlotillaEvent): boolean {
  if (MEMBERSHIP.has(event.type)) return true;
  if (event.type === 'agent.status_changed') return AT_REST.has(event.data.to);
  if (event.type === 'agent.hook') {
    return event.data.hook === 'PostToolUse' && COMMIT_COMMAND.test(event.data.summary);
  }
  return false;
}

export class ConflictService {
  private readonly repos = new Map<string, RepoState>();
  private unsubscribe: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | null = null;
  private closed = false;
  private readonly tickMs: number;
  private readonly debounceMs: number;

  constructor(
    private readonly deps: { store: Store; bus: EventBus; logger: SupervisorLogger } & ConflictTimings,
  ) {
    this.tickMs = deps.tickMs ?? 30_000;
    this.debounceMs = deps.debounceMs ?? 500;
  }

  /** Follows the bus and starts the slow tick (with a first look at every repo). */
  start(): void {
    this.unsubscribe = this.deps.bus.subscribe({ liveOnly: true }, (event) => {
      if (event.repoId && changesPrediction(event)) this.wake(event.repoId);
    });
    this.ticker = setInterval(() => this.tick(), this.tickMs);
    this.ticker.unref();
    this.tick();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.unsubscribe?.();
    if (this.ticker) clearInterval(this.ticker);
    for (const s of this.repos.values()) {
      if (s.timer) clearTimeout(s.timer);
      s.timer = null;
    }
    await Promise.all([this.ticking, ...[...this.repos.values()].map((s) => s.tail)]);
    for (const s of this.repos.values()) await s.tracker?.close();
  }

  /**
   * The prediction of one repo (by id or name) or of every repo. `fresh`: computed after this
   * call (waits for it); otherwise the last one, computed now only if there is none yet.
   */
  async list(options: { repo?: string | undefined; fresh?: boolean } = {}): Promise<RepoConflicts[]> {
    const all = await this.deps.store.repos.list();
    let repos = all;
    if (options.repo !== undefined) {
      const found = all.find((r) => r.id === options.repo || r.name === options.repo);
      if (!found) throw new NotFoundError('repo', options.repo, 'list repos with: flotilla repo list');
      repos = [found];
    }
    const out: RepoConflicts[] = [];
    for (const repo of repos) {
      const last = this.state(repo.id).last;
      out.push(options.fresh || last === null ? await this.refresh(repo.id) : last);
    }
    return out;
  }

  /** A computation of the repo that starts after this call (shared with other callers waiting for one). */
  refresh(repoId: string): Promise<RepoConflicts> {
    const s = this.state(repoId);
    if (s.queued) return s.queued;
    const queued = s.tail.then(() => {
      s.queued = null;
      if (this.closed)
        throw new FlotillaError('DAEMON_UNREACHABLE', 'the daemon is stopping', {
          hint: 'run the command again once it is back: flotilla daemon status',
        });
      return this.compute(repoId);
    });
    s.queued = queued;
    s.tail = queued.catch(() => undefined);
    return queued;
  }

  /** Schedules a recompute after the debounce, in the background. */
  wake(repoId: string): void {
    const s = this.state(repoId);
    if (this.closed || s.timer) return;
    s.timer = setTimeout(() => {
      s.timer = null;
      this.refresh(repoId).catch((err) =>
        this.deps.logger.warn({ err, repoId }, 'conflict prediction failed'),
      );
    }, this.debounceMs);
    s.timer.unref();
  }

  /** One repo after the other, only those with live agents; a tick still running skips the next. */
  private tick(): void {
    if (this.ticking || this.closed) return;
    this.ticking = (async () => {
      for (const repo of await this.deps.store.repos.list()) {
        if (this.closed) break;
        const live = await this.liveAgents(repo.id);
        if (live.length === 0 && this.repos.get(repo.id)?.last?.agents.length === 0) continue;
        const s = this.state(repo.id);
        const { branchTips } = await import('../git/index.js');
        const tips = [...(await branchTips(repo.path))].sort().join(' ');
        const now = Date.now();
        if (s.last && tips === s.tips && now - s.tickedAt < FULL_TICK_MS) continue;
        s.tips = tips;
        s.tickedAt = now;
        await this.refresh(repo.id).catch((err) =>
          this.deps.logger.warn({ err, repoId: repo.id }, 'conflict prediction failed'),
        );
      }
    })()
      .catch((err) => this.deps.logger.warn({ err }, 'conflict prediction tick failed'))
      .finally(() => {
        this.ticking = null;
      });
  }

  private state(repoId: string): RepoState {
    let s = this.repos.get(repoId);
    if (!s) {
      s = {
        tracker: null,
        last: null,
        queued: null,
        tail: Promise.resolve(),
        timer: null,
        tips: null,
        tickedAt: 0,
      };
      this.repos.set(repoId, s);
    }
    return s;
  }

  private async liveAgents(repoId: string): Promise<Agent[]> {
    const agents = await this.deps.store.agents.list({ repoId });
    return agents.filter((a) => (LIVE_AGENT_STATUSES as readonly string[]).includes(a.status));
  }

  private async compute(repoId: string): Promise<RepoConflicts> {
    const repo: Repo = await this.deps.store.repos.require(repoId);
    const s = this.state(repoId);
    const agents = await this.liveAgents(repoId);
    const sideOf = new Map<string, ConflictSide>(
      agents.map((a) => [a.id, { agentId: a.id, taskId: a.taskId, branch: a.branch }]),
    );
    const empty: RepoConflicts = {
      repoId,
      repo: repo.name,
      baseBranch: repo.defaultBranch,
      baseCommit: null,
      computedAt: nowIso(),
      agents: [],
      pairs: [],
      errors: [],
    };
    if (agents.length === 0) {
      await s.tracker?.close(); // nothing live: drop the caches with it
      s.tracker = null;
      s.last = empty;
      return empty;
    }
    const { OverlapTracker } = await import('../git/index.js');
    if (s.tracker === null) s.tracker = new OverlapTracker(repo.path);
    const report = await s.tracker.compute(
      repo.defaultBranch,
      agents.map((a) => ({ id: a.id, path: a.worktreePath, branch: a.branch })),
    );
    const side = (id: string) => sideOf.get(id) as ConflictSide;
    const result: RepoConflicts = {
      ...empty,
      baseCommit: report.baseCommit,
      agents: report.sides.map((x) => ({ ...side(x.id), dirty: x.dirty, files: x.files.length })),
      pairs: report.pairs.map((p) => ({
        a: side(p.a),
        b: side(p.b),
        files: p.files,
        conflicts: p.conflicts,
      })),
      errors: report.errors.map((e) => ({ agentId: e.id, message: e.message })),
    };
    if (report.recomputed.pairs > 0 || report.recomputed.sides > 0) {
      const conflicting = result.pairs.filter((p) => p.conflicts).length;
      this.deps.logger.debug(
        { repoId, recomputed: report.recomputed, pairs: result.pairs.length, conflicting },
        'conflict prediction updated',
      );
    }
    s.last = result;
    return result;
  }
}
