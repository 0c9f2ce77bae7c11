import { existsSync, statSync } from 'node:fs';
import { agentFile } from '../agents/agent-dir.js';
import type { Agent } from '../domain/agent.js';
import { pidExists, processTree, scanProcesses } from '../proc/index.js';
import { type PaneInfo, SESSION_PREFIX } from '../tmux/index.js';
import { type SupervisorContext, streams } from './context.js';
import { healthEvent } from './health-events.js';
import type { Lifecycle } from './lifecycle.js';
import { isLive } from './machine.js';
import { boundPaneLog } from './pane-log-limit.js';
import { observePane } from './pane-watch.js';
import type { AgentExit } from './restart.js';
import type { AgentRuntime } from './runtime.js';
import { observeStream } from './stream-watch.js';

/**
 * The health monitor: one tick per second that must stay cheap with fifty idle agents. A tick
 * is one store query, a stat of each hook file and pane log, a liveness check of each pane's
 * process (a signal 0), and a pane capture only for agents whose window showed activity.
 * tmux itself (ONE call for every session: liveness, pid, activity) is asked when something
 * moved — an agent starting, a pane process gone, a pane log that grew — and at least every
 * PANE_LIST_MAX_AGE_MS; spawning it every second was most of an idle fleet's cost. Resources
 * come from one /proc scan every few seconds, kept in memory. Deaths go to the lifecycle
 * (restart policy); stuck agents and resource limits get an `agent.health` event and the
 * configured action.
 */

/** What the monitor may ask the supervisor to do about a limit. */
export interface HealthActions {
  stop(agentId: string, reason: string): Promise<unknown>;
  restart(agentId: string, reason: string): Promise<unknown>;
  /** Reads a headless agent's newest conversation entries (its card's last words). */
  refreshConversation(agent: Agent): Promise<unknown>;
}

/** Figures of one tick, for tests and benchmarks. */
export interface TickStats {
  agents: number;
  tmuxCalls: number;
  captures: number;
  /** Pane logs rotated for being over `limits.pane_log_max_mb`. */
  rotations: number;
  sampled: boolean;
  ms: number;
}

/** How long a dead pane may report no exit status before it counts as "status unknown". */
const REAP_GRACE_MS = 2_000;
/**
 * The last tmux pane list is reused for this long while every agent looks unchanged. What the
 * cheap checks cannot see (a session killed while its process ignores SIGHUP) waits this long.
 */
const PANE_LIST_MAX_AGE_MS = 5_000;

export class HealthMonitor {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<TickStats> | null = null;
  private lastSampleAt = 0;
  private readonly deathsInFlight = new Set<string>();
  private readonly deadSince = new Map<string, number>();
  /** The last pane list from tmux, and when it was taken. */
  private panes: PaneInfo[] = [];
  private listedAt = Number.NEGATIVE_INFINITY;
  /** Each live agent's pane log size at the last tick (-1: none): output shows as growth. */
  private logSizes = new Map<string, number>();

  constructor(
    private readonly ctx: SupervisorContext,
    private readonly lifecycle: Lifecycle,
    private readonly actions: HealthActions,
    private readonly tickMs = 1_000,
    private readonly resourceEveryMs = 5_000,
  ) {}

  start(): void {
    if (this.timer) return;
    const loop = () => {
      this.timer = setTimeout(async () => {
        await this.tick().catch((err) => this.ctx.logger.warn({ err }, 'health tick failed'));
        if (this.timer) loop();
      }, this.tickMs);
      this.timer.unref();
    };
    loop();
  }

  /** Stops ticking; resolves once a tick in progress has finished. */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass over every live agent; overlapping calls share the pass in progress. */
  tick(): Promise<TickStats> {
    if (!this.running) {
      this.running = this.pass().finally(() => {
        this.running = null;
      });
    }
    return this.running;
  }

