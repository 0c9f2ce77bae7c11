/**
 * The daemon's files in the state dir: a lock so one daemon runs per FLOTILLA_HOME,
 * `daemon.json` telling clients where it listens, and the API token. Read on every CLI call
 * that talks to the daemon: node built-ins only, no zod.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  linkSync,
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
import { FlotillaError } from '../domain/errors.js';
import { identifyProcess, isSameProcessAlive, type ProcessIdentity } from '../proc/identity.js';

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
    lockFile: join(paths.home, 'daemon.lock'),
    infoFile: join(paths.home, 'daemon.json'),
    outFile: join(paths.logDir, 'daemon.out'),
    logFile: join(paths.logDir, 'daemon.log'),
  };
}

const readJson = (file: string): Record<string, unknown> | null => {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
};

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

/** The content of daemon.lock: the holder, recognisable even after its pid is reused. */
export interface LockRecord extends ProcessIdentity {
  acquiredAt: string;
}

function parseLock(file: string): LockRecord | null {
  const v = readJson(file);
  if (v === null || typeof v.pid !== 'number') return null;
  return {
    pid: v.pid,
    startTime: typeof v.startTime === 'string' ? v.startTime : null,
    bootId: typeof v.bootId === 'string' ? v.bootId : null,
    acquiredAt: typeof v.acquiredAt === 'string' ? v.acquiredAt : '',
  };
}

/** The process holding the daemon lock, if it is still running; null when free or stale. */
export function lockHolder(paths: StatePaths): LockRecord | null {
  const record = parseLock(daemonFiles(paths).lockFile);
  return record !== null && isSameProcessAlive(record) ? record : null;
}

/** A held daemon lock. */
export interface DaemonLock {
  readonly record: LockRecord;
  /** Removes the lock file if it is still ours. Idempotent and synchronous (safe in exit handlers). */
  release(): void;
}

export function alreadyRunning(paths: StatePaths, pid: number): FlotillaError {
  return new FlotillaError(
    'CONFLICT',
    `a Flotilla daemon is already running for ${paths.home} (pid ${pid})`,
    {
      hint: `use it, or stop it first: \`flotilla daemon stop\` (or kill ${pid})`,
    },
  );
}

/**
 * Takes the one-daemon-per-home lock or throws CONFLICT naming the holder. The lock file is
 * written in full under a temp name and hard-linked into place, so it appears atomically with
 * its content (a reader never sees an empty lock). A stale lock (holder gone, or its pid now
 * belongs to another process) is moved aside by rename before it is removed, so two starters
 * breaking the same stale lock cannot both win.
 */
export function acquireDaemonLock(paths: StatePaths): DaemonLock {
  const { lockFile } = daemonFiles(paths);
  const record: LockRecord = { ...identifyProcess(), acquiredAt: new Date().toISOString() };
  const temp = `${lockFile}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const fd = openSync(temp, 'wx', 0o600);
  try {
    writeSync(fd, `${JSON.stringify(record)}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(temp, lockFile);
        return heldLock(paths, record);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      const holder = parseLock(lockFile);
      if (holder !== null && isSameProcessAlive(holder)) {
        throw alreadyRunning(paths, holder.pid);
      }
      breakStaleLock(lockFile);
    }
    throw new FlotillaError(
      'CONFLICT',
      `could not take the daemon lock ${lockFile}: other processes keep taking it`,
      {
        hint: 'another daemon is probably starting right now; run `flotilla daemon status`',
      },
    );
  } finally {
    rmSync(temp, { force: true });
  }
}

function breakStaleLock(lockFile: string): void {
  const aside = `${lockFile}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lockFile, aside);
  } catch {
    return; // someone else moved it first; try again from the top
  }
  const moved = parseLock(aside);
  if (moved !== null && isSameProcessAlive(moved)) {
    // We took a live lock that replaced the stale one between our read and our rename: put it back.
    try {
      linkSync(aside, lockFile);
    } catch {
      // a third starter got in meanwhile; it holds the lock now
    }
  }
  rmSync(aside, { force: true });
}

function heldLock(paths: StatePaths, record: LockRecord): DaemonLock {
  let released = false;
  return {
    record,
    release() {
      if (released) return;
      released = true;
      const current = parseLock(daemonFiles(paths).lockFile);
      if (current?.pid === record.pid && current.acquiredAt === record.acquiredAt) {
        rmSync(daemonFiles(paths).lockFile, { force: true });
      }
    },
  };
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
