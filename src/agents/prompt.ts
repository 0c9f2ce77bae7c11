import type { Task } from '../domain/index.js';
import type { AgentEntryConfig } from './types.js';

/**
 * The text an agent is asked to do. Flotilla's own instructions go last, after the user's, so
 * the task reads first; `auto_commit: false` turns the commit instruction into "do not commit",
 * because users must be able to review uncommitted work (lessons from the field).
 */

/** Options of {@link buildPromptText}, from the agent's config entry. */
export interface PromptOptions {
  autoCommit: boolean;
}

export const COMMIT_INSTRUCTION =
  'When the work is done, commit it on the current branch with a clear message that says what changed and why. ' +
  'Do not push, and do not create or switch branches.';

export const NO_COMMIT_INSTRUCTION =
  'Do not commit: leave your changes uncommitted in the working tree so they can be reviewed. ' +
  'Do not push, and do not create or switch branches.';

/** Sent on resume when the conversation must go on by itself (after a crash or a usage limit). */
export const CONTINUE_PROMPT =
  'Continue the task from where you left off. If it is already complete, say so briefly and stop.';

/**
 * The task prompt (or its title when the prompt is empty) followed by the commit instruction.
 * Always several words long: a one-word prompt such as `update` could otherwise be taken for a
 * subcommand by a CLI that has one of that name.
 */
export function buildPromptText(task: Pick<Task, 'title' | 'prompt'>, options: PromptOptions): string {
  const body = task.prompt.trim() === '' ? task.title.trim() : task.prompt.trim();
  return `${body}\n\n${options.autoCommit ? COMMIT_INSTRUCTION : NO_COMMIT_INSTRUCTION}\n`;
}

/** The prompt for a task under an agent's config entry: the daemon's default `buildPrompt`. */
export function promptForTask(task: Pick<Task, 'id' | 'title' | 'prompt'>, entry: AgentEntryConfig): string {
  return buildPromptText(task, { autoCommit: entry.auto_commit });
}
