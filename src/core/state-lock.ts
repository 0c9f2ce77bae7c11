/**
 * The one-fleet-per-state-dir lock (`daemon.lock`), held by a daemon and by an in-process
 * `createFlotilla()` alike, so two supervisors never drive the same agents. It lives in core/,
 * below both the daemon and the library entry point, so that neither imports the other; the CLI
 * reads it to tell a running daemon from a stale one. Node built-ins only, no zod: the CLI loads
 * it on every call that talks to the daemon.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { StatePaths } from '../config/paths.js';
import { FlotillaError } from '../domain/errors.js';
import { identifyProcess, isSameProcessAlive, type ProcessIdentity } from '../proc/identity.js';

/** The lock file of a state dir. */
export const stateLockFile = (paths: StatePaths): string => join(paths.home, 'daemon.lock');

/** A JSON object from a file, or null when it is missing, unreadable or not an object. */
export function readJsonObject(file: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The content of daemon.lock: the holder, recognisable even after its pid is reused. */
export interface LockRecord extends ProcessIdentity {
  acquiredAt: string;
}

/** What a lock file says, or null when it is missing or unreadable. */
export function parseLock(file: string): LockRecord | null {
  const v = readJsonObject(file);
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
  const record = parseLock(stateLockFile(paths));
  return record !== null && isSameProcessAlive(record) ? record : null;
}

/** A held state-dir lock. */
export interface StateLock {
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
export function acquireStateLock(paths: StatePaths): StateLock {
  const lockFile = stateLockFile(paths);
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

/** Moves a stale lock aside, then removes it (see acquireStateLock). */
export function breakStaleLock(lockFile: string): void {
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

function heldLock(paths: StatePaths, record: LockRecord): StateLock {
  let released = false;
  return {
    record,
    release() {
      if (released) return;
      released = true;
      const current = parseLock(stateLockFile(paths));
      if (current?.pid === record.pid && current.acquiredAt === record.acquiredAt) {
        rmSync(stateLockFile(paths), { force: true });
      }
    },
  };
}
