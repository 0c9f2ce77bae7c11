import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PaneTail } from '../../../src/api/stream/pane-tail.js';
import { rotatedLogOf, rotatePaneLog } from '../../../src/supervisor/pane-log.js';
import { makeTmuxSandbox, type TmuxSandbox, waitFor } from './helpers.js';

let sb: TmuxSandbox;
beforeAll(() => {
  sb = makeTmuxSandbox();
});
afterAll(async () => {
  await sb.cleanup();
});

const numbers = (text: string) => [...text.matchAll(/line (\d+) /g)].map((m) => Number(m[1]));
const read = (file: string) => readFileSync(file, 'utf8');

/** A pane that prints `line <n>` once a millisecond or so, forever, piped to `log` by tmux. */
async function chattyPane(name: string, log: string): Promise<void> {
  const script = join(sb.dir, `${name}.cjs`);
  writeFileSync(
    script,
    "let i = 0; setInterval(() => process.stdout.write('line ' + i++ + ' ' + 'x'.repeat(60) + '\\n'), 1);",
  );
  await sb.server.newSession({ name, cwd: sb.dir, argv: [process.execPath, script], logFile: log });
}

describe('pane log rotation under a live tmux pipe-pane', () => {
  it('keeps appending to pane.log after it is cut in place, losing nothing at the cut', async () => {
    const log = join(sb.dir, 'live.log');
    await chattyPane('live', log);
    await waitFor(() => statSync(log).size > 40_000, 'the pane writing 40 KB to its log');

    const rotation = rotatePaneLog(log, 32_000);
    expect(rotation).not.toBeNull();
    // tmux's cat still writes into pane.log (not into a detached file), from its new start.
    await waitFor(() => statSync(log).size > 8_000, 'new output in pane.log after the rotation');
    const older = read(rotatedLogOf(log));
    const newer = read(log);
    expect(newer).not.toContain('\0');
    // A quarter of the limit, plus what the pane printed while it was being copied.
    expect(Buffer.byteLength(older)).toBeGreaterThan(7_000);
    expect(Buffer.byteLength(older)).toBeLessThan(16_000);
    // The newest output before the cut is in pane.log.1 and pane.log goes on from there.
    const seen = numbers(older + newer);
    expect(seen.length).toBeGreaterThan(100);
    const gaps = seen.filter((n, i) => i > 0 && n !== (seen[i - 1] ?? 0) + 1);
    expect(gaps).toEqual([]);
  });

  it('a follower of the log sees the cut and goes on with the output after it', async () => {
    const log = join(sb.dir, 'followed.log');
    await chattyPane('followed', log);
    await waitFor(() => statSync(log).size > 20_000, 'the pane writing 20 KB to its log');
    let text = '';
    let resets = 0;
    let afterReset = '';
    const tail = new PaneTail({
      file: log,
      pollMs: 20,
      onData: (t) => {
        text += t;
        if (resets > 0) afterReset += t;
      },
      onReset: () => resets++,
    });
    try {
      await waitFor(() => text.length > 5_000, 'the follower reading new output');
      rotatePaneLog(log, 16_000);
      await waitFor(() => resets === 1, 'the follower noticing the cut');
      await waitFor(() => numbers(afterReset).length > 50, 'the follower reading output after the cut');
      const after = numbers(afterReset);
      // In order, from the start of the new log: no old bytes replayed.
      expect(after.filter((n, i) => i > 0 && n !== (after[i - 1] ?? 0) + 1)).toEqual([]);
      expect(after[0]).toBeGreaterThan(numbers(read(rotatedLogOf(log))).at(-1) ?? Number.POSITIVE_INFINITY);
    } finally {
      tail.stop();
    }
  });
});
