import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';
import { AGENT_MODES, AGENT_STATUSES } from './values.js';

export { AGENT_MODES, AGENT_STATUSES, LIVE_AGENT_STATUSES } from './values.js';

/**
 * What an agent is doing. `idle` = its turn ended with nothing asked (finished: the user's
 * move, but nothing waits on them); `needs_input` = it asked the user something and waits for
 * the answer;
 * `needs_permission` = a tool approval dialog is open; `rate_limited` = the API refused for a
 * rate limit, usage limit or overload: Claude Code retries by itself, or Flotilla resumes it once
 * at the reset (the agent view's `resumeAt`), whether its process is alive or not; `exited` =
 * finished by itself; `stopped` = stopped by a user; `crashed` = died, or ended on an error that
 * a restart cannot fix (a non-retryable API error), and is not restarted now.
 */
export const AgentStatusSchema = z.enum(AGENT_STATUSES);
export type AgentStatus = z.infer<typeof AgentStatusSchema>;

/** Where a status came from, so a user can judge how far to trust it. */
export const StatusSourceSchema = z.enum(['hook', 'stream', 'pane', 'liveness', 'user', 'supervisor']);
export type StatusSource = z.infer<typeof StatusSourceSchema>;

export const AgentModeSchema = z.enum(AGENT_MODES);
export type AgentMode = z.infer<typeof AgentModeSchema>;

/** Adapter names are config keys: lowercase words joined by dashes. */
export const AdapterNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'an agent name is lowercase letters, digits and dashes');

/**
 * The tool call a permission dialog (or a headless permission request) asks about: exactly what
 * Approve would allow. `subject` is the command, file path, URL or pattern; `diff` what an
 * Edit or Write would change, when the request carries it.
 */
export const PendingPermissionSchema = z.object({
  tool: z.string(),
  subject: z.string().nullable(),
  diff: z.string().nullable(),
  input: z.record(z.string(), z.unknown()),
  requestedAt: TimestampSchema,
});
export type PendingPermission = z.infer<typeof PendingPermissionSchema>;

/** One running agent instance working on one task. */
export const AgentSchema = z.object({
  id: IdSchema,
  taskId: IdSchema,
  repoId: IdSchema,
  adapter: AdapterNameSchema,
  mode: AgentModeSchema,
  status: AgentStatusSchema,
  statusSource: StatusSourceSchema,
  statusSince: TimestampSchema,
  worktreePath: z.string(),
  branch: z.string(),
  tmuxSession: z.string(),
  /** The agent-side conversation id Flotilla chose (claude --session-id), for exact resume. */
  sessionId: z.string().nullable(),
  restartCount: z.number().int().min(0),
  pid: z.number().int().nullable(),
  exitCode: z.number().int().nullable(),
  /** What the current status is about: the question asked, the tool call, why it ended. */
  statusDetail: z.string().nullable(),
  /** The agent's last message to the user (the text its last turn ended with), when known. */
  lastMessage: z.string().nullable(),
  /** The permission request open now; null unless the status is `needs_permission`. */
  pendingPermission: PendingPermissionSchema.nullable(),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  /** Set by `agent rm`: the row is kept for history (costs, audit) but hidden by default. */
  removedAt: TimestampSchema.nullable().optional(),
});
export type Agent = z.infer<typeof AgentSchema>;
