import { resolvePaths } from '../../config/paths.js';
import type { AgentView } from '../../domain/agent-view.js';
import { FlotillaError } from '../../domain/errors.js';
import { run } from '../../proc/run.js';
import { which } from '../../proc/which.js';
import { DEMO_TASKS, type DemoTask, demoScript } from '../../sim/demo-scenario.js';
import {
  createDemoDir,
  createSampleRepo,
  type DemoLayout,
  demoEnv,
  findClaudeCommand,
  killDemoTmux,
  markDemoFinished,
  writeDemoConfig,
} from '../../sim/demo-setup.js';
import { type SimServer, startSimServer } from '../../sim/server.js';
import { FlotillaClient } from '../client.js';
import { daemonClient, ensureDaemon, stopDaemon } from '../daemon-control.js';
import type { DemoRow, DemoView } from './demo-view.js';

/**
 * The demo itself: a throwaway world (demo-setup), the scripted model in this process, a daemon
 * of its own started the normal on-demand way, three tasks, `up`, then watching until every
 * agent has committed its file on its own branch, or a deadline.
 */

/** Options of one demo run. */
export interface DemoOptions {
  dir?: string;
  keep: boolean;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  view: DemoView;
  /** Notices (progress lines) for the user. */
  info: (text: string) => void;
  /** Aborted by Ctrl-C. */
  signal: AbortSignal;
}

/** How one demo task ended. */
export interface DemoAgentResult {
  agentId: string | null;
  taskId: string;
  title: string;
  branch: string | null;
  file: string;
  status: string | null;
  /** The commit on the task's branch that adds the file, if any. */
  commit: string | null;
  paneLog: string | null;
}

/** What a demo run did. */
export interface DemoResult {
  ok: boolean;
  layout: DemoLayout;
  baseCommit: string;
  agents: DemoAgentResult[];
  /** Why it failed (deadline, crash, Ctrl-C); null when ok. */
  problem: string | null;
  kept: boolean;
  durationMs: number;
}

const TICK_MS = 300;
const COMMIT_CHECK_MS = 1_000;
/** After its commit, an agent gets this long to finish its turn before the demo stops waiting. */
const SETTLE_MS = 10_000;
const RESTING: readonly string[] = ['needs_input', 'idle', 'exited'];

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });

/** Checks that the tools the demo needs exist before anything is created. */
function preflight(env: NodeJS.ProcessEnv): string {
  for (const [tool, pkg] of [
    ['git', 'git'],
    ['tmux', 'tmux'],
  ] as const) {
    if (!which(tool, env.PATH)) {
      throw new FlotillaError('TOOL_MISSING', `the demo needs ${tool}, which is not on PATH`, {
        hint: `install it (apt-get install ${pkg}, brew install ${pkg})`,
      });
    }
  }
  return findClaudeCommand(env.PATH);
}

/** The commit on `branch` (not on main) that touches `file`, or null. */
async function commitFor(layout: DemoLayout, env: NodeJS.ProcessEnv, branch: string, file: string) {
  const r = await run('git', ['-C', layout.repo, 'log', '--format=%h', `main..${branch}`, '--', file], {
    env,
    allowFailure: true,
    timeoutMs: 15_000,
  });
  return r.code === 0 && r.stdout.trim() !== '' ? (r.stdout.trim().split('\n')[0] ?? null) : null;
}

export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = Date.now();
  const claude = preflight(opts.env);
  const layout = createDemoDir(opts.dir);
  const env = demoEnv(layout, opts.env);
  const paths = resolvePaths(env);
  opts.info(`demo directory: ${layout.dir}`);
  const baseCommit = await createSampleRepo(layout, env);
  let sim: SimServer | null = null;
  let result: Omit<DemoResult, 'durationMs' | 'kept'> = {
    ok: false,
    layout,
    baseCommit,
    agents: [],
    problem: 'did not start',
  };
  try {
    sim = await startSimServer({ script: demoScript(), host: '127.0.0.1', port: 0 });
    await writeDemoConfig(layout, {
      claudeCommand: claude,
      modelUrl: sim.url,
      maxConcurrent: DEMO_TASKS.length,
    });
    opts.info(`scripted model on ${sim.url}; Claude Code: ${claude}`);
    const conn = await ensureDaemon(paths, env);
    opts.info(`started the demo's own daemon (pid ${conn.pid}, ${conn.url}, tmux -L ${layout.tmuxSocket})`);
    const client = new FlotillaClient(daemonClient(conn));
    // The same fleet, live in a browser: a single-use sign-in link, valid for a minute. Only
    // with --keep: otherwise this daemon, and the dashboard with it, stop when the demo ends.
    if (opts.keep) {
      const login = await client.loginLink().catch(() => null);
      if (login) opts.info(`watch it in your browser: ${login.url}  (single use, valid 60 s)`);
    }
    const { repo } = await client.registerRepo(layout.repo, 'sample-app');
    const tasks = [];
    for (const t of DEMO_TASKS) {
      tasks.push({
        def: t,
        task: await client.createTask(repo.id, { title: t.title, prompt: t.prompt, labels: ['demo'] }),
      });
    }
    const up = await client.up({ max: DEMO_TASKS.length });
    for (const s of up.skipped) opts.info(`skipped ${s.title}: ${s.reason}`);
    opts.info(
      `flotilla up started ${up.started.length} agents; watching them (deadline ${Math.round(opts.timeoutMs / 1000)} s)`,
    );
    result = { ...(await watch(client, layout, env, tasks, opts)), baseCommit };
    if (!opts.keep) {
      // Stopped, not just abandoned: a daemon started later for this state dir must not restart them.
      for (const a of result.agents) {
        if (a.agentId) await client.agentAction(a.agentId, 'stop').catch(() => undefined);
      }
    }
  } catch (err) {
    if (!opts.keep) await teardown(layout, env).catch(() => undefined);
    throw err;
  } finally {
    await sim?.close();
  }
  if (!opts.keep) {
    await teardown(layout, env);
    markDemoFinished(layout);
  }
  return { ...result, kept: opts.keep, durationMs: Date.now() - started };
}

