import { isAbsolute, resolve } from 'node:path';
import type { LaunchSpec } from '../agents/types.js';
import { FlotillaError } from '../domain/errors.js';
import { which } from '../proc/index.js';
import { ENV_FILE_VAR } from './env-file.js';

/**
 * The command line tmux runs for an agent. Task text never becomes shell code: the scripts
 * below are constants, the agent's argv follows them as positional parameters ("$@"), and a
 * prompt read from a file is only ever expanded inside double quotes as ONE argument. The
 * shell execs the agent, so the pane's pid is the agent's own pid (signals, /proc, pane_dead).
 */

/** `$0` of the launcher shell, so `ps` shows what it is. */
export const LAUNCHER_NAME = 'flotilla-agent';

/**
 * `$(…)` strips trailing newlines; the `x` sentinel keeps them, so the prompt arrives byte for
 * byte (a shell variable cannot hold NUL, and neither can an argv element).
 */
const FILE_ARG_SCRIPT =
  // biome-ignore lint/suspicious/noTemplateCurlyInString: shell parameter expansion, not a template
  'p=$(cat -- "$FLOTILLA_PROMPT_FILE" && printf x) || { echo "flotilla: cannot read the prompt file $FLOTILLA_PROMPT_FILE" >&2; exit 126; }; exec "$@" "${p%x}"';
const STDIN_SCRIPT = 'exec "$@" < "$FLOTILLA_PROMPT_FILE"';
const PLAIN_SCRIPT = 'exec "$@"';

/**
 * Put before the script when the environment comes in a file (env-file.ts): source it, then
 * empty it, so the secrets it held stay only in the agent's own environment. `[ -r ]` first:
 * a failed `.` would end sh with a less helpful message.
 */
const ENV_FILE_PREAMBLE = `[ -r "$${ENV_FILE_VAR}" ] && . "$${ENV_FILE_VAR}" || { echo "flotilla: cannot read the environment file $${ENV_FILE_VAR}" >&2; exit 126; }; : > "$${ENV_FILE_VAR}"; unset ${ENV_FILE_VAR}; `;

/** The launcher scripts, exported so tests can check they are what runs. */
export const LAUNCHER_SCRIPTS = {
  fileArg: FILE_ARG_SCRIPT,
  stdin: STDIN_SCRIPT,
  plain: PLAIN_SCRIPT,
} as const;

/** Install hints for the commands of the built-in adapters. */
const INSTALL_HINTS: Record<string, string> = {
  'claude-code': 'npm install -g @anthropic-ai/claude-code',
  codex: 'npm install -g @openai/codex',
  gemini: 'npm install -g @google/gemini-cli',
  aider: 'python -m pip install aider-install && aider-install',
};

/**
 * Finds the agent's command on the PATH the agent will get, up front, so a missing one fails
 * the start with its name and the PATH searched instead of a pane that dies with "exit 127".
 */
export function resolveAgentCommand(
  command: string,
  agentName: string,
  adapterKind: string,
  path: string | undefined,
  cwd: string,
): string {
  const found = command.includes('/')
    ? which(isAbsolute(command) ? command : resolve(cwd, command))
    : which(command, path);
  if (found !== null) return isAbsolute(found) ? found : resolve(cwd, found);
  const install = INSTALL_HINTS[adapterKind];
  throw new FlotillaError(
    'TOOL_MISSING',
    `agent '${agentName}': command '${command}' was not found${command.includes('/') ? '' : ` on the daemon's PATH (${path ?? 'unset'})`}`,
    {
      hint: `${install ? `install it (${install}), or ` : ''}set agents.${agentName}.command to its absolute path; the daemon does not read your shell start-up files, so PATH changes made there are not seen`,
    },
  );
}

/** The final argv and the extra environment it needs. */
export interface LauncherCommand {
  argv: string[];
  env: Record<string, string>;
}

/**
 * Wraps the adapter's argv (first element already resolved to an absolute path) in the
 * launcher that delivers the prompt as the spec says. `send-keys` and `none` need nothing at
 * exec time: the supervisor types a `send-keys` prompt once the agent is ready. With
 * `envFromFile`, the script first loads the environment from the file named by
 * FLOTILLA_ENV_FILE (the caller writes it and passes that one variable).
 */
export function launcherCommand(
  spec: LaunchSpec,
  argv: readonly string[],
  promptFile: string | null,
  envFromFile = false,
): LauncherCommand {
  if (argv.length === 0 || argv[0] === '')
    throw new FlotillaError('INVALID_INPUT', 'the agent command is empty');
  const wrap = (script: string) => [
    '/bin/sh',
    '-c',
    envFromFile ? ENV_FILE_PREAMBLE + script : script,
    LAUNCHER_NAME,
    ...argv,
  ];
  if (spec.promptVia === 'file-arg' || spec.promptVia === 'stdin') {
    if (!promptFile) {
      throw new FlotillaError(
        'INTERNAL',
        `the adapter asked for promptVia '${spec.promptVia}' without a prompt file`,
      );
    }
    return {
      argv: wrap(spec.promptVia === 'file-arg' ? FILE_ARG_SCRIPT : STDIN_SCRIPT),
      env: { FLOTILLA_PROMPT_FILE: promptFile },
    };
  }
  // Always through the launcher: tmux runs a one-element command line through `sh -c` itself.
  return { argv: wrap(PLAIN_SCRIPT), env: {} };
}
