import type { EventType, FlotillaEvent } from '../domain/event.js';

/**
 * The daemon's in-process event bus. Events reach it only after the store has appended them
 * (they carry their final id), so what a subscriber sees is exactly what the log holds. Each
 * agent keeps a bounded history, and so does the bus as a whole: a late subscriber first gets
 * the history it asked for, then the live stream, with no gap and no repeat between the two.
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

export type EventHandler = (event: FlotillaEvent) => void;

/** Sizes of the history buffers. */
export interface EventBusOptions {
  /** Events kept per agent. Default 500. */
  perAgent?: number;
  /** Events kept overall (for subscribers not tied to an agent). Default 2,000. */
  global?: number;
  /** Called when a handler throws: a faulty subscriber must not stop the others. */
  onError?: (err: unknown, event: FlotillaEvent) => void;
}

/** A fixed-size ring of events, oldest first when read. */
class Ring {
  private readonly items: FlotillaEvent[] = [];
  private start = 0;

  constructor(private readonly capacity: number) {}

  push(event: FlotillaEvent): void {
    if (this.items.length < this.capacity) this.items.push(event);
    else {
      this.items[this.start] = event;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  toArray(): FlotillaEvent[] {
    return [...this.items.slice(this.start), ...this.items.slice(0, this.start)];
  }
}

interface Subscription {
  filter: EventFilter;
  handler: EventHandler;
}

/** Typed publish/subscribe with per-agent replay. */
export class EventBus {
  private readonly subscriptions = new Set<Subscription>();
  private readonly agentHistory = new Map<string, Ring>();
  private readonly history: Ring;
  private readonly perAgent: number;
  private readonly onError: (err: unknown, event: FlotillaEvent) => void;
  /** Highest id published: the store and the supervisor may both hand us an event; once is enough. */
  private lastId = 0;
  private readonly recentIds = new Set<number>();
  private readonly recentOrder: number[] = [];

  constructor(options: EventBusOptions = {}) {
    this.perAgent = options.perAgent ?? 500;
    this.history = new Ring(options.global ?? 2_000);
    this.onError =
      options.onError ?? ((err, e) => process.emitWarning(`event handler failed on ${e.type}: ${err}`));
  }

  /** Delivers an appended event to its history buffers and every matching subscriber. */
  publish(event: FlotillaEvent): void {
    if (this.isDuplicate(event.id)) return;
    this.history.push(event);
    if (event.agentId) {
      let ring = this.agentHistory.get(event.agentId);
      if (!ring) {
        ring = new Ring(this.perAgent);
        this.agentHistory.set(event.agentId, ring);
      }
      ring.push(event);
    }
    for (const sub of [...this.subscriptions]) {
      if (this.subscriptions.has(sub) && matches(sub.filter, event)) this.deliver(sub.handler, event);
    }
  }

  /**
   * Calls `handler` with the buffered history matching `filter` (synchronously, oldest first),
   * then with each matching live event. Returns the unsubscribe function.
   */
  subscribe(filter: EventFilter, handler: EventHandler): () => void {
    if (!filter.liveOnly) {
      const source = filter.agentId ? this.agentHistory.get(filter.agentId) : this.history;
      for (const event of source?.toArray() ?? []) {
        if (matches(filter, event)) this.deliver(handler, event);
      }
    }
    const sub: Subscription = { filter, handler };
    this.subscriptions.add(sub);
    return () => {
      this.subscriptions.delete(sub);
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

  private deliver(handler: EventHandler, event: FlotillaEvent): void {
    try {
      handler(event);
    } catch (err) {
      this.onError(err, event);
    }
  }

  private isDuplicate(id: number): boolean {
    if (id > this.lastId) this.lastId = id;
    else if (this.recentIds.has(id)) return true;
    this.recentIds.add(id);
    this.recentOrder.push(id);
    if (this.recentOrder.length > 4_096) this.recentIds.delete(this.recentOrder.shift() as number);
    return false;
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
