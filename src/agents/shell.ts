/**
 * Quoting for the few places where a shell string is unavoidable (Claude Code runs each hook
 * `command` through a shell). Only Flotilla-controlled values go through here — absolute paths
 * and fixed event names — never task text.
 */

/** POSIX single-quoting: safe for any byte string except NUL. */
export function shellQuote(value: string): string {
  if (value.includes('\0')) throw new Error('a shell argument cannot contain NUL');
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The shell command for one hook: the hook argv plus the event name, output discarded and the
 * exit status forced to 0. Claude Code adds a SessionStart/UserPromptSubmit hook's stdout to the
 * conversation and blocks a tool when a PreToolUse hook exits 2, so a hook must stay silent and
 * can never fail the agent.
 */
export function hookShellCommand(hookArgv: readonly string[], event: string): string {
  if (hookArgv.length === 0) throw new Error('hookArgv is empty');
  if (!/^[A-Za-z]+$/.test(event)) throw new Error(`not a hook event name: ${event}`);
  return `${[...hookArgv, event].map(shellQuote).join(' ')} >/dev/null 2>&1 || true`;
}
