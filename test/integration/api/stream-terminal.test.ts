import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, ConfigSchema } from '../../../src/config/schema.js';
import { CorePlugin } from '../../../src/daemon/core-plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { StreamPlugin } from '../../../src/daemon/stream-plugin.js';
import { SupervisorPlugin } from '../../../src/daemon/supervisor-plugin.js';
import { TmuxServer } from '../../../src/tmux/index.js';
import { waitFor } from '../../helpers/cli.js';
import { isolateGitEnv, makeRepo, type TestRepo } from '../../helpers/git.js';
import { makeTempHome, rawRequest, type TempHome } from '../daemon/helpers.js';
import { connect, type StreamClient } from './stream-client.js';

/**
 * The terminal channel against a real agent: the daemon (store, supervisor, stream) starts a
 * custom agent command (`sh` echoing what it reads) in a tmux session on a private tmux server.
 */
let home: TempHome;
let repo: TestRepo;
let daemon: RunningDaemon;
let config: Config;
let agentId: string;
const clients: StreamClient[] = [];
const socket = `flt-stream-${process.pid}-${Date.now().toString(36)}`;

const api = (path: string, body?: unknown) =>
  rawRequest(`${daemon.url}/api/v1${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${daemon.token}`, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

beforeAll(async () => {
  isolateGitEnv();
  home = makeTempHome();
  repo = await makeRepo();
  // The supervisor takes the agent from the repo's own config layer.
  repo.write({
    'flotilla.yaml': [
      'agent: echoer',
      'agents:',
      '  echoer:',
      '    adapter: custom',
      '    command: sh',
      `    args: ['-c', 'echo hello-from-agent; while read l; do echo "got:$l"; done']`,
      '    prompt_via: none',
      '',
    ].join('\n'),
  });
  config = ConfigSchema.parse({
    server: { port: 0, terminal_input: false },
    tmux: { socket },
    worktrees: { root: join(home.dir, 'worktrees') },
  });
  const core = new CorePlugin();
  daemon = await startDaemon({
    paths: home.paths,
    config,
    plugins: [core, new SupervisorPlugin(core), new StreamPlugin(core)],
  });
  const repoId = ((await api('/repos', { path: repo.path })).json as { repo: { id: string } }).repo.id;
  const task = (await api('/tasks', { repoId, title: 'Echo things' })).json as { id: string };
  const started = await api('/agents', { task: task.id });
  expect(started.status).toBe(201);
  agentId = (started.json as { id: string }).id;
}, 60_000);

afterAll(async () => {
  for (const c of clients) c.ws.terminate();
  await daemon?.close();
  const tmux = new TmuxServer({ socketName: socket });
  await tmux.killServer().catch(() => {});
  rmSync(tmux.socketPath, { force: true });
  await repo?.cleanup();
  home?.cleanup();
});

const open = async () => {
  const c = await connect(daemon.url, { authorization: `Bearer ${daemon.token}` });
  clients.push(c);
  await c.next('hello');
  return c;
};

const output = (c: StreamClient) =>
  c.messages.map((m) => (m.type === 'terminal.output' && m.agentId === agentId ? m.data : '')).join('');

describe('the terminal channel', () => {
  it('sends the current screen, then live output', async () => {
    const c = await open();
    const screen = await waitFor(async () => {
      c.send({ type: 'terminal.open', agentId });
      const s = await c.next('terminal.screen', undefined, 2_000);
      c.messages.length = 0;
      return s.data.includes('hello-from-agent') ? s : null;
    }, 'the agent greeting on its screen');
    expect(screen.agentId).toBe(agentId);

    expect((await api(`/agents/${agentId}/send`, { text: 'ping-one' })).status).toBe(200);
    await waitFor(() => output(c).includes('got:ping-one'), 'the agent answer as live output');
  });

  it('refuses input unless server.terminal_input allows it, then types it', async () => {
    const c = await open();
    c.send({ type: 'terminal.open', agentId });
    await c.next('terminal.screen');
    c.send({ type: 'terminal.input', agentId, data: 'typed-two\r' });
    const refused = await c.next('error');
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.hint).toContain('server.terminal_input');

    // The daemon reads the flag on every input, as a config reload would change it.
    config.server.terminal_input = true;
    c.send({ type: 'terminal.input', agentId, data: 'typed-two\r' });
    await waitFor(() => output(c).includes('got:typed-two'), 'the typed line echoed by the agent');
    c.send({ type: 'terminal.open', agentId: 'nope' });
    expect((await c.next('error', (m) => m.code === 'NOT_FOUND')).message).toContain("'nope'");
  });
});
