import type { Kysely } from 'kysely';
import type { FlotillaEvent } from '../domain/event.js';
import type { StoreDialect } from './dialect.js';
import type { Database } from './schema.js';

/** Called with each event the store appended, once its transaction has committed. */
export type EventListener = (event: FlotillaEvent) => void;

/** In-process fan-out of committed events (the daemon's bus subscribes here). */
export class EventFanout {
  private readonly listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  publish(events: readonly FlotillaEvent[]): void {
    for (const event of events) {
      for (const listener of this.listeners) {
        try {
          listener(event);
        } catch (err) {
          // The write has committed; a faulty listener must not turn it into a failure.
          process.emitWarning(`event listener failed on ${event.type} #${event.id}: ${String(err)}`);
        }
      }
    }
  }
}

/**
 * What entity modules run on: the root connection, or the transaction they were called in.
 * `write` joins the current transaction or starts one, so a method can be used alone or as one
 * step of a larger all-or-nothing change.
 */
export class StoreContext {
  constructor(
    readonly db: Kysely<Database>,
    readonly dialect: StoreDialect,
    readonly fanout: EventFanout,
    private readonly pending: FlotillaEvent[] | null = null,
  ) {}

  get inTransaction(): boolean {
    return this.pending !== null;
  }

  async write<T>(fn: (ctx: StoreContext) => Promise<T>): Promise<T> {
    if (this.pending !== null) return fn(this);
    const pending: FlotillaEvent[] = [];
    const result = await this.db
      .transaction()
      .execute((trx) => fn(new StoreContext(trx, this.dialect, this.fanout, pending)));
    this.fanout.publish(pending);
    return result;
  }

  /** Remembers an appended event, to publish when the transaction commits. */
  recordEvent(event: FlotillaEvent): void {
    if (this.pending !== null) this.pending.push(event);
    else this.fanout.publish([event]);
  }
}
