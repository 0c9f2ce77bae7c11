import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter, readClaudeScreen } from '../../../src/agents/claude-code/index.js';
import type { DialogAnswer, ScreenPlan } from '../../../src/agents/screen-plan.js';
import { claudeFixture } from './fixtures.js';

const APPROVE: DialogAnswer = { decision: 'approve' };
const DENY: DialogAnswer = { decision: 'deny' };
const HINTS = { attach: 'flotilla attach a1', answer: 'flotilla approve a1' };
const keysOf = (plan: ScreenPlan | null) =>
  plan?.steps.map((s) => ('key' in s.input ? s.input.key : `text:${s.input.text}`)) ?? null;

const classify = (name: string) => claudeCodeAdapter.fromPane(claudeFixture(name));

/** The 2.1.331 option list: "3. Yes, and switch to auto mode" makes "No" option 4. */
const PERMISSION_2_1_331 = claudeFixture('4-permission.txt').replace(
  '   3. No',
  '   3. Yes, and switch to auto mode\n   4. No',
);

describe('claude-code fromPane on real 2.1.197 screens', () => {
  it('idle: input box and "? for shortcuts", nothing asked → idle', () => {
    expect(classify('1-idle.txt')).toMatchObject({
      status: 'idle',
      source: 'pane',
      detail: 'waiting for the next message',
    });
    expect(classify('idle-fresh.2.1.197.txt')).toMatchObject({ status: 'idle' });
  });

  it('typed but not sent → needs_input, saying so', () => {
    const s = classify('2-typed.txt');
    expect(s?.status).toBe('needs_input');
    expect(s?.detail).toContain('commit everything');
  });

  it('spinner and "esc to interrupt" → working', () => {
    expect(classify('3-working.txt')).toMatchObject({ status: 'working', detail: 'Orchestrating…' });
  });

  it('permission dialog → needs_permission with the command', () => {
    const s = classify('4-permission.txt');
    expect(s?.status).toBe('needs_permission');
    expect(s?.detail).toBe(
      "Bash command: git add -A && git commit -q -m 'tui commit' && git log --oneline -1",
    );
  });

  it('finished turn ("● Committed.") → idle; the same screen ending on a question → needs_input', () => {
    expect(classify('5-done.txt')).toMatchObject({ status: 'idle' });
    const asked = claudeFixture('5-done.txt').replace(
      '● Committed.',
      '● Committed. Should I push it too?\n  Or keep it local?',
    );
    expect(claudeCodeAdapter.fromPane(asked)).toMatchObject({
      status: 'needs_input',
      detail: 'asks: Should I push it too? Or keep it local?',
    });
  });

  it('exited TUI → no opinion (liveness decides)', () => {
    expect(classify('6-exited.txt')).toBeNull();
    expect(classify('6-exited-scrollback.txt')).toBeNull();
    expect(readClaudeScreen(claudeFixture('6-exited.txt')).exited).toBe(true);
  });

  it('first-run dialogs → needs_permission naming the dialog; the API key one is a question (needs_input)', () => {
    expect(classify('trust-dialog.2.1.197.txt')).toMatchObject({
      status: 'needs_permission',
      detail: expect.stringContaining('trust'),
    });
    expect(classify('apikey-dialog.2.1.197.txt')).toMatchObject({
      status: 'needs_input',
      detail: expect.stringContaining('API key'),
    });
    expect(classify('bypass-dialog.2.1.197.txt')).toMatchObject({
      status: 'needs_permission',
      detail: expect.stringContaining('bypass'),
    });
  });
});

