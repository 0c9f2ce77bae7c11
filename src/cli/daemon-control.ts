/**
 * Finding, starting and stopping the daemon from the CLI. The first command that needs the
 * daemon starts it in the background (as tmux and pm2 do); racing starters are settled by the
 * daemon's lock, and every one of them ends up talking to the winner. Stopping the daemon never
 * stops an agent: they live in tmux.
 */
import { closeSync, openSync, readSync, renameSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ensureStateDir, type StatePaths } from '../config/paths.js';
import {
  clearStaleDaemonFiles,
  type DaemonInfo,
  daemonFiles,
  type LockRecord,
  lockHolder,
  readDaemonInfo,
  readToken,
} from '../daemon/state.js';
import { ERROR_CODES, type ErrorCode, type ErrorIssue, FlotillaError } from '../domain/errors.js';
import { isSameProcessAlive } from '../proc/identity.js';
import { isAlive, killProcessGroup } from '../proc/signals.js';
import { claimSpawn, type SpawnClaim, spawnClaimedByOther } from './daemon-spawn-claim.js';
import { createHttpClient, type HttpClient } from './http-client.js';

/** How to reach a running daemon. */
export interface DaemonConnection {
  url: string;
  token: string;
  pid: number;
  version: string;
  /** True when this call started it. */
  started: boolean;
  /** The daemon's pinned certificate when it serves HTTPS (from daemon.json). */
  tls?: DaemonInfo['tls'];
}

/** What `/api/v1/health` says to a client holding the token. */
export interface DaemonHealth {
  ok: boolean;
  version: string;
  pid: number;
  uptimeSeconds: number;
}

export interface EnsureDaemonOptions {
  /**
   * How long to wait while no daemon is on its way (none booting, none about to be spawned), or
   * one is announced but does not answer. Default 10 s.
   */
  timeoutMs?: number;
  /** How long to wait at most, even for a daemon still booting (slow under load). Default 60 s. */
  maxWaitMs?: number;
  /** The `flotilla` entry script to run; default the package's bin/flotilla.js. */
  entry?: string;
  /** Called when no daemon answers and one would be started: an error returned is thrown instead. */
  refuseStart?: () => FlotillaError | undefined;
}

const POLL_MS = 25;
const PROBE_TIMEOUT_MS = 2_000;
const MAX_OUT_BYTES = 1024 * 1024;

