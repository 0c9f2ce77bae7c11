import type { LogLine } from './logTypes.js';

/**
 * The lines of one source, capped: appending past the cap drops the oldest. Lines are kept in
 * a plain array (React state would copy it on every batch); views re-render on a version bump.
 * Each line has an absolute number (`base` + its index) that survives dropping from the front,
 * so a filtered view can keep its work and only look at what is new.
 */
export class LogBuffer {
  lines: LogLine[] = [];
  /** Absolute number of `lines[0]`. */
  base = 0;
  /** Dropped from the front because of the cap (not by Clear). */
  droppedOld = 0;
  /** Lines the server left out because this page read too slowly (`dropped` of logs.lines). */
  skippedByServer = 0;
  /** Agent ids seen on lines, for the agent filter of the daemon log. */
  readonly agentIds = new Set<string>();

  constructor(readonly cap: number) {}

  /** One past the absolute number of the newest line. */
  get end(): number {
    return this.base + this.lines.length;
  }

  at(absolute: number): LogLine | undefined {
    return this.lines[absolute - this.base];
  }

  append(batch: readonly LogLine[]): void {
    for (const line of batch) {
      this.lines.push(line);
      if (line.agentId) this.agentIds.add(line.agentId);
    }
    const excess = this.lines.length - this.cap;
    if (excess > 0) {
      this.lines.splice(0, excess);
      this.base += excess;
      this.droppedOld += excess;
    }
  }

  /** Forgets every line held (Clear view); numbering goes on, so filtered views stay right. */
  clear(): void {
    this.base += this.lines.length;
    this.lines = [];
  }
}