describe('claude-code fromPane on synthetic variants', () => {
  const box = (above: string, footer: string) =>
    `${above}\n${'─'.repeat(80)}\n❯\u00a0\n${'─'.repeat(80)}\n  ${footer}\n\n\n`;

  it('API retry keeps the input box visible but is still working', () => {
    const screen = box('✻ API error · Retrying in 36s · attempt 7/10', 'esc to interrupt');
    expect(claudeCodeAdapter.fromPane(screen)).toMatchObject({
      status: 'working',
      detail: expect.stringContaining('Retrying in 36s'),
    });
    // Even with a footer a future version might not print.
    const noFooter = box('✻ API error · Retrying in 5s · attempt 2/10', '? for shortcuts');
    expect(claudeCodeAdapter.fromPane(noFooter)?.status).toBe('working');
  });

  it('older spinner with the interrupt hint inline → working', () => {
    const screen = box('✳ Thinking… (12s · ↑ 1.2k tokens · esc to interrupt)', '? for shortcuts');
    expect(claudeCodeAdapter.fromPane(screen)).toMatchObject({ status: 'working', detail: 'Thinking…' });
  });

  it('a finished-turn summary ("✻ Cogitated for 3s") is not a spinner', () => {
    expect(claudeCodeAdapter.fromPane(box('✻ Cogitated for 3s', '? for shortcuts'))?.status).toBe('idle');
  });

  it('a footer alone is enough when the box is drawn differently', () => {
    expect(claudeCodeAdapter.fromPane('some output\n\n  ? for shortcuts\n')?.status).toBe('idle');
    expect(claudeCodeAdapter.fromPane('some output\n\n  esc to interrupt\n')?.status).toBe('working');
  });

  it('2.1.331 permission list (No is option 4) is still a permission dialog', () => {
    expect(claudeCodeAdapter.fromPane(PERMISSION_2_1_331)?.status).toBe('needs_permission');
  });

  it('an edit dialog ("Do you want to make this edit…?") is a permission dialog', () => {
    const screen = [
      '─'.repeat(80),
      ' Edit file',
      ' hello.txt',
      '',
      ' Do you want to make this edit to hello.txt?',
      ' ❯ 1. Yes',
      '   2. Yes, allow all edits during this session (shift+tab)',
      '   3. No, and tell Claude what to do differently (esc)',
      '',
    ].join('\n');
    expect(claudeCodeAdapter.fromPane(screen)).toMatchObject({
      status: 'needs_permission',
      detail: 'Edit file: hello.txt',
    });
    expect(keysOf(claudeCodeAdapter.answerDialog(screen, DENY, HINTS))).toEqual(['Down', 'Down', 'Enter']);
  });

  it('a stale dialog above the input box is not open', () => {
    const stale = `${claudeFixture('4-permission.txt').trimEnd()}\n${box('● Done.', '? for shortcuts')}`;
    expect(claudeCodeAdapter.fromPane(stale)?.status).toBe('idle');
    expect(claudeCodeAdapter.answerDialog(stale, APPROVE, HINTS)).toBeNull();
  });

  it('a markdown numbered list in the transcript is not a dialog', () => {
    const screen = box('● Plan:\n  1. Yes we can\n  2. No problem', '? for shortcuts');
    expect(claudeCodeAdapter.fromPane(screen)?.status).toBe('idle');
  });

  it('an unknown chooser → needs_input, and is never answered', () => {
    const screen = `${'─'.repeat(80)}\n Pick a color theme\n ❯ 1. Dark\n   2. Light\n`;
    expect(claudeCodeAdapter.fromPane(screen)).toMatchObject({
      status: 'needs_input',
      detail: expect.stringContaining('dialog'),
    });
    expect(() => claudeCodeAdapter.answerDialog(screen, APPROVE, HINTS)).toThrow(/not a tool permission/);
  });

  it('blank or unrelated screens → null', () => {
    expect(claudeCodeAdapter.fromPane('')).toBeNull();
    expect(claudeCodeAdapter.fromPane('$ ls\nfoo bar\n')).toBeNull();
  });
});

