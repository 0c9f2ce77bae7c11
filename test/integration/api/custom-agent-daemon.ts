/**
 * A real in-process daemon (store + supervisor, optionally the stream) whose agent is a custom
 * command: `sh -c <script>` in a tmux session on a private tmux server, declared in the test
 * repo's own `flotilla.yaml` so the supervisor takes it from the repo's config layer. The repo is
 * registered; tasks and agents are left to the test, which asserts on them as it needs.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, ConfigSchema } from '../../../src/config/schema.js';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { LandingPlugin } from '../../../src/daemon/landing-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { StreamPlugin } from '../../../src/daemon/stream-plugin.js';
import { SupervisorPlugin } from '../../../src/daemon/supervisor-plugin.js';
import { TmuxServer } from '../../../src/tmux/index.js';
import { isolateGitEnv, makeRepo, type TestRepo } from '../../helpers/git.js';
import { makeTempHome, type RawResponse, rawRequest, type TempHome } from '../daemon/helpers.js';
import { connect, type StreamClient } from './stream-client.js';

/** What differs between the tests that use a custom-agent daemon. */
export interface CustomAgentDaemonOptions {
  /** The agent's name in flotilla.yaml (also the default `agent:`). */
  agentName: string;
  /** The shell script the agent runs, as `sh -c <script>`. */
  agentScript: string;
  /** Prefix of the private tmux socket name; the pid and time are appended. */
  socketPrefix: string;
  /** Server settings on top of `port: 0`. */
  server?: Partial<Config['server']>;
  /** Load the StreamPlugin too (the WebSocket stream and terminal feed). */
  stream?: boolean;
  /** Load the LandingPlugin too (landing queue, review, dispatcher, tasks following git). */
  landing?: boolean;
  /** More lines for the repo's flotilla.yaml (landing.verify, scheduler.auto…). */
  repoConfig?: string[];
}

/** A running custom-agent daemon and the handles a test needs to drive and inspect it. */
export interface CustomAgentDaemon {
  home: TempHome;
  repo: TestRepo;
  daemon: RunningDaemon;
  /** The parsed config the daemon holds: a test may change it as a config reload would. */
  config: Config;
  /** The tmux socket name the supervisor's server listens on. */
  socket: string;
  /** The id of the test repo, registered with the daemon. */
  repoId: string;
  /** One /api/v1 request with the token: GET without a body, POST with it as JSON. */
  api(path: string, body?: unknown): Promise<RawResponse>;
  /** Create a task in the test repo; its id. */
  createTask(title: string): Promise<string>;
  /** POST /agents for a task; the raw answer, for the test to assert on. */
  startAgent(taskId: string): Promise<RawResponse>;
  /** A stream client with the token, past its hello (needs `stream: true`); closed by cleanup. */
  open(): Promise<StreamClient>;
  /** Close the stream clients and the daemon, kill the private tmux server and remove the temp dirs. */
  cleanup(): Promise<void>;
}

/** An agent's own API token, read from its process environment (undefined until it is there). */
export const environToken = (pid: number): string | undefined =>
  readFileSync(`/proc/${pid}/environ`, 'utf8')
    .split('\0')
    .find((e) => e.startsWith('FLOTILLA_AGENT_TOKEN='))
    ?.slice('FLOTILLA_AGENT_TOKEN='.length);

/** YAML single-quoted scalar: a quote is doubled, nothing else is special. */
const yamlQuote = (s: string) => `'${s.replaceAll("'", "''")}'`;

export async function startCustomAgentDaemon(opts: CustomAgentDaemonOptions): Promise<CustomAgentDaemon> {
  isolateGitEnv();
  const socket = `${opts.socketPrefix}-${process.pid}-${Date.now().toString(36)}`;
  const home = makeTempHome();
  let repo: TestRepo | undefined;
  let daemon: RunningDaemon | undefined;
  const clients: StreamClient[] = [];
  const cleanup = async () => {
    for (const c of clients) c.ws.terminate();
    await daemon?.close();
    const tmux = new TmuxServer({ socketName: socket });
    await tmux.killServer().catch(() => {});
    rmSync(tmux.socketPath, { force: true });
    repo?.cleanup();
    home.cleanup();
  };
  try {
    repo = await makeRepo();
    repo.write({
      'flotilla.yaml': [
        `agent: ${opts.agentName}`,
        'agents:',
        `  ${opts.agentName}:`,
        '    adapter: custom',
        '    command: sh',
        `    args: ['-c', ${yamlQuote(opts.agentScript)}]`,
        '    prompt_via: none',
        ...(opts.repoConfig ?? []),
        '',
      ].join('\n'),
    });
    const config = ConfigSchema.parse({
      server: { port: 0, ...opts.server },
      tmux: { socket },
      worktrees: { root: join(home.dir, 'worktrees') },
    });
    const core = new CorePlugin();
    const supervisor = new SupervisorPlugin(core);
    const plugins = [
      core,
      supervisor,
      ...(opts.landing ? [new LandingPlugin(core, supervisor)] : []),
      ...(opts.stream ? [new StreamPlugin(core)] : []),
    ];
    const running = await startDaemon({ paths: home.paths, config, plugins });
    daemon = running;
    const api = (path: string, body?: unknown) =>
      rawRequest(`${running.url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${running.token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const repoId = ((await api('/repos', { path: repo.path })).json as { repo: { id: string } }).repo.id;
    return {
      home,
      repo,
      daemon: running,
      config,
      socket,
      repoId,
      api,
      createTask: async (title) => ((await api('/tasks', { repoId, title })).json as { id: string }).id,
      startAgent: (task) => api('/agents', { task }),
      open: async () => {
        const c = await connect(running.url, { authorization: `Bearer ${running.token}` });
        clients.push(c);
        await c.next('hello');
        return c;
      },
      cleanup,
    };
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }
}
