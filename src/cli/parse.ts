import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { didYouMean } from '../config/suggest.js';
import { FlotillaError } from '../domain/errors.js';
import type { TaskPriority, TaskStatus } from '../domain/task.js';
import { TASK_PRIORITIES, TASK_STATUSES } from '../domain/values.js';

/** Commander collector for repeatable options that also accept comma lists: `--label a --label b,c`. */
export const collect = (value: string, previous: string[] = []): string[] => [
  ...previous,
  ...value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
];

/** Accepts `in_progress`, `in-progress`, `In Progress`; refuses anything else with the valid list. */
export function parseStatus(input: string): TaskStatus {
  const normalized = input
    .trim()
    .toLowerCase()
    .replace(/[-\s]+/g, '_');
  if ((TASK_STATUSES as readonly string[]).includes(normalized)) return normalized as TaskStatus;
  throw new FlotillaError(
    'INVALID_STATUS',
    `unknown task status '${input}'${didYouMean(normalized, TASK_STATUSES)}`,
    {
      hint: `valid statuses: ${TASK_STATUSES.join(', ')}`,
    },
  );
}

export function parsePriority(input: string): TaskPriority {
  const normalized = input.trim().toLowerCase();
  if ((TASK_PRIORITIES as readonly string[]).includes(normalized)) return normalized as TaskPriority;
  throw new FlotillaError(
    'INVALID_INPUT',
    `unknown priority '${input}'${didYouMean(normalized, TASK_PRIORITIES)}`,
    {
      hint: `valid priorities: ${TASK_PRIORITIES.join(', ')}`,
    },
  );
}

/** `--prompt TEXT` or `--prompt-file F` (`-` reads stdin); both at once is a usage error. */
export function readPrompt(opts: { prompt?: string; promptFile?: string }, cwd: string): string | undefined {
  if (opts.prompt !== undefined && opts.promptFile !== undefined) {
    throw new FlotillaError('INVALID_INPUT', '--prompt and --prompt-file cannot be used together', {
      hint: 'give the prompt inline with --prompt or in a file with --prompt-file, not both',
    });
  }
  if (
    opts.prompt !== undefined &&
    (TASK_PRIORITIES as readonly string[]).includes(opts.prompt.trim().toLowerCase())
  ) {
    // `task add X -p high` means a priority far more often than a one-word prompt.
    throw new FlotillaError(
      'INVALID_INPUT',
      `--prompt '${opts.prompt}' is a priority level, not a prompt: -p is short for --prompt`,
      {
        hint: `set the priority with --priority ${opts.prompt.trim().toLowerCase()}; a prompt that really is that one word can come from --prompt-file`,
      },
    );
  }
  if (opts.promptFile === undefined) return opts.prompt;
  const file = opts.promptFile === '-' ? 0 : resolve(cwd, opts.promptFile);
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `cannot read prompt file '${opts.promptFile}': ${(e as Error).message}`,
      {
        hint: 'check the path, or pass the prompt inline with --prompt',
      },
    );
  }
}

export function parsePositiveInt(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new FlotillaError('INVALID_INPUT', `${name} must be a whole number ≥ 1, got '${value}'`);
  }
  return n;
}
