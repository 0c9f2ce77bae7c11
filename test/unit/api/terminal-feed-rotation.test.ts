import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../../../src/api/stream/protocol.js';
import type { TerminalBackend } from '../../../src/api/stream/terminal.js';
import { TerminalFeed } from '../../../src/api/stream/terminal-feed.js';
import { rotatePaneLog } from '../../../src/supervisor/pane-log.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flotilla-feed-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within 5000 ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('a terminal feed across a pane log rotation', () => {
  it('sends a fresh screen after the cut, then the output written after it', async () => {
    const log = join(dir, 'pane.log');
    writeFileSync(log, 'x'.repeat(5_000));
    let screens = 0;
    // The pane itself is not under test here: its screen is a counter, its size fixed.
    const backend: TerminalBackend = {
      screen: async () => ({
        data: `screen ${++screens}`,
        cols: 80,
        rows: 24,
        cursor: { x: 0, y: 0, visible: true },
      }),
      size: async () => ({ cols: 80, rows: 24 }),
      logFile: () => log,
      input: async () => {},
    };
    const sent: ServerMessage[] = [];
    const feed = await TerminalFeed.open({
      agentId: 'a1',
      backend,
      send: (m) => sent.push(m),
      wants: () => true,
      closed: () => false,
      pollMs: 20,
    });
    try {
      const output = () => sent.flatMap((m) => (m.type === 'terminal.output' ? [m.data] : [])).join('');
      appendFileSync(log, 'before the cut\n');
      await until(() => output().includes('before the cut'), 'output before the cut reaching the client');
      expect(sent.filter((m) => m.type === 'terminal.screen')).toHaveLength(1);

      rotatePaneLog(log, 4_000);
      appendFileSync(log, 'after the cut\n');
      await until(
        () => sent.filter((m) => m.type === 'terminal.screen').length === 2,
        'a fresh screen after the rotation',
      );
      await until(() => output().includes('after the cut'), 'output after the cut reaching the client');
      expect(output()).not.toContain('x'.repeat(100));
    } finally {
      feed?.stop();
    }
  });
});
