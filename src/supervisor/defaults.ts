import { buildPromptText } from '../agents/prompt.js';
import type { AgentEntryConfig } from '../agents/types.js';
import type { Task } from '../domain/task.js';

/** Defaults for what the daemon may inject: the adapter registry and the prompt text. */

export { adapterFor as defaultAdapterFor } from '../agents/registry.js';

/** The adapters' prompt text: the task, then the commit (or do-not-commit) instruction. */
export function defaultBuildPrompt(
  task: Pick<Task, 'id' | 'title' | 'prompt'>,
  entry: AgentEntryConfig,
): string {
  return buildPromptText(task, { autoCommit: entry.auto_commit });
}
