import { FlotillaError } from '../domain/errors.js';
import { run } from '../proc/index.js';

/**
 * Which tmux Flotilla can drive. The floor is 3.2, the first release whose `new-session` takes
 * `-e NAME=value` (environment for the first pane without a shell). Everything else we use is
 * older: respawn-pane -e (3.0), remain-on-exit, pane_dead_status, list-panes -a -F, capture-pane
 * -p -e, pipe-pane -o, `##` as a literal `#` in formats (made consistent in 3.2).
 * `pane_dead_signal` appeared in 3.3; on 3.2 it is empty and callers see `paneDeadSignal: null`.
 */
export const MIN_TMUX_VERSION = { major: 3, minor: 2 } as const;

export const TMUX_INSTALL_HINT =
  'install it: apt-get install tmux (Debian/Ubuntu), brew install tmux (macOS)';

/** A parsed `tmux -V`. `development` marks builds from git (`master`, `next-3.5`). */
export interface TmuxVersion {
  /** What tmux printed, minus the leading `tmux `. */
  raw: string;
  major: number;
  minor: number;
  /** Patch letter of releases such as 3.3a; '' when none. */
  patch: string;
  development: boolean;
}

/**
 * Parse `tmux -V` output. Seen in the wild: `tmux 3.3a`, `tmux 3.2`, `tmux next-3.5`,
 * `tmux master`, `tmux 3.4-rc`, `tmux openbsd-7.4` (OpenBSD base: the OS release, whose tmux is
 * always recent). `master` has no number; it is newer than any release, so it counts as 999.0.
 */
export function parseTmuxVersion(output: string): TmuxVersion | null {
  const raw = output.trim().replace(/^tmux\s+/, '');
  if (raw === '') return null;
  if (/^(master|HEAD)$/i.test(raw)) return { raw, major: 999, minor: 0, patch: '', development: true };
  const openbsd = /^openbsd-(\d+)\.(\d+)/.exec(raw);
  // OpenBSD 6.9 (May 2021) shipped tmux 3.2; earlier base systems are too old.
  if (openbsd) {
    const osVersion = Number(openbsd[1]) * 10 + Number(openbsd[2]);
    return osVersion >= 69
      ? { raw, major: 3, minor: 2, patch: '', development: false }
      : { raw, major: 3, minor: 1, patch: '', development: false };
  }
  const m = /^(next-)?(\d+)\.(\d+)([a-z]?)/.exec(raw);
  if (!m) return null;
  return {
    raw,
    major: Number(m[2]),
    minor: Number(m[3]),
    patch: m[4] ?? '',
    development: m[1] !== undefined || /-rc|master|next/.test(raw),
  };
}

export function isSupportedTmux(v: Pick<TmuxVersion, 'major' | 'minor'>): boolean {
  return (
    v.major > MIN_TMUX_VERSION.major ||
    (v.major === MIN_TMUX_VERSION.major && v.minor >= MIN_TMUX_VERSION.minor)
  );
}

/** Options of `checkTmux`: which binary, and the environment whose PATH finds it. */
export interface CheckTmuxOptions {
  command?: string;
  env?: NodeJS.ProcessEnv;
}

const cache = new Map<string, Promise<{ version: string }>>();

/**
 * Check tmux is installed and recent enough. Cached per process (per binary and PATH): the
 * daemon calls it at boot and before creating sessions, and tmux does not change underfoot.
 */
export function checkTmux(options: CheckTmuxOptions = {}): Promise<{ version: string }> {
  const command = options.command ?? 'tmux';
  const env = options.env ?? process.env;
  const key = `${command}\0${env.PATH ?? ''}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = probe(command, env);
    // A failure is not cached: the user may install tmux and retry without restarting us.
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

async function probe(command: string, env: NodeJS.ProcessEnv): Promise<{ version: string }> {
  let output: string;
  try {
    const result = await run(command, ['-V'], { env, timeoutMs: 10_000, installHint: TMUX_INSTALL_HINT });
    output = result.stdout || result.stderr;
  } catch (e) {
    if (e instanceof FlotillaError && e.code === 'TOOL_MISSING') {
      throw new FlotillaError('TOOL_MISSING', 'tmux is not installed', { hint: TMUX_INSTALL_HINT, cause: e });
    }
    throw e;
  }
  const parsed = parseTmuxVersion(output);
  if (!parsed) {
    throw new FlotillaError('TOOL_MISSING', `cannot tell which tmux this is: '${output.trim()}'`, {
      hint: `Flotilla needs tmux ${MIN_TMUX_VERSION.major}.${MIN_TMUX_VERSION.minor} or newer; ${TMUX_INSTALL_HINT}`,
    });
  }
  if (!isSupportedTmux(parsed)) {
    throw new FlotillaError(
      'TOOL_MISSING',
      `tmux ${parsed.raw} is too old: Flotilla needs tmux ${MIN_TMUX_VERSION.major}.${MIN_TMUX_VERSION.minor} or newer`,
      { hint: `upgrade it: ${TMUX_INSTALL_HINT}` },
    );
  }
  return { version: parsed.raw };
}
