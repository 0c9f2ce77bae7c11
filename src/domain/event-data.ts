import { z } from 'zod';
import { AdapterNameSchema, AgentModeSchema, AgentStatusSchema, StatusSourceSchema } from './agent.js';
import { ProgressEventDataSchema, QuestionEventDataSchema } from './agent-tools.js';
import { IdSchema } from './ids.js';
import {
  ConflictFileSchema,
  LandingFailureSchema,
  LandingStepSchema,
  LandingStrategySchema,
} from './landing.js';
import { PermissionEventDataSchema } from './permission.js';
import { TaskPrioritySchema, TaskStatusSchema } from './task.js';

/*
 * The `data` of each event type: what the code that appends it writes today (store/*.ts,
 * supervisor/*.ts). Every payload is a loose object: keys it does not name are kept, never
 * refused, so a row written by an older or newer Flotilla with an extra key still reads, and a
 * reader that knows the key can use it. See docs/adr/0016-typed-events-and-one-bus.md.
 */

/** One field's change, as `task.updated` and `agent.updated` record it. */
const ChangeSchema = z.object({ from: z.unknown(), to: z.unknown() });

/** `repo.registered`: the name and absolute path a repo was registered under. */
export const RepoRegisteredDataSchema = z.looseObject({ name: z.string(), path: z.string() });

/** `task.created`: the task's first state (its prompt is not repeated in the log). */
export const TaskCreatedDataSchema = z.looseObject({
  title: z.string(),
  priority: TaskPrioritySchema,
  status: TaskStatusSchema,
  labels: z.array(z.string()),
  dependsOn: z.array(IdSchema),
});

/** `task.updated`: each changed field (title, prompt, priority, labels, dependsOn), before and after. */
export const TaskUpdatedDataSchema = z.looseObject({ changes: z.record(z.string(), ChangeSchema) });

/** `task.moved`: a status transition; `message`: what the mover said (an agent's review summary). */
export const TaskMovedDataSchema = z.looseObject({
  from: TaskStatusSchema,
  to: TaskStatusSchema,
  message: z.string().optional(),
});

/** `task.deleted`: what the task was, and the tasks that lost it as a dependency (`--force`). */
export const TaskDeletedDataSchema = z.looseObject({
  title: z.string(),
  status: TaskStatusSchema,
  droppedDependents: z.array(IdSchema),
});

/** `agent.created`: the new agent's identity and first status. */
export const AgentCreatedDataSchema = z.looseObject({
  adapter: AdapterNameSchema,
  mode: AgentModeSchema,
  status: AgentStatusSchema,
  branch: z.string(),
  tmuxSession: z.string(),
  sessionId: z.string().nullable(),
});

/** `agent.updated`: each changed bookkeeping field (pid, session id, restart count…), before and after. */
export const AgentUpdatedDataSchema = z.looseObject({ changes: z.record(z.string(), ChangeSchema) });

/** `agent.status_changed`: the transition, which signal saw it, and what it is about. */
export const AgentStatusChangedDataSchema = z.looseObject({
  from: AgentStatusSchema,
  to: AgentStatusSchema,
  source: StatusSourceSchema,
  detail: z.string().optional(),
});

/** `agent.restarted`: the restart number, why, and whether it resumed the conversation. */
export const AgentRestartedDataSchema = z.looseObject({
  restartCount: z.number().int().min(0),
  reason: z.string(),
  resume: z.boolean(),
  sessionId: z.string().nullable(),
});

/** `agent.removed`: the status the agent ended in. */
export const AgentRemovedDataSchema = z.looseObject({ status: AgentStatusSchema });

/**
 * `agent.hook`: one line of an agent's hook events file (supervisor/hook-events.ts). The named
 * hook-payload fields are copied (clipped) when the hook gave them.
 */
export const AgentHookDataSchema = z.looseObject({
  /** The hook's event name: SessionStart, PreToolUse, Notification, Stop… */
  hook: z.string(),
  /** One line: "<hook> <tool>: <first line of the input>", or what the hook said. */
  summary: z.string(),
  /** When the hook ran (the line's own time; the event's `ts` is when it was read). */
  hookTs: z.string(),
  session_id: z.string().optional(),
  tool_name: z.string().optional(),
  tool_use_id: z.string().optional(),
  notification_type: z.string().optional(),
  source: z.string().optional(),
  reason: z.string().optional(),
  error: z.string().optional(),
  message: z.string().optional(),
});

