import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { AgentAdapter } from '../../../src/agents/types.js';
import { ensureStateDir, resolvePaths, type StatePaths } from '../../../src/config/paths.js';
import { type Config, type ConfigInput, ConfigSchema } from '../../../src/config/schema.js';
import type { Agent, AgentStatus } from '../../../src/domain/agent.js';
import type { Task } from '../../../src/domain/task.js';
import type { EventBus } from '../../../src/events/bus.js';
import { startEventBus } from '../../../src/events/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import { Supervisor, type SupervisorOptions } from '../../../src/supervisor/index.js';
import { TmuxServer } from '../../../src/tmux/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';
import { fakeAdapter } from './fake-adapter.js';

export const FAKE_AGENT = resolve(import.meta.dirname, '../../fixtures/agents/fake-agent.mjs');

/** Everything a supervisor test runs on: a repo, a store, a private tmux server, a supervisor. */
export interface Harness {
  dir: string;
  repo: TestRepo;
  store: Store;
  tmux: TmuxServer;
  paths: StatePaths;
  config: Config;
  bus: EventBus;
  sup: Supervisor;
  /** Where the fake agent records each start. */
  out: string;
  repoId: string;
  task(title?: string, prompt?: string): Promise<Task>;
  /** A second supervisor on the same store and tmux (a daemon restart). */
  newSupervisor(extra?: Partial<SupervisorOptions>): Supervisor;
  /** The fake agent's recorded starts, oldest first. */
  starts(): { argv: string[]; env: Record<string, string | null>; cwd: string; pid: number }[];
  waitStatus(
    agentId: string,
    status: AgentStatus | AgentStatus[],
    what?: string,
    timeoutMs?: number,
  ): Promise<Agent>;
  cleanup(): Promise<void>;
}

export interface HarnessOptions {
  /** FAKE_MODE and other env of the fake agent. */
  agentEnv?: Record<string, string>;
  config?: ConfigInput;
  /** The adapter to drive the fake agent with; 'registry' = Flotilla's own (custom). Default: fakeAdapter. */
  adapter?: AgentAdapter | 'registry';
  supervisor?: Partial<SupervisorOptions>;
  /** The tmux binary to run (e.g. a shim that records each client's argv). */
  tmuxCommand?: string;
}

export async function makeHarness(options: HarnessOptions = {}): Promise<Harness> {
  // /tmp, not os.tmpdir(): the tmux socket path must stay short.
  const dir = mkdtempSync('/tmp/flotilla-sup-');
  const repo = await makeRepo();
  const out = join(dir, 'out');
  const paths = resolvePaths({ FLOTILLA_HOME: join(dir, 'home'), HOME: dir });
  ensureStateDir(paths);
  const agentHome = join(dir, 'agent-home');
  mkdirSync(agentHome);
  const base = options.config ?? {};
  const config = ConfigSchema.parse({
    ...base,
    agent: 'fake',
    agents: {
      fake: {
        adapter: 'custom',
        command: FAKE_AGENT,
        env: { FAKE_OUT: out, HOME: agentHome, ...options.agentEnv },
      },
      ...(base.agents ?? {}),
    },
    worktrees: { root: join(dir, 'worktrees'), ...(base.worktrees ?? {}) },
    restart: {
      policy: 'on-failure',
      backoff: { initial_ms: 50, max_ms: 200, factor: 2 },
      intensity: { max_restarts: 3, window_seconds: 60 },
      ...(base.restart ?? {}),
    },
  });
  const store = await openStore(paths.dbFile);
  const registered = await store.repos.register(
    { name: 'repo', path: repo.path, defaultBranch: 'main' },
    'user',
  );
  const tmux = new TmuxServer({
    socketPath: join(dir, 'sock'),
    ...(options.tmuxCommand === undefined ? {} : { tmuxCommand: options.tmuxCommand }),
    env: { PATH: process.env.PATH, HOME: agentHome, LANG: 'C.UTF-8' },
  });
  // Fed from the store's log, as the daemon's is.
  const fed = await startEventBus(store);
  const bus = fed.bus;
  const adapter = options.adapter ?? fakeAdapter;
  const make = (extra: Partial<SupervisorOptions> = {}) =>
    new Supervisor({
      store,
      config,
      paths,
      tmux,
      bus,
      ...(adapter === 'registry' ? {} : { adapterFor: () => adapter }),
      tickMs: 100,
      resourceEveryMs: 500,
      stopGraceMs: 300,
      ...options.supervisor,
      ...extra,
    });
  const supervisors: Supervisor[] = [];
  const sup = make();
  supervisors.push(sup);
  let n = 0;
  return {
    dir,
    repo,
    store,
    tmux,
    paths,
    config,
    bus,
    sup,
    out,
    repoId: registered.id,
    task: (title = `Task ${++n}`, prompt = 'do the thing') =>
      store.tasks.create(registered.id, { title, prompt }, 'user'),
    newSupervisor(extra) {
      const s = make(extra);
      supervisors.push(s);
      return s;
    },
    starts() {
      let files: string[] = [];
      try {
        files = readdirSync(out).filter((f) => f.startsWith('start-'));
      } catch {}
      const at = (f: string) => Number(f.split('-')[1]);
      // A launch script may still be writing its file: a half-written one counts on the next poll.
      const parsed = (f: string) => {
        try {
          return JSON.parse(readFileSync(join(out, f), 'utf8'));
        } catch {
          return undefined;
        }
      };
      return files
        .sort((a, b) => at(a) - at(b))
        .map(parsed)
        .filter((x) => x !== undefined);
    },
    async waitStatus(agentId, status, what, timeoutMs = 10_000) {
      const wanted = Array.isArray(status) ? status : [status];
      const deadline = Date.now() + timeoutMs;
      let last: Agent | null = null;
      for (;;) {
        last = await store.agents.get(agentId);
        if (last && wanted.includes(last.status)) return last;
        if (Date.now() > deadline) {
          throw new Error(
            `${what ?? `agent ${agentId} reaching ${wanted.join('/')}`} did not happen within ${timeoutMs} ms (status: ${last?.status})`,
          );
        }
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async cleanup() {
      for (const s of supervisors) await s.close();
      fed.close();
      await tmux.killServer();
      await store.close();
      repo.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Poll until `check` returns something truthy, or fail saying what never happened. */
export async function waitFor<T>(
  check: () => Promise<T> | T,
  what: string,
  timeoutMs = 10_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Runs health ticks until `check` holds (the supervisor is not booted: the test drives it). */
export async function tickUntil<T>(h: Harness, check: () => Promise<T>, what: string, timeoutMs = 10_000) {
  return waitFor(
    async () => {
      await h.sup.tick();
      return check();
    },
    what,
    timeoutMs,
  );
}
