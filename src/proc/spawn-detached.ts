import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { describeCommand } from './run.js';

/** How to start a process that outlives its parent. */
export interface SpawnDetachedOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** The child's stdout and stderr are appended here (mode 0600), so a crash at boot leaves its trace. */
  stdoutFile: string;
}

/**
 * Starts a background process in its own session and process group, with stdin closed and
 * output going to a file, and lets the parent exit without waiting for it (as tmux and pm2
 * start their servers). Returns its pid; the caller watches it through the pid.
 */
export function spawnDetached(
  command: string,
  args: readonly string[],
  options: SpawnDetachedOptions,
): number {
  mkdirSync(dirname(options.stdoutFile), { recursive: true, mode: 0o700 });
  const out = openSync(options.stdoutFile, 'a', 0o600);
  try {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ['ignore', out, out],
      shell: false,
      windowsHide: true,
    });
    // A spawn failure (ENOENT, EACCES) is reported here, asynchronously; the missing pid says it already.
    child.on('error', () => {});
    if (child.pid === undefined) {
      throw new FlotillaError('PROCESS_FAILED', `could not start ${describeCommand(command, args)}`, {
        hint: `check that ${command} exists and is executable`,
      });
    }
    child.unref();
    return child.pid;
  } finally {
    closeSync(out);
  }
}
