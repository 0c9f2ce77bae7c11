import { FlotillaError } from '../domain/errors.js';

/**
 * The three places where tmux reads meaning into an argument that Flotilla means literally.
 * Everything that crosses into tmux goes through one of these, so the rules live in one file.
 */

/**
 * tmux splits the command line it receives into several commands at any argument that ENDS in
 * `;` (cmd_parse_from_arguments), and turns a trailing `\;` into a literal `;`. So an argv element
 * like `a;` would silently end the command. Putting a backslash before the final `;` always
 * yields the original text: tmux drops the `;` and turns the `\` we added back into `;`.
 * Nothing else in an argument is interpreted (verified on 3.3a: `$(…)`, quotes, `{`, `}`,
 * newlines and backslashes elsewhere arrive untouched).
 */
export function tmuxArg(value: string): string {
  return value.endsWith(';') ? `${value.slice(0, -1)}\\;` : value;
}

/**
 * Some options are expanded as formats before use (`-c` start directory, the pipe-pane command):
 * `#{session_name}` in a path would be replaced. `##` is tmux's literal `#` (consistent since 3.2).
 * A start directory that does not exist after expansion is NOT an error in tmux: it silently
 * falls back to another directory, so callers check the directory exists first.
 */
export function formatLiteral(value: string): string {
  return value.replaceAll('#', '##');
}

/** POSIX single-quoting: the only shell text Flotilla ever builds, and only around its own paths. */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

/**
 * tmux sends a command to its server as one message of at most 16 KB (MAX_IMSGSIZE 16384, minus
 * header); measured on 3.3a: 16,363 bytes of packed argv pass, 16,373 fail with "failed to send
 * command", more with "command too long". We stop earlier with a message that says what to do.
 */
export const TMUX_MAX_COMMAND_BYTES = 16_000;

/** Size of a tmux command as the client packs it: each argument plus its NUL. */
export function packedSize(args: readonly string[]): number {
  let total = 0;
  for (const a of args) total += Buffer.byteLength(a, 'utf8') + 1;
  return total;
}

export function assertCommandFits(args: readonly string[], what: string): void {
  const size = packedSize(args);
  if (size > TMUX_MAX_COMMAND_BYTES) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `${what} is too large for tmux: ${size} bytes of arguments and environment, tmux accepts about 16 KB per command`,
      { hint: 'pass long text (prompts, instructions) through a file and give the agent its path' },
    );
  }
}

/** Environment variable names that every shell and execve accept. */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `-e NAME=value` pairs, checked: a bad name or a NUL would be cut or rejected far from here. */
export function envArgs(env: Readonly<Record<string, string>>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!ENV_NAME.test(name)) {
      throw new FlotillaError('INVALID_INPUT', `invalid environment variable name '${name}'`, {
        hint: 'names are letters, digits and _, not starting with a digit',
      });
    }
    if (value.includes('\0')) {
      throw new FlotillaError('INVALID_INPUT', `environment variable ${name} contains a NUL byte`);
    }
    out.push('-e', tmuxArg(`${name}=${value}`));
  }
  return out;
}

/**
 * Split text into pieces of at most `maxBytes` UTF-8 bytes without cutting a character in two,
 * so a long prompt typed with several send-keys calls arrives byte for byte.
 */
export function chunkUtf8(text: string, maxBytes: number): string[] {
  const chunks: string[] = [];
  let current = '';
  let size = 0;
  for (const ch of text) {
    const n = Buffer.byteLength(ch, 'utf8');
    if (size + n > maxBytes && current !== '') {
      chunks.push(current);
      current = '';
      size = 0;
    }
    current += ch;
    size += n;
  }
  if (current !== '') chunks.push(current);
  return chunks;
}
