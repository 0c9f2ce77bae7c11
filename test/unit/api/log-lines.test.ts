import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogFollower } from '../../../src/api/logs/follow.js';
import { levelName, MAX_MSG_CHARS, parseAgentLine, parseDaemonLine } from '../../../src/api/logs/parse.js';
import { lineStartBefore, tailLines } from '../../../src/api/logs/read.js';
import { type LogLine, LogLineSchema } from '../../../src/domain/log.js';
import { waitFor } from '../../helpers/cli.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-logs-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const pino = (o: Record<string, unknown>) =>
  JSON.stringify({ level: 30, time: 1_700_000_000_000, pid: 7, ...o });

describe('parsing daemon lines', () => {
  it('maps pino levels, time, message, agentId and the other fields', () => {
    const line = parseDaemonLine(
      pino({
        level: 40,
        msg: 'agent restarted',
        agentId: 'abcdef',
        restartCount: 2,
        err: { type: 'Error', message: 'boom', stack: 'at x' },
      }),
      120,
    );
    expect(line).toEqual({
      seq: 120,
      ts: '2023-11-14T22:13:20.000Z',
      level: 'warn',
      source: 'daemon',
      agentId: 'abcdef',
      msg: 'agent restarted restartCount=2 err=Error: boom',
    });
    expect(LogLineSchema.parse(line)).toEqual(line);
    expect([10, 20, 30, 40, 50, 60, 35, 5, 99].map(levelName)).toEqual([
      'trace',
      'debug',
      'info',
      'warn',
      'error',
      'fatal',
      'info',
      'trace',
      'fatal',
    ]);
  });

  it('keeps text that is not a JSON object as an info line, and skips blank lines', () => {
    expect(parseDaemonLine('Error: listen EADDRINUSE', 0)).toMatchObject({
      level: 'info',
      ts: null,
      msg: 'Error: listen EADDRINUSE',
    });
    expect(parseDaemonLine('{"torn": ', 3)).toMatchObject({ level: 'info', msg: '{"torn":' });
    expect(parseDaemonLine('[1,2]', 3)).toMatchObject({ msg: '[1,2]' });
    expect(parseDaemonLine('   ', 9)).toBeNull();
    expect(parseDaemonLine(pino({ msg: 'x'.repeat(MAX_MSG_CHARS * 2) }), 0)?.msg).toHaveLength(MAX_MSG_CHARS);
  });
});

describe('parsing pane lines', () => {
  it('removes escapes and carriage-return redraws, and skips lines with nothing visible', () => {
    expect(parseAgentLine('\x1b[1;32mgreen\x1b[0m text\r', 5, 'abcdef')).toEqual({
      seq: 5,
      ts: null,
      level: 'info',
      source: 'abcdef',
      agentId: 'abcdef',
      msg: 'green text',
    });
    expect(parseAgentLine('10%\r50%\r100%', 0, 'a')?.msg).toBe('100%');
    expect(parseAgentLine('\x1b[2K\x1b[1A   \r', 0, 'a')).toBeNull();
  });
});

