import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from '../../../src/cli/http-client.js';
import type { DaemonPlugin } from '../../../src/daemon/plugin.js';
import { type RunningDaemon, startDaemon } from '../../../src/daemon/server.js';
import { daemonFiles, readDaemonInfo } from '../../../src/daemon/state.js';
import { FlotillaError } from '../../../src/domain/errors.js';
import { identifyProcess } from '../../../src/proc/identity.js';
import { makeTempHome, type TempHome, testConfig } from './helpers.js';

const homes: TempHome[] = [];
const daemons: RunningDaemon[] = [];

afterEach(async () => {
  for (const d of daemons.splice(0)) await d.close();
  for (const h of homes.splice(0)) h.cleanup();
});

function home(): TempHome {
  const h = makeTempHome();
  homes.push(h);
  return h;
}

async function start(
  h: TempHome,
  extra: Partial<Parameters<typeof startDaemon>[0]> = {},
): Promise<RunningDaemon> {
  const d = await startDaemon({ paths: h.paths, config: testConfig(), version: '0.0.0-test', ...extra });
  daemons.push(d);
  return d;
}

/** A pid that certainly belongs to no process any more. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], {
    encoding: 'utf8',
  });
  return Number(r.stdout);
}

describe('token', () => {
  it('is created once with mode 0600 and reused by the next daemon', async () => {
    const h = home();
    const first = await start(h);
    expect(statSync(h.paths.tokenFile).mode & 0o777).toBe(0o600);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await first.close();
    chmodSync(h.paths.tokenFile, 0o644);
    const second = await start(h);
    expect(second.token).toBe(first.token);
    expect(statSync(h.paths.tokenFile).mode & 0o777).toBe(0o600);
  });
});

describe('daemon.json and the lock', () => {
  it('announces the daemon once it listens and removes both files on a graceful stop', async () => {
    const h = home();
    const d = await start(h);
    const files = daemonFiles(h.paths);
    expect(readDaemonInfo(h.paths)).toEqual(d.info);
    expect(d.info).toMatchObject({ pid: process.pid, host: '127.0.0.1', version: '0.0.0-test' });
    expect(d.url).toBe(`http://127.0.0.1:${d.info.port}`);
    expect(JSON.parse(readFileSync(files.lockFile, 'utf8'))).toMatchObject({ pid: process.pid });
    await d.close();
    expect(existsSync(files.infoFile)).toBe(false);
    expect(existsSync(files.lockFile)).toBe(false);
  });

  it('refuses a second daemon on the same state dir, naming the running one', async () => {
    const h = home();
    const d = await start(h);
    const err = await start(h).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FlotillaError);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect((err as FlotillaError).message).toContain(`pid ${process.pid}`);
    expect((err as FlotillaError).hint).toMatch(/flotilla daemon stop/);
    // The loser changed nothing: the first daemon still answers and is still announced.
    expect(readDaemonInfo(h.paths)).toEqual(d.info);
    const health = await createHttpClient({ baseUrl: d.url, token: d.token }).request(
      'GET',
      '/api/v1/health',
    );
    expect(health).toMatchObject({ pid: process.pid });
  });

  it('takes over a lock left by a dead process', async () => {
    const h = home();
    const files = daemonFiles(h.paths);
    await start(h).then((d) => d.close()); // creates the state dir
    writeFileSync(files.lockFile, JSON.stringify({ pid: deadPid(), startTime: null, bootId: null }));
    writeFileSync(
      files.infoFile,
      JSON.stringify({ pid: deadPid(), host: '127.0.0.1', port: 1, url: 'http://127.0.0.1:1' }),
    );
    const d = await start(h);
    expect(readDaemonInfo(h.paths)?.pid).toBe(process.pid);
    expect(d.info.port).not.toBe(1);
  });

  it('takes over a lock whose pid now belongs to another process (pid reuse after a reboot)', async () => {
    const h = home();
    await start(h).then((d) => d.close());
    const me = identifyProcess();
    if (me.startTime === null) return expect(process.platform).not.toBe('linux');
    // Our own pid is alive, but the recorded start time says it was some earlier process.
    writeFileSync(daemonFiles(h.paths).lockFile, JSON.stringify({ ...me, startTime: '1' }));
    await expect(start(h)).resolves.toMatchObject({ info: { pid: process.pid } });
  });

  it('releases the lock when it cannot listen, with an error that says why', async () => {
    const h = home();
    const blocker: Server = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startDaemon({ paths: h.paths, config: testConfig({ port }) }).catch(
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'CONFLICT' });
      expect((err as FlotillaError).message).toContain(`port ${port}`);
      expect(existsSync(daemonFiles(h.paths).lockFile)).toBe(false);
      expect(existsSync(daemonFiles(h.paths).infoFile)).toBe(false);
    } finally {
      blocker.close();
    }
  });

  it('refuses a non-loopback address unless told to allow it', async () => {
    const h = home();
    const err = await startDaemon({ paths: h.paths, config: testConfig({ host: '0.0.0.0' }) }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((err as FlotillaError).hint).toMatch(/--allow-remote/);
    expect(existsSync(daemonFiles(h.paths).lockFile)).toBe(false);
  });
});

describe('stopping', () => {
  it('stops gracefully when asked over the API', async () => {
    const h = home();
    const d = await start(h);
    const res = await createHttpClient({ baseUrl: d.url, token: d.token }).request(
      'POST',
      '/api/v1/daemon/stop',
    );
    expect(res).toMatchObject({ ok: true, stopping: true, pid: process.pid });
    await d.closed;
    expect(existsSync(daemonFiles(h.paths).infoFile)).toBe(false);
    expect(existsSync(daemonFiles(h.paths).lockFile)).toBe(false);
    const err = await createHttpClient({ baseUrl: d.url, token: d.token })
      .request('GET', '/api/v1/health')
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DAEMON_UNREACHABLE' });
  });
});

describe('plugins', () => {
  it('mounts routes, starts in order once listening, stops in reverse', async () => {
    const h = home();
    const calls: string[] = [];
    const plugin = (name: string): DaemonPlugin => ({
      name,
      routes(api) {
        api.get(`/${name}`, async () => ({ name }));
      },
      start(ctx) {
        calls.push(`start ${name} ${ctx.url !== '' && !existsSync(daemonFiles(h.paths).infoFile)}`);
      },
      stop(ctx) {
        calls.push(`stop ${name} ${ctx.signal.aborted}`);
      },
    });
    const d = await start(h, { plugins: [plugin('a'), plugin('b')] });
    expect(await createHttpClient({ baseUrl: d.url, token: d.token }).request('GET', '/api/v1/b')).toEqual({
      name: 'b',
    });
    await d.close();
    // Started after listening but before being announced; stopped after the abort signal.
    expect(calls).toEqual(['start a true', 'start b true', 'stop b true', 'stop a true']);
  });

  it('undoes a start that a plugin fails, stopping the plugins already started', async () => {
    const h = home();
    const calls: string[] = [];
    const err = await startDaemon({
      paths: h.paths,
      config: testConfig(),
      plugins: [
        { name: 'ok', start: () => void calls.push('start ok'), stop: () => void calls.push('stop ok') },
        {
          name: 'broken',
          start: () => {
            throw new FlotillaError('TOOL_MISSING', 'tmux is not installed');
          },
        },
      ],
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'TOOL_MISSING' });
    expect(calls).toEqual(['start ok', 'stop ok']);
    expect(existsSync(daemonFiles(h.paths).lockFile)).toBe(false);
    expect(existsSync(daemonFiles(h.paths).infoFile)).toBe(false);
  });
});
