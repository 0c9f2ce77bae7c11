import type { AdapterKind, AgentAdapter, AgentEntryConfig } from '../agents/types.js';
import { FlotillaError } from '../domain/errors.js';
import type { Task } from '../domain/task.js';

/** Defaults for what the daemon normally injects: the adapter registry and the prompt text. */

/** Until the daemon passes `adapterFor`, no adapter is known. */
export function defaultAdapterFor(kind: AdapterKind): AgentAdapter {
  throw new FlotillaError(
    'INTERNAL',
    `no adapter registry was given to the supervisor (asked for '${kind}')`,
    {
      hint: 'pass adapterFor (src/agents/registry.ts) to new Supervisor()',
    },
  );
}

/** The task's title and prompt, plus a request to commit when `auto_commit` is on. */
export function defaultBuildPrompt(
  task: Pick<Task, 'id' | 'title' | 'prompt'>,
  entry: AgentEntryConfig,
): string {
  const parts = [task.title.trim()];
  if (task.prompt.trim() !== '') parts.push(task.prompt.trim());
  if (entry.auto_commit) {
    parts.push('When the work is done, commit it on the current branch with a message that says why.');
  }
  return parts.join('\n\n');
}
