import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tailFile } from '../../../src/supervisor/logs.js';
import { rotatedLogOf, rotatePaneLog } from '../../../src/supervisor/pane-log.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-pane-log-'));
  file = join(dir, 'pane.log');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Lines `from`..`to - 1`, coloured, ended the way a pty ends them. */
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => `\x1b[32mline ${from + i}\x1b[0m\r\n`).join('');
/** The numbers of the lines in some text, in order. */
const numbers = (text: string) => [...text.matchAll(/line (\d+)/g)].map((m) => Number(m[1]));

describe('rotatePaneLog', () => {
  it('leaves a log within the limit, and a missing one, alone', () => {
    writeFileSync(file, lines(0, 10));
    expect(rotatePaneLog(file, 10_000)).toBeNull();
    expect(rotatePaneLog(join(dir, 'missing.log'), 10)).toBeNull();
    expect(readFileSync(file, 'utf8')).toBe(lines(0, 10));
    expect(existsSync(rotatedLogOf(file))).toBe(false);
  });

  it('keeps the newest quarter of the limit in pane.log.1, from a line start, and empties the log', () => {
    const text = lines(0, 2000);
    writeFileSync(file, text);
    const size = Buffer.byteLength(text);
    const rotation = rotatePaneLog(file, 8_000);
    expect(rotation).toEqual({ cut: size, keptFrom: expect.any(Number) });
    const kept = readFileSync(rotatedLogOf(file), 'utf8');
    expect(Buffer.byteLength(kept)).toBe(size - (rotation?.keptFrom ?? 0));
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(2_000);
    expect(Buffer.byteLength(kept)).toBeGreaterThan(1_900);
    // Whole lines only, ending with the newest.
    expect(text.endsWith(kept)).toBe(true);
    expect(kept.startsWith('\x1b[32mline ')).toBe(true);
    expect(numbers(kept).at(-1)).toBe(1999);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('replaces an older pane.log.1', () => {
    writeFileSync(file, lines(0, 1000));
    rotatePaneLog(file, 4_000);
    appendFileSync(file, lines(1000, 2000));
    rotatePaneLog(file, 4_000);
    const kept = numbers(readFileSync(rotatedLogOf(file), 'utf8'));
    expect(kept[0]).toBeGreaterThan(1000);
    expect(kept.at(-1)).toBe(1999);
  });

  it('keeps a line the cut splits: pane.log.1 ends where the new log starts', () => {
    writeFileSync(file, `${lines(0, 500)}\x1b[32mline 5`);
    rotatePaneLog(file, 4_000);
    appendFileSync(file, `00\x1b[0m\r\n${lines(501, 510)}`);
    const joined = readFileSync(rotatedLogOf(file), 'utf8') + readFileSync(file, 'utf8');
    const seen = numbers(joined);
    expect(seen.slice(-10)).toEqual(Array.from({ length: 10 }, (_, i) => 500 + i));
  });

  it('keeps from an unfinished line a reader still needs, unless it reaches back past the limit', () => {
    const head = lines(0, 1000);
    const pending = `{"partial":"${'p'.repeat(2_000)}`;
    writeFileSync(file, head + pending);
    const at = Buffer.byteLength(head);
    expect(rotatePaneLog(file, 8_000, { keepFrom: at })?.keptFrom).toBe(at);
    expect(readFileSync(rotatedLogOf(file), 'utf8')).toBe(pending);

    writeFileSync(file, head + pending);
    expect(rotatePaneLog(file, 8_000, { keepFrom: 10 })?.keptFrom).toBeGreaterThan(at);
  });
});

describe('tailFile across a rotation', () => {
  it('gives the same last lines right after a rotation, then the newest ones', () => {
    writeFileSync(file, lines(0, 3000));
    const before = tailFile(file, 100, false);
    const beforeRaw = tailFile(file, 5, true);
    expect(numbers(before)).toEqual(Array.from({ length: 100 }, (_, i) => 2900 + i));

    rotatePaneLog(file, 16_000);
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(tailFile(file, 100, false)).toBe(before);
    expect(tailFile(file, 5, true)).toBe(beforeRaw);

    // A few new lines: the tail is the newest ones, the older ones from pane.log.1 before them.
    appendFileSync(file, lines(3000, 3010));
    expect(numbers(tailFile(file, 100, false))).toEqual(Array.from({ length: 100 }, (_, i) => 2910 + i));
    expect(tailFile(file, 3, false)).toBe('line 3007\nline 3008\nline 3009');
  });

  it('asks for more lines than both files hold: all of them, oldest first', () => {
    writeFileSync(file, lines(0, 1000));
    rotatePaneLog(file, 4_000);
    appendFileSync(file, lines(1000, 1005));
    const all = numbers(tailFile(file, 100_000, false));
    expect(all.at(-1)).toBe(1004);
    expect(all).toEqual(Array.from({ length: all.length }, (_, i) => (all[0] ?? 0) + i));
  });
});
