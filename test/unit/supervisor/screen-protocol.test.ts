import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import type { DialogAnswer } from '../../../src/agents/screen-plan.js';
import { runScreenPlan, type ScreenIo } from '../../../src/supervisor/screen-protocol.js';
import { claudeFixture } from '../agents/fixtures.js';

/**
 * The protocol runner against a model of Claude Code 2.1.197's permission dialog (a fake is
 * fine inside one module's unit test; the real TUI is driven in test/e2e/controls.test.ts).
 * The model redraws a key's effect only after `lag` captures, as a real TUI does, and can be
 * told to ignore keys or to swap in another dialog, so the runner's stops are seen to happen.
 */

const OPTIONS = [
  'Yes',
  "Yes, and don't ask again for git add and git commit commands in /home/dev/repo",
  'No',
];
const BASE = claudeFixture('4-permission.txt');

interface Model {
  cursor: number;
  noText: string | null;
  open: boolean;
  command: string;
}

function fakeTui(
  options: { lag?: number; ignoreKeys?: boolean; swapAfterKeys?: number; tornCaptures?: number } = {},
) {
  const state: Model = {
    cursor: 0,
    noText: null,
    open: true,
    command: "git add -A && git commit -q -m 'tui commit'",
  };
  const pending: { due: number; apply: () => void }[] = [];
  const sent: string[] = [];
  let captures = 0;
  /** Captures still to come that land mid-redraw: the box without its options. */
  let torn = 0;
  const later = (apply: () => void) => pending.push({ due: captures + (options.lag ?? 1), apply });
  const render = (): string => {
    if (!state.open)
      return `${BASE.split('─'.repeat(20))[0]}\n● Bash(${state.command})\n  ⎿  Tool use rejected\n`;
    const lines = OPTIONS.map((t, i) => {
      const text = i === 2 && state.noText !== null ? state.noText : t;
      return `${i === state.cursor ? ' ❯' : '  '} ${i + 1}. ${text}`;
    });
    return BASE.replace(/ ❯ 1\. Yes\n.*\n {3}3\. No/, lines.join('\n')).replaceAll(
      "git add -A && git commit -q -m 'tui commit' && git log --oneline -1",
      state.command,
    );
  };
  const io: ScreenIo = {
    capture: async () => {
      captures++;
      for (const p of pending.filter((x) => x.due <= captures)) p.apply();
      pending.splice(0, pending.length, ...pending.filter((x) => x.due > captures));
      if (torn > 0) {
        torn--;
        return render().replace(/ *[❯ ] [123]\. .*\n?/g, '');
      }
      return render();
    },
    key: async (key) => {
      sent.push(key);
      torn = options.tornCaptures ?? 0;
      if (options.swapAfterKeys !== undefined && sent.length >= options.swapAfterKeys) {
        later(() => {
          state.command = 'rm -rf /tmp/other';
        });
        return;
      }
      if (options.ignoreKeys) return;
      if (key === 'Down') later(() => (state.cursor = Math.min(2, state.cursor + 1)));
      if (key === 'Up') later(() => (state.cursor = Math.max(0, state.cursor - 1)));
      if (key === 'Tab' && state.cursor === 2)
        later(() => (state.noText = 'No, and tell Claude what to do differently'));
      if (key === 'Enter') later(() => (state.open = false));
    },
    text: async (text) => {
      sent.push(`text:${text}`);
      later(() => (state.noText = `No, ${text}`));
    },
  };
  return { io, sent, state };
}

const HINTS = { attach: 'flotilla attach a1', answer: 'flotilla approve a1' };
const plan = (screen: string, answer: DialogAnswer) => {
  const p = claudeCodeAdapter.answerDialog(screen, answer, HINTS);
  if (!p) throw new Error('no plan');
  return p;
};
const opts = { attachHint: 'flotilla attach a1', stepTimeoutMs: 300, pollMs: 1 };

describe('runScreenPlan', () => {
  it('deny: one key at a time, each seen on screen before the next; Enter only once "No" is highlighted', async () => {
    const tui = fakeTui({ lag: 3 });
    await runScreenPlan(tui.io, plan(await tui.io.capture(), { decision: 'deny' }), opts);
    expect(tui.sent).toEqual(['Down', 'Down', 'Enter']);
    expect(tui.state.open).toBe(false);
  });

  it('deny with a message: Tab on "No", the text, Enter', async () => {
    const tui = fakeTui({ lag: 2 });
    await runScreenPlan(
      tui.io,
      plan(await tui.io.capture(), { decision: 'deny', message: 'use a scratch dir' }),
      opts,
    );
    expect(tui.sent).toEqual(['Down', 'Down', 'Tab', 'text:use a scratch dir', 'Enter']);
  });

  it('a TUI that does not move its cursor: stops with DIALOG_CHANGED and never sends Enter', async () => {
    const tui = fakeTui({ ignoreKeys: true });
    const run = runScreenPlan(tui.io, plan(await tui.io.capture(), { decision: 'deny' }), opts);
    await expect(run).rejects.toMatchObject({ code: 'DIALOG_CHANGED' });
    await expect(run).rejects.toThrow(
      /move the cursor to 'Yes, and don't ask again[^']*'.*did not change.*Sent so far: Down; nothing more was sent/s,
    );
    expect(tui.sent).toEqual(['Down']);
    expect(tui.state.open).toBe(true);
  });

  it('another dialog replacing the one being answered: stops before confirming anything', async () => {
    const tui = fakeTui({ swapAfterKeys: 2 });
    const run = runScreenPlan(tui.io, plan(await tui.io.capture(), { decision: 'deny' }), opts);
    await expect(run).rejects.toThrow(/another dialog is open: Bash command: rm -rf \/tmp\/other/);
    expect(tui.sent).toEqual(['Down', 'Down']);
    expect(tui.sent).not.toContain('Enter');
  });

  // Gemini CLI under load: a capture in the middle of a redraw showed the dialog's box without
  // its options, read as "the dialog closed", and a deny stopped half-way.
  it('a capture torn by a redraw does not stop the run; a screen that stays wrong does', async () => {
    const tui = fakeTui({ lag: 1, tornCaptures: 3 });
    await runScreenPlan(tui.io, plan(await tui.io.capture(), { decision: 'deny' }), opts);
    expect(tui.sent).toEqual(['Down', 'Down', 'Enter']);
    expect(tui.state.open).toBe(false);

    const stays = fakeTui({ lag: 1, tornCaptures: 1_000_000 });
    const run = runScreenPlan(stays.io, plan(await stays.io.capture(), { decision: 'deny' }), opts);
    await expect(run).rejects.toThrow(/the dialog closed.*Sent so far: Down; nothing more was sent/s);
    expect(stays.sent).toEqual(['Down']);
  });

  it('approve from a cursor left on "No": Up, Up, Enter', async () => {
    const tui = fakeTui({ lag: 1 });
    tui.state.cursor = 2;
    await runScreenPlan(tui.io, plan(await tui.io.capture(), { decision: 'approve' }), opts);
    expect(tui.sent).toEqual(['Up', 'Up', 'Enter']);
  });
});