/** The package's launcher, next to dist/ (or src/ under the test runner). */
export const defaultEntry = (): string => fileURLToPath(new URL('../../bin/flotilla.js', import.meta.url));

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A client for a daemon found by `ensureDaemon`. */
export function daemonClient(
  conn: Pick<DaemonConnection, 'url' | 'token' | 'tls'>,
  timeoutMs?: number,
): HttpClient {
  return createHttpClient({
    baseUrl: conn.url,
    token: conn.token,
    ...(conn.tls ? { tls: conn.tls } : {}),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
}

/** The daemon named by daemon.json, if its process is alive and it answers health with our token. */
export async function probeDaemon(
  paths: StatePaths,
): Promise<{ info: DaemonInfo; token: string; health: DaemonHealth } | null> {
  const found = await probe(paths);
  return found === null || found === 'unauthorized' ? null : found;
}

/**
 * As probeDaemon, but tells "refuses our token" (a definite answer: waiting will not change it)
 * from "no answer yet" (slow under load, or still starting: worth asking again).
 */
async function probe(
  paths: StatePaths,
): Promise<{ info: DaemonInfo; token: string; health: DaemonHealth } | 'unauthorized' | null> {
  const info = readDaemonInfo(paths);
  if (info === null || !isAlive(info.pid)) return null;
  const token = readToken(paths);
  if (token === null) return null;
  try {
    const health = await daemonClient(
      { url: info.url, token, tls: info.tls },
      PROBE_TIMEOUT_MS,
    ).request<DaemonHealth>('GET', '/api/v1/health');
    // The pid check tells our daemon from whatever may listen on a reused port. A health answer
    // without one is the public answer: the daemon did not take our token.
    if (health.ok === true && health.pid === undefined) return 'unauthorized';
    return health.ok === true && health.pid === info.pid ? { info, token, health } : null;
  } catch (err) {
    return err instanceof FlotillaError && err.code === 'UNAUTHORIZED' ? 'unauthorized' : null;
  }
}

const connection = (p: { info: DaemonInfo; token: string }, started: boolean): DaemonConnection => ({
  url: p.info.url,
  token: p.token,
  pid: p.info.pid,
  version: p.info.version,
  started,
  ...(p.info.tls ? { tls: p.info.tls } : {}),
});

function tail(file: string, from: number, maxBytes = 4096): string {
  try {
    const size = statSync(file).size;
    const start = Math.max(from, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    const fd = openSync(file, 'r');
    try {
      readSync(fd, buf, 0, buf.length, start);
    } finally {
      closeSync(fd);
    }
    return buf.toString('utf8').trim();
  } catch {
    return '';
  }
}

const fileSize = (file: string): number => {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
};

/** Returns a running daemon, starting one in the background if there is none. */
export async function ensureDaemon(
  paths: StatePaths,
  env: NodeJS.ProcessEnv = process.env,
  opts: EnsureDaemonOptions = {},
): Promise<DaemonConnection> {
  const first = await probe(paths);
  if (first !== null && first !== 'unauthorized') return connection(first, false);
  const unreachable = (pid: number) =>
    new FlotillaError(
      'DAEMON_UNREACHABLE',
      `the Flotilla daemon (pid ${pid}) is running but does not answer`,
      {
        hint: `restart it: \`flotilla daemon restart\`; its log is ${daemonFiles(paths).logFile}`,
      },
    );
  /** The lock holder, if it has announced itself in daemon.json: it is up, not starting. */
  const announced = (): LockRecord | null => {
    const holder = lockHolder(paths);
    return holder !== null && readDaemonInfo(paths)?.pid === holder.pid ? holder : null;
  };
  // Announced but refusing our token: the token file changed under it, and no wait will help.
  // (Another start would only lose to its lock.)
  const holderUp = announced();
  if (first === 'unauthorized' && holderUp) throw unreachable(holderUp.pid);
  const refusal = first === null ? opts.refuseStart?.() : undefined;
  if (refusal) throw refusal;

  ensureStateDir(paths);
  const { spawnDetached } = await import('../proc/spawn-detached.js');
  const { outFile } = daemonFiles(paths);
  const idleMs = opts.timeoutMs ?? 10_000;
  const capMs = Math.max(idleMs, opts.maxWaitMs ?? 60_000);
  const begun = Date.now();
  const spawnServe = (): { pid: number; offset: number } => {
    if (fileSize(outFile) > MAX_OUT_BYTES) renameSync(outFile, `${outFile}.1`);
    const offset = fileSize(outFile);
    // cwd is the state dir: a daemon started from a repo must not keep that directory busy.
    const pid = spawnDetached(process.execPath, [opts.entry ?? defaultEntry(), 'serve', '--detached'], {
      cwd: paths.home,
      env,
      stdoutFile: outFile,
    });
    return { pid, offset };
  };

  // Of the commands that find no daemon at once, only the one holding the spawn claim starts
  // one; the others wait for it (see daemon-spawn-claim.ts).
  // Typed by assertion: they are set inside trySpawn, which control-flow narrowing cannot see.
  let claim = null as SpawnClaim | null;
  let child = null as { pid: number; offset: number } | null;
  let spawns = 0;
  const trySpawn = (): boolean => {
    claim ??= claimSpawn(paths.home);
    if (claim === null) return false;
    child = spawnServe();
    spawns++;
    return true;
  };
  /**
   * A daemon on its way: ours still booting, a lock holder not yet announced, or another command
   * about to spawn one. While one is, the wait goes on (up to the cap): under load a boot may take
   * longer than `timeoutMs`, and giving up on a daemon that is about to answer helps nobody.
   */
  const starting = (): boolean => {
    if (child !== null && isAlive(child.pid)) return true;
    const holder = lockHolder(paths);
    if (holder !== null) return readDaemonInfo(paths)?.pid !== holder.pid;
    return spawnClaimedByOther(paths.home);
  };

  try {
    // A lock holder that has not announced itself yet is starting: wait for it.
    if (lockHolder(paths) === null) trySpawn();
    let lastProgress = Date.now();
    let pollMs = POLL_MS;
    for (;;) {
      const now = Date.now();
      if (starting()) lastProgress = now;
      if (now - lastProgress > idleMs || now - begun > capMs) break;
      await sleep(pollMs);
      // Back off a little: thirty waiting commands polling every 25 ms slow the boot they wait for.
      pollMs = Math.min(Math.round(pollMs * 1.5), 250);
      const found = await probe(paths);
      if (found === 'unauthorized') {
        const up = announced();
        if (up) throw unreachable(up.pid);
        continue;
      }
      if (found) return connection(found, child !== null && found.info.pid === child.pid);
      if (starting()) continue;
      // An announced daemon that does not answer (yet): ask again until the wait runs out.
      if (lockHolder(paths) !== null) continue;
      // Nobody holds it. Start one, unless ours died of something other than losing a race
      // (whose winner may have stopped in between).
      const died = child !== null && !/already running/.test(tail(outFile, child.offset));
      if (!died && spawns < 3) {
        trySpawn();
        continue;
      }
      throw startFailure(paths, outFile, child);
    }
  } finally {
    claim?.release();
  }
  const up = announced();
  if (up) throw unreachable(up.pid);
  const output = child === null ? '' : tail(outFile, child.offset);
  throw new FlotillaError(
    'TIMEOUT',
    `the Flotilla daemon did not answer within ${Date.now() - begun} ms${output ? `:\n${output}` : ''}`,
    {
      hint: `see ${daemonFiles(paths).logFile} and ${outFile}; \`flotilla daemon status\` shows whether it is still starting`,
    },
  );
}

/** Why a daemon we started exited before answering: its own reported error when it printed one. */
function startFailure(
  paths: StatePaths,
  outFile: string,
  child: { pid: number; offset: number } | null,
): FlotillaError {
  const output = tail(outFile, child?.offset ?? 0);
  // `serve --detached` prints its fatal error as one JSON line: pass it on with its own code,
  // so "database from a newer version" reads the same as it would in the foreground.
  const reported = reportedError(output);
  if (reported) {
    return new FlotillaError(reported.code, reported.message, {
      // One hint: the daemon's own (how to fix it) when it gave one, else where to read more.
      hint: reported.hint ?? `see the daemon's log: ${daemonFiles(paths).logFile}`,
      issues: reported.issues ?? [],
    });
  }
  return new FlotillaError(
    'PROCESS_FAILED',
    `the Flotilla daemon exited while starting${output ? `:\n${output}` : ''}`,
    {
      hint: `its output is in ${outFile} and its log in ${daemonFiles(paths).logFile}; \`flotilla serve\` runs it in the foreground`,
    },
  );
}

/** The daemon's state as `flotilla daemon status` shows it. */
export interface DaemonStatus {
  /** A daemon process holds the lock for this state dir. */
  running: boolean;
  /** It answers its health check with our token. */
  healthy: boolean;
  pid: number | null;
  url: string | null;
  version: string | null;
  startedAt: string | null;
  uptimeSeconds: number | null;
  home: string;
}

export async function daemonStatus(paths: StatePaths): Promise<DaemonStatus> {
  const holder = lockHolder(paths);
  const probe = await probeDaemon(paths);
  const info = probe?.info ?? (holder ? readDaemonInfo(paths) : null);
  return {
    running: holder !== null || probe !== null,
    healthy: probe !== null,
    pid: probe?.info.pid ?? holder?.pid ?? null,
    url: info?.url ?? null,
    version: probe?.health.version ?? info?.version ?? null,
    startedAt: info?.startedAt ?? null,
    uptimeSeconds: probe?.health.uptimeSeconds ?? null,
    home: paths.home,
  };
}

/** How a stop went. */
export interface StopResult {
  /** A daemon was running. */
  wasRunning: boolean;
  pid: number | null;
  /** `api` when it stopped on request; the signal when it had to be killed. */
  how: 'api' | 'SIGINT' | 'SIGTERM' | 'SIGKILL' | null;
}

export interface StopDaemonOptions {
  /** Wait after the polite request before signalling. Default 15 s (plugins get 10 s each to stop). */
  graceMs?: number;
  /** Wait after each signal before escalating. Default 3 s. */
  signalGraceMs?: number;
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (!isAlive(pid)) return true;
    await sleep(POLL_MS);
  }
  return !isAlive(pid);
}

/**
 * Asks the daemon to stop over the API, then escalates SIGINT → SIGTERM → SIGKILL with bounded
 * waits. Only the process verified as the lock holder is ever signalled, never a pid that
 * merely appears in a file.
 */
export async function stopDaemon(paths: StatePaths, opts: StopDaemonOptions = {}): Promise<StopResult> {
  const holder = lockHolder(paths);
  const probe = await probeDaemon(paths);
  const pid = holder?.pid ?? probe?.info.pid ?? null;
  if (pid === null) {
    clearStaleDaemonFiles(paths);
    return { wasRunning: false, pid: null, how: null };
  }
  if (probe && probe.info.pid === pid) {
    const asked = await daemonClient({ url: probe.info.url, token: probe.token }, PROBE_TIMEOUT_MS)
      .request('POST', '/api/v1/daemon/stop')
      .then(
        () => true,
        () => false,
      );
    if (asked && (await waitForExit(pid, opts.graceMs ?? 15_000))) {
      clearStaleDaemonFiles(paths);
      return { wasRunning: true, pid, how: 'api' };
    }
  }
  // Signal only a process we can still recognise as the lock holder.
  const how =
    holder && isSameProcessAlive(holder)
      ? await killProcessGroup(pid, { graceMs: opts.signalGraceMs ?? 3_000 })
      : null;
  clearStaleDaemonFiles(paths);
  if (isAlive(pid) && holder && isSameProcessAlive(holder)) {
    throw new FlotillaError(
      'PROCESS_FAILED',
      `the Flotilla daemon (pid ${pid}) did not stop, even after SIGKILL`,
      {
        hint: `check it with: ps -o pid,stat,cmd -p ${pid}`,
      },
    );
  }
  return { wasRunning: true, pid, how: how ?? 'api' };
}

/** The `{"error": {...}}` line a detached `serve` prints when it cannot start, if there is one. */
function reportedError(
  output: string,
): { code: ErrorCode; message: string; hint?: string; issues?: ErrorIssue[] } | null {
  for (const line of output.split('\n').reverse()) {
    if (!line.startsWith('{"error":')) continue;
    try {
      const { error } = JSON.parse(line) as {
        error: { code: string; message: string; hint?: string; issues?: ErrorIssue[] };
      };
      if (error && typeof error.message === 'string' && error.code in ERROR_CODES) {
        return { ...error, code: error.code as ErrorCode };
      }
    } catch {
      // not ours
    }
  }
  return null;
}
