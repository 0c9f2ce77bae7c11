import { join } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { processFailed, type RunResult, run } from '../proc/index.js';
import { TMUX_INSTALL_HINT } from './version.js';

/** Where Flotilla's tmux server lives, and how to reach it. */
export interface TmuxServerOptions {
  /** `-L name`: a socket in tmux's per-user directory. Default 'flotilla'. */
  socketName?: string;
  /** `-S path`: an explicit socket (tests use one in a temp dir). Wins over socketName. */
  socketPath?: string;
  /** The tmux binary. Default 'tmux', found on PATH. */
  tmuxCommand?: string;
  /**
   * Config file read when the server starts. Default /dev/null: agents' sessions must behave the
   * same for every user (a user's base-index, default-command or hooks must not change them, and
   * config errors must not open a view over the agent's pane). Point it at ~/.tmux.conf to get
   * your own key bindings when attaching.
   */
  configFile?: string;
  /**
   * Environment of the tmux client processes. When a call starts the server, this becomes the
   * server's global environment, which every agent inherits. Default: process.env. TMUX and
   * TMUX_PANE are always removed: they describe the user's tmux, not ours.
   */
  env?: NodeJS.ProcessEnv;
  /** Per tmux call. Default 10 s. */
  timeoutMs?: number;
}

/** How a tmux call ended, sorted into the cases callers handle differently. */
export type TmuxOutcome =
  | { kind: 'ok'; result: RunResult }
  | { kind: 'no-server'; result: RunResult }
  | { kind: 'server-exiting'; result: RunResult }
  | { kind: 'not-found'; result: RunResult }
  | { kind: 'duplicate'; result: RunResult }
  | { kind: 'too-long'; result: RunResult }
  | { kind: 'error'; result: RunResult };

// "no server running on X" when the socket file exists but nobody listens (3.x), "error
// connecting to X (No such file or directory)" when it does not exist. Connection refused is a
// server that died without removing its socket. Permission denied is a real error.
const NO_SERVER =
  /no server running on|error connecting to .*\((No such file or directory|Connection refused)\)/;
// "no current target": the server has no session at all (it is about to exit, being empty), so
// the one asked about is not there either.
const NOT_FOUND = /can't find (session|window|pane)|session not found|no current target/;

export function classify(result: RunResult): TmuxOutcome {
  if (result.code === 0) return { kind: 'ok', result };
  const err = result.stderr;
  if (NO_SERVER.test(err)) return { kind: 'no-server', result };
  if (/server exited unexpectedly|lost server/.test(err)) return { kind: 'server-exiting', result };
  if (NOT_FOUND.test(err)) return { kind: 'not-found', result };
  if (/duplicate session/.test(err)) return { kind: 'duplicate', result };
  if (/command too long|failed to send command/.test(err)) return { kind: 'too-long', result };
  return { kind: 'error', result };
}

/** The tmux socket path that `-L name` resolves to, as tmux computes it. */
export function socketPathForName(name: string, env: NodeJS.ProcessEnv = process.env): string {
  // tmux ignores TMPDIR (since 2.2): only TMUX_TMPDIR moves its socket directory.
  const base = env.TMUX_TMPDIR || '/tmp';
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return join(base, `tmux-${uid}`, name);
}

// Unix socket paths are limited to 104 bytes on macOS, 108 on Linux (with the NUL).
const MAX_SOCKET_PATH = 103;

/** Runs tmux against one server. Every call carries -L/-S: never the user's default server. */
export class TmuxClient {
  readonly command: string;
  /** `-L name` or `-S path`, the server selector put before every command. */
  readonly socketArgs: readonly string[];
  readonly configFile: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;

  constructor(options: TmuxServerOptions = {}) {
    this.command = options.tmuxCommand ?? 'tmux';
    this.configFile = options.configFile ?? '/dev/null';
    this.timeoutMs = options.timeoutMs ?? 10_000;
    if (options.socketPath !== undefined) {
      if (!options.socketPath.startsWith('/') || Buffer.byteLength(options.socketPath) > MAX_SOCKET_PATH) {
        throw new FlotillaError('INVALID_INPUT', `invalid tmux socket path '${options.socketPath}'`, {
          hint: `use an absolute path of at most ${MAX_SOCKET_PATH} bytes (a Unix socket limit)`,
        });
      }
      this.socketArgs = ['-S', options.socketPath];
    } else {
      const name = options.socketName ?? 'flotilla';
      if (!/^[A-Za-z0-9_.-]{1,64}$/.test(name) || name.startsWith('.')) {
        throw new FlotillaError('INVALID_INPUT', `invalid tmux socket name '${name}'`, {
          hint: 'use letters, digits, _, - and . (it becomes a file name)',
        });
      }
      this.socketArgs = ['-L', name];
    }
    const env = { ...(options.env ?? process.env) };
    delete env.TMUX;
    delete env.TMUX_PANE;
    this.env = env;
  }

  /** The socket file this client talks to. */
  get socketPath(): string {
    const [flag, value] = this.socketArgs as [string, string];
    return flag === '-S' ? value : socketPathForName(value, this.env);
  }

  /**
   * Run one tmux invocation (possibly several commands joined by ';' arguments) and sort the
   * outcome. `-u` because Flotilla always speaks UTF-8 to tmux, whatever the daemon's locale.
   * The working directory is `/` so a server started by this call does not keep a directory
   * (a temp dir, a worktree about to be removed) busy for its whole life.
   */
  async exec(args: readonly string[]): Promise<TmuxOutcome> {
    // "server exited unexpectedly": we connected to a server that was shutting down, most often
    // because its last session had just been killed (tmux exits when empty). The command was
    // not run; once the old server is gone the retry starts a new one or finds none.
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.execOnce(args);
      if (outcome.kind !== 'server-exiting' || attempt >= 5) return outcome;
      await new Promise((r) => setTimeout(r, 20 * attempt));
    }
  }

  private async execOnce(args: readonly string[]): Promise<TmuxOutcome> {
    try {
      const result = await run(this.command, [...this.socketArgs, '-f', this.configFile, '-u', ...args], {
        env: this.env,
        cwd: '/',
        timeoutMs: this.timeoutMs,
        allowFailure: true,
        installHint: TMUX_INSTALL_HINT,
      });
      return classify(result);
    } catch (e) {
      if (e instanceof FlotillaError && e.code === 'TOOL_MISSING') {
        throw new FlotillaError('TOOL_MISSING', 'tmux is not installed', {
          hint: TMUX_INSTALL_HINT,
          cause: e,
        });
      }
      throw e;
    }
  }
}

/** The error for any outcome a caller did not expect. */
export function unexpected(outcome: TmuxOutcome, what: string): FlotillaError {
  if (outcome.kind === 'too-long') {
    return new FlotillaError(
      'INVALID_INPUT',
      `${what}: the command is too large for tmux (about 16 KB at most)`,
      {
        hint: 'pass long text (prompts, instructions) through a file',
      },
    );
  }
  const failure = processFailed(outcome.result);
  return new FlotillaError('PROCESS_FAILED', `${what}: ${failure.message}`);
}
