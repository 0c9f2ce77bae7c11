import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';
import { TASK_PRIORITIES, TASK_STATUSES } from './values.js';

export { PRIORITY_RANK, TASK_PRIORITIES, TASK_STATUSES, TERMINAL_TASK_STATUSES } from './values.js';

/** Task lifecycle: backlog → todo → in_progress → review → done (or failed, cancelled). */
export const TaskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof TaskStatusSchema>;

export const TaskPrioritySchema = z.enum(TASK_PRIORITIES);
export type TaskPriority = z.infer<typeof TaskPrioritySchema>;
export const LabelSchema = z
  .string()
  .min(1, 'a label cannot be empty')
  .max(64, 'a label is at most 64 characters')
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u, 'a label is letters, digits and . _ : / - (no spaces)');

export const TitleSchema = z
  .string()
  .trim()
  .min(1, 'a task title cannot be empty')
  .max(200, 'a task title is at most 200 characters');

/**
 * Prompts can be long (a whole spec), but an agent receives its prompt as one argument, and
 * Linux caps one argument at 128 KiB: refuse at `task add`, not at `start`.
 */
export const PROMPT_MAX_BYTES = 100 * 1024;
export const PromptSchema = z
  .string()
  .refine((s) => s.length <= PROMPT_MAX_BYTES / 4 || new TextEncoder().encode(s).length <= PROMPT_MAX_BYTES, {
    message: 'a prompt is at most 100 KiB (agents receive it as one argument); point to a file for more',
  });

/** A link from a task to a ticket in another system (GitHub issue, Jira key). */
export const ExternalRefSchema = z.object({
  system: z.enum(['github', 'jira', 'other']),
  key: z.string().min(1),
  url: z.url().optional(),
});
export type ExternalRef = z.infer<typeof ExternalRefSchema>;

/** A unit of work for one agent. */
export const TaskSchema = z.object({
  id: IdSchema,
  repoId: IdSchema,
  title: TitleSchema,
  prompt: PromptSchema,
  priority: TaskPrioritySchema,
  status: TaskStatusSchema,
  labels: z.array(LabelSchema),
  /** Ids of tasks that must be `done` before this one is ready. */
  dependsOn: z.array(IdSchema),
  externalRefs: z.array(ExternalRefSchema),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
});
export type Task = z.infer<typeof TaskSchema>;

/** Input of `task add` / `POST /tasks`. Ids in dependsOn may be unique prefixes. */
export const TaskCreateSchema = z.object({
  title: TitleSchema,
  prompt: PromptSchema.optional(),
  priority: TaskPrioritySchema.default('normal'),
  status: TaskStatusSchema.default('todo'),
  labels: z.array(LabelSchema).default([]),
  dependsOn: z.array(z.string()).default([]),
  externalRefs: z.array(ExternalRefSchema).default([]),
});
export type TaskCreate = z.input<typeof TaskCreateSchema>;

/** Input of `task edit` / `PATCH /tasks/:id`: every field optional, labels replace or add/remove. */
export const TaskPatchSchema = z
  .object({
    title: TitleSchema,
    prompt: PromptSchema,
    priority: TaskPrioritySchema,
    labels: z.array(LabelSchema),
    addLabels: z.array(LabelSchema),
    removeLabels: z.array(LabelSchema),
    dependsOn: z.array(z.string()),
    addDependsOn: z.array(z.string()),
    removeDependsOn: z.array(z.string()),
  })
  .partial()
  .strict();
export type TaskPatch = z.infer<typeof TaskPatchSchema>;

export const TaskFilterSchema = z.object({
  status: z.array(TaskStatusSchema).optional(),
  label: z.array(LabelSchema).optional(),
  priority: z.array(TaskPrioritySchema).optional(),
  repoId: IdSchema.optional(),
  limit: z.number().int().min(1).max(10_000).optional(),
  offset: z.number().int().min(0).optional(),
});
export type TaskFilter = z.infer<typeof TaskFilterSchema>;

/**
 * Which status may follow which. Today a card moves anywhere (the board and `task move` take any
 * status), so every other status may follow each one; the table is spelled out so that narrowing
 * a move is one edit here, enforced by core/tasks.ts for every caller.
 */
export const TASK_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
  backlog: ['todo', 'in_progress', 'review', 'done', 'failed', 'cancelled'],
  todo: ['backlog', 'in_progress', 'review', 'done', 'failed', 'cancelled'],
  in_progress: ['backlog', 'todo', 'review', 'done', 'failed', 'cancelled'],
  review: ['backlog', 'todo', 'in_progress', 'done', 'failed', 'cancelled'],
  done: ['backlog', 'todo', 'in_progress', 'review', 'failed', 'cancelled'],
  failed: ['backlog', 'todo', 'in_progress', 'review', 'done', 'cancelled'],
  cancelled: ['backlog', 'todo', 'in_progress', 'review', 'done', 'failed'],
};

/** A move an actor may make: from any of `from` (or any status) to any of `to`. */
export interface TaskMoveRule {
  from: readonly TaskStatus[] | 'any';
  to: readonly TaskStatus[];
}

/**
 * Who may move a task, by the kind of actor (the part of `integration:github` or `agent:<id>`
 * before the colon). A person (`user`, through the CLI or the web) and an API client (`api`) move
 * cards freely, as today. The scheduler and the supervisor make the two moves Flotilla makes by
 * itself: a task an agent starts on goes to in_progress; one whose agent ends its run goes from
 * in_progress to review. A start or `up` moves its task to in_progress as its caller, so every
 * kind that can start an agent has that move: an integration through the library does (as the
 * scheduler's dispatcher will); agents cannot start agents, and move only their own task, from
 * in_progress to review. Kinds not listed (daemon, hook) move no task until a use case needs it:
 * then it is a line here.
 */
export const TASK_MOVERS: Readonly<Record<string, readonly TaskMoveRule[]>> = {
  user: [{ from: 'any', to: TASK_STATUSES }],
  api: [{ from: 'any', to: TASK_STATUSES }],
  // The dispatcher starts tasks; the landing queue marks a landed task done and sends a failed
  // landing back to its agent; a branch merged outside Flotilla marks its task done (core/git-follow.ts).
  scheduler: [
    { from: 'any', to: ['in_progress'] },
    { from: ['in_progress', 'review'], to: ['done'] },
    { from: ['review'], to: ['in_progress'] },
  ],
  integration: [{ from: 'any', to: ['in_progress'] }],
  // An agent hands its own task over (its ready_for_review tool; the route checks it is its own).
  agent: [{ from: ['in_progress'], to: ['review'] }],
  supervisor: [
    { from: 'any', to: ['in_progress'] },
    { from: ['in_progress'], to: ['review'] },
  ],
};

/** Why `actor` may not move a task from `from` to `to`, or null when it may. */
export function taskMoveRefusal(from: TaskStatus, to: TaskStatus, actor: string): string | null {
  if (from === to) return null;
  if (!TASK_TRANSITIONS[from].includes(to)) return `a task in ${from} cannot move to ${to}`;
  const kind = actor.split(':')[0] ?? actor;
  const rules = TASK_MOVERS[kind] ?? [];
  const allowed = rules.some((r) => (r.from === 'any' || r.from.includes(from)) && r.to.includes(to));
  return allowed ? null : `${actor} may not move a task from ${from} to ${to}`;
}
