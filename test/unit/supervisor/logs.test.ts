import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stripAnsi, tailFile } from '../../../src/supervisor/logs.js';

const dir = mkdtempSync(join(tmpdir(), 'flotilla-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('pane logs', () => {
  it('strips colours, cursor moves, titles and carriage-return redraws', () => {
    const raw =
      '\x1b[1;32mgreen\x1b[0m text\r\n\x1b]0;title\x07spinner 1\rspinner 2\r\n\x1b[2K\x1b[1Gdone\x1b(B';
    expect(stripAnsi(raw)).toBe('green text\nspinner 2\ndone');
  });

  it('keeps the gaps a TUI makes with cursor moves instead of spaces', () => {
    expect(stripAnsi('accept\x1b[1Cedits\x1b[3Con · esc\x1b[12Gto interrupt')).toBe(
      'accept edits   on · esc to interrupt',
    );
  });

  it('returns the last lines, raw or cleaned, and nothing for a missing file', () => {
    const file = join(dir, 'pane.log');
    writeFileSync(file, Array.from({ length: 500 }, (_, i) => `\x1b[31mline ${i}\x1b[0m`).join('\r\n'));
    expect(tailFile(file, 3, false)).toBe('line 497\nline 498\nline 499');
    expect(tailFile(file, 1, true)).toBe('\x1b[31mline 499\x1b[0m');
    expect(tailFile(join(dir, 'missing.log'), 10, false)).toBe('');
  });
});
