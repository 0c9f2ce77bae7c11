import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlotillaError, NotFoundError } from '../domain/errors.js';
import { type AttachOptions, attachArgv } from './attach.js';
import { TmuxClient, type TmuxOutcome, type TmuxServerOptions, unexpected } from './client.js';
import {
  assertCommandFits,
  chunkUtf8,
  envArgs,
  formatLiteral,
  TMUX_MAX_COMMAND_BYTES,
  tmuxArg,
} from './escape.js';
import { checkArgv, checkCwd, commandArgs, pipePaneArgs, positiveInt } from './launch.js';
import { agentPaneTarget, assertSessionName, sessionTarget } from './names.js';
import { isUnreaped, PANE_FORMAT, type PaneInfo, parsePaneList } from './pane-info.js';
import {
  type PaneScreen,
  type PaneSize,
  parsePaneScreen,
  parsePaneSize,
  SCREEN_FORMAT,
  SIZE_FORMAT,
} from './screen.js';
import { checkTmux } from './version.js';

/** What to run in a new agent session. */
export interface NewSessionOptions {
  name: string;
  /** Absolute, existing directory (tmux would silently start elsewhere if it were missing). */
  cwd: string;
  /** The command, run directly (execvp), never through a shell. */
  argv: readonly string[];
  /** Added to (or overriding) the server's environment for this process. */
  env?: Readonly<Record<string, string>>;
  /** Window size while nobody is attached. Default 200×50. */
  width?: number;
  height?: number;
  /** Lines of scrollback kept. Default 50,000. */
  historyLimit?: number;
  /** Append everything the pane prints to this file (absolute path, Flotilla's own). */
  logFile?: string;
}

/** How a respawned process is started: like NewSessionOptions, minus what a session fixes. */
export interface RespawnOptions {
  argv: readonly string[];
  env?: Readonly<Record<string, string>>;
  cwd: string;
  /** Start logging to this file (replacing any pipe); without it the existing pipe, if any, stays. */
  logFile?: string;
}

/** Options of capturePane. */
export interface CaptureOptions {
  /** The last N lines (history included) instead of the visible screen. */
  lines?: number;
  /** Keep colour and attribute escape sequences (for the web terminal). */
  escapes?: boolean;
}

const DEFAULT_WIDTH = 200;
const DEFAULT_HEIGHT = 50;
const DEFAULT_HISTORY = 50_000;

/**
 * Flotilla's own tmux server (`-L flotilla` unless told otherwise): agent sessions live there,
 * so they outlive the daemon and never mix with the user's sessions. Stateless: every method is
 * one or two tmux calls, so a restarted daemon just makes a new instance and carries on.
 */
export class TmuxServer {
  readonly client: TmuxClient;

  constructor(options: TmuxServerOptions = {}) {
    this.client = new TmuxClient(options);
  }

  /** The socket file of this server. */
  get socketPath(): string {
    return this.client.socketPath;
  }

  /**
   * Create a detached session running `argv`. In the same tmux invocation, before the session
   * exists, `remain-on-exit` and `history-limit` are set as global defaults of this server (it
   * is ours alone): tmux runs the whole command list before it handles the child's exit, so even
   * a command that fails at once leaves a dead pane whose exit status can be read, and the
   * scrollback limit applies to the pane from its first line.
   */
  async newSession(options: NewSessionOptions): Promise<void> {
    const name = assertSessionName(options.name);
    const cwd = checkCwd(options.cwd);
    const env = options.env ?? {};
    const argv = checkArgv(options.argv, env.PATH ?? this.client.env.PATH, cwd);
    const width = positiveInt(options.width ?? DEFAULT_WIDTH, 'width');
    const height = positiveInt(options.height ?? DEFAULT_HEIGHT, 'height');
    const history = positiveInt(options.historyLimit ?? DEFAULT_HISTORY, 'historyLimit');
    await checkTmux({ command: this.client.command, env: this.client.env });

    const args = [
      ...['set-option', '-gw', 'remain-on-exit', 'on', ';'],
      ...['set-option', '-g', 'history-limit', String(history), ';'],
      ...['new-session', '-d', '-s', name, '-x', String(width), '-y', String(height)],
      ...['-c', tmuxArg(formatLiteral(cwd)), ...envArgs(env), '--', ...commandArgs(argv)],
      ...(options.logFile === undefined ? [] : [';', ...pipePaneArgs(name, options.logFile)]),
    ];
    assertCommandFits(args, `the command line of session ${name}`);
    const outcome = await this.client.exec(args);
    if (outcome.kind === 'duplicate') {
      throw new FlotillaError('CONFLICT', `tmux session '${name}' already exists`, {
        hint: 'kill it first, or adopt it',
      });
    }
    if (outcome.kind !== 'ok') throw unexpected(outcome, `could not create tmux session ${name}`);
  }

