import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { daemonStatus, ensureDaemon, stopDaemon } from '../../../src/cli/daemon-control.js';
import { daemonFiles, readDaemonInfo } from '../../../src/daemon/state.js';
import { FlotillaError } from '../../../src/domain/errors.js';
import { processGroupId } from '../../../src/proc/identity.js';
import { isAlive } from '../../../src/proc/signals.js';
import { ROOT, waitFor } from '../../helpers/cli.js';
import { makeTempHome, type TempHome } from './helpers.js';

/**
 * The real detached daemon, started the way CLI commands start it. It runs the built code
 * (dist/): through bin/flotilla.js once main.ts registers the daemon commands, through a
 * stand-in launcher of the same command module until then.
 */
const built = existsSync(join(ROOT, 'dist', 'cli', 'commands', 'daemon.js'));
const mainHasServe =
  built && readFileSync(join(ROOT, 'dist', 'cli', 'main.js'), 'utf8').includes('registerDaemonCommands');
const entry = mainHasServe
  ? join(ROOT, 'bin', 'flotilla.js')
  : join(import.meta.dirname, 'fixtures', 'daemon-cli.mjs');

/** Pids of every process whose environment names this state dir: the daemons of one test. */
function processesOf(h: TempHome): number[] {
  const needle = `FLOTILLA_HOME=${h.paths.home}\0`;
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (`${readFileSync(`/proc/${name}/environ`, 'utf8')}\0`.includes(needle)) pids.push(Number(name));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

const homes: TempHome[] = [];
afterEach(async () => {
  for (const h of homes.splice(0)) {
    await stopDaemon(h.paths, { graceMs: 3_000, signalGraceMs: 500 }).catch(() => undefined);
    for (const pid of processesOf(h)) process.kill(pid, 'SIGKILL');
    h.cleanup();
  }
});

function home(): TempHome {
  const h = makeTempHome();
  homes.push(h);
  return h;
}

describe.skipIf(!built)('the background daemon (needs `npm run build`)', () => {
  it('is started on demand in its own session, found again, reported and stopped', async () => {
    const h = home();
    const conn = await ensureDaemon(h.paths, h.env, { entry });
    expect(conn.started).toBe(true);
    expect(conn.pid).not.toBe(process.pid);
    expect(readDaemonInfo(h.paths)).toMatchObject({ pid: conn.pid, url: conn.url });
    // Its own process group: a Ctrl-C in the terminal that started it does not reach it.
    expect(processGroupId(conn.pid)).toBe(conn.pid);

    const again = await ensureDaemon(h.paths, h.env, { entry });
    expect(again).toEqual({ ...conn, started: false });

    // A second `flotilla serve` on the same state dir says who is running and how to stop it.
    const second = spawnSync(process.execPath, [entry, 'serve'], {
      env: h.env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(second.status).toBe(4);
    expect(second.stderr).toContain(`already running for ${h.paths.home} (pid ${conn.pid})`);
    expect(second.stderr).toContain('flotilla daemon stop');

    const status = await daemonStatus(h.paths);
    expect(status).toMatchObject({ running: true, healthy: true, pid: conn.pid, url: conn.url });

    const stopped = await stopDaemon(h.paths);
    expect(stopped).toEqual({ wasRunning: true, pid: conn.pid, how: 'api' });
    expect(isAlive(conn.pid)).toBe(false);
    expect(existsSync(daemonFiles(h.paths).infoFile)).toBe(false);
    expect(existsSync(daemonFiles(h.paths).lockFile)).toBe(false);
    expect(await daemonStatus(h.paths)).toMatchObject({ running: false, healthy: false, pid: null });
    expect(await stopDaemon(h.paths)).toEqual({ wasRunning: false, pid: null, how: null });
  });

  it('ends with exactly one daemon when several commands start it at once', async () => {
    const h = home();
    const script = join(import.meta.dirname, 'fixtures', 'ensure.mjs');
    const runOne = () =>
      new Promise<{ pid: number; url: string }>((resolve, reject) => {
        const child = spawn(process.execPath, [script, entry], {
          env: h.env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (b: Buffer) => {
          out += b.toString();
        });
        child.stderr.on('data', (b: Buffer) => {
          err += b.toString();
        });
        child.on('close', (code) =>
          code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`exit ${code}: ${err}`)),
        );
      });
    const results = await Promise.all([runOne(), runOne(), ensureDaemon(h.paths, h.env, { entry })]);
    const pids = new Set(results.map((r) => r.pid));
    expect(pids.size).toBe(1);
    const [winner] = [...pids];
    await waitFor(
      () => {
        const running = processesOf(h);
        return running.length === 1 && running[0] === winner;
      },
      `only the winning daemon (pid ${winner}) to be left running; running: ${processesOf(h).join(', ')}`,
    );
  });

  it('says so when the running daemon does not accept our token, and stops on SIGTERM', async () => {
    const h = home();
    const conn = await ensureDaemon(h.paths, h.env, { entry });
    writeFileSync(h.paths.tokenFile, `${'x'.repeat(43)}\n`);
    const err = await ensureDaemon(h.paths, h.env, { entry }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'DAEMON_UNREACHABLE' });
    expect((err as FlotillaError).message).toContain(`pid ${conn.pid}`);
    expect((err as FlotillaError).hint).toMatch(/flotilla daemon restart/);

    process.kill(conn.pid, 'SIGTERM');
    await waitFor(() => !isAlive(conn.pid), `daemon ${conn.pid} to exit after SIGTERM`);
    expect(existsSync(daemonFiles(h.paths).infoFile)).toBe(false);
    expect(existsSync(daemonFiles(h.paths).lockFile)).toBe(false);
  });

  it('kills a daemon that does not answer, and clears what it left behind', async () => {
    const h = home();
    const conn = await ensureDaemon(h.paths, h.env, { entry });
    process.kill(conn.pid, 'SIGSTOP'); // hung: neither HTTP nor SIGINT/SIGTERM get through
    const stopped = await stopDaemon(h.paths, { graceMs: 500, signalGraceMs: 200 });
    expect(stopped).toEqual({ wasRunning: true, pid: conn.pid, how: 'SIGKILL' });
    expect(isAlive(conn.pid)).toBe(false);
    expect(existsSync(daemonFiles(h.paths).infoFile)).toBe(false);
    expect(existsSync(daemonFiles(h.paths).lockFile)).toBe(false);
  });

  it('reports a daemon that dies while starting with its own error code and message', async () => {
    const h = home();
    const err = await ensureDaemon(h.paths, { ...h.env, FLOTILLA_SERVER__PORT: 'eighty' }, { entry }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(FlotillaError);
    // The detached daemon prints its fatal FlotillaError as JSON; the starter re-raises it as is.
    expect(err).toMatchObject({ code: 'CONFIG_INVALID' });
    expect((err as FlotillaError).message).toMatch(/FLOTILLA_SERVER__PORT[\s\S]*server\.port/);
    // Its own hint, alone: how to fix it (a log path joined on would make two hints of one).
    expect((err as FlotillaError).hint).toBe('fix or unset FLOTILLA_SERVER__PORT');
  });
});
