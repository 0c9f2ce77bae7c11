import { z } from 'zod';
import { EVENT_DATA_SCHEMAS } from './event-data.js';
import { IdSchema } from './ids.js';
import { TimestampSchema } from './time.js';

/**
 * Every kind of event. Add a kind here and its payload schema in event-data.ts (the check
 * below fails until both agree); consumers switch on `type`, and `data` narrows with it.
 */
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
  'agent.health',
  // A headless agent's tool request decided by a rule or the user.
  'agent.permission',
  // An agent's own word through its MCP tools: a progress line, a question to its user.
  'agent.progress',
  'agent.question',
  'worktree.created',
  'worktree.removed',
  'daemon.reconciled',
  // A task's branch through its repo's landing queue (domain/landing.ts).
  'landing.queued',
  'landing.step',
  'landing.landed',
  'landing.failed',
  'landing.cancelled',
] as const;
export const EventTypeSchema = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventTypeSchema>;

// Fails to compile unless every type has a payload schema and every schema a type.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _everyTypeHasItsPayload: Same<keyof typeof EVENT_DATA_SCHEMAS, EventType> = true;

/** The payload of an event of type `T`. */
export type EventData<T extends EventType> = z.infer<(typeof EVENT_DATA_SCHEMAS)[T]>;

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

const envelope = {
  id: z.number().int().positive(),
  ts: TimestampSchema,
  actor: StoredActorSchema,
  repoId: IdSchema.nullable(),
  taskId: IdSchema.nullable(),
  agentId: IdSchema.nullable(),
};

function eventOf<T extends EventType>(type: T) {
  return z.object({ ...envelope, type: z.literal(type), data: EVENT_DATA_SCHEMAS[type] });
}

/**
 * An append-only record of something that happened: a discriminated union on `type`, each with
 * its own `data`. `id` is monotonic across the whole store.
 */
export const EventSchema = z.discriminatedUnion('type', [
  eventOf('repo.registered'),
  eventOf('task.created'),
  eventOf('task.updated'),
  eventOf('task.moved'),
  eventOf('task.deleted'),
  eventOf('agent.created'),
  eventOf('agent.updated'),
  eventOf('agent.status_changed'),
  eventOf('agent.restarted'),
  eventOf('agent.removed'),
  eventOf('agent.hook'),
  eventOf('agent.health'),
  eventOf('agent.permission'),
  eventOf('agent.progress'),
  eventOf('agent.question'),
  eventOf('worktree.created'),
  eventOf('worktree.removed'),
  eventOf('daemon.reconciled'),
  eventOf('landing.queued'),
  eventOf('landing.step'),
  eventOf('landing.landed'),
  eventOf('landing.failed'),
  eventOf('landing.cancelled'),
]);
export type FlotillaEvent = z.infer<typeof EventSchema>;

/**
 * The envelope of a stored event with its payload unchecked: what a row must be for a reader to
 * use it at all. A payload that no longer matches its type's schema (written by an older
 * Flotilla), or of a type this one does not know, is still read: the log is history. See
 * `EventSchema` for what current code writes.
 */
export const StoredEventSchema = z.object({
  ...envelope,
  type: z.string().min(1),
  data: z.record(z.string(), z.unknown()),
});

/** The event of type `T`. */
export type EventOf<T extends EventType> = Extract<FlotillaEvent, { type: T }>;

/** Which entities an event is about; the store fills in null for those not given. */
export interface EventRefs {
  repoId?: string | null;
  taskId?: string | null;
  agentId?: string | null;
}

/**
 * An event before the store gives it an id and time: `data` must be its type's payload (a
 * wrong payload does not compile), and only current actors are written.
 */
export type NewEvent = {
  [T in EventType]: EventRefs & { type: T; actor: Actor; data: EventData<T> };
}[EventType];
