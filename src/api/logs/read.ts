/**
 * The last lines of a log file, each with the byte offset where it starts (its `seq`). Read
 * backwards in chunks, so a 100,000-line tail of a large file reads only what it needs, and
 * never more than MAX_TAIL_BYTES however few lines pass the filter.
 */
import { open } from 'node:fs/promises';
import type { LogLine } from '../../domain/log.js';

/** Bytes of a file a tail reads at most, from its end. */
export const MAX_TAIL_BYTES = 32 * 1024 * 1024;
/** Longest raw line kept (bytes); longer ones are cut here, before any decoding. */
export const MAX_LINE_BYTES = 64 * 1024;
const CHUNK = 64 * 1024;
const NL = 0x0a;

/** Turns one raw line (without its newline) into a LogLine, or null to skip it. */
export type LineParser = (raw: string, seq: number) => LogLine | null;

/**
 * The last `count` parsed lines of `file`, oldest first; [] when it does not exist. A last line
 * without its newline yet is included (it is what the file says now).
 */
export async function tailLines(
  file: string,
  count: number,
  parse: LineParser,
  maxBytes = MAX_TAIL_BYTES,
): Promise<LogLine[]> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return [];
  try {
    const size = (await handle.stat()).size;
    const floor = Math.max(0, size - maxBytes);
    const found: LogLine[] = [];
    // Bytes after the last newline seen so far, i.e. the tail of a line whose start is further back.
    let carry = Buffer.alloc(0);
    let end = size;
    while (end > floor && found.length < count) {
      const start = Math.max(floor, end - CHUNK);
      const buf = Buffer.alloc(end - start);
      await handle.read(buf, 0, buf.length, start);
      let lineEnd = buf.length;
      for (let i = buf.length - 1; i >= 0 && found.length < count; i--) {
        if (buf[i] !== NL) continue;
        // Everything after this newline up to lineEnd (plus the carry) is one whole line.
        take(found, Buffer.concat([buf.subarray(i + 1, lineEnd), carry]), start + i + 1, parse);
        carry = Buffer.alloc(0);
        lineEnd = i;
      }
      carry = Buffer.concat([buf.subarray(0, lineEnd), carry]).subarray(0, MAX_LINE_BYTES * 2);
      end = start;
    }
    // The first line of the file (or of the window, when it starts at a line boundary).
    if (found.length < count && end === 0 && carry.length > 0) take(found, carry, 0, parse);
    return found.reverse();
  } finally {
    await handle.close();
  }
}

function take(found: LogLine[], raw: Buffer, offset: number, parse: LineParser): void {
  if (raw.length === 0) return;
  const line = parse(raw.subarray(0, MAX_LINE_BYTES).toString('utf8'), offset);
  if (line) found.push(line);
}

/**
 * Where the line being written at `size` starts: just after the last newline before `size`
 * (0 when there is none). A follower starts there, so an unfinished line is sent whole once
 * it ends, under the same seq a tail gave it.
 */
export async function lineStartBefore(file: string, size: number): Promise<number> {
  const handle = await open(file, 'r').catch(() => null);
  if (!handle) return 0;
  try {
    let end = size;
    while (end > 0 && size - end < MAX_LINE_BYTES) {
      const start = Math.max(0, end - CHUNK);
      const buf = Buffer.alloc(end - start);
      await handle.read(buf, 0, buf.length, start);
      const at = buf.lastIndexOf(NL);
      if (at >= 0) return start + at + 1;
      end = start;
    }
    // No newline within reach: an endless line is followed from where it is now.
    return end === 0 ? 0 : size;
  } finally {
    await handle.close();
  }
}