describe('tailLines', () => {
  const file = () => join(dir, 'daemon.log');
  const plain = (raw: string, seq: number): LogLine | null =>
    raw === '' ? null : { seq, ts: null, level: 'info', source: 's', agentId: null, msg: raw };

  it('returns the last lines, oldest first, each with its byte offset as seq', async () => {
    writeFileSync(file(), 'one\nzwei ü\n\nthree\nfour');
    const lines = await tailLines(file(), 3, plain);
    expect(lines.map((l) => [l.msg, l.seq])).toEqual([
      ['zwei ü', 4],
      ['three', 13],
      ['four', 19],
    ]);
    expect((await tailLines(file(), 100, plain)).map((l) => l.msg)).toEqual([
      'one',
      'zwei ü',
      'three',
      'four',
    ]);
    expect(await tailLines(join(dir, 'missing.log'), 5, plain)).toEqual([]);
  });

  it('reads across chunk boundaries and stops at the byte limit', async () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => `line-${i}-${'x'.repeat(i % 50)}`);
    writeFileSync(file(), `${rows.join('\n')}\n`);
    const last = await tailLines(file(), 15_000, plain);
    expect(last).toHaveLength(15_000);
    expect(last.map((l) => l.msg)).toEqual(rows.slice(-15_000));
    // Offsets are exact: each line's seq points at its own bytes.
    const text = `${rows.join('\n')}\n`;
    for (const l of [last[0], last[7_777], last.at(-1)] as LogLine[]) {
      expect(
        Buffer.from(text)
          .subarray(l.seq, l.seq + Buffer.byteLength(l.msg))
          .toString(),
      ).toBe(l.msg);
    }
    // Within the last 1,000 bytes only whole lines count: no cut-off line at the window's start.
    const windowed = await tailLines(file(), 100_000, plain, 1_000);
    expect(windowed.every((l) => rows.includes(l.msg))).toBe(true);
    expect(windowed.at(-1)?.msg).toBe(rows.at(-1));
  });

  it('finds where the line being written starts', async () => {
    writeFileSync(file(), 'done\nhalf');
    expect(await lineStartBefore(file(), 9)).toBe(5);
    writeFileSync(file(), 'no newline yet');
    expect(await lineStartBefore(file(), 14)).toBe(0);
  });
});

describe('LogFollower', () => {
  const seen: { lines: LogLine[]; dropped: number }[] = [];
  let follower: LogFollower | undefined;
  beforeEach(() => {
    seen.length = 0;
  });
  afterEach(() => follower?.stop());
  const parse = (raw: string, seq: number) => parseAgentLine(raw, seq, 'abcdef');
  const msgs = () => seen.flatMap((b) => b.lines.map((l) => l.msg));

  it('delivers only whole lines appended after it began, batched, with their offsets', async () => {
    const file = join(dir, 'pane.log');
    writeFileSync(file, 'old line\npartial');
    follower = new LogFollower({
      file,
      from: await lineStartBefore(file, 16),
      parse,
      wants: () => true,
      deliver: (lines, dropped) => seen.push({ lines, dropped }),
      pollMs: 20,
    });
    appendFileSync(file, ' end\r\n\x1b[31mred\x1b[0m\nunfinished');
    await waitFor(() => msgs().includes('red'), 'the appended lines delivered');
    expect(msgs()).toEqual(['partial end', 'red']);
    expect(seen[0]?.lines[0]?.seq).toBe(9);
    expect(seen[0]?.lines[1]?.seq).toBe(22);
    // Truncated (a new run): offsets start again at 0.
    truncateSync(file, 0);
    appendFileSync(file, 'fresh\n');
    await waitFor(() => msgs().includes('fresh'), 'the line written after truncation');
    expect(seen.at(-1)?.lines.at(-1)).toMatchObject({ msg: 'fresh', seq: 0 });
  });

  it('drops batches the client cannot take and says how many with the next one', async () => {
    const file = join(dir, 'pane.log');
    writeFileSync(file, '');
    let slow = true;
    let asked = 0;
    follower = new LogFollower({
      file,
      from: 0,
      parse,
      wants: () => {
        asked++;
        return !slow;
      },
      deliver: (lines, dropped) => seen.push({ lines, dropped }),
      pollMs: 20,
      flushMs: 10,
    });
    appendFileSync(file, 'a\nb\nc\n');
    await waitFor(() => asked > 0, 'a batch offered while the client is slow');
    expect(seen).toEqual([]);
    slow = false;
    appendFileSync(file, 'd\n');
    await waitFor(() => seen.length > 0, 'a batch once the client keeps up');
    expect(seen[0]).toMatchObject({ dropped: 3, lines: [{ msg: 'd' }] });
  });
});