/** `agent.health`: one finding of a health check, and what was done about it. */
export const AgentHealthDataSchema = z.looseObject({
  /** start-slow, stuck, cpu, memory, worktree, restart, api-error, run-result, rate-limit, hook-write… */
  check: z.string(),
  level: z.enum(['info', 'warn', 'error']),
  message: z.string(),
  /** What was done: warn, stop, restart. */
  action: z.string().optional(),
  /** The supervisor has given up on the agent. */
  final: z.boolean().optional(),
  /** A headless run's outcome (run-result). */
  outcome: z.string().optional(),
  /** The agent's last output line (restart refused). */
  lastOutput: z.string().optional(),
  /** When a rate-limited agent resumes (rate-limit). */
  resumeAt: z.string().optional(),
});

/** `agent.permission`: one decision on a headless agent's tool request. */
export const AgentPermissionDataSchema = PermissionEventDataSchema.loose();

/** `agent.progress`: the agent's own progress line (its `report_progress` tool), shown on its card. */
export const AgentProgressDataSchema = ProgressEventDataSchema.loose();

/** `agent.question`: a question the agent asked its user (`ask_user`), answered or dropped. */
export const AgentQuestionDataSchema = QuestionEventDataSchema.loose();

/** `worktree.created`: where, on which branch, from which base. */
export const WorktreeCreatedDataSchema = z.looseObject({
  worktreeId: IdSchema,
  path: z.string(),
  branch: z.string(),
  baseRef: z.string(),
  baseCommit: z.string(),
  portBase: z.number().int(),
});

/** `worktree.removed`: which worktree's directory is gone. */
export const WorktreeRemovedDataSchema = z.looseObject({
  worktreeId: IdSchema,
  path: z.string(),
  branch: z.string(),
});

/** `daemon.reconciled`: what the daemon found at boot (supervisor/reconcile.ts). */
export const DaemonReconciledDataSchema = z.looseObject({
  adopted: z.array(z.string()),
  /** Agents found dead or gone, handed to the restart policy. */
  dead: z.array(z.string()),
  /** Restarts and resumes re-armed. */
  rearmed: z.array(z.string()),
  straySessions: z.array(z.string()),
  strayWorktrees: z.array(z.object({ repo: z.string(), path: z.string(), branch: z.string().nullable() })),
});

/** `landing.queued`: a task's branch joined its repo's landing queue. */
export const LandingQueuedDataSchema = z.looseObject({
  landingId: IdSchema,
  branch: z.string(),
  baseRef: z.string(),
  strategy: LandingStrategySchema,
});

/** `landing.step`: a running landing began a step (predict, prepare, verify, advance, finish). */
export const LandingStepDataSchema = z.looseObject({ landingId: IdSchema, step: LandingStepSchema });

/** `landing.landed`: the base moved from `baseBefore` to `commit`. */
export const LandingLandedDataSchema = z.looseObject({
  landingId: IdSchema,
  baseRef: z.string(),
  baseBefore: z.string(),
  commit: z.string(),
  strategy: LandingStrategySchema,
  /** How the base moved: update-ref, or a fast-forward of the worktree that has it checked out. */
  how: z.string(),
});

/** `landing.failed`: why, and whether the task went back to its agent. */
export const LandingFailedDataSchema = z.looseObject({
  landingId: IdSchema,
  failure: LandingFailureSchema,
  message: z.string(),
  files: z.array(z.string()),
  attempt: z.number().int().min(1),
  sentBack: z.boolean(),
  conflicts: z.array(ConflictFileSchema).optional(),
});

/** `landing.cancelled`: taken out of the queue before it ran. */
export const LandingCancelledDataSchema = z.looseObject({ landingId: IdSchema });

/** The payload schema of every event type; `EVENT_TYPES` is its list of keys. */
export const EVENT_DATA_SCHEMAS = {
  'repo.registered': RepoRegisteredDataSchema,
  'task.created': TaskCreatedDataSchema,
  'task.updated': TaskUpdatedDataSchema,
  'task.moved': TaskMovedDataSchema,
  'task.deleted': TaskDeletedDataSchema,
  'agent.created': AgentCreatedDataSchema,
  'agent.updated': AgentUpdatedDataSchema,
  'agent.status_changed': AgentStatusChangedDataSchema,
  'agent.restarted': AgentRestartedDataSchema,
  'agent.removed': AgentRemovedDataSchema,
  'agent.hook': AgentHookDataSchema,
  'agent.health': AgentHealthDataSchema,
  'agent.permission': AgentPermissionDataSchema,
  'agent.progress': AgentProgressDataSchema,
  'agent.question': AgentQuestionDataSchema,
  'worktree.created': WorktreeCreatedDataSchema,
  'worktree.removed': WorktreeRemovedDataSchema,
  'daemon.reconciled': DaemonReconciledDataSchema,
  'landing.queued': LandingQueuedDataSchema,
  'landing.step': LandingStepDataSchema,
  'landing.landed': LandingLandedDataSchema,
  'landing.failed': LandingFailedDataSchema,
  'landing.cancelled': LandingCancelledDataSchema,
} as const;
