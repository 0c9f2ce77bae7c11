import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter, readClaudeScreen } from '../../../src/agents/claude-code/index.js';
import { claudeFixture } from './fixtures.js';

const classify = (name: string) => claudeCodeAdapter.fromPane(claudeFixture(name));

/** The 2.1.331 option list: "3. Yes, and switch to auto mode" makes "No" option 4. */
const PERMISSION_2_1_331 = claudeFixture('4-permission.txt').replace(
  '   3. No',
  '   3. Yes, and switch to auto mode\n   4. No',
);

describe('claude-code fromPane on real 2.1.197 screens', () => {
  it('idle: input box and "? for shortcuts" → needs_input', () => {
    expect(classify('1-idle.txt')).toMatchObject({
      status: 'needs_input',
      source: 'pane',
      detail: 'waiting for input',
    });
    expect(classify('idle-fresh.2.1.197.txt')).toMatchObject({ status: 'needs_input' });
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

  it('finished turn → needs_input', () => {
    expect(classify('5-done.txt')).toMatchObject({ status: 'needs_input' });
  });

  it('exited TUI → no opinion (liveness decides)', () => {
    expect(classify('6-exited.txt')).toBeNull();
    expect(classify('6-exited-scrollback.txt')).toBeNull();
    expect(readClaudeScreen(claudeFixture('6-exited.txt')).exited).toBe(true);
  });

  it('first-run dialogs → needs_permission naming the dialog', () => {
    expect(classify('trust-dialog.2.1.197.txt')).toMatchObject({
      status: 'needs_permission',
      detail: expect.stringContaining('trust'),
    });
    expect(classify('apikey-dialog.2.1.197.txt')).toMatchObject({
      status: 'needs_permission',
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
    expect(claudeCodeAdapter.fromPane(box('✻ Cogitated for 3s', '? for shortcuts'))?.status).toBe(
      'needs_input',
    );
  });

  it('a footer alone is enough when the box is drawn differently', () => {
    expect(claudeCodeAdapter.fromPane('some output\n\n  ? for shortcuts\n')?.status).toBe('needs_input');
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
    expect(claudeCodeAdapter.answerDialog(screen, 'deny')).toEqual(['Down', 'Down', 'Enter']);
  });

  it('a stale dialog above the input box is not open', () => {
    const stale = `${claudeFixture('4-permission.txt').trimEnd()}\n${box('● Done.', '? for shortcuts')}`;
    expect(claudeCodeAdapter.fromPane(stale)?.status).toBe('needs_input');
    expect(claudeCodeAdapter.answerDialog(stale, 'approve')).toBeNull();
  });

  it('a markdown numbered list in the transcript is not a dialog', () => {
    const screen = box('● Plan:\n  1. Yes we can\n  2. No problem', '? for shortcuts');
    expect(claudeCodeAdapter.fromPane(screen)?.status).toBe('needs_input');
  });

  it('an unknown chooser → needs_input, and is never answered', () => {
    const screen = `${'─'.repeat(80)}\n Pick a color theme\n ❯ 1. Dark\n   2. Light\n`;
    expect(claudeCodeAdapter.fromPane(screen)).toMatchObject({
      status: 'needs_input',
      detail: expect.stringContaining('dialog'),
    });
    expect(claudeCodeAdapter.answerDialog(screen, 'approve')).toBeNull();
  });

  it('blank or unrelated screens → null', () => {
    expect(claudeCodeAdapter.fromPane('')).toBeNull();
    expect(claudeCodeAdapter.fromPane('$ ls\nfoo bar\n')).toBeNull();
  });
});

describe('claude-code answerDialog', () => {
  it('approve = the one-time "Yes", deny = "No", by text (2.1.197)', () => {
    const screen = claudeFixture('4-permission.txt');
    expect(claudeCodeAdapter.answerDialog(screen, 'approve')).toEqual(['Enter']);
    expect(claudeCodeAdapter.answerDialog(screen, 'deny')).toEqual(['Down', 'Down', 'Enter']);
  });

  it('finds "No" as option 4 in the 2.1.331 list', () => {
    expect(claudeCodeAdapter.answerDialog(PERMISSION_2_1_331, 'deny')).toEqual([
      'Down',
      'Down',
      'Down',
      'Enter',
    ]);
    expect(claudeCodeAdapter.answerDialog(PERMISSION_2_1_331, 'approve')).toEqual(['Enter']);
  });

  it('moves up from wherever the cursor is', () => {
    const screen = claudeFixture('4-permission.txt')
      .replace(' ❯ 1. Yes', '   1. Yes')
      .replace('   3. No', ' ❯ 3. No');
    expect(claudeCodeAdapter.answerDialog(screen, 'approve')).toEqual(['Up', 'Up', 'Enter']);
    expect(claudeCodeAdapter.answerDialog(screen, 'deny')).toEqual(['Enter']);
  });

  it('never picks "Yes, and don\'t ask again"', () => {
    const screen = claudeFixture('4-permission.txt').replace('1. Yes\n', '1. Yes, and always allow\n');
    // No one-time yes left: refuse rather than approve forever.
    expect(claudeCodeAdapter.answerDialog(screen, 'approve')).toBeNull();
  });

  it('answers first-run dialogs when a user asks', () => {
    expect(claudeCodeAdapter.answerDialog(claudeFixture('apikey-dialog.2.1.197.txt'), 'approve')).toEqual([
      'Up',
      'Enter',
    ]);
    expect(claudeCodeAdapter.answerDialog(claudeFixture('apikey-dialog.2.1.197.txt'), 'deny')).toEqual([
      'Enter',
    ]);
    expect(claudeCodeAdapter.answerDialog(claudeFixture('bypass-dialog.2.1.197.txt'), 'approve')).toEqual([
      'Down',
      'Enter',
    ]);
    expect(claudeCodeAdapter.answerDialog(claudeFixture('trust-dialog.2.1.197.txt'), 'deny')).toEqual([
      'Down',
      'Enter',
    ]);
  });

  it('null when no dialog is open', () => {
    for (const name of ['1-idle.txt', '2-typed.txt', '3-working.txt', '5-done.txt', '6-exited.txt']) {
      expect(claudeCodeAdapter.answerDialog(claudeFixture(name), 'approve'), name).toBeNull();
    }
  });
});

describe('claude-code firstRunKeys', () => {
  it('trusts the folder: Enter in 2.1.197; Down, then Enter, when "No, exit" comes first (2.1.331)', () => {
    const screen = claudeFixture('trust-dialog.2.1.197.txt');
    expect(claudeCodeAdapter.firstRunKeys?.(screen)).toEqual(['Enter']);
    const swapped = screen
      .replace('❯ 1. Yes, I trust this folder', '❯ 1. No, exit')
      .replace('  2. No, exit', '  2. Yes, I trust this folder');
    // One key per call: the cursor must be seen on "Yes" before Enter is sent.
    expect(claudeCodeAdapter.firstRunKeys?.(swapped)).toEqual(['Down']);
    const moved = swapped
      .replace('❯ 1. No, exit', '  1. No, exit')
      .replace('  2. Yes, I trust this folder', '❯ 2. Yes, I trust this folder');
    expect(claudeCodeAdapter.firstRunKeys?.(moved)).toEqual(['Enter']);
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
    expect(classify('sim-turn-done.txt')?.status).toBe('needs_input');
    expect(classify('sim-permission-dialog.txt')).toMatchObject({
      status: 'needs_permission',
      detail: expect.stringMatching(/^Bash command: echo one/),
    });
    expect(classify('sim-api-error-400.txt')?.status).toBe('needs_input');
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
