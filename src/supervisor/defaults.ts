import { buildPromptText } from '../agents/prompt.js';
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

/** The adapters' prompt text: the task, then the commit (or do-not-commit) instruction. */
export function defaultBuildPrompt(
  task: Pick<Task, 'id' | 'title' | 'prompt'>,
  entry: AgentEntryConfig,
): string {
  return buildPromptText(task, { autoCommit: entry.auto_commit });
}
