import type { Selectable } from 'kysely';
import { FlotillaError } from '../domain/errors.js';
import type {
  Actor,
  EventData,
  EventRefs,
  EventType,
  FlotillaEvent,
  NewEvent,
  StoredActor,
} from '../domain/event.js';
import { storeNow } from './clock.js';
import type { StoreContext } from './context.js';
import { checkEventData, checkRow, parseJsonColumn } from './input.js';
import { schemas } from './lazy.js';
import type { EventsTable } from './schema.js';

/** Query of the event log. Pages go by id: pass the last id seen as `afterId` (or `beforeId` going back). */
export interface EventQuery {
  afterId?: number;
  beforeId?: number;
  repoId?: string;
  agentId?: string;
  taskId?: string;
  /** Who wrote it, compared exactly. */
  actor?: StoredActor;
  types?: readonly EventType[];
  /** ISO timestamps, inclusive. */
  since?: string;
  until?: string;
  /** Default 100, at most 10,000. */
  limit?: number;
  /** `asc` (oldest first, the default) or `desc`. */
  order?: 'asc' | 'desc';
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;

function toEvent(row: Selectable<EventsTable>): FlotillaEvent {
  const event = checkRow(
    'events',
    {
      id: row.id,
      ts: row.ts,
      type: row.type,
      actor: row.actor,
      repoId: row.repo_id,
      taskId: row.task_id,
      agentId: row.agent_id,
      data: parseJsonColumn<Record<string, unknown>>(row.data, 'events.data', row.id),
    },
    row.id,
  );
  // The envelope is checked (in development and tests); the payload is history, read as written.
  checkEventData(event, 'read');
  return event as FlotillaEvent;
}

/** The append-only audit trail. Other modules append through it inside their own transactions. */
export class EventStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Appends one event, stamped `at` (default: now); joins the caller's transaction if any. */
  async append(event: NewEvent, at: string = storeNow()): Promise<FlotillaEvent> {
    const { EventTypeSchema, ActorSchema, ACTOR_KINDS } = await schemas();
    checkEnum(EventTypeSchema.options, event.type, 'event type');
    // The plain actors by list (every append checks one); the template ones by their schema.
    if (
      !(ACTOR_KINDS as readonly string[]).includes(event.actor) &&
      !ActorSchema.safeParse(event.actor).success
    ) {
      throw new FlotillaError(
        'INVALID_INPUT',
        `unknown actor '${event.actor}': valid are ${ACTOR_KINDS.join(', ')}, integration:<name>, agent:<id>`,
      );
    }
    checkEventData(event, 'write');
    return this.ctx.write(async (ctx) => {
      const row = await ctx.db
        .insertInto('events')
        .values({
          ts: at,
          type: event.type,
          actor: event.actor,
          repo_id: event.repoId ?? null,
          task_id: event.taskId ?? null,
          agent_id: event.agentId ?? null,
          data: JSON.stringify(event.data ?? {}),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      const appended = toEvent(row);
      ctx.recordEvent(appended);
      return appended;
    });
  }

  async list(query: EventQuery = {}): Promise<FlotillaEvent[]> {
    const limit = query.limit ?? DEFAULT_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
      throw new FlotillaError('INVALID_INPUT', `an event page holds 1 to ${MAX_LIMIT} events, not ${limit}`);
    }
    let q = this.ctx.db.selectFrom('events').selectAll();
    if (query.afterId !== undefined) q = q.where('id', '>', query.afterId);
    if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
    if (query.repoId !== undefined) q = q.where('repo_id', '=', query.repoId);
    if (query.agentId !== undefined) q = q.where('agent_id', '=', query.agentId);
    if (query.taskId !== undefined) q = q.where('task_id', '=', query.taskId);
    if (query.actor !== undefined) q = q.where('actor', '=', query.actor);
    // An empty list means "any type", like an absent one (a query string with no value).
    if (query.types !== undefined && query.types.length > 0) {
      const { EventTypeSchema } = await schemas();
      for (const type of query.types) checkEnum(EventTypeSchema.options, type, 'event type');
      q = q.where('type', 'in', query.types);
    }
    if (query.since !== undefined) q = q.where('ts', '>=', query.since);
    if (query.until !== undefined) q = q.where('ts', '<=', query.until);
    const rows = await q
      .orderBy('id', query.order ?? 'asc')
      .limit(limit)
      .execute();
    return rows.map(toEvent);
  }

  /** The id of the newest event, 0 when the log is empty: a stream can start after it. */
  async latestId(): Promise<number> {
    const row = await this.ctx.db
      .selectFrom('events')
      .select((eb) => eb.fn.max('id').as('max'))
      .executeTakeFirst();
    return Number(row?.max ?? 0);
  }
}

function checkEnum(valid: readonly string[], value: string, what: string): void {
  if (!valid.includes(value)) {
    throw new FlotillaError('INVALID_INPUT', `unknown ${what} '${value}': valid are ${valid.join(', ')}`);
  }
}

/** Shorthand used by the entity modules: append an event of `type`, with its payload, in the current transaction. */
export function appendEvent<T extends EventType>(
  ctx: StoreContext,
  type: T,
  actor: Actor,
  refs: EventRefs,
  data: EventData<T>,
  at?: string,
): Promise<FlotillaEvent> {
  // TypeScript does not tie `data` to `type` through a generic; the signature above does.
  return new EventStore(ctx).append({ type, actor, ...refs, data } as NewEvent, at);
}
