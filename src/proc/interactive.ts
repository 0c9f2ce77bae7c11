import { spawnSync } from 'node:child_process';
import { FlotillaError } from '../domain/errors.js';

/**
 * Hand the terminal to another program (e.g. `tmux attach`) and return its exit status. Node
 * cannot exec(2), so the child inherits our stdio and we wait; signals from the terminal go to
 * the child's foreground process group, not to us.
 */
export function runInteractive(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): number {
  const result = spawnSync(command, args, { stdio: 'inherit', env });
  if (result.error) {
    const code = (result.error as NodeJS.ErrnoException).code;
    throw new FlotillaError(
      code === 'ENOENT' ? 'TOOL_MISSING' : 'PROCESS_FAILED',
      code === 'ENOENT'
        ? `'${command}' is not installed or not on PATH`
        : `could not run ${command}: ${result.error.message}`,
    );
  }
  return result.status ?? 1;
}
