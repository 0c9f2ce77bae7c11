/**
 * The shapes the API answers with, declared once: routes use them as their response schemas,
 * so the OpenAPI document and the contract tests check the same thing the handlers return.
 * Entities reuse the domain schemas; these add only what a view joins onto them.
 */
import { z } from 'zod';
import { AgentSchema, AgentStatusSchema } from '../../domain/agent.js';
import { AgentViewSchema } from '../../domain/agent-view.js';
import { EventSchema } from '../../domain/event.js';
import { RepoSchema } from '../../domain/repo.js';
import { MemoryHeadroomSchema } from '../../domain/scheduler.js';
import { TaskSchema } from '../../domain/task.js';
import { WorktreeSchema } from '../../domain/worktree.js';

/** Every `:id` path parameter: an id or a unique prefix of one. */
export const IdParams = z.object({ id: z.string().min(1).max(64) });
/** `?all=true` on list routes: include removed rows. */
export const AllQuery = z.object({ all: z.enum(['true', 'false']).optional() }).strict();
export const OkSchema = z.object({ ok: z.literal(true) });

export { type AgentView, AgentViewSchema, RESOURCE_HISTORY } from '../../domain/agent-view.js';

export const AgentListSchema = z.object({ agents: z.array(AgentViewSchema) });
export const AgentLogsSchema = z.object({ text: z.string() });

const RemoveResultSchema = z.object({
  worktreeRemoved: z.boolean(),
  branchDeleted: z.boolean(),
  discarded: z.array(z.string()),
  notes: z.array(z.string()),
  errors: z.array(z.string()),
});
export const AgentRemoveSchema = z.object({
  agent: AgentSchema,
  worktree: RemoveResultSchema.nullable(),
  /** The agent's branch after the removal: Flotilla keeps it, but it may have been deleted by hand. */
  branch: z.object({ name: z.string(), exists: z.boolean() }),
});

export const UpResultSchema = z.object({
  started: z.array(AgentViewSchema),
  skipped: z.array(
    z.object({
      taskId: z.string(),
      title: z.string(),
      reason: z.string(),
      /** BLOCKED, LIMIT_REACHED, ALREADY_RUNNING, or the error code its start failed with. */
      code: z.string().optional(),
      /** For BLOCKED: the dependencies that are not done. */
      blockedBy: z.array(z.object({ id: z.string(), title: z.string(), status: z.string() })).optional(),
    }),
  ),
  running: z.number().int(),
  limit: z.number().int(),
  /** The machine's memory headroom: below limits.min_free_memory_mb no agent starts. */
  memory: MemoryHeadroomSchema.optional(),
});

export const TaskListSchema = z.object({ tasks: z.array(TaskSchema), total: z.number().int().min(0) });
export const RepoListSchema = z.object({ repos: z.array(RepoSchema) });
export const RepoRegisteredSchema = z.object({ repo: RepoSchema, created: z.boolean() });
export const EventListSchema = z.object({
  events: z.array(EventSchema),
  lastId: z.number().int().nullable(),
});

const DiffStatSchema = z.object({ files: z.number(), insertions: z.number(), deletions: z.number() });
/** `git status` of a worktree, measured against its base commit. */
export const WorktreeStatusSchema = z.object({
  path: z.string(),
  branch: z.string().nullable(),
  head: z.string().nullable(),
  dirty: z.boolean(),
  untracked: z.number(),
  modified: z.number(),
  ahead: z.number(),
  behind: z.number(),
  diffStat: DiffStatSchema,
  exists: z.boolean(),
});
export const WorktreeListSchema = z.object({
  worktrees: z.array(
    WorktreeSchema.extend({ agentId: z.string().nullable(), status: WorktreeStatusSchema.nullable() }),
  ),
});
export const WorktreeDiffSchema = z.object({
  base: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      oldPath: z.string().optional(),
      insertions: z.number(),
      deletions: z.number(),
      binary: z.boolean(),
      untracked: z.boolean(),
    }),
  ),
  diff: z.string(),
});
const PathBranch = { path: z.string(), branch: z.string() };
export const WorktreeCleanSchema = z.object({
  removed: z.array(z.object({ ...PathBranch, branchDeleted: z.boolean(), discarded: z.array(z.string()) })),
  refused: z.array(z.object({ ...PathBranch, reason: z.string() })),
  skipped: z.array(z.object({ ...PathBranch, reason: z.string() })),
  dryRun: z.boolean(),
});
export const WorktreePruneSchema = z.object({
  repos: z.array(
    z.object({
      repo: z.string(),
      pruned: z.array(
        z.object({ path: z.string(), branch: z.string().nullable(), reason: z.string().nullable() }),
      ),
      lockedStale: z.array(z.object({ path: z.string(), branch: z.string().nullable() })),
    }),
  ),
});

/** Live agents against the limits that bound them. */
export const LimitsSchema = z.object({
  limits: z.record(z.string(), z.unknown()),
  usage: z.object({
    live: z.number().int().min(0),
    maxConcurrent: z.number().int(),
    byStatus: z.partialRecord(AgentStatusSchema, z.number().int()),
  }),
});

/** The entity schemas the reference lists on their own. */
export const NAMED_SCHEMAS = {
  Task: TaskSchema,
  Agent: AgentViewSchema,
  Repo: RepoSchema,
  Worktree: WorktreeSchema,
  Event: EventSchema,
} as const;