  /**
   * Start a new process in the session's agent pane in place (restart), killing the old one if
   * it still runs. The pane, its id, its history and the attached users stay.
   */
  async respawn(name: string, options: RespawnOptions): Promise<void> {
    assertSessionName(name);
    const cwd = checkCwd(options.cwd);
    const env = options.env ?? {};
    const argv = checkArgv(options.argv, env.PATH ?? this.client.env.PATH, cwd);
    const args = [
      ...['respawn-pane', '-k', '-t', agentPaneTarget(name), '-c', tmuxArg(formatLiteral(cwd))],
      ...[...envArgs(env), '--', ...commandArgs(argv)],
      // A pipe survives respawn-pane; giving pipe-pane a command replaces it (without -o, which
      // is a toggle: it would close an existing pipe and open nothing). No logFile: keep it.
      ...(options.logFile === undefined ? [] : [';', ...pipePaneArgs(name, options.logFile)]),
    ];
    assertCommandFits(args, `the command line of session ${name}`);
    this.expectOk(await this.client.exec(args), name, `could not respawn tmux session ${name}`);
  }

  async hasSession(name: string): Promise<boolean> {
    const outcome = await this.client.exec(['has-session', '-t', sessionTarget(name)]);
    if (outcome.kind === 'ok') return true;
    if (outcome.kind === 'no-server' || outcome.kind === 'not-found') return false;
    throw unexpected(outcome, `could not check tmux session ${name}`);
  }

  /**
   * Every session of the server with its agent pane, in one tmux call (the health monitor polls
   * this every second). A server that is not running has no sessions: [] rather than an error.
   */
  async listSessions(prefix?: string): Promise<PaneInfo[]> {
    const all = await this.listPanes(['-a'], 'could not list tmux sessions');
    return prefix === undefined ? all : all.filter((p) => p.name.startsWith(prefix));
  }

  /** One session's agent pane, or null when the session (or the server) does not exist. */
  async paneInfo(name: string): Promise<PaneInfo | null> {
    const panes = await this.listPanes(
      ['-s', '-t', sessionTarget(name)],
      `could not inspect tmux session ${name}`,
    );
    return panes[0] ?? null;
  }

