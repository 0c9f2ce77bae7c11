/**
 * Follows one log file for one client: new bytes (through PaneTail) are cut into lines, parsed,
 * and handed over in batches at most every `flushMs`, so a chatty log costs one frame per
 * interval rather than one per line. A client that reads too slowly has whole batches
 * dropped, counted, and reported with the next batch it does get.
 */
import type { LogLine } from '../../domain/log.js';
import { PaneTail } from '../stream/pane-tail.js';
import { type LineParser, MAX_LINE_BYTES } from './read.js';

export interface LogFollowerOptions {
  file: string;
  /** Byte offset to follow from (a line start). */
  from: number;
  parse: LineParser;
  /** A batch of new lines, and how many were dropped since the last batch delivered. */
  deliver(lines: LogLine[], dropped: number): void;
  /** Asked before each delivery: false drops the batch (the client is too slow). */
  wants(): boolean;
  flushMs?: number;
  /** A batch this large goes out at once. */
  maxBatch?: number;
  pollMs?: number;
}

/** Lines held for delivery at most; beyond, the oldest are dropped (a log flood). */
const MAX_PENDING = 10_000;

export class LogFollower {
  private readonly tail: PaneTail;
  /** Byte offset of the start of `partial`. */
  private offset: number;
  private partial = '';
  private pending: LogLine[] = [];
  private dropped = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(private readonly opts: LogFollowerOptions) {
    this.offset = opts.from;
    this.tail = new PaneTail({
      file: opts.file,
      from: opts.from,
      ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
      onData: (text) => this.onData(text),
      onReset: () => {
        // The file was truncated or replaced: its lines start again from 0.
        this.offset = 0;
        this.partial = '';
      },
    });
  }

  stop(): void {
    this.stopped = true;
    this.tail.stop();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending = [];
  }

  private onData(text: string): void {
    let rest = this.partial + text;
    for (;;) {
      const nl = rest.indexOf('\n');
      if (nl < 0) break;
      this.push(rest.slice(0, nl));
      rest = rest.slice(nl + 1);
    }
    // A line that never ends (a progress bar redrawn with \r) is cut rather than held forever.
    while (Buffer.byteLength(rest) > MAX_LINE_BYTES) {
      const cut = rest.slice(0, MAX_LINE_BYTES / 4);
      this.push(cut, false);
      rest = rest.slice(cut.length);
    }
    this.partial = rest;
    this.schedule();
  }

  private push(raw: string, newline = true): void {
    const seq = this.offset;
    this.offset += Buffer.byteLength(raw) + (newline ? 1 : 0);
    const line = this.opts.parse(raw, seq);
    if (!line) return;
    this.pending.push(line);
    if (this.pending.length > MAX_PENDING) {
      const over = this.pending.length - MAX_PENDING;
      this.pending.splice(0, over);
      this.dropped += over;
    }
  }

  private schedule(): void {
    if (this.stopped || this.pending.length === 0) return;
    if (this.pending.length >= (this.opts.maxBatch ?? 500)) {
      this.flush();
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.opts.flushMs ?? 100);
    this.timer.unref();
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.stopped || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (!this.opts.wants()) {
      this.dropped += batch.length;
      return;
    }
    const dropped = this.dropped;
    this.dropped = 0;
    this.opts.deliver(batch, dropped);
  }
}