  private async pass(): Promise<TickStats> {
    const { ctx } = this;
    const started = performance.now();
    const t = ctx.now();
    const stats: TickStats = { agents: 0, tmuxCalls: 0, captures: 0, rotations: 0, sampled: false, ms: 0 };
    const agents = (await ctx.store.agents.list()).filter((a) => isLive(a.status));
    stats.agents = agents.length;
    const generations = new Map(agents.map((a) => [a.id, ctx.runtime.get(a.id).run.generation]));
    let panes: PaneInfo[] = [];
    // Wall time, not ctx.now (which tests may hold still): the list's age is a cost, not a rule.
    if (agents.length > 0 && !this.mayReusePanes(agents, Date.now())) {
      this.panes = await ctx.tmux.listSessions(SESSION_PREFIX);
      this.listedAt = Date.now();
      stats.tmuxCalls++;
    }
    if (agents.length > 0) panes = this.panes;
    const byName = new Map(panes.map((p) => [p.name, p]));
    for (const agent of agents) {
      const rt = ctx.runtime.get(agent.id);
      const generation = generations.get(agent.id) ?? rt.run.generation;
      const pane = byName.get(agent.tmuxSession);
      if (!pane) {
        this.death(agent, { code: null, signal: null, vanished: true }, generation);
        continue;
      }
      if (pane.paneDead) {
        const exit = { code: pane.paneDeadStatus, signal: pane.paneDeadSignal };
        // tmux marks the pane dead before it has reaped the process; give it a moment.
        const since = this.deadSince.get(agent.id) ?? t;
        this.deadSince.set(agent.id, since);
        if (exit.code === null && exit.signal === null && t - since < REAP_GRACE_MS) continue;
        this.death(agent, exit, generation);
        continue;
      }
      this.deadSince.delete(agent.id);
      if (rt.screen.sawActivity(pane.activity)) rt.health.touch(t);
      try {
        if (streams(ctx, agent)) {
          await observeStream(ctx, this.lifecycle, agent, rt);
          // The card's last words: a headless screen shows JSON, the conversation says what it said.
          await this.actions.refreshConversation(agent).catch(() => undefined);
        }
        stats.captures += await observePane(ctx, this.lifecycle, agent, rt, t);
      } catch (err) {
        // Seen, not debug: an observation that fails every tick leaves the status frozen.
        ctx.logger.warn({ agentId: agent.id, err }, 'pane observation failed');
      }
      if (await boundPaneLog(ctx, this.lifecycle, agent, rt)) stats.rotations++;
      await this.checkTimes(agent, rt, t);
      await this.checkWorktree(agent, rt);
    }
    await ctx.ingestor.pokeAll();
    if (t - this.lastSampleAt >= this.resourceEveryMs) {
      this.lastSampleAt = t;
      stats.sampled = true;
      await this.sampleResources(agents, byName, t);
    }
    stats.ms = performance.now() - started;
    return stats;
  }

  /**
   * Whether the last pane list still tells all: it is recent, and no agent is starting, lacks a
   * pane, has a dead or vanished pane process, or printed anything (its pane log grew) since.
   * Records every agent's pane log size, so a growth is seen at exactly one tick.
   */
  private mayReusePanes(agents: readonly Agent[], t: number): boolean {
    let reuse = t - this.listedAt < PANE_LIST_MAX_AGE_MS;
    const byName = new Map(this.panes.map((p) => [p.name, p]));
    const sizes = new Map<string, number>();
    for (const agent of agents) {
      let size = -1;
      try {
        size =
          statSync(agentFile(this.ctx.paths.agentsDir, agent.id, 'paneLog'), { throwIfNoEntry: false })
            ?.size ?? -1;
      } catch {}
      sizes.set(agent.id, size);
      // It printed something: the screen is worth a look even when tmux's activity clock (whole
      // seconds) did not move — a resumed agent drew its prompt in the second of its last look,
      // and a screen-only agent stayed 'working' for good (seen in the e2e tests under load).
      const before = this.logSizes.get(agent.id);
      if (before !== undefined && size !== before) this.ctx.runtime.get(agent.id).screen.lookSoon();
      if (!reuse) continue;
      const pane = byName.get(agent.tmuxSession);
      reuse =
        agent.status !== 'starting' &&
        pane !== undefined &&
        !pane.paneDead &&
        pane.panePid !== null &&
        size !== -1 &&
        size === this.logSizes.get(agent.id) &&
        pidExists(pane.panePid);
    }
    this.logSizes = sizes;
    return reuse;
  }