  /**
   * list-panes, plus the cure for tmux's lost SIGCHLD (see isUnreaped): when a dead pane has
   * neither exit status nor signal, send the server a SIGCHLD, which makes it reap every
   * zombie child, and ask once more. It costs nothing while no pane is in that state.
   */
  private async listPanes(scope: string[], what: string): Promise<PaneInfo[]> {
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.client.exec(['list-panes', ...scope, '-F', PANE_FORMAT]);
      if (outcome.kind === 'no-server' || outcome.kind === 'not-found') return [];
      if (outcome.kind !== 'ok') throw unexpected(outcome, what);
      const { panes, serverPid } = parsePaneList(outcome.result.stdout);
      if (attempt > 0 || serverPid === null || !panes.some(isUnreaped)) return panes;
      try {
        process.kill(serverPid, 'SIGCHLD');
      } catch {
        return panes;
      }
    }
  }

  /**
   * The agent pane's text: the visible screen (one line per row, as tmux prints it), or with
   * `lines` the last N lines of history and screen, trailing blank rows dropped.
   */
  async capturePane(name: string, options: CaptureOptions = {}): Promise<string> {
    const args = ['capture-pane', '-p', '-t', agentPaneTarget(name)];
    if (options.escapes) args.push('-e');
    if (options.lines !== undefined) args.push('-S', String(-positiveInt(options.lines, 'lines')));
    const outcome = await this.client.exec(args);
    this.expectOk(outcome, name, `could not capture tmux session ${name}`);
    const rows = outcome.result.stdout.split('\n');
    if (rows.at(-1) === '') rows.pop();
    if (options.lines === undefined) return rows.join('\n');
    while (rows.length > 0 && rows.at(-1)?.trim() === '') rows.pop();
    return rows.slice(-options.lines).join('\n');
  }

  /**
   * The agent pane's visible screen with escapes, with its size and cursor. One tmux command
   * list, so tmux runs both halves back to back: no resize or output can fall between the size
   * and the screen it describes.
   */
  async captureScreen(name: string): Promise<PaneScreen> {
    const target = agentPaneTarget(name);
    const outcome = await this.client.exec([
      'display-message',
      '-p',
      '-t',
      target,
      SCREEN_FORMAT,
      ';',
      'capture-pane',
      '-p',
      '-e',
      '-t',
      target,
    ]);
    this.expectOk(outcome, name, `could not capture tmux session ${name}`);
    const screen = parsePaneScreen(outcome.result.stdout);
    if (!screen) throw new FlotillaError('PROCESS_FAILED', `tmux did not report the size of session ${name}`);
    return screen;
  }

  /** The agent pane's size in cells (cheap: one display-message). */
  async paneSize(name: string): Promise<PaneSize> {
    const outcome = await this.client.exec([
      'display-message',
      '-p',
      '-t',
      agentPaneTarget(name),
      SIZE_FORMAT,
    ]);
    this.expectOk(outcome, name, `could not inspect tmux session ${name}`);
    const size = parsePaneSize(outcome.result.stdout);
    if (!size) throw new FlotillaError('PROCESS_FAILED', `tmux did not report the size of session ${name}`);
    return size;
  }

  /**
   * Type `text` into the agent pane literally (send-keys -l): every byte arrives as is, key
   * names like "Enter" are not interpreted. Long text goes in several calls, each under tmux's
   * command size limit. `enter` then presses Enter in a separate call, as a user would: a TUI
   * may take text and Enter arriving in one read for a paste.
   */
  async sendText(name: string, text: string, options: { enter?: boolean } = {}): Promise<void> {
    const target = agentPaneTarget(name);
    for (const chunk of chunkUtf8(text, TMUX_MAX_COMMAND_BYTES - 256)) {
      this.expectOk(
        await this.client.exec(['send-keys', '-t', target, '-l', '--', tmuxArg(chunk)]),
        name,
        `could not send text to tmux session ${name}`,
      );
    }
    if (options.enter) await this.sendKeys(name, ['Enter']);
  }

  /**
   * Paste `text` into the agent pane as one bracketed paste (`paste-buffer -p`): a TUI that asked
   * for bracketed paste (Claude Code does) takes its line breaks as part of one message, never as
   * Enter. The text goes to tmux as a file (0600, removed after), never through a shell or argv.
   */
  async pasteText(name: string, text: string): Promise<void> {
    const dir = await mkdtemp(join(tmpdir(), 'flotilla-paste-'));
    const file = join(dir, 'text');
    const buffer = `flotilla-${randomBytes(6).toString('hex')}`;
    try {
      await writeFile(file, text, { mode: 0o600 });
      this.expectOk(
        await this.client.exec(['load-buffer', '-b', buffer, file]),
        name,
        `could not load text for tmux session ${name}`,
      );
      this.expectOk(
        await this.client.exec(['paste-buffer', '-p', '-d', '-b', buffer, '-t', agentPaneTarget(name)]),
        name,
        `could not paste text into tmux session ${name}`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Press named keys (`Enter`, `Down`, `Escape`, `C-c`, `M-x`, `F1`…) in the agent pane. */
  async sendKeys(name: string, keys: readonly string[]): Promise<void> {
    for (const key of keys) {
      if (!/^\S{1,32}$/.test(key)) {
        throw new FlotillaError('INVALID_INPUT', `invalid key name '${key}'`, {
          hint: 'use tmux key names such as Enter, Escape, Down, C-c; send text with sendText',
        });
      }
    }
    if (keys.length === 0) return;
    const outcome = await this.client.exec([
      'send-keys',
      '-t',
      agentPaneTarget(name),
      '--',
      ...keys.map(tmuxArg),
    ]);
    this.expectOk(outcome, name, `could not send keys to tmux session ${name}`);
  }

  /** Kill a session and its processes (tmux sends SIGHUP). Killing a missing one is fine. */
  async killSession(name: string): Promise<void> {
    const outcome = await this.client.exec(['kill-session', '-t', sessionTarget(name)]);
    if (outcome.kind === 'ok' || outcome.kind === 'no-server' || outcome.kind === 'not-found') return;
    throw unexpected(outcome, `could not kill tmux session ${name}`);
  }

  /** Kill the whole server and every session on it. A server that is not running is fine. */
  async killServer(): Promise<void> {
    const outcome = await this.client.exec(['kill-server']);
    if (outcome.kind === 'ok' || outcome.kind === 'no-server') return;
    throw unexpected(outcome, 'could not kill the tmux server');
  }

  /** The argv `flotilla attach` execs to show this session to the user; see attach.ts. */
  attachArgv(name: string, options: AttachOptions): string[] {
    return attachArgv(this.client, name, options);
  }

  private expectOk(
    outcome: TmuxOutcome,
    name: string,
    what: string,
  ): asserts outcome is Extract<TmuxOutcome, { kind: 'ok' }> {
    if (outcome.kind === 'ok') return;
    if (outcome.kind === 'not-found' || outcome.kind === 'no-server') {
      throw new NotFoundError(
        'tmux session',
        name,
        'the agent session is gone; list sessions to see what exists',
      );
    }
    throw unexpected(outcome, what);
  }
}
