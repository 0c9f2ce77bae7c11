/**
 * The shapes the API answers with, declared once: routes use them as their response schemas,
 * so the OpenAPI document and the contract tests check the same thing the handlers return.
 * Entities reuse the domain schemas; these add only what a view joins onto them.
 */
import { z } from 'zod';
import { AgentSchema, AgentStatusSchema } from '../../domain/agent.js';
import { EventSchema } from '../../domain/event.js';
import { RepoSchema } from '../../domain/repo.js';
import { TaskSchema } from '../../domain/task.js';
import { ADAPTER_KINDS } from '../../domain/values.js';
import { WorktreeSchema } from '../../domain/worktree.js';

/** Every `:id` path parameter: an id or a unique prefix of one. */
export const IdParams = z.object({ id: z.string().min(1).max(64) });
/** `?all=true` on list routes: include removed rows. */
export const AllQuery = z.object({ all: z.enum(['true', 'false']).optional() }).strict();
export const OkSchema = z.object({ ok: z.literal(true) });

/** How many resource samples an agent view carries (`cpuHistory`, `rssHistory`). */
export const RESOURCE_HISTORY = 30;

/** An agent as `ps` and the dashboard show it: the row plus live figures from the supervisor. */
export const AgentViewSchema = AgentSchema.extend({
  taskTitle: z.string().nullable(),
  cpuPercent: z.number().nullable(),
  rssBytes: z.number().nullable(),
  resumeAt: z.string().nullable(),
  /**
   * CPU (% of one core) of the last RESOURCE_HISTORY resource samples, oldest first, one every
   * few seconds; empty unless the agent is live. A sample without a figure (the first one after
   * a (re)start has nothing to measure against) is dropped, not shown as 0.
   */
  cpuHistory: z.array(z.number()),
  /** Resident memory (bytes) of the same samples, oldest first; empty unless the agent is live. */
  rssHistory: z.array(z.number()),
  /**
   * The last meaningful line of the agent's screen (escapes removed, trimmed, ≤200 chars; lines
   * of only borders or punctuation, and a TUI's input box and footer, skipped), as of the
   * monitor's last look; null when unknown.
   */
  lastOutput: z.string().nullable(),
  /** The adapter kind of the agent's config entry (`adapter` is the entry's name). */
  kind: z.enum(ADAPTER_KINDS),
  /** The `tmux -L` socket name the agent's session lives on (for `flotilla attach`). */
  tmuxSocket: z.string(),
  /**
   * Something wrong that the status does not say: a hook event the agent could not write (disk
   * full), until a later one arrives whole. Absent or null when all is well.
   */
  warning: z.string().nullable().optional(),
});
export type AgentView = z.infer<typeof AgentViewSchema>;

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
