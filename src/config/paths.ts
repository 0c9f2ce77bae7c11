/**
 * Where Flotilla keeps its state and finds its user config, following the XDG base directory
 * spec, plus the two file system chores everything else relies on: a private state dir that is
 * known to be writable, and secret files (the API token) that nobody else can read.
 * Imported on every CLI start-up: node built-ins only, no zod or yaml.
 */
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FlotillaError } from '../domain/errors.js';

/** Every location Flotilla reads or writes outside a repo. */
export interface StatePaths {
  /** State dir: FLOTILLA_HOME, else $XDG_DATA_HOME/flotilla (~/.local/share/flotilla). */
  home: string;
  /** User config: FLOTILLA_CONFIG, else $XDG_CONFIG_HOME/flotilla/config.yaml (~/.config/flotilla/config.yaml). */
  userConfigFile: string;
  dbFile: string;
  logDir: string;
  /** Per-agent files: hook event logs, generated settings. */
  agentsDir: string;
  /** The API token, mode 0600. */
  tokenFile: string;
}
/** Same as StatePaths. */
export type FlotillaPaths = StatePaths;

/** The repo-level config file name, at the repo root. */
export const REPO_CONFIG_FILE = 'flotilla.yaml';

/** `~` and `~/x` become the home dir; anything else is returned unchanged. */
export function expandHome(path: string, env: NodeJS.ProcessEnv = process.env): string {
  if (path !== '~' && !path.startsWith('~/')) return path;
  return join(env.HOME || homedir(), path.slice(1));
}

/** XDG says a relative (or empty) base dir variable is invalid and must be ignored. */
function xdgDir(env: NodeJS.ProcessEnv, variable: string, fallback: string): string {
  const value = env[variable];
  return value && isAbsolute(value) ? value : join(env.HOME || homedir(), fallback);
}

export function resolvePaths(env: NodeJS.ProcessEnv = process.env): StatePaths {
  const home = env.FLOTILLA_HOME
    ? resolve(expandHome(env.FLOTILLA_HOME, env))
    : join(xdgDir(env, 'XDG_DATA_HOME', '.local/share'), 'flotilla');
  const userConfigFile = env.FLOTILLA_CONFIG
    ? resolve(expandHome(env.FLOTILLA_CONFIG, env))
    : join(xdgDir(env, 'XDG_CONFIG_HOME', '.config'), 'flotilla', 'config.yaml');
  return {
    home,
    userConfigFile,
    dbFile: join(home, 'flotilla.db'),
    logDir: join(home, 'logs'),
    agentsDir: join(home, 'agents'),
    tokenFile: join(home, 'token'),
  };
}

function unwritable(dir: string, err: unknown): FlotillaError {
  const e = err as NodeJS.ErrnoException;
  const code = e.code ?? '';
  let reason: string;
  let hint: string;
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    reason = 'a file is in the way (the path or one of its parents is not a directory)';
    hint = `move that file away, or set FLOTILLA_HOME to a directory you own (e.g. FLOTILLA_HOME=~/.flotilla)`;
  } else if (code === 'EACCES' || code === 'EPERM') {
    reason = 'permission denied';
    hint = `make it writable (chmod u+rwx '${dir}'), or set FLOTILLA_HOME to a directory you own`;
  } else if (code === 'EROFS') {
    reason = 'the file system is read-only';
    hint = 'set FLOTILLA_HOME to a directory on a writable file system';
  } else if (code === 'ENOSPC' || code === 'EDQUOT') {
    reason = 'no space left on the device';
    hint = 'free some space, or set FLOTILLA_HOME to another disk';
  } else {
    reason = e.message ?? String(err);
    hint = 'set FLOTILLA_HOME to a writable directory';
  }
  return new FlotillaError('STATE_DIR_UNWRITABLE', `cannot use the state directory ${dir}: ${reason}`, {
    hint,
    cause: err,
  });
}

/** Creates a directory tree; the directories it creates (not existing ones) get mode 0700. */
function makePrivateDir(dir: string): void {
  const first = mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (first === undefined) return;
  // mkdir's mode is filtered by the umask; state holds tokens and transcripts, so insist.
  for (let d = dir; d.length >= first.length; d = dirname(d)) {
    chmodSync(d, 0o700);
    if (d === first) break;
  }
}

/**
 * Makes sure the state dir and its subdirectories exist and can be written, by writing a probe
 * file (checking permission bits would be wrong for root and on ACLs). Throws
 * STATE_DIR_UNWRITABLE with a fix otherwise.
 */
export function ensureStateDir(paths: StatePaths): void {
  let current = paths.home;
  try {
    for (const dir of [paths.home, paths.logDir, paths.agentsDir]) {
      current = dir;
      makePrivateDir(dir);
    }
    current = paths.home;
    const probe = join(paths.home, `.write-test-${process.pid}-${randomBytes(4).toString('hex')}`);
    const fd = openSync(probe, 'wx', 0o600);
    closeSync(fd);
    unlinkSync(probe);
  } catch (err) {
    throw unwritable(current, err);
  }
}

/**
 * Writes a file only its owner can read (mode 0600), atomically: a temp file in the same
 * directory, fsynced, then renamed over the target, so a reader never sees half a token and the
 * secret never exists with looser permissions. Creates the parent directory (0700) if needed.
 */
export function writeSecretFile(path: string, content: string): void {
  const dir = dirname(path);
  const temp = join(dir, `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    makePrivateDir(dir);
    const fd = openSync(temp, 'wx', 0o600);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    chmodSync(temp, 0o600);
    renameSync(temp, path);
  } catch (err) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was created when the directory itself is unusable.
    }
    throw unwritable(dir, err);
  }
}
