import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { isRule } from '../agents/pane.js';
import { rotatedLogOf } from './pane-log.js';

/** Reading the tail of an agent's pane log (everything its pane printed, via tmux pipe-pane). */

/** Bytes read from the end of the log to find the last lines. */
const TAIL_BYTES = 2 * 1024 * 1024;

// CSI, OSC (ended by BEL or ST), DCS/SOS/PM/APC strings, and the two-byte escapes.
const ANSI =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal control sequences is the point
  /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|\x1b[()][0-9A-Za-z]/g;

/** Terminal output as plain text: escape sequences removed, a carriage return keeps what follows it. */
export function stripAnsi(text: string): string {
  return (
    text
      // TUIs place words with cursor moves instead of spaces: keep the gaps they make.
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching terminal control sequences is the point
      .replace(/\x1b\[(\d*)C/g, (_m, n: string) => ' '.repeat(Math.min(Number(n || '1'), 200)))
      // biome-ignore lint/suspicious/noControlCharactersInRegex: as above
      .replace(/\x1b\[(\d*)G/g, (_m, n: string) => (Number(n || '1') <= 1 ? '\r' : ' '))
      .replace(ANSI, '')
      .split('\n')
      .map((line) => {
        const parts = line.split('\r').filter((p) => p !== '');
        // biome-ignore lint/suspicious/noControlCharactersInRegex: other control characters are noise in a log
        return (parts.at(-1) ?? '').replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
      })
      .join('\n')
  );
}

/** Longest `lastOutputLine` answer: a card shows one line. */
export const LAST_OUTPUT_MAX = 200;

/** How far from the bottom of a screen a TUI's own chrome (input box, footer) may reach. */
const CHROME_LINES = 16;

/**
 * The last line of a screen worth showing on its own: escapes removed, trimmed, at most
 * LAST_OUTPUT_MAX characters. Lines without a letter or digit are skipped, because TUIs draw
 * borders and rules (`╰────╯`) that say nothing. A TUI's bottom chrome — an input box between
 * full-width rules, then a footer of key hints (`? for shortcuts`) — is skipped too: the agent's
 * last words are above its first rule. Null when nothing is left.
 */
export function lastOutputLine(screen: string, max = LAST_OUTPUT_MAX): string | null {
  const lines = stripAnsi(screen)
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');
  const chromeFrom = Math.max(0, lines.length - CHROME_LINES);
  const chrome = lines.findIndex((l, i) => i >= chromeFrom && isRule(l));
  const line = (chrome > 0 ? lastMeaningful(lines, chrome) : null) ?? lastMeaningful(lines, lines.length);
  // By code point, so a cut never splits a surrogate pair.
  return line === null || line.length <= max ? line : [...line].slice(0, max).join('');
}

/**
 * A footer of key hints (`esc to interrupt · ← for agents`, `? for shortcuts`, `ctrl+c to exit`):
 * it starts with a key and "to"/"for". Caught even when a redraw left no rule above it.
 */
const KEY_HINT = /^(esc|\?|ctrl\+\S+|shift\+\S+|alt\+\S+|tab|enter|[←→↑↓]|\/\S*)\s+(to|for)\s/i;

function lastMeaningful(lines: readonly string[], end: number): string | null {
  for (let i = end - 1; i >= 0; i--) {
    const line = lines[i] ?? '';
    if (/[\p{L}\p{N}]/u.test(line) && !KEY_HINT.test(line)) return line;
  }
  return null;
}

/**
 * The last `lines` lines of `file` ('' when it does not exist). A pane log that was rotated a
 * moment ago is short: the lines before it are read from `file.1`, which ends where it starts.
 */
export function tailFile(file: string, lines: number, raw: boolean): string {
  const current = readEnd(file, TAIL_BYTES);
  let bytes = current.bytes;
  let whole = current.whole;
  if (whole && bytes.length < TAIL_BYTES && countNewlines(bytes) < lines) {
    const older = readEnd(rotatedLogOf(file), TAIL_BYTES - bytes.length);
    if (older.bytes.length > 0) {
      bytes = Buffer.concat([older.bytes, bytes]);
      whole = older.whole;
    }
  }
  let text = bytes.toString('utf8');
  // Drop the first, probably partial, line when the read did not start at the beginning.
  if (!whole) text = text.slice(text.indexOf('\n') + 1);
  const cleaned = raw ? text : stripAnsi(text);
  const all = cleaned.split('\n');
  if (all.at(-1) === '') all.pop();
  return all.slice(-lines).join('\n');
}

/** The last `max` bytes of a file and of the rotated one before it, as one buffer. */
export function readTail(file: string, max: number): Buffer {
  const current = readEnd(file, max);
  if (!current.whole || current.bytes.length >= max) return current.bytes;
  const older = readEnd(rotatedLogOf(file), max - current.bytes.length);
  return older.bytes.length > 0 ? Buffer.concat([older.bytes, current.bytes]) : current.bytes;
}

/** The last `max` bytes of a file, and whether they are all of it (nothing for a missing file). */
function readEnd(file: string, max: number): { bytes: Buffer; whole: boolean } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { bytes: Buffer.alloc(0), whole: true };
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, max);
    const buf = Buffer.alloc(length);
    const n = readSync(fd, buf, 0, length, size - length);
    return { bytes: buf.subarray(0, n), whole: length === size };
  } finally {
    closeSync(fd);
  }
}

function countNewlines(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) n++;
  return n;
}