/** Stops the demo's daemon and its tmux server; the directory stays. */
export async function teardown(layout: DemoLayout, env: NodeJS.ProcessEnv): Promise<void> {
  await stopDaemon(resolvePaths(env), { graceMs: 10_000 });
  await killDemoTmux(layout.tmuxSocket, env);
}

interface Tracked {
  def: DemoTask;
  task: { id: string };
  commit?: string | null;
  committedAt?: number;
  checkedAt?: number;
}

async function watch(
  client: FlotillaClient,
  layout: DemoLayout,
  env: NodeJS.ProcessEnv,
  tasks: Tracked[],
  opts: DemoOptions,
): Promise<Omit<DemoResult, 'durationMs' | 'kept' | 'baseCommit'>> {
  const deadline = Date.now() + opts.timeoutMs;
  const details = new Map<string, string>();
  let lastEvent: number | undefined;
  let agents: AgentView[] = [];
  let problem: string | null = null;
  for (;;) {
    agents = (await client.listAgents(false)).agents;
    const { events, lastId } = await client.events({
      type: 'agent.hook',
      ...(lastEvent === undefined ? {} : { after: String(lastEvent) }),
      limit: '500',
    });
    lastEvent = lastId ?? lastEvent;
    for (const e of events)
      if (e.agentId) details.set(e.agentId, String(e.data.summary ?? e.data.hook ?? ''));
    const now = Date.now();
    const rows: DemoRow[] = [];
    for (const t of tasks) {
      const agent = agents.find((a) => a.taskId === t.task.id);
      if (!agent) continue;
      if (!t.commit && now - (t.checkedAt ?? 0) >= COMMIT_CHECK_MS) {
        t.checkedAt = now;
        t.commit = await commitFor(layout, env, agent.branch, t.def.file);
        if (t.commit) t.committedAt = now;
      }
      rows.push({
        agentId: agent.id,
        status: agent.status,
        statusSince: agent.statusSince,
        title: t.def.title,
        branch: agent.branch,
        detail: details.get(agent.id) ?? '',
        committed: Boolean(t.commit),
      });
    }
    opts.view.update(rows);
    const settled = tasks.every((t) => {
      const a = agents.find((x) => x.taskId === t.task.id);
      return t.commit && a && (RESTING.includes(a.status) || now - (t.committedAt ?? now) > SETTLE_MS);
    });
    if (settled) break;
    const dead = agents.find((a) => a.status === 'crashed' || a.status === 'stopped');
    if (dead && !tasks.find((t) => t.task.id === dead.taskId)?.commit) {
      problem = `agent ${dead.id} is ${dead.status} before committing its work`;
      break;
    }
    if (opts.signal.aborted) {
      problem = 'interrupted';
      break;
    }
    if (now > deadline) {
      problem = `deadline of ${Math.round(opts.timeoutMs / 1000)} s passed`;
      break;
    }
    await sleep(TICK_MS, opts.signal);
  }
  const home = resolvePaths(env).home;
  return {
    ok: problem === null,
    layout,
    problem,
    agents: tasks.map((t) => {
      const a = agents.find((x) => x.taskId === t.task.id);
      return {
        agentId: a?.id ?? null,
        taskId: t.task.id,
        title: t.def.title,
        branch: a?.branch ?? null,
        file: t.def.file,
        status: a?.status ?? null,
        commit: t.commit ?? null,
        paneLog: a ? `${home}/agents/${a.id}/pane.log` : null,
      };
    }),
  };
}
