import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAST_OUTPUT_MAX, lastOutputLine } from '../../../src/supervisor/logs.js';
import { ROOT } from '../../helpers/cli.js';

const claudeScreen = (name: string) =>
  readFileSync(join(ROOT, 'test', 'fixtures', 'claude-code', name), 'utf8');

// The agent view's `lastOutput` (a card's one line) is this function of the last screen capture.
describe('lastOutputLine', () => {
  it('takes the last line with something to read, escapes removed and trimmed', () => {
    expect(lastOutputLine('first\n  \x1b[1mWriting tests…\x1b[0m  \n\n   \n')).toBe('Writing tests…');
    // TUIs end their screens with borders and rules: those say nothing on a card.
    expect(lastOutputLine('> Edited src/a.ts\n╭────╮\n│ >  │\n╰────╯\n  ─────  \n')).toBe(
      '> Edited src/a.ts',
    );
    expect(lastOutputLine('')).toBeNull();
    expect(lastOutputLine('\n ── \n│ │\n')).toBeNull();
  });

  it("skips a TUI's input box and footer: Claude Code's screens give their last words", () => {
    expect(lastOutputLine(claudeScreen('3-working.txt'))).toBe('✢ Orchestrating…');
    expect(lastOutputLine(claudeScreen('5-done.txt'))).toBe('✻ Cogitated for 3s');
    expect(lastOutputLine(claudeScreen('sim-permission-dialog.txt'))).toMatch(/^⎿\s+Waiting…$/);
    // A rule far above the bottom is output, not chrome.
    const rule = '─'.repeat(40);
    expect(lastOutputLine(`${rule}\n${'line\n'.repeat(20)}last words\n`)).toBe('last words');
  });

  it('skips a footer of key hints even when a redraw left no rule above it', () => {
    const footer = '  esc to interrupt · ← for agents                     ● high · /effort';
    expect(lastOutputLine(`● Committed.\n✻ Cogitated for 3s\n${footer}\n`)).toBe('✻ Cogitated for 3s');
    expect(lastOutputLine('Done.\n? for shortcuts\nctrl+c to exit\n')).toBe('Done.');
    // Words that merely start like a key are output.
    expect(lastOutputLine('escape for the win\n')).toBe('escape for the win');
  });

  it('cuts long lines at 200 characters without splitting a character', () => {
    expect(lastOutputLine(`${'x'.repeat(500)}\n`)).toHaveLength(LAST_OUTPUT_MAX);
    // 'a😀' is three UTF-16 units: a cut by units would leave half an emoji at the end.
    const emoji = lastOutputLine('a😀'.repeat(150)) ?? '';
    expect([...emoji]).toHaveLength(LAST_OUTPUT_MAX);
    expect(emoji.endsWith('a😀')).toBe(true);
  });
});
