import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripAnsi } from '../../../src/supervisor/logs.js';
import { renderTerminal } from '../../../src/supervisor/render.js';

// A real pane log: Claude Code 2.1.197's TUI in a 200×50 tmux pane, a turn with a Write, a Bash
// call and a final text (see test/fixtures/claude-code/README.md).
const paneLog = readFileSync(
  join(import.meta.dirname, '..', '..', 'fixtures', 'claude-code', 'tui-pane.sim.2.1.197.txt'),
);

describe('the raw terminal, rendered', () => {
  it("turns the TUI's redraws into the lines that were on screen", async () => {
    const lines = await renderTerminal(paneLog, { cols: 200, rows: 50 });
    expect(lines).toContain('❯ [[sim:cap]] create hello.txt and show it');
    expect(lines).toContain("● I'll create hello.txt.");
    expect(lines).toContain('● Write(hello.txt)');
    // (Claude Code puts a no-break space after ⎿.)
    expect(lines.some((l) => /^ {2}⎿\s+Wrote 2 lines to hello\.txt$/u.test(l))).toBe(true);
    expect(lines).toContain('● Created hello.txt with two lines. Periwinkle is the word.');
    // Spinner frames were overwritten in place: at most the last one is left.
    expect(lines.filter((l) => /^[✢✳✶✻✽·*] \S+…/.test(l)).length).toBeLessThanOrEqual(1);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking for escapes is the point
    expect(lines.join('\n')).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f]/);
    expect(lines.at(-1)).not.toBe('');
  });

  it('where splitting the bytes at newlines left fragments', async () => {
    // What `logs` printed before: the final text torn by cursor moves, spinner glyphs on their own.
    const split = stripAnsi(paneLog.toString('utf8')).split('\n');
    expect(split).not.toContain('● Created hello.txt with two lines. Periwinkle is the word.');
    const rendered = await renderTerminal(paneLog, { cols: 200, rows: 50 });
    expect(rendered.length).toBeLessThan(split.length);
  });
});
