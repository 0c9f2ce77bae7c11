import type { EventType, FlotillaEvent } from '../domain/event.js';
import { EventRing, SubscriberQueue } from './queues.js';

/**
 * The one bus of a Flotilla (daemon or `createFlotilla()`). Only the feeder (feeder.ts)
 * publishes, in id order, each event once, after its commit, read from the durable log; so what
 * a subscriber sees is exactly what the log holds. Subscribers are isolated from each other and
 * from the writer: a handler that throws is reported and the others carry on; a handler that is
 * slow returns a promise, and the events that arrive meanwhile wait in its own bounded queue while
 * the others get them at once. A handler must not block (the contract): a synchronous one runs
 * inline, so it should only hand the event on — as the stream's sessions do (one queued socket
 * write) — and do anything slow behind a promise.
 */

/** Which events a subscriber wants. Every field narrows; an empty filter means everything. */
export interface EventFilter {
  agentId?: string;
  taskId?: string;
  /** Event types, or `<prefix>.*` (e.g. `agent.*`). */
  types?: readonly (EventType | `${string}.*`)[];
  /** Replay buffered events with an id above this one first (0 = all that are buffered). */
  afterId?: number;
  /** Replay nothing, only the live stream. */
  liveOnly?: boolean;
}

/**
 * Gets each matching event, in id order. A returned promise holds this subscriber's next events
 * back until it settles (other subscribers are not held); any other return value is ignored.
 */
export type EventHandler = (event: FlotillaEvent) => unknown;

/** Options of one subscription. */
export interface SubscribeOptions {
  /** Events held for a handler still busy with an earlier one; past it the subscriber is dropped. Default 10,000. */
  maxQueued?: number;
}

/** Sizes of the history buffers, and where faults go. */
export interface EventBusOptions {
  /** Events kept per agent. Default 500. */
  perAgent?: number;
  /** Events kept overall (for subscribers not tied to an agent). Default 2,000. */
  global?: number;
  /** Called when a handler throws or rejects, or falls too far behind (then it is unsubscribed). */
  onError?: (err: unknown, event: FlotillaEvent) => void;
}

const DEFAULT_MAX_QUEUED = 10_000;

interface Subscription {
  filter: EventFilter;
  queue: SubscriberQueue;
  /** The last id published when it subscribed: a subscriber added during a publish skips that event (its history has it). */
  from: number;
}

/** Publish/subscribe with per-agent replay and isolated subscribers. */
export class EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private readonly agentHistory = new Map<string, EventRing>();
  private readonly history: EventRing;
  private readonly perAgent: number;
  private readonly onError: (err: unknown, event: FlotillaEvent) => void;
  /** The newest id published: the feeder publishes in order, so an older id is a repeat. */
  private lastId = 0;

  constructor(options: EventBusOptions = {}) {
    this.perAgent = options.perAgent ?? 500;
    this.history = new EventRing(options.global ?? 2_000);
    this.onError =
      options.onError ??
      ((err, e) => process.emitWarning(`event subscriber failed on ${e.type} #${e.id}: ${err}`));
  }

  /** The newest event id published (0 before the first). */
  get lastPublishedId(): number {
    return this.lastId;
  }

  /** Delivers an appended event to its history buffers and every matching subscriber. */
  publish(event: FlotillaEvent): void {
    if (event.id <= this.lastId) return;
    this.lastId = event.id;
    this.history.push(event);
    if (event.agentId) {
      let ring = this.agentHistory.get(event.agentId);
      if (!ring) {
        ring = new EventRing(this.perAgent);
        this.agentHistory.set(event.agentId, ring);
      }
      ring.push(event);
    }
    for (const sub of this.subscriptions) {
      if (event.id > sub.from && matches(sub.filter, event)) sub.queue.offer(event);
    }
  }

  /**
   * Calls `handler` with the buffered history matching `filter` (oldest first), then with each
   * matching live event. Returns the unsubscribe function.
   */
  subscribe(filter: EventFilter, handler: EventHandler, options: SubscribeOptions = {}): () => void {
    const sub: Subscription = {
      filter,
      from: this.lastId,
      queue: new SubscriberQueue(handler, options.maxQueued ?? DEFAULT_MAX_QUEUED, (err, event, overflow) => {
        if (overflow) this.subscriptions.delete(sub);
        this.onError(err, event);
      }),
    };
    if (!filter.liveOnly) {
      const source = filter.agentId ? this.agentHistory.get(filter.agentId) : this.history;
      for (const event of source?.toArray() ?? []) {
        if (matches(filter, event)) sub.queue.offer(event);
      }
    }
    this.subscriptions.add(sub);
    return () => {
      this.subscriptions.delete(sub);
      sub.queue.close();
    };
  }

  /** The buffered events of one agent, oldest first. */
  agentEvents(agentId: string): FlotillaEvent[] {
    return this.agentHistory.get(agentId)?.toArray() ?? [];
  }

  /** Drops an agent's history (once it is removed). */
  forgetAgent(agentId: string): void {
    this.agentHistory.delete(agentId);
  }

  get subscriberCount(): number {
    return this.subscriptions.size;
  }
}

/** Whether `event` passes `filter` (ignoring the replay options). */
export function matches(filter: EventFilter, event: FlotillaEvent): boolean {
  if (filter.agentId !== undefined && event.agentId !== filter.agentId) return false;
  if (filter.taskId !== undefined && event.taskId !== filter.taskId) return false;
  if (filter.afterId !== undefined && event.id <= filter.afterId) return false;
  if (filter.types !== undefined && filter.types.length > 0) {
    const ok = filter.types.some((t) =>
      t.endsWith('.*') ? event.type.startsWith(t.slice(0, -1)) : t === event.type,
    );
    if (!ok) return false;
  }
  return true;
}
