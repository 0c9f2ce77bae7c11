import { rmSync, writeFileSync } from 'node:fs';
import { AGENT_FILES } from '../agents/agent-dir.js';
import { shellQuote } from '../agents/shell.js';
import { FlotillaError } from '../domain/errors.js';

/**
 * The agent's environment travels in a file, not on a command line. `tmux new-session -e
 * KEY=value` would put every value (API keys from `agents.<name>.env`, the agent's token) in the
 * tmux client's argv, which any local user can read in /proc/<pid>/cmdline. Instead the file is
 * written 0600 in the agent's 0700 state dir, and the launcher shell sources it and empties it
 * before it execs the agent (see launcher.ts): only the file's path crosses tmux.
 */

/** The one variable tmux passes: where the launcher finds the rest. */
export const ENV_FILE_VAR = 'FLOTILLA_ENV_FILE';

/** The file's name in the agent's state dir. */
export const ENV_FILE_NAME = AGENT_FILES.launchEnv;

/** Names every POSIX shell accepts as a variable (the config schema checks the same). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * `export NAME='value'` lines. Values are single-quoted, so the shell takes them byte for byte
 * (newlines, quotes, `$(…)` included); a bad name or a NUL, which no environment can hold, is
 * refused with the variable's name, never its value.
 */
export function envFileText(env: Readonly<Record<string, string>>): string {
  let text = '';
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw new FlotillaError('INVALID_INPUT', `invalid environment variable name '${name}'`, {
        hint: 'names are letters, digits and _, not starting with a digit',
      });
    }
    if (value.includes('\0')) {
      throw new FlotillaError('INVALID_INPUT', `environment variable ${name} contains a NUL byte`);
    }
    text += `export ${name}=${shellQuote(value)}\n`;
  }
  return text;
}

/**
 * Writes the file, created afresh with mode 0600 (`wx`): rewriting an existing file would keep
 * its old mode, and the secrets would be in it before a chmod could narrow it.
 */
export function writeEnvFile(path: string, env: Readonly<Record<string, string>>): void {
  const text = envFileText(env);
  rmSync(path, { force: true });
  writeFileSync(path, text, { mode: 0o600, flag: 'wx' });
}
