/**
 * A script names tools the way Claude Code does (`Bash {command}`, `Write {file_path, content}`),
 * so one script can drive every agent. Codex and Gemini CLI offer other tools; this maps the two
 * generic ones onto whatever the agent offered in its request (names differ between versions:
 * codex 0.171 offers `exec_command {cmd}`, older ones `shell {command: argv}` or
 * `shell_command {command}`). Any other name passes through unchanged, so a script can also call
 * an agent's own tool by its own name.
 */

/** A tool call as the agent should receive it. */
export interface AgentToolCall {
  name: string;
  input: Record<string, unknown>;
}

/** Single-quote for sh. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/** A shell command that writes `content` to `path` exactly (no trailing newline added). */
export function writeFileCommand(path: string, content: string): string {
  return `printf '%s' ${shellQuote(content)} > ${shellQuote(path)}`;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : '');

function commandOf(name: string, input: Record<string, unknown>): string | null {
  if (name === 'Bash') return text(input.command);
  if (name === 'Write') return writeFileCommand(text(input.file_path), text(input.content));
  return null;
}

/**
 * Codex: Bash and Write both become one shell call in the shape of the offered shell tool. When
 * codex's approval policy lets the model ask (`on-request`), a Bash call asks to run outside the
 * sandbox, which is what opens codex's approval prompt: the counterpart of Claude Code asking
 * before Bash in its default mode. Under `never` asking is refused, so the call does not ask.
 */
export function codexToolCall(
  name: string,
  input: Record<string, unknown>,
  offered: string[],
  canAsk = false,
): AgentToolCall {
  const command = commandOf(name, input);
  if (command === null) return { name, input };
  if (offered.includes('exec_command') || offered.length === 0) {
    const ask =
      canAsk && name === 'Bash'
        ? {
            sandbox_permissions: 'require_escalated',
            justification: text(input.description) || 'Run this command?',
          }
        : {};
    return { name: 'exec_command', input: { cmd: command, ...ask } };
  }
  if (offered.includes('shell_command')) return { name: 'shell_command', input: { command } };
  return { name: 'shell', input: { command: ['bash', '-lc', command] } };
}

/** Gemini CLI: Bash → run_shell_command, Write → write_file (both ask for approval by default). */
export function geminiToolCall(
  name: string,
  input: Record<string, unknown>,
  offered: string[],
): AgentToolCall {
  if (name === 'Bash') {
    return {
      name: 'run_shell_command',
      input: {
        command: text(input.command),
        ...(input.description ? { description: input.description } : {}),
      },
    };
  }
  if (name === 'Write') {
    if (offered.length > 0 && !offered.includes('write_file')) {
      const command = commandOf(name, input) ?? '';
      return { name: 'run_shell_command', input: { command } };
    }
    return { name: 'write_file', input: { file_path: text(input.file_path), content: text(input.content) } };
  }
  return { name, input };
}
