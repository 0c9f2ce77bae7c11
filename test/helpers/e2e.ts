import { randomBytes } from 'node:crypto';
import { accessSync, constants, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { stringify } from 'yaml';
import type { AgentView } from '../../src/api/routes/agents.js';
import { resolvePaths } from '../../src/config/paths.js';
import type { FlotillaEvent } from '../../src/domain/event.js';
import type { Task } from '../../src/domain/task.js';
import { type RunResult, run, which } from '../../src/proc/index.js';
import { killDemoTmux } from '../../src/sim/demo-setup.js';
import {
  type SimScriptInput,
  type SimServer,
  seedClaudeHome,
  simClaudeEnv,
  startSimServer,
} from '../../src/sim/index.js';
import {
  BIN,
  type CliResult,
  makeSandbox,
  ROOT,
  runCommand,
  type Sandbox,
  stopSandboxDaemon,
  waitFor,
} from './cli.js';
import { checkLoopbackOnly, type LoopbackNamespace, startLoopbackNamespace } from './netns.js';

/**
 * End-to-end worlds: the real `flotilla` binary, its real daemon (started on demand), real tmux
 * on a private socket, real git, the real Claude Code CLI from node_modules, and the scripted
 * model (src/sim) in the test process. Every CLI call runs inside a loopback-only network
 * namespace (`nsenter --net=…`), so the daemon it starts, the tmux server the daemon starts and
 * every agent live there too: nothing can reach past 127.0.0.1 even if a variable is missed.
 * The daemon's API is then only reachable inside the namespace, so `api()` asks from there.
 */

/** The pinned Claude Code CLI (devDependency). */
export const CLAUDE = join(ROOT, 'node_modules', '.bin', 'claude');

/** A Claude Code to run scenarios on; `skip` says why it cannot run here (the tests print it). */
export interface ClaudeVersion {
  /** `pinned` (the devDependency) or `newest` (npm's latest, from the test cache). */
  label: 'pinned' | 'newest';
  version: string;
  path: string;
  skip: string | null;
}

/**
 * The pinned Claude Code and the newest one on npm (installed by test/helpers/global-setup.ts),
 * so a scenario runs on the version the project was built against and on what users have.
 */
export function claudeVersions(): ClaudeVersion[] {
  let pinned = 'unknown';
  try {
    const pkg = join(ROOT, 'node_modules', '@anthropic-ai', 'claude-code', 'package.json');
    pinned = (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {}
  const latest = inject('claudeLatest') ?? { ok: false, reason: 'the vitest globalSetup did not run' };
  return [
    { label: 'pinned', version: pinned, path: CLAUDE, skip: null },
    latest.ok
      ? { label: 'newest', version: latest.version, path: latest.path, skip: null }
      : { label: 'newest', version: 'unknown', path: '', skip: latest.reason },
  ];
}

/** Why e2e tests cannot run here, or null. Checked once per file. */
export async function e2eSkipReason(): Promise<string | null> {
  try {
    accessSync(CLAUDE, constants.X_OK);
  } catch {
    return `${CLAUDE} is not installed (npm ci installs @anthropic-ai/claude-code)`;
  }
  for (const tool of ['tmux', 'git']) if (!which(tool)) return `${tool} is not installed`;
  const loopback = await checkLoopbackOnly();
  return loopback.available ? null : `no loopback-only network namespace: ${loopback.reason}`;
}

/** One line of an agent's events.jsonl, as `flotilla hook` wrote it. */
export interface HookLineRecord {
  ts: string;
  agentId: string;
  event: string;
  payload: Record<string, unknown>;
}

export interface E2eOptions {
  script: SimScriptInput;
  /** Merged over the base config (deep for `agents`, shallow elsewhere). */
  config?: Record<string, unknown>;
  /** The Claude Code binary the agents run (default: the pinned one). */
  claude?: string;
  /** Pre-trust the sandbox repo in Claude's HOME (default true); false shows the trust dialog. */
  trustRepo?: boolean;
  /** Pre-answer "use this API key?" (default true); false leaves Claude Code's API key dialog up. */
  apiKeyAnswered?: boolean;
}

/** A sandbox with its sim server, namespace, tmux socket and daemon. */
export interface E2eWorld {
  sb: Sandbox;
  sim: SimServer;
  ns: LoopbackNamespace;
  tmuxSocket: string;
  /** Run the real CLI inside the namespace, in the sandbox repo. */
  flotilla(args: string[], options?: { cwd?: string }): Promise<CliResult>;
  /** Run the CLI with `--json`; fails the test unless it exits 0. */
  json<T>(args: string[]): Promise<T>;
  /** GET a daemon API path (`/api/v1/…`) with the token, from inside the namespace. */
  api<T>(path: string): Promise<T>;
  agents(): Promise<AgentView[]>;
  agent(id: string): Promise<AgentView>;
  events(query: Record<string, string>): Promise<FlotillaEvent[]>;
  addTask(title: string, prompt?: string): Promise<Task>;
  /** The hook lines an agent has written so far (events.jsonl). */
  hookLines(agentId: string): HookLineRecord[];
  daemonPid(): number | null;
  tmux(args: string[]): Promise<RunResult>;
  /** Names of the sessions on the sandbox's tmux server ([] when it is not running). */
  sessions(): Promise<string[]>;
  /** The visible screen of an agent's pane, for failure messages. */
  screen(agentId: string): Promise<string>;
  /** Waits for an agent to satisfy `check`; a timeout says what it was doing instead. */
  waitForAgent(
    id: string,
    check: (a: AgentView) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<AgentView>;
  cleanup(): Promise<void>;
}

const deepMergeAgents = (base: Record<string, unknown>, extra: Record<string, unknown>) => {
  const out: Record<string, unknown> = { ...base, ...extra };
  if (extra.agents) out.agents = { ...(base.agents as object), ...(extra.agents as object) };
  return out;
};

export async function makeE2eWorld(options: E2eOptions): Promise<E2eWorld> {
  const sb = makeSandbox();
  const dir = realpathSync(sb.dir);
  const sim = await startSimServer({ script: options.script, socketPath: join(dir, 'sim.sock') });
  const ns = await startLoopbackNamespace(join(dir, 'sim.sock'));
  const tmuxSocket = `flotilla-e2e-${randomBytes(4).toString('hex')}`;
  const modelEnv = simClaudeEnv(ns.baseUrl);
  const { ANTHROPIC_BASE_URL: _u, ANTHROPIC_API_KEY: _k, ...networkOff } = modelEnv;
  Object.assign(sb.env, { FLOTILLA_TMUX__SOCKET: tmuxSocket, ...networkOff });
  const trusted = options.trustRepo === false ? [] : [sb.repo, realpathSync(sb.repo)];
  await seedClaudeHome(sb.home, { trustedPaths: trusted });
  if (options.apiKeyAnswered === false) {
    const file = join(sb.home, '.claude.json');
    const { customApiKeyResponses: _answered, ...rest } = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify(rest));
  }
  const claudeEntry = { command: options.claude ?? CLAUDE, env: modelEnv };
  const base: Record<string, unknown> = {
    agents: {
      // Default permission mode: Bash opens the approval dialog.
      'claude-code': { ...claudeEntry, permission_mode: 'default' },
      // Edits accepted, Bash allowed: runs a Write + commit script with no dialog (measured, 2.1.197).
      'claude-auto': {
        ...claudeEntry,
        adapter: 'claude-code',
        permission_mode: 'acceptEdits',
        args: ['--allowedTools', 'Bash'],
      },
    },
    tmux: { socket: tmuxSocket },
    server: { port: 0 },
    limits: { max_concurrent: 8 },
  };
  const configDir = join(sb.home, '.config', 'flotilla');
  mkdirSync(configDir, { recursive: true });
  writeFileSync(join(configDir, 'config.yaml'), stringify(deepMergeAgents(base, options.config ?? {})));

  const flotilla: E2eWorld['flotilla'] = (args, opts = {}) => {
    const w = ns.wrap(process.execPath, [BIN, ...args]);
    return runCommand(w.command, w.args, { cwd: opts.cwd ?? sb.repo, env: sb.env });
  };
  const json = async <T>(args: string[]): Promise<T> => {
    const r = await flotilla([...args, '--json']);
    if (r.code !== 0) throw new Error(`flotilla ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const daemonInfo = () =>
    JSON.parse(readFileSync(join(sb.stateDir, 'daemon.json'), 'utf8')) as { pid: number; url: string };
  const api = async <T>(path: string): Promise<T> => {
    const token = readFileSync(join(sb.stateDir, 'token'), 'utf8').trim();
    const fetchScript =
      "fetch(process.argv[1], { headers: { authorization: 'Bearer ' + process.argv[2] } }).then(" +
      'async (r) => { process.stdout.write(await r.text()); process.exitCode = r.ok ? 0 : 1; },' +
      '(e) => { console.error(String(e)); process.exitCode = 2; })';
    const r = await ns.run(process.execPath, ['-e', fetchScript, `${daemonInfo().url}${path}`, token], {
      allowFailure: true,
      timeoutMs: 20_000,
    });
    if (r.code !== 0) throw new Error(`GET ${path} failed (${r.code}): ${r.stdout}${r.stderr}`);
    return JSON.parse(r.stdout) as T;
  };
  const agents = async () => (await json<{ agents: AgentView[] }>(['ps'])).agents;
  const agent = async (id: string) => {
    const found = (await agents()).find((a) => a.id === id);
    if (!found) throw new Error(`agent ${id} is not in flotilla ps`);
    return found;
  };
  const tmux = (args: string[]) =>
    run('tmux', ['-L', tmuxSocket, ...args], { env: sb.env, allowFailure: true, timeoutMs: 15_000 });
  const screen = async (agentId: string) =>
    (await tmux(['capture-pane', '-p', '-t', `flotilla-${agentId}`])).stdout.replace(/\n{3,}/g, '\n\n');

  const world: E2eWorld = {
    sb,
    sim,
    ns,
    tmuxSocket,
    flotilla,
    json,
    api,
    agents,
    agent,
    events: async (query) =>
      (await api<{ events: FlotillaEvent[] }>(`/api/v1/events?${new URLSearchParams(query).toString()}`))
        .events,
    addTask: (title, prompt) =>
      json<Task>(['task', 'add', title, ...(prompt === undefined ? [] : ['--prompt', prompt])]),
    hookLines: (agentId) => {
      let text = '';
      try {
        text = readFileSync(join(sb.stateDir, 'agents', agentId, 'events.jsonl'), 'utf8');
      } catch {
        return [];
      }
      return text
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => JSON.parse(l) as HookLineRecord);
    },
    daemonPid: () => {
      try {
        return daemonInfo().pid;
      } catch {
        return null;
      }
    },
    tmux,
    sessions: async () => {
      const r = await tmux(['list-sessions', '-F', '#{session_name}']);
      return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : [];
    },
    screen,
    waitForAgent: async (id, check, what, timeoutMs = 60_000) => {
      let last: AgentView | undefined;
      try {
        return await waitFor(
          async () => {
            last = await agent(id);
            return check(last) ? last : null;
          },
          what,
          { timeoutMs, intervalMs: 250 },
        );
      } catch (err) {
        const seen = last
          ? `${last.status} (${last.statusSource}), restarts ${last.restartCount}`
          : 'nothing';
        // The agent's last events say how it got there (which source set which status, when).
        const events = await flotilla(['events', '--agent', id, '-n', '12']).then(
          (r) => r.stdout,
          (e: Error) => `(no events: ${e.message})`,
        );
        // And what the daemon logged about it (warnings: an observation that kept failing).
        let logged = '';
        try {
          logged = readFileSync(join(resolvePaths(sb.env).logDir, 'daemon.log'), 'utf8')
            .split('\n')
            .filter((l) => l.includes(id))
            .slice(-40)
            .join('\n');
        } catch (e) {
          logged = `(no daemon log: ${(e as Error).message})`;
        }
        throw new Error(
          `${(err as Error).message}; agent ${id} was ${seen}; its screen:\n${await screen(id)}\nits last events:\n${events}\nthe daemon's log about it:\n${logged}`,
        );
      }
    },
    cleanup: async () => {
      stopSandboxDaemon(sb.stateDir);
      // Kills the server, waits for the agents to be gone, removes the socket file tmux leaves.
      await killDemoTmux(tmuxSocket, sb.env);
      await ns.close();
      await sim.close();
      rmSync(sb.dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
    },
  };
  const init = await flotilla(['init', '--no-config-file']);
  if (init.code !== 0) {
    await world.cleanup();
    throw new Error(`flotilla init failed: ${init.stderr}`);
  }
  return world;
}
