import { statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { which } from '../proc/index.js';
import { formatLiteral, shellQuote, tmuxArg } from './escape.js';
import { agentPaneTarget } from './names.js';

/**
 * Checking and shaping what a pane is asked to run (new-session, respawn-pane, pipe-pane):
 * every mistake is caught here with a clear message, before tmux would fail obscurely or,
 * worse, quietly do something else.
 */

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The start directory, which must exist: tmux silently starts elsewhere when it does not. */
export function checkCwd(cwd: string): string {
  if (!isAbsolute(cwd))
    throw new FlotillaError('INVALID_INPUT', `working directory must be absolute: '${cwd}'`);
  if (!isDirectory(cwd)) throw new FlotillaError('NOT_FOUND', `working directory '${cwd}' does not exist`);
  return cwd;
}

/**
 * Fail here, with the command's name, when it cannot be found: otherwise tmux starts a pane
 * that dies at once and the user sees only "exited with 1". `path` is the PATH the agent gets.
 */
export function checkArgv(argv: readonly string[], path: string | undefined, cwd: string): string[] {
  const [cmd] = argv;
  if (cmd === undefined || cmd === '')
    throw new FlotillaError('INVALID_INPUT', 'the command to run is empty');
  if (argv.some((a) => a.includes('\0'))) {
    throw new FlotillaError('INVALID_INPUT', 'a command argument contains a NUL byte');
  }
  const found = cmd.includes('/') ? which(resolve(cwd, cmd)) : which(cmd, path);
  if (found === null) {
    throw new FlotillaError('TOOL_MISSING', `'${cmd}' was not found${cmd.includes('/') ? '' : ' on PATH'}`, {
      hint: `install it, or give its absolute path (PATH was: ${path ?? '(unset)'})`,
    });
  }
  return [...argv];
}

/**
 * The pane's command line for tmux. With two or more arguments tmux calls execvp directly; with
 * exactly one it would run it through `sh -c`, so a lone command is wrapped as
 * `/bin/sh -c 'exec "$0"' CMD`: the shell only ever interprets our constant script, and CMD
 * is its $0, a plain argument that is exec'd as is.
 */
export function commandArgs(argv: readonly string[]): string[] {
  const full = argv.length === 1 ? ['/bin/sh', '-c', 'exec "$0"', argv[0] as string] : argv;
  return full.map(tmuxArg);
}

/**
 * pipe-pane always runs its command with `sh -c`: no shell-free way exists. The only variable
 * part of that string is the log path, which Flotilla chooses under its state dir; it is
 * single-quoted (so the shell takes it literally, whatever it holds) and `#`-escaped (tmux
 * expands formats in the command before the shell sees it).
 */
export function pipePaneArgs(name: string, logFile: string): string[] {
  const hasControl = [...logFile].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
  if (!isAbsolute(logFile) || hasControl) {
    throw new FlotillaError('INVALID_INPUT', `invalid log file path '${logFile}'`, {
      hint: 'use an absolute path without control characters',
    });
  }
  if (!isDirectory(dirname(logFile)))
    throw new FlotillaError('NOT_FOUND', `log directory '${dirname(logFile)}' does not exist`);
  const script = `exec cat >> ${shellQuote(logFile)}`;
  return ['pipe-pane', '-t', agentPaneTarget(name), tmuxArg(formatLiteral(script))];
}

export function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new FlotillaError('INVALID_INPUT', `${what} must be a positive integer, got ${value}`);
  }
  return value;
}