  private death(agent: Agent, exit: AgentExit, generation: number): void {
    if (this.deathsInFlight.has(agent.id)) return;
    this.deathsInFlight.add(agent.id);
    this.deadSince.delete(agent.id);
    void this.lifecycle
      .onDeath(agent.id, exit, generation)
      .catch((err) => this.ctx.logger.error({ agentId: agent.id, err }, 'handling an agent death failed'))
      .finally(() => this.deathsInFlight.delete(agent.id));
  }

  private async checkTimes(agent: Agent, rt: AgentRuntime, t: number): Promise<void> {
    const { ctx } = this;
    if (
      agent.status === 'starting' &&
      t - Date.parse(agent.statusSince) > ctx.startTimeoutMs &&
      rt.health.warnOnce('start-slow')
    ) {
      await healthEvent(ctx, agent, {
        check: 'start-slow',
        level: 'warn',
        message: `agent ${agent.id} is still starting after ${Math.round(ctx.startTimeoutMs / 1000)} s with no sign from it`,
      });
    }
    const stuckAfter = ctx.config.limits.stuck_after_seconds;
    if (
      stuckAfter > 0 &&
      agent.status === 'working' &&
      t - rt.health.lastActivityAt > stuckAfter * 1000 &&
      rt.health.warnOnce('stuck')
    ) {
      await this.limitReached(
        agent,
        'stuck',
        `agent ${agent.id} has been working with no activity for ${stuckAfter} s`,
      );
    }
  }

  /**
   * A live agent whose worktree directory was deleted (by hand, or by a tool outside Flotilla)
   * keeps running in a folder that no longer exists: every write it makes fails. Say so once,
   * as a health event and a warning on the agent, and again if it comes back and goes again.
   */
  private async checkWorktree(agent: Agent, rt: AgentRuntime): Promise<void> {
    const missing = !existsSync(agent.worktreePath);
    const { health } = rt;
    if (missing && health.worktreeMissing === null) {
      health.setWorktreeMissing(
        `its worktree ${agent.worktreePath} was deleted: the agent cannot save its work there`,
      );
      await healthEvent(this.ctx, agent, {
        check: 'worktree',
        level: 'error',
        message: `agent ${agent.id}: ${health.worktreeMissing}; stop it with: flotilla stop ${agent.id}`,
      });
    } else if (!missing && health.worktreeMissing !== null) {
      health.setWorktreeMissing(null);
    }
  }

  private async sampleResources(
    agents: readonly Agent[],
    byName: Map<string, PaneInfo>,
    t: number,
  ): Promise<void> {
    const alive = agents.filter(
      (a) => byName.get(a.tmuxSession)?.panePid != null && !byName.get(a.tmuxSession)?.paneDead,
    );
    if (alive.length === 0) return;
    const all = scanProcesses();
    const { cpu_percent: cpuLimit, memory_mb: memLimit } = this.ctx.config.limits;
    for (const agent of alive) {
      const { health } = this.ctx.runtime.get(agent.id);
      const sample = health.sample(processTree(all, byName.get(agent.tmuxSession)?.panePid as number), t);
      if (memLimit !== null && sample.rssBytes > memLimit * 1024 * 1024) {
        if (health.warnOnce('memory')) {
          const mb = Math.round(sample.rssBytes / 1024 / 1024);
          await this.limitReached(
            agent,
            'memory',
            `agent ${agent.id} uses ${mb} MiB (limits.memory_mb is ${memLimit})`,
          );
        }
      } else health.clearWarning('memory');
      // Three samples in a row over the limit: a compile or a test run may spike for a moment.
      const over = health.countCpuOver(cpuLimit !== null && (sample.cpuPercent ?? 0) > cpuLimit);
      if (over >= 3 && health.warnOnce('cpu')) {
        await this.limitReached(
          agent,
          'cpu',
          `agent ${agent.id} uses ${sample.cpuPercent}% CPU (limits.cpu_percent is ${cpuLimit})`,
        );
      } else if (over === 0) health.clearWarning('cpu');
    }
  }

  private async limitReached(agent: Agent, check: string, message: string): Promise<void> {
    const action = this.ctx.config.limits.action;
    await healthEvent(this.ctx, agent, { check, level: 'warn', message, action });
    if (action === 'stop') void this.actions.stop(agent.id, `${check} limit`).catch(() => undefined);
    if (action === 'restart') void this.actions.restart(agent.id, `${check} limit`).catch(() => undefined);
  }
}
