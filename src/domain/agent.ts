import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';
import { AGENT_MODES, AGENT_STATUSES } from './values.js';

export { AGENT_MODES, AGENT_STATUSES, LIVE_AGENT_STATUSES } from './values.js';

/**
 * What an agent is doing. `needs_input` = waiting for the user's next prompt;
 * `needs_permission` = a tool approval dialog is open; `exited` = finished by itself;
 * `stopped` = stopped by a user; `crashed` = died and (for now) not restarted.
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
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
  /** Set by `agent rm`: the row is kept for history (costs, audit) but hidden by default. */
  removedAt: TimestampSchema.nullable().optional(),
});
export type Agent = z.infer<typeof AgentSchema>;
