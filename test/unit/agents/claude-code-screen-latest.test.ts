import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter, readClaudeScreen } from '../../../src/agents/claude-code/index.js';
import { claudeFixture } from './fixtures.js';

/**
 * Real tmux captures of Claude Code 2.1.332 against the scripted model (made with
 * scripts/capture-claude-screens.js). Its first-run dialogs have no option numbers, its
 * permission dialog puts a "Tip: auto mode…" line above the command, and its footer reads
 * "⏸ manual mode on · ? for shortcuts".
 */

const classify = (name: string) => claudeCodeAdapter.fromPane(claudeFixture(name));

describe('claude-code fromPane on real 2.1.332 screens', () => {
  it('idle, working and a finished turn', () => {
    expect(classify('idle.2.1.332.txt')).toMatchObject({
      status: 'idle',
      detail: 'waiting for the next message',
    });
    expect(classify('working.2.1.332.txt')).toMatchObject({ status: 'working', detail: 'Cogitating…' });
    expect(classify('turn-done.2.1.332.txt')).toMatchObject({ status: 'idle' });
  });

  it('a Bash permission dialog names the command, not the auto-mode tip', () => {
    for (const name of ['permission-dialog.2.1.332.txt', 'permission-dialog-no.2.1.332.txt']) {
      expect(classify(name), name).toMatchObject({
        status: 'needs_permission',
        detail: 'Bash command: echo approved > marker.txt',
      });
    }
  });

  it('the unnumbered trust dialog is recognised, wherever its cursor is', () => {
    for (const name of ['trust-dialog.2.1.332.txt', 'trust-dialog-yes.2.1.332.txt']) {
      const dialog = readClaudeScreen(claudeFixture(name)).dialog;
      expect(dialog?.kind, name).toBe('trust');
      expect(dialog?.options.options.map((o) => o.text)).toEqual(['No, exit', 'Yes, I trust this folder']);
    }
  });

  it('the API key dialog is a question for the user, not a permission approve could accept', () => {
    for (const name of ['apikey-dialog.2.1.332.txt', 'apikey-dialog.2.1.197.txt']) {
      expect(readClaudeScreen(claudeFixture(name)).dialog?.kind, name).toBe('api-key');
      expect(classify(name), name).toMatchObject({
        status: 'needs_input',
        detail: expect.stringMatching(/asks whether to use the API key.*flotilla attach/),
      });
      expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture(name)), name).toBeNull();
      const hints = { attach: 'flotilla attach a1', answer: 'flotilla approve a1' };
      expect(() =>
        claudeCodeAdapter.answerDialog(claudeFixture(name), { decision: 'approve' }, hints),
      ).toThrow(/not a tool permission/);
    }
  });
});

describe('claude-code firstRunKeys on the real 2.1.332 trust dialog', () => {
  it('one key per capture: Down while "No, exit" is highlighted, Enter once "Yes" is', () => {
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('trust-dialog.2.1.332.txt'))).toEqual(['Down']);
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('trust-dialog-yes.2.1.332.txt'))).toEqual([
      'Enter',
    ]);
  });

  it('answers nothing on the other screens', () => {
    for (const name of ['idle.2.1.332.txt', 'working.2.1.332.txt', 'permission-dialog.2.1.332.txt']) {
      expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture(name)), name).toBeNull();
    }
  });
});
