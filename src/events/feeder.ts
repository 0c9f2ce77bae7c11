import type { FlotillaEvent } from '../domain/event.js';
import type { EventQuery } from '../store/events.js';
import type { EventBus } from './bus.js';

/**
 * What the feeder reads: the durable event log, and the store's after-commit notification,
 * which is only a wake-up (and the fast path when it hands over the very next id).
 */
export interface EventLog {
  events: {
    list(query: EventQuery): Promise<FlotillaEvent[]>;
    latestId(): Promise<number>;
  };
  /** Calls `listener` after each commit of this process with the events it appended. */
  onEvent(listener: (event: FlotillaEvent) => void): () => void;
}

export interface FeederOptions {
  /** Log page size while catching up. Default 500. */
  pageSize?: number;
  /**
   * Also look at the log this often (ms), for events another process appended and this one was
   * never told about. Default 0: off (this process is the only writer today); any local commit
   * reads such a gap anyway.
   */
  pollMs?: number;
  /** A log read failed (the store is closing?); the next wake-up tries again. */
  onError?: (err: unknown) => void;
}

/**
 * Feeds the bus from the log by event id: each event once, in id order, after its commit. An
 * announced event that is the next id goes straight to the bus; any other (a gap: events
 * another writer appended, or announcements out of order) makes the feeder read the log after
 * the last id it published, so the bus sees exactly the log's sequence whoever wrote it.
 */
export class BusFeeder {
  private lastId: number;
  private reading = false;
  private again = false;
  private closed = false;
  private readonly unlisten: () => void;
  private readonly poll: NodeJS.Timeout | null;
  private idle: Promise<void> = Promise.resolve();

  private constructor(
    private readonly log: EventLog,
    private readonly bus: EventBus,
    startAfter: number,
    private readonly options: FeederOptions,
  ) {
    this.lastId = startAfter;
    this.unlisten = log.onEvent((event) => this.wake(event));
    this.poll =
      options.pollMs && options.pollMs > 0 ? setInterval(() => this.catchUp(), options.pollMs) : null;
    this.poll?.unref();
  }

  /**
   * Starts feeding `bus` with the events committed from now on. It listens before it reads the
   * log's newest id, so an event committed in between is read from the log, not lost.
   */
  static async start(log: EventLog, bus: EventBus, options: FeederOptions = {}): Promise<BusFeeder> {
    const early: FlotillaEvent[] = [];
    const off = log.onEvent((event) => early.push(event));
    try {
      const feeder = new BusFeeder(log, bus, await log.events.latestId(), options);
      for (const event of early) feeder.wake(event);
      return feeder;
    } finally {
      off();
    }
  }

  /** The newest id handed to the bus. */
  get publishedId(): number {
    return this.lastId;
  }

  /** Settles once the reads under way have published what they found (tests, shutdown). */
  settled(): Promise<void> {
    return this.idle;
  }

  close(): void {
    this.closed = true;
    this.unlisten();
    if (this.poll) clearInterval(this.poll);
  }

  private wake(event: FlotillaEvent): void {
    if (this.closed || event.id <= this.lastId) return;
    if (event.id === this.lastId + 1 && !this.reading) {
      this.lastId = event.id;
      this.bus.publish(event);
      return;
    }
    this.catchUp();
  }

  private catchUp(): void {
    if (this.closed) return;
    if (this.reading) {
      this.again = true;
      return;
    }
    this.reading = true;
    this.idle = this.read().catch((err: unknown) => {
      if (this.options.onError) this.options.onError(err);
      else process.emitWarning(`the event bus could not read the log (the next commit retries): ${err}`);
    });
  }

  private async read(): Promise<void> {
    const limit = this.options.pageSize ?? 500;
    try {
      do {
        this.again = false;
        for (;;) {
          const page = await this.log.events.list({ afterId: this.lastId, limit });
          if (this.closed) return;
          for (const event of page) {
            if (event.id <= this.lastId) continue;
            this.lastId = event.id;
            this.bus.publish(event);
          }
          if (page.length < limit) break;
        }
      } while (this.again && !this.closed);
    } finally {
      // In the same turn as the last `again` check: a wake-up from now on starts a new read.
      this.reading = false;
    }
  }
}
