import type { FlotillaEvent } from '../domain/event.js';

/** A fixed-size ring of events, oldest first when read. */
export class EventRing {
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

/** Why a subscriber lost an event: its handler failed on it, or its queue was full (then it is dropped). */
export type SubscriberFault = (err: unknown, event: FlotillaEvent, overflow: boolean) => void;

/**
 * One subscriber's delivery line. An event is handed to the handler at once while the handler
 * is free; while a promise it returned is pending, events wait here (at most `limit`), and go
 * out in order as it settles. A throw or a rejection is reported and delivery goes on with the
 * next event, so a faulty or slow handler holds up only itself.
 */
export class SubscriberQueue {
  private waiting: FlotillaEvent[] = [];
  private head = 0;
  private busy = false;
  private closed = false;

  constructor(
    private readonly handler: (event: FlotillaEvent) => unknown,
    private readonly limit: number,
    private readonly fault: SubscriberFault,
  ) {}

  offer(event: FlotillaEvent): void {
    if (this.closed) return;
    if (!this.busy) {
      this.run(event);
      return;
    }
    if (this.waiting.length - this.head >= this.limit) {
      this.close();
      this.fault(new Error(`subscriber fell ${this.limit} events behind; unsubscribed`), event, true);
      return;
    }
    this.waiting.push(event);
  }

  close(): void {
    this.closed = true;
    this.waiting = [];
    this.head = 0;
  }

  private run(event: FlotillaEvent): void {
    let result: unknown;
    try {
      result = this.handler(event);
    } catch (err) {
      this.fault(err, event, false);
      return;
    }
    if (!isPromise(result)) return;
    this.busy = true;
    result.then(
      () => this.next(),
      (err: unknown) => {
        this.fault(err, event, false);
        this.next();
      },
    );
  }

  private next(): void {
    this.busy = false;
    while (!this.busy && !this.closed && this.head < this.waiting.length) {
      const event = this.waiting[this.head++] as FlotillaEvent;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      this.run(event);
    }
  }
}

function isPromise(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
  );
}
