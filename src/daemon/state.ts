/**
 * The daemon's files in the state dir: `daemon.json` telling clients where it listens, and the
 * API token; the lock that keeps one fleet per FLOTILLA_HOME is core/state-lock.ts (re-exported
 * here for the daemon and the CLI). Read on every CLI call that talks to the daemon: node
 * built-ins only, no zod.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import { writeSecretFile } from '../config/paths.js';
import { breakStaleLock, parseLock, readJsonObject, stateLockFile } from '../core/state-lock.js';
import { DAEMON_INFO_FILE } from '../domain/daemon-endpoints.js';
import { isSameProcessAlive } from '../proc/identity.js';

export {
  acquireStateLock,
  alreadyRunning,
  type LockRecord,
  lockHolder,
  type StateLock,
} from '../core/state-lock.js';

/** Where a running daemon listens; written once it is ready, removed when it stops. */
export interface DaemonInfo {
  pid: number;
  host: string;
  port: number;
  /** Base URL clients use (a loopback address when the daemon binds a wildcard one). */
  url: string;
  version: string;
  /** ISO 8601. */
  startedAt: string;
  /**
   * Set when the daemon serves HTTPS: its certificate (PEM) and SHA-256 fingerprint. The CLI
   * trusts exactly this certificate for this daemon (pinning), so a self-signed one works.
   */
  tls?: { cert: string; fingerprint256: string };
}

/** The daemon's files, all inside the state dir. */
export interface DaemonFiles {
  lockFile: string;
  infoFile: string;
  /** stdout/stderr of a daemon started in the background: where a crash at boot shows. */
  outFile: string;
  logFile: string;
}

export function daemonFiles(paths: StatePaths): DaemonFiles {
  return {
    lockFile: stateLockFile(paths),
    infoFile: join(paths.home, DAEMON_INFO_FILE),
    outFile: join(paths.logDir, 'daemon.out'),
    logFile: join(paths.logDir, 'daemon.log'),
  };
}

const readJson = readJsonObject;

/** What daemon.json says, or null when it is missing or unreadable (a stale or torn file is no daemon). */
export function readDaemonInfo(paths: StatePaths): DaemonInfo | null {
  const v = readJson(daemonFiles(paths).infoFile);
  if (
    v === null ||
    typeof v.pid !== 'number' ||
    typeof v.host !== 'string' ||
    typeof v.port !== 'number' ||
    typeof v.url !== 'string' ||
    typeof v.version !== 'string' ||
    typeof v.startedAt !== 'string'
  ) {
    return null;
  }
  const tls = v.tls as { cert?: unknown; fingerprint256?: unknown } | undefined;
  return {
    pid: v.pid,
    host: v.host,
    port: v.port,
    url: v.url,
    version: v.version,
    startedAt: v.startedAt,
    ...(typeof tls?.cert === 'string' && typeof tls.fingerprint256 === 'string'
      ? { tls: { cert: tls.cert, fingerprint256: tls.fingerprint256 } }
      : {}),
  };
}

/** Written with rename so a client never reads half a file. */
export function writeDaemonInfo(paths: StatePaths, info: DaemonInfo): void {
  const file = daemonFiles(paths).infoFile;
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(info, null, 2)}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
}

/** Removes daemon.json only if it still names `pid`, so a stopping daemon never erases a newer one's. */
export function removeDaemonInfo(paths: StatePaths, pid: number): void {
  const info = readDaemonInfo(paths);
  if (info === null || info.pid === pid) rmSync(daemonFiles(paths).infoFile, { force: true });
}

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,}$/;

/** The API token, or null when there is none yet (or the file is unreadable or damaged). */
export function readToken(paths: StatePaths): string | null {
  try {
    const token = readFileSync(paths.tokenFile, 'utf8').trim();
    return TOKEN_PATTERN.test(token) ? token : null;
  } catch {
    return null;
  }
}

/**
 * The API token: 32 random bytes, base64url, created once with mode 0600 and reused after, so
 * clients and dashboards keep working across daemon restarts. A token file that others can read
 * is made private again; a damaged one is replaced.
 */
export function ensureToken(paths: StatePaths): string {
  const existing = readToken(paths);
  if (existing !== null) {
    if ((statSync(paths.tokenFile).mode & 0o077) !== 0) chmodSync(paths.tokenFile, 0o600);
    return existing;
  }
  const token = randomBytes(32).toString('base64url');
  writeSecretFile(paths.tokenFile, `${token}\n`);
  return token;
}

/**
 * Removes the files a daemon killed without a chance to clean up left behind: a lock whose
 * holder is gone and a daemon.json whose process is gone. A live daemon's files are kept.
 */
export function clearStaleDaemonFiles(paths: StatePaths): void {
  const { lockFile } = daemonFiles(paths);
  const lock = parseLock(lockFile);
  if (lock !== null ? !isSameProcessAlive(lock) : readJson(lockFile) === null && fileExists(lockFile)) {
    breakStaleLock(lockFile);
  }
  const info = readDaemonInfo(paths);
  if (info !== null && !isSameProcessAlive({ pid: info.pid, startTime: null, bootId: null })) {
    removeDaemonInfo(paths, info.pid);
  }
}

const fileExists = (file: string): boolean => {
  try {
    statSync(file);
    return true;
  } catch {
    return false;
  }
};
