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

/**
 * Who caused an event: a person (`user`, through the CLI or the web), an API client that is not
 * a person (`api`), one of the daemon's parts, an integration by name (`integration:github`), or
 * an agent acting on its own behalf (`agent:<id>`).
 */
export const ACTOR_KINDS = ['user', 'api', 'daemon', 'supervisor', 'hook', 'scheduler'] as const;
export const ActorSchema = z.union([
  z.enum(ACTOR_KINDS),
  z.templateLiteral(['integration:', z.string().regex(/^[a-z0-9][a-z0-9_-]*$/)]),
  z.templateLiteral(['agent:', IdSchema]),
]);
export type Actor = z.infer<typeof ActorSchema>;

/**
 * Actors older Flotillas stored and none writes now: `cli` (now `user`) and a bare
 * `integration` (now `integration:<name>`). Rows holding them stay readable.
 */
export const LEGACY_ACTORS = ['cli', 'integration'] as const;
/** An actor as read from the log: a current one or a legacy one. */
export const StoredActorSchema = z.union([ActorSchema, z.enum(LEGACY_ACTORS)]);
export type StoredActor = z.infer<typeof StoredActorSchema>;

/** An append-only record of something that happened. `id` is monotonic across the whole store. */
export const EventSchema = z.object({
  id: z.number().int().positive(),
  ts: TimestampSchema,
  type: EventTypeSchema,
  actor: StoredActorSchema,
  repoId: IdSchema.nullable(),
  taskId: IdSchema.nullable(),
  agentId: IdSchema.nullable(),
  data: z.record(z.string(), z.unknown()),
});
export type FlotillaEvent = z.infer<typeof EventSchema>;

/** An event before the store gives it an id and time; only current actors are written. */
export type NewEvent = Omit<FlotillaEvent, 'id' | 'ts' | 'repoId' | 'taskId' | 'agentId' | 'actor'> &
  Partial<Pick<FlotillaEvent, 'repoId' | 'taskId' | 'agentId'>> & { actor: Actor };
