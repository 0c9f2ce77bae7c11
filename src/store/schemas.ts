import { isAbsolute } from 'node:path';
import { z } from 'zod';
import {
  AdapterNameSchema,
  AgentModeSchema,
  AgentSchema,
  AgentStatusSchema,
  StatusSourceSchema,
} from '../domain/agent.js';
import { StoredEventSchema } from '../domain/event.js';
import { IdSchema } from '../domain/ids.js';
import { RepoSchema } from '../domain/repo.js';
import { TaskSchema } from '../domain/task.js';
import { WorktreeSchema } from '../domain/worktree.js';

/*
 * The zod schemas of the store's inputs. The store loads this module only when it validates a
 * write (see lazy.ts): `task list` and other reads run without loading zod, which costs tens of
 * milliseconds of every CLI start-up.
 */

export { ACTOR_KINDS, ActorSchema, EventTypeSchema } from '../domain/event.js';
export { EVENT_DATA_SCHEMAS } from '../domain/event-data.js';
export { newId } from '../domain/ids.js';
export {
  TaskCreateSchema,
  TaskFilterSchema,
  TaskPatchSchema,
  TaskStatusSchema,
} from '../domain/task.js';
export { AgentStatusSchema, StatusSourceSchema };

/** Input of `repos.register`. */
export const RepoRegisterSchema = z.object({
  name: z.string().trim().min(1, 'a repo name cannot be empty'),
  path: z.string().refine(isAbsolute, 'the repo path must be absolute'),
  defaultBranch: z.string().trim().min(1, 'the default branch cannot be empty'),
});

/** Input of `agents.create`. `id` may be chosen by the caller (it names the tmux session). */
export const AgentCreateSchema = z.object({
  id: IdSchema.optional(),
  taskId: IdSchema,
  adapter: AdapterNameSchema,
  mode: AgentModeSchema.default('interactive'),
  status: AgentStatusSchema.default('starting'),
  statusSource: StatusSourceSchema.default('supervisor'),
  /** The agent's worktree (its path and branch are read from that row). */
  worktreeId: IdSchema,
  tmuxSession: z.string().min(1),
  sessionId: z.string().min(1).nullable().default(null),
  pid: z.number().int().nullable().default(null),
});

/** Fields `agents.update` may change; status goes through `setStatus`, which records its source. */
export const AgentUpdateSchema = z
  .object({
    mode: AgentModeSchema,
    tmuxSession: z.string().min(1),
    sessionId: z.string().min(1).nullable(),
    restartCount: z.number().int().min(0),
    pid: z.number().int().nullable(),
    exitCode: z.number().int().nullable(),
  })
  .partial()
  .strict();

/** Input of `worktrees.create`; the repo is the task's. */
export const WorktreeCreateSchema = WorktreeSchema.pick({
  taskId: true,
  path: true,
  branch: true,
  baseRef: true,
  baseCommit: true,
  portBase: true,
}).extend({ id: IdSchema.optional() });

/** The domain schema each table's rows map to, for row checks in development and tests. */
export const ROW_SCHEMAS = {
  repos: RepoSchema,
  tasks: TaskSchema,
  agents: AgentSchema,
  worktrees: WorktreeSchema,
  events: StoredEventSchema,
} as const;
