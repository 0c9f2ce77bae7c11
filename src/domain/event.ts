import { z } from 'zod';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';

/** Every kind of event. Add new kinds here; consumers switch on them. */
export const EVENT_TYPES = [
  'repo.registered',
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'agent.created',
  'agent.updated',
  'agent.status_changed',
  'agent.restarted',
  'agent.removed',
  'agent.hook',
  'agent.output',
  'agent.health',
  // A headless agent's tool request decided by a rule or the user (data: PermissionEventDataSchema).
  'agent.permission',
  'worktree.created',
  'worktree.removed',
  'daemon.started',
  'daemon.stopped',
  'daemon.reconciled',
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

/** Who caused an event. */
export const ActorSchema = z.enum([
  'user',
  'cli',
  'api',
  'daemon',
  'supervisor',
  'hook',
  'scheduler',
  'integration',
]);
export type Actor = z.infer<typeof ActorSchema>;

/** An append-only record of something that happened. `id` is monotonic across the whole store. */
export const EventSchema = z.object({
  id: z.number().int().positive(),
  ts: TimestampSchema,
  type: EventTypeSchema,
  actor: ActorSchema,
  repoId: IdSchema.nullable(),
  taskId: IdSchema.nullable(),
  agentId: IdSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type FlotillaEvent = z.infer<typeof EventSchema>;

/** An event before the store gives it an id and time. */
export type NewEvent = Omit<FlotillaEvent, 'id' | 'ts' | 'repoId' | 'taskId' | 'agentId'> &
  Partial<Pick<FlotillaEvent, 'repoId' | 'taskId' | 'agentId'>>;
