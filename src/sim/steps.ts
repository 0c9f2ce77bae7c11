import type { SimError, SimStepInput } from './script.js';

/**
 * Shorthands for writing scripts in code (tests, the demo). They build the same JSON a script
 * file holds. Paths usually start with `{{cwd}}`: Claude Code's Write and Edit tools want
 * absolute paths, and the working directory is only known once the agent runs.
 */
export const simStep = {
  /** A final answer: ends the turn. */
  text: (text: string, extra: Partial<SimStepInput> = {}): SimStepInput => ({ ...extra, text }),

  /** Claude Code's Write tool (creates or overwrites a file). */
  write: (filePath: string, content: string, say?: string): SimStepInput => ({
    ...(say === undefined ? {} : { text: say }),
    tool: { name: 'Write', input: { file_path: filePath, content } },
  }),

  /** Claude Code's Edit tool (replace one exact string). */
  edit: (filePath: string, oldString: string, newString: string, say?: string): SimStepInput => ({
    ...(say === undefined ? {} : { text: say }),
    tool: { name: 'Edit', input: { file_path: filePath, old_string: oldString, new_string: newString } },
  }),

  /** Claude Code's Bash tool. In default permission mode this opens the approval dialog. */
  bash: (command: string, description = 'Run a command', say?: string): SimStepInput => ({
    ...(say === undefined ? {} : { text: say }),
    tool: { name: 'Bash', input: { command, description } },
  }),

  /** Commit everything in the working directory. */
  commitAll: (message: string): SimStepInput =>
    simStep.bash(
      `git add -A && git commit -q -m ${shellQuote(message)} && git log --oneline -1`,
      'Commit all changes',
    ),

  /** An HTTP error answer, `times` in a row (the CLI retries 429/5xx). */
  error: (status: number, options: Omit<SimError, 'status'> & { times?: number } = {}): SimStepInput => {
    const { times, ...error } = options;
    return { error: { status, ...error }, ...(times === undefined ? {} : { times }) };
  },

  /** Hold the answer back: the agent shows as working meanwhile. */
  slow: (delayMs: number, step: SimStepInput): SimStepInput => ({ ...step, delayMs }),
};

/** Single-quote for sh: the script author's text must reach git as one argument. */
function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}
