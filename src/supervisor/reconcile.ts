import { agentFileInHome } from '../agents/agent-dir.js';
import type { StatusSignal } from '../agents/types.js';
import type { Agent } from '../domain/agent.js';
import { listFlotillaWorktrees } from '../git/index.js';
import { agentIdOfSession, SESSION_PREFIX } from '../tmux/index.js';
import { adapterOf, type SupervisorContext } from './context.js';
import { parseLine } from './hook-events.js';
import { readCompleteLines } from './hook-file.js';
import type { Lifecycle } from './lifecycle.js';
import { isLive } from './machine.js';

/**
 * Boot reconciliation: the daemon compares what the store believes with what tmux and git
 * show. Live agents whose session still runs are adopted (their unread hook lines are read,
 * which re-derives their status); agents whose session is gone or dead are handed to the
 * restart policy; pending restarts and usage-limit resumes are re-armed. Sessions and
 * worktrees nobody knows about are reported, never killed or removed: they may hold work.
 */

/** What reconciliation found; also the data of the `daemon.reconciled` event. */
export interface ReconcileReport {
  adopted: string[];
  /** Agents found dead or gone, handed to the restart policy. */
  dead: string[];
  /** Restarts and resumes re-armed. */
  rearmed: string[];
  straySessions: string[];
  strayWorktrees: { repo: string; path: string; branch: string | null }[];
}

export async function reconcile(ctx: SupervisorContext, lifecycle: Lifecycle): Promise<ReconcileReport> {
  const { store, tmux, runtime } = ctx;
  const report: ReconcileReport = {
    adopted: [],
    dead: [],
    rearmed: [],
    straySessions: [],
    strayWorktrees: [],
  };
  const agents = await store.agents.list();
  const panes = await tmux.listSessions(SESSION_PREFIX);
  const byName = new Map(panes.map((p) => [p.name, p]));

  for (const agent of agents) {
    const rt = runtime.get(agent.id);
    if (agent.status !== 'stopped') ctx.ingestor.track(agent);
    // An agent caught mid-restart by the daemon's end: finish that restart now.
    if (agent.status === 'restarting') {
      await ctx.machines.transition(
        agent.id,
        'crashed',
        'supervisor',
        'the daemon stopped during its restart',
      );
      await lifecycle.scheduleRestart(agent.id, 0, 'the daemon stopped during its restart');
      report.dead.push(agent.id);
      continue;
    }
    if (!isLive(agent.status)) continue;
    const pane = byName.get(agent.tmuxSession);
    if (pane && !pane.paneDead) {
      rt.screen.adopt(pane.activity);
      rt.health.touch(ctx.now());
      if (pane.panePid !== null && pane.panePid !== agent.pid) {
        await store.agents.update(agent.id, { pid: pane.panePid }, 'supervisor');
      }
      // The status the hooks last reported (a change lost in a crash of the daemon), then
      // whatever they wrote while no daemon ran.
      await rederiveFromHooks(ctx, lifecycle, agent);
      await ctx.ingestor.poke(agent.id);
      report.adopted.push(agent.id);
    } else {
      const exit = pane
        ? { code: pane.paneDeadStatus, signal: pane.paneDeadSignal }
        : { code: null, signal: null, vanished: true };
      await lifecycle.onDeath(agent.id, exit, rt.run.generation);
      report.dead.push(agent.id);
    }
  }
  // Hook lines of agents that died while the daemon was away are still worth reading.
  await ctx.ingestor.pokeAll();

  for (const wake of await store.supervision.pendingWakeups()) {
    const agent = agents.find((a) => a.id === wake.agentId);
    if (!agent || agent.removedAt) continue;
    const status = (await store.agents.get(agent.id))?.status;
    if (wake.resumeAt && status !== 'stopped') {
      await lifecycle.armResume(agent.id, Date.parse(wake.resumeAt), false);
      report.rearmed.push(agent.id);
    } else if (wake.restartAt && (status === 'crashed' || status === 'exited')) {
      lifecycle.armRestart(agent.id, Date.parse(wake.restartAt), 'restart pending when the daemon stopped');
      report.rearmed.push(agent.id);
    }
  }

  // A session of a removed agent is as much a stray as one nobody ever recorded.
  const current = new Set(agents.map((a) => a.id));
  for (const pane of panes) {
    const id = agentIdOfSession(pane.name);
    if (id === null || !current.has(id)) report.straySessions.push(pane.name);
  }
  const livePaths = new Set((await store.worktrees.list()).map((w) => w.path));
  for (const repo of await store.repos.list()) {
    try {
      for (const wt of await listFlotillaWorktrees(repo.path)) {
        if (!livePaths.has(wt.path))
          report.strayWorktrees.push({ repo: repo.path, path: wt.path, branch: wt.branch });
      }
    } catch (err) {
      ctx.logger.warn({ repo: repo.path, err }, 'cannot list worktrees of a registered repo');
    }
  }

  await store.events.append({ type: 'daemon.reconciled', actor: 'daemon', data: { ...report } });
  ctx.logger.info(
    {
      adopted: report.adopted.length,
      dead: report.dead.length,
      straySessions: report.straySessions.length,
      strayWorktrees: report.strayWorktrees.length,
    },
    'reconciled agents with tmux and git',
  );
  return report;
}

/** How much of an events file is looked back through for the last reported status. */
const REDERIVE_BYTES = 256 * 1024;

/**
 * Re-applies the status of the last hook line already read. A daemon that died after recording
 * a hook line but before applying its status would otherwise leave the agent showing a stale one.
 */
async function rederiveFromHooks(ctx: SupervisorContext, lifecycle: Lifecycle, agent: Agent): Promise<void> {
  const adapter = adapterOf(ctx, agent);
  if (!adapter.fromHook) return;
  const { hookOffset } = await ctx.store.supervision.get(agent.id);
  if (hookOffset === 0) return;
  const start = Math.max(0, hookOffset - REDERIVE_BYTES);
  const read = readCompleteLines(
    agentFileInHome(ctx.paths.home, agent.id, 'events'),
    start,
    hookOffset - start,
  );
  // Reading from the middle of the file, the first line is probably a piece of one.
  const lines = read.lines.filter((l, i) => l.end <= hookOffset && (start === 0 || i > 0));
  let last: StatusSignal | null = null;
  for (const { text } of lines) {
    const line = parseLine(text, agent.id);
    const at = new Date(line.ts);
    const signal = adapter.fromHook({ hook_event_name: line.event, ...line.payload }, agent.mode, at);
    if (signal) last = signal;
  }
  if (last && last.status !== agent.status) await lifecycle.applySignal(agent.id, last);
}
