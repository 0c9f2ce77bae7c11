import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { withWritersPaused } from '../proc/pause-writers.js';

/**
 * Keeping an agent's pane log bounded. tmux pipes the pane into `cat >> pane.log`, and that cat
 * holds the file open (O_APPEND) for the life of the pane, so the log can only be cut in place:
 * a rename would leave cat writing into the renamed file. A rotation copies the log's newest
 * bytes to `pane.log.1` (replacing the previous one), then truncates `pane.log` to 0; cat's
 * next write lands at the new end. `pane.log.1` therefore ends exactly where `pane.log` starts.
 *
 * Copy-then-truncate has one window, the one logrotate's copytruncate has: bytes cat writes
 * between the last copy and the truncate would be lost. So the bulk is copied while cat runs,
 * and the last bytes are copied and the file truncated with cat stopped (withWritersPaused):
 * tmux holds the pane's output meanwhile, and cat writes it into the cut file once it goes on.
 */

/** Where a rotation keeps the newest part of `file`. */
export function rotatedLogOf(file: string): string {
  return `${file}.1`;
}

/** What a rotation did, in offsets of the log as it was before being cut. */
export interface PaneLogRotation {
  /** The log's size when it was truncated: the new `pane.log` continues from this offset. */
  cut: number;
  /** Where `pane.log.1` starts: it holds bytes [keptFrom, cut) of the old log. */
  keptFrom: number;
}

const CHUNK = 1024 * 1024;
/** How far past the quarter mark a line start is looked for, so pane.log.1 starts on a line. */
const LINE_SEARCH = 64 * 1024;

/** How a rotation may keep more than its usual quarter. */
export interface RotateOptions {
  /**
   * Keep at least from this offset (the start of a line a reader has not finished yet), unless
   * that reaches back more than `maxBytes`.
   */
  keepFrom?: number;
}

/**
 * Rotates `file` if it is larger than `maxBytes`: its last `maxBytes / 4` bytes (from the next
 * line start) go to `file.1`, and `file` is truncated to 0. Null when nothing was done.
 */
export function rotatePaneLog(
  file: string,
  maxBytes: number,
  options: RotateOptions = {},
): PaneLogRotation | null {
  let fd: number;
  try {
    fd = openSync(file, 'r+');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  const rotated = rotatedLogOf(file);
  const tmp = `${rotated}.tmp`;
  try {
    let size = fstatSync(fd).size;
    if (size <= maxBytes) return null;
    let keptFrom = lineStartFrom(fd, Math.max(0, size - Math.max(1, Math.floor(maxBytes / 4))), size);
    const { keepFrom } = options;
    if (keepFrom !== undefined && keepFrom >= 0 && keepFrom < keptFrom && size - keepFrom <= maxBytes)
      keptFrom = keepFrom;
    const out = openSync(tmp, 'w', 0o600);
    try {
      copyRange(fd, out, keptFrom, size);
      size = withWritersPaused(file, () => {
        // Whatever cat appended during the bulk copy; nothing more can arrive now.
        const end = fstatSync(fd).size;
        copyRange(fd, out, size, end);
        ftruncateSync(fd, 0);
        return end;
      });
    } finally {
      closeSync(out);
    }
    renameSync(tmp, rotated);
    return { cut: size, keptFrom };
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    closeSync(fd);
  }
}

/** The offset just past the first newline at or after `from` (searched a little way), else `from`. */
function lineStartFrom(fd: number, from: number, size: number): number {
  if (from === 0) return 0;
  const buf = Buffer.alloc(Math.min(LINE_SEARCH, size - from));
  const n = readSync(fd, buf, 0, buf.length, from - 1);
  const nl = buf.subarray(0, n).indexOf(10);
  // from - 1: a newline just before `from` means `from` already starts a line.
  return nl === -1 || from - 1 + nl + 1 >= size ? from : from + nl;
}

function copyRange(from: number, to: number, start: number, end: number): void {
  const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(1, end - start)));
  let pos = start;
  while (pos < end) {
    const n = readSync(from, buf, 0, Math.min(buf.length, end - pos), pos);
    if (n <= 0) break;
    let written = 0;
    while (written < n) written += writeSync(to, buf, written, n - written);
    pos += n;
  }
}
