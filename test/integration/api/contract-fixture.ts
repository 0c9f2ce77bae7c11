/**
 * A full in-process daemon (core + supervisor plugins) for the contract and fuzz tests: a temp
 * state dir, a private tmux server (`-L` with a unique name), a real git repo registered, and
 * agents that are a plain `sleep` (a custom command, so nothing but tmux and git is needed).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigSchema } from '../../../src/config/schema.js';
import { defaultPlugins } from '../../../src/daemon/plugins.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { run } from '../../../src/proc/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';
import { makeTempHome, type RawResponse, rawRequest, type TempHome } from '../daemon/helpers.js';

export interface ApiFixture {
  daemon: RunningDaemon;
  repo: TestRepo;
  home: TempHome;
  /** One request with the token; a body object is sent as JSON. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  cleanup(): Promise<void>;
}

export async function startApiFixture(name: string): Promise<ApiFixture> {
  const home = makeTempHome();
  const repo = await makeRepo();
  const socket = `flotilla-${name}-${process.pid}`;
  const config = ConfigSchema.parse({
    agent: 'sleeper',
    agents: { sleeper: { adapter: 'custom', command: 'sleep', args: ['600'], prompt_via: 'none' } },
    worktrees: { root: join(home.dir, 'worktrees') },
    tmux: { socket },
    server: { port: 0 },
    restart: { policy: 'never' },
  });
  const daemon = await startDaemon({
    paths: home.paths,
    config,
    plugins: await defaultPlugins(),
    version: '0.0.0-contract',
  });
  const call: ApiFixture['call'] = (method, path, body, headers = {}) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return rawRequest(`${daemon.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${daemon.token}`,
        // Framed as every real client frames it: without a length, a GET's body is unframed bytes.
        ...(text === undefined
          ? {}
          : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) }),
        ...headers,
      },
      ...(text === undefined ? {} : { body: text }),
    });
  };
  return {
    daemon,
    repo,
    home,
    call,
    async cleanup() {
      await daemon.close().catch(() => undefined);
      await run('tmux', ['-L', socket, 'kill-server']).catch(() => undefined);
      // tmux leaves a dead server's socket file behind; it is ours by name.
      const tmuxDir = join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`);
      rmSync(join(tmuxDir, socket), { force: true });
      repo.cleanup();
      home.cleanup();
    },
  };
}
