/**
 * One client's subscription: the events after `since` from the durable log, then the live
 * stream from the bus, with no gap and no duplicate at the switch-over. Live events are listened
 * to before the log is read; those arriving during the replay are held and released afterwards,
 * skipping any id already sent. The bus hands on each committed event once, in id order (its
 * feeder reads them from the same log), so "id > last sent" is the whole dedup rule.
 */
import type { FlotillaEvent } from '../../domain/event.js';
import type { EventQuery } from '../../store/events.js';
import { matchesFilter, type StreamFilter } from './protocol.js';

/** What a subscription reads: the durable event log, and the bus for what is committed next. */
export interface StreamEventSource {
  list(query: EventQuery): Promise<FlotillaEvent[]>;
  latestId(): Promise<number>;
  /** Every event published from now on, in id order; returns the unsubscribe function. */
  live(listener: (event: FlotillaEvent) => void): () => void;
}

export interface SubscriptionOptions {
  filter: StreamFilter;
  /** Replay the log after this id; absent: live events from now on. */
  since?: number | undefined;
  /** Log page size while replaying. */
  pageSize?: number;
  deliver(event: FlotillaEvent): void;
  caughtUp(lastEventId: number): void;
  /** The replay failed (e.g. the store closed); the subscription is over. */
  failed(err: unknown): void;
}

const DEFAULT_PAGE = 500;

export class Subscription {
  private lastSent = 0;
  private held: FlotillaEvent[] | null = [];
  private closed = false;
  private readonly unlisten: () => void;

  constructor(
    private readonly source: StreamEventSource,
    private readonly opts: SubscriptionOptions,
  ) {
    this.unlisten = source.live((event) => this.onLive(event));
    void this.replay().catch((err: unknown) => {
      if (this.closed) return;
      this.close();
      opts.failed(err);
    });
  }

  close(): void {
    this.closed = true;
    this.held = null;
    this.unlisten();
  }

  private onLive(event: FlotillaEvent): void {
    if (this.closed) return;
    if (this.held) this.held.push(event);
    else this.send(event);
  }

  private send(event: FlotillaEvent): void {
    if (event.id <= this.lastSent) return;
    this.lastSent = event.id;
    if (matchesFilter(this.opts.filter, event)) this.opts.deliver(event);
  }

  private async replay(): Promise<void> {
    const { filter, since } = this.opts;
    if (since === undefined) {
      this.lastSent = await this.source.latestId();
    } else {
      this.lastSent = since;
      const limit = this.opts.pageSize ?? DEFAULT_PAGE;
      // The store filters by one agent or one task; several are filtered here.
      const query: EventQuery = {
        limit,
        ...(filter.agentIds?.length === 1 ? { agentId: filter.agentIds[0] } : {}),
        ...(filter.taskIds?.length === 1 ? { taskId: filter.taskIds[0] } : {}),
        ...(filter.types?.length ? { types: filter.types } : {}),
      };
      for (;;) {
        const page = await this.source.list({ ...query, afterId: this.lastSent });
        if (this.closed) return;
        for (const event of page) this.send(event);
        if (page.length < limit) break;
      }
    }
    if (this.closed) return;
    const held = this.held ?? [];
    this.held = null;
    for (const event of held) this.send(event);
    this.opts.caughtUp(this.lastSent);
  }
}
