import type { LogBuffer } from './logBuffer.js';
import { LEVEL_RANK, type LogLevel, type LogLine } from './logTypes.js';

/** What the user narrowed the view to. */
export interface LogFilter {
  minLevel: LogLevel;
  /** Case-insensitive substring of the message; empty matches all. */
  search: string;
  /** Only lines about this agent (daemon log); null for all. */
  agentId: string | null;
}

export function matcher(filter: LogFilter): (line: LogLine) => boolean {
  const min = LEVEL_RANK[filter.minLevel];
  const q = filter.search.toLowerCase();
  const agent = filter.agentId;
  return (line) =>
    LEVEL_RANK[line.level] >= min &&
    (agent === null || line.agentId === agent) &&
    (q === '' || line.msg.toLowerCase().includes(q));
}

/**
 * The absolute numbers of the buffer's lines that pass a filter, kept up to date incrementally:
 * with 100,000 lines and a batch per animation frame, only the new lines are tested; the whole
 * buffer only when the filter itself changes.
 */
export class FilteredView {
  indices: number[] = [];
  /** Lines that ever matched since the filter was set (drops do not lower it): counts "N new". */
  matchedTotal = 0;
  private key: string | null = null;
  private buffer: LogBuffer | null = null;
  private upTo = 0;

  update(buffer: LogBuffer, filter: LogFilter): number[] {
    const key = JSON.stringify(filter);
    if (key !== this.key || buffer !== this.buffer) {
      this.key = key;
      this.buffer = buffer;
      this.indices = [];
      this.matchedTotal = 0;
      this.upTo = buffer.base;
    }
    const first = this.indices[0];
    if (first !== undefined && first < buffer.base)
      this.indices.splice(0, lowerBound(this.indices, buffer.base));
    if (this.upTo < buffer.base) this.upTo = buffer.base;
    const test = matcher(filter);
    for (let i = this.upTo; i < buffer.end; i++) {
      const line = buffer.at(i);
      if (line && test(line)) {
        this.indices.push(i);
        this.matchedTotal++;
      }
    }
    this.upTo = buffer.end;
    return this.indices;
  }
}

/** The first position in a sorted array whose value is at least `value`. */
function lowerBound(sorted: readonly number[], value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One line as text, for the downloaded file: time, level, agent, message. */
export function formatLine(line: LogLine): string {
  const agent = line.agentId && line.source === 'daemon' ? ` [${line.agentId}]` : '';
  return `${line.ts ?? '-'} ${line.level.toUpperCase().padEnd(5)}${agent} ${line.msg}`;
}

/** Splits `text` around case-insensitive occurrences of `query`, for highlighting. */
export function splitMatches(text: string, query: string): { text: string; match: boolean }[] {
  if (!query) return [{ text, match: false }];
  const lower = text.toLowerCase();
  // A few characters change length when lowered (İ); positions would then be off, so no marks.
  if (lower.length !== text.length) return [{ text, match: false }];
  const q = query.toLowerCase();
  const parts: { text: string; match: boolean }[] = [];
  let from = 0;
  for (let at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, from)) {
    if (at > from) parts.push({ text: text.slice(from, at), match: false });
    parts.push({ text: text.slice(at, at + q.length), match: true });
    from = at + q.length;
  }
  if (from < text.length) parts.push({ text: text.slice(from), match: false });
  return parts;
}
