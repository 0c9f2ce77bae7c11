import { spawn } from 'node:child_process';
import { FlotillaError } from '../domain/errors.js';

/**
 * The one place Flotilla starts processes. Always argv arrays, never a shell: user text
 * (titles, prompts, branch names) can only ever be an argument, so it is never interpreted.
 */

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the child's stdin, which is then closed. */
  input?: string | Buffer;
  /** Kill the child (SIGTERM, then SIGKILL) after this long. Default: 60 s. */
  timeoutMs?: number;
  /** Resolve with the result instead of throwing when the exit code is not 0. */
  allowFailure?: boolean;
  /** Hint shown when the command itself is not installed. */
  installHint?: string;
}

export interface RunResult {
  command: string;
  args: readonly string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Render argv for messages only; never executed. */
export function describeCommand(command: string, args: readonly string[]): string {
  const quote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", "'\\''")}'`);
  return [command, ...args].map(quote).join(' ');
}

/** Run a command to completion and capture its output. */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = performance.now();
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      shell: false,
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
    }, timeoutMs);
    timer.unref();

    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (e.code === 'ENOENT') {
        reject(
          new FlotillaError('TOOL_MISSING', `'${command}' is not installed or not on PATH`, {
            hint: options.installHint ?? `install ${command} and make sure it is on PATH`,
            cause: e,
          }),
        );
      } else {
        reject(new FlotillaError('PROCESS_FAILED', `could not start ${command}: ${e.message}`, { cause: e }));
      }
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result: RunResult = {
        command,
        args,
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs: performance.now() - started,
      };
      if (timedOut) {
        reject(
          new FlotillaError(
            'TIMEOUT',
            `${describeCommand(command, args)} did not finish within ${timeoutMs} ms`,
          ),
        );
      } else if (code !== 0 && !options.allowFailure) {
        reject(processFailed(result));
      } else {
        resolve(result);
      }
    });
    // A child that exits before reading stdin makes the write fail with EPIPE; that is its business.
    child.stdin.on('error', () => {});
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

export function processFailed(result: RunResult): FlotillaError {
  const detail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
  const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
  return new FlotillaError(
    'PROCESS_FAILED',
    `${describeCommand(result.command, result.args)} ${how}${detail ? `: ${detail}` : ''}`,
  );
}
