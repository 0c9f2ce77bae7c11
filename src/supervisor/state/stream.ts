import { emptyUsage, type UsageTotals } from '../usage.js';

/**
 * How far a headless agent's stream lines were read (stream-watch.ts owns it): the pane log
 * offset, the start of a line a rotation cut in two, the token totals, and the queue that keeps
 * one read or rotation at a time.
 */
export class StreamState {
  /** Bytes of the pane log read as stream lines; null = not read yet since the daemon started. */
  offset: number | null = null;
  /** The start of a stream line a pane log rotation cut in two; its end opens the new log. */
  carry = '';
  /** Token and cost totals from stream lines. */
  usage: UsageTotals = emptyUsage();
  #queue: Promise<unknown> = Promise.resolve();

  /** A fresh launch: its log starts empty, nothing to catch up on. */
  startFresh(): void {
    this.offset = 0;
  }

  /** Runs stream work of the agent one piece at a time (a stop's last read vs the tick's rotation). */
  queued<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
