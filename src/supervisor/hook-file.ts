import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reading an agent's append-only events file from a byte offset. Only complete lines are
 * returned: a line still being written (no newline yet) waits for the next read, so a reader
 * racing a writer never sees half a line and never skips one.
 */

/** One complete line and the offset just past its newline. */
export interface FileLine {
  text: string;
  end: number;
}

export interface ReadResult {
  lines: FileLine[];
  /** Where the next read starts: just past the last complete line. */
  offset: number;
  /** The file was shorter than the offset (replaced or truncated): reading restarted at 0. */
  reset: boolean;
  /** Bytes of an over-long line that were skipped. */
  skipped: number;
}

const CHUNK = 64 * 1024;
/** A line longer than this is skipped (the hook command keeps lines far below it). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** Reads the complete lines after `offset`, at most about `budget` bytes of them. */
export function readCompleteLines(path: string, offset: number, budget = 4 * 1024 * 1024): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT')
      return { lines: [], offset, reset: false, skipped: 0 };
    throw e;
  }
  try {
    const size = fstatSync(fd).size;
    let reset = false;
    if (size < offset) {
      reset = true;
      offset = 0;
    }
    const lines: FileLine[] = [];
    let skipped = 0;
    let pos = offset;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let lineStart = offset;
    const buf = Buffer.allocUnsafe(CHUNK);
    // Past the budget only while no line has completed yet, so one huge line cannot stall us.
    while (pos < size && (pos - offset < budget || lineStart === offset)) {
      const n = readSync(fd, buf, 0, Math.min(CHUNK, size - pos), pos);
      if (n <= 0) break;
      let from = 0;
      for (let i = buf.indexOf(10, 0); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) {
        const part = buf.subarray(from, i);
        const end = pos + i + 1;
        if (pendingBytes + part.length <= MAX_LINE_BYTES) {
          const text = pending.length
            ? Buffer.concat([...pending, part]).toString('utf8')
            : part.toString('utf8');
          lines.push({ text, end });
        } else {
          skipped += end - lineStart;
        }
        pending = [];
        pendingBytes = 0;
        from = i + 1;
        lineStart = end;
      }
      if (from < n) {
        // Keep the unfinished tail only while it can still become an acceptable line.
        if (pendingBytes + (n - from) <= MAX_LINE_BYTES) pending.push(Buffer.from(buf.subarray(from, n)));
        pendingBytes += n - from;
      }
      pos += n;
    }
    return { lines, offset: lineStart, reset, skipped };
  } finally {
    closeSync(fd);
  }
}