describe('claude-code answerDialog (the keys of the plan; each is verified on screen: see screen-protocol tests)', () => {
  it('approve = the one-time "Yes", deny = "No", by text (2.1.197)', () => {
    const screen = claudeFixture('4-permission.txt');
    expect(keysOf(claudeCodeAdapter.answerDialog(screen, APPROVE, HINTS))).toEqual(['Enter']);
    expect(keysOf(claudeCodeAdapter.answerDialog(screen, DENY, HINTS))).toEqual(['Down', 'Down', 'Enter']);
  });

  it('always = "Yes, and don\'t ask again for …"; deny with a message = Tab on "No", the text, Enter', () => {
    const screen = claudeFixture('4-permission.txt');
    const always = claudeCodeAdapter.answerDialog(screen, { decision: 'approve', always: true }, HINTS);
    expect(keysOf(always)).toEqual(['Down', 'Enter']);
    expect(always?.chosen).toMatch(/^Yes, and don't ask again/);
    const told = claudeCodeAdapter.answerDialog(screen, { decision: 'deny', message: 'use npm ci' }, HINTS);
    expect(keysOf(told)).toEqual(['Down', 'Down', 'Tab', 'text:use npm ci', 'Enter']);
    expect(told?.chosen).toBe('No, use npm ci');
  });

  it('finds "No" as option 4 in the 2.1.331 list, and never takes "switch to auto mode" for always', () => {
    expect(keysOf(claudeCodeAdapter.answerDialog(PERMISSION_2_1_331, DENY, HINTS))).toEqual([
      'Down',
      'Down',
      'Down',
      'Enter',
    ]);
    expect(keysOf(claudeCodeAdapter.answerDialog(PERMISSION_2_1_331, APPROVE, HINTS))).toEqual(['Enter']);
    const always = claudeCodeAdapter.answerDialog(
      PERMISSION_2_1_331,
      { decision: 'approve', always: true },
      HINTS,
    );
    expect(always?.chosen).not.toMatch(/auto mode/);
  });

  it('moves up from wherever the cursor is', () => {
    const screen = claudeFixture('4-permission.txt')
      .replace(' ❯ 1. Yes', '   1. Yes')
      .replace('   3. No', ' ❯ 3. No');
    expect(keysOf(claudeCodeAdapter.answerDialog(screen, APPROVE, HINTS))).toEqual(['Up', 'Up', 'Enter']);
    expect(keysOf(claudeCodeAdapter.answerDialog(screen, DENY, HINTS))).toEqual(['Enter']);
  });

  it('never picks "Yes, and don\'t ask again" for a one-time approve', () => {
    const screen = claudeFixture('4-permission.txt').replace('1. Yes\n', '1. Yes, and always allow\n');
    // No one-time yes left: refuse rather than approve forever.
    expect(() => claudeCodeAdapter.answerDialog(screen, APPROVE, HINTS)).toThrow(
      /no one-time "Yes" option|not a tool permission/,
    );
  });

  it('never answers first-run dialogs (trust, API key, bypass): the user does, in the terminal', () => {
    for (const name of [
      'apikey-dialog.2.1.197.txt',
      'bypass-dialog.2.1.197.txt',
      'trust-dialog.2.1.197.txt',
    ]) {
      expect(() => claudeCodeAdapter.answerDialog(claudeFixture(name), APPROVE, HINTS), name).toThrow(
        /not a tool permission/,
      );
      expect(() => claudeCodeAdapter.answerDialog(claudeFixture(name), DENY, HINTS), name).toThrow(
        /not a tool permission/,
      );
    }
  });

  it('null when no dialog is open', () => {
    for (const name of ['1-idle.txt', '2-typed.txt', '3-working.txt', '5-done.txt', '6-exited.txt']) {
      expect(claudeCodeAdapter.answerDialog(claudeFixture(name), APPROVE, HINTS), name).toBeNull();
    }
  });
});

describe('claude-code firstRunKeys', () => {
  it('trusts the folder: Enter in 2.1.197; Down, then Enter, when "No, exit" comes first (2.1.332, unnumbered)', () => {
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('trust-dialog.2.1.197.txt'))).toEqual(['Enter']);
    // One key per call: the cursor must be seen on "Yes" before Enter is sent (real captures).
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('trust-dialog.2.1.332.txt'))).toEqual(['Down']);
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('trust-dialog-yes.2.1.332.txt'))).toEqual([
      'Enter',
    ]);
  });

  it('older wording ("Do you trust the files in this folder?" / "Yes, proceed")', () => {
    const screen = `${'─'.repeat(60)}\n Do you trust the files in this folder?\n\n ❯ 1. Yes, proceed\n   2. No, exit\n`;
    expect(claudeCodeAdapter.firstRunKeys?.(screen)).toEqual(['Enter']);
  });

  it('leaves the API key and bypass dialogs to the user, and ignores other screens', () => {
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('apikey-dialog.2.1.197.txt'))).toBeNull();
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('bypass-dialog.2.1.197.txt'))).toBeNull();
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('4-permission.txt'))).toBeNull();
    expect(claudeCodeAdapter.firstRunKeys?.(claudeFixture('1-idle.txt'))).toBeNull();
  });
});

describe('claude-code fromPane on the sim captures (docs/dev/claude-code-2.1.197)', () => {
  it('classifies each capture', () => {
    expect(classify('sim-working.txt')).toMatchObject({ status: 'working', detail: 'Gallivanting…' });
    expect(classify('sim-turn-done.txt')?.status).toBe('idle');
    expect(classify('sim-permission-dialog.txt')).toMatchObject({
      status: 'needs_permission',
      detail: expect.stringMatching(/^Bash command: echo one/),
    });
    expect(classify('sim-api-error-400.txt')?.status).toBe('idle');
    // While the Stop hook runs the spinner still shows: the turn is not over yet.
    expect(classify('sim-resumed-with-prompt.txt')).toMatchObject({ status: 'working', detail: 'Osmosing…' });
  });

  it('Escape fires no hook, but the screen shows the prompt back in the box: needs_input', () => {
    expect(classify('sim-interrupted-with-escape.txt')).toMatchObject({
      status: 'needs_input',
      detail: 'unsent text in the prompt box: [[sim:esc]] go',
    });
    expect(classify('sim-pasted-long-prompt.txt')?.status).toBe('needs_input');
  });
});
