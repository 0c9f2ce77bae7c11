import { describe, expect, it } from 'vitest';
import {
  findOptions,
  firstNo,
  firstYes,
  isYesNo,
  keysToOption,
  oneTimeYes,
} from '../../../src/agents/dialog.js';
import { screenLines } from '../../../src/agents/pane.js';
import { claudeFixture } from './fixtures.js';

const opts = (...texts: string[]) => texts.map((text, i) => ({ n: i + 1, text, line: i }));

describe('findOptions', () => {
  it('finds the list and its cursor, whatever the cursor glyph', () => {
    for (const glyph of ['❯', '›', '●', '>']) {
      const found = findOptions(screenLines(`Allow?\n  1. Yes\n${glyph} 2. No\n`));
      expect(found?.cursor, glyph).toBe(1);
      expect(found?.options.map((o) => o.text)).toEqual(['Yes', 'No']);
    }
  });

  it('tolerates wrapped option text and strips shortcut hints', () => {
    const found = findOptions([
      '❯ 1. Yes',
      "  2. Yes, and don't ask again for git commands in",
      '     /home/dev/repo',
      '  3. No (esc)',
    ]);
    expect(found?.options.map((o) => o.text)).toEqual([
      'Yes',
      "Yes, and don't ask again for git commands in",
      'No',
    ]);
    expect(found?.lastLine).toBe(3);
  });

  it('ignores lists without exactly one cursor, and takes the last list', () => {
    expect(findOptions(['1. a', '2. b'])).toBeNull();
    expect(findOptions(['❯ 1. a', '❯ 2. b'])).toBeNull();
    const two = findOptions(['❯ 1. old', '  2. list', '', '  1. Yes', '❯ 2. No']);
    expect(two?.firstLine).toBe(3);
  });

  it('requires numbers in sequence from 1', () => {
    expect(findOptions(['❯ 2. Yes', '  3. No'])).toBeNull();
    expect(findOptions(['❯ 1. Yes', '  3. No'])).toBeNull();
  });
});

describe('findOptions on unnumbered lists (Claude Code 2.1.332 first-run dialogs, real captures)', () => {
  const texts = (name: string) => {
    const found = findOptions(screenLines(claudeFixture(name)));
    return found && { texts: found.options.map((o) => o.text), cursor: found.cursor };
  };

  it('reads the trust dialog and where its cursor is', () => {
    expect(texts('trust-dialog.2.1.332.txt')).toEqual({
      texts: ['No, exit', 'Yes, I trust this folder'],
      cursor: 0,
    });
    expect(texts('trust-dialog-yes.2.1.332.txt')).toEqual({
      texts: ['No, exit', 'Yes, I trust this folder'],
      cursor: 1,
    });
  });

  it('reads the API key dialog ("No (recommended)" preselected)', () => {
    expect(texts('apikey-dialog.2.1.332.txt')).toEqual({ texts: ['Yes', 'No'], cursor: 1 });
  });

  it('still reads the numbered permission list of the same version', () => {
    expect(texts('permission-dialog.2.1.332.txt')?.texts).toEqual([
      'Yes',
      'Yes, and always allow access to /home/dev/repo from this project',
      'Yes, and switch to auto mode · auto mode handles these prompts for you',
      'No',
    ]);
  });

  it('a prompt echoed in the transcript is not a dialog, even when it spans lines', () => {
    for (const name of ['idle.2.1.332.txt', 'working.2.1.332.txt', 'turn-done.2.1.332.txt']) {
      expect(findOptions(screenLines(claudeFixture(name))), name).toBeNull();
    }
    const multiLine = ['❯ first line of my prompt', '  second line', '  third line', '', '● Done.', ''];
    expect(findOptions(multiLine)).toBeNull();
  });

  it('needs a chooser hint under the list and at least two options', () => {
    expect(findOptions(['  No', '❯ Yes', '', '  Enter to confirm · Esc to cancel'])?.cursor).toBe(1);
    expect(findOptions(['  No', '❯ Yes', '', '  some text'])).toBeNull();
    expect(findOptions(['❯ Yes', '', '  Enter to confirm · Esc to cancel'])).toBeNull();
  });
});

describe('option choice', () => {
  it('one-time yes: exact "Yes" first, else a non-persistent "Yes, …"', () => {
    expect(oneTimeYes(opts("Yes, and don't ask again", 'Yes', 'No'))).toBe(1);
    expect(oneTimeYes(opts('Yes, allow always', 'Yes, allow once', 'No'))).toBe(1);
    expect(oneTimeYes(opts('Yes, proceed', 'No'))).toBe(0);
    expect(oneTimeYes(opts('Yes, and switch to auto mode', 'No'))).toBeNull();
    expect(oneTimeYes(opts('Yes, allow all edits during this session', 'No'))).toBeNull();
  });

  it('first yes / first no', () => {
    expect(firstYes(opts('No, exit', 'Yes, I trust this folder'))).toBe(1);
    expect(firstNo(opts('Yes', 'Nope', 'No, and tell Claude what to do differently'))).toBe(2);
    expect(firstNo(opts('Yes'))).toBeNull();
  });

  it('keys move one step per option, then Enter', () => {
    expect(keysToOption(0, 0)).toEqual(['Enter']);
    expect(keysToOption(0, 3)).toEqual(['Down', 'Down', 'Down', 'Enter']);
    expect(keysToOption(2, 0)).toEqual(['Up', 'Up', 'Enter']);
  });
});

describe('isYesNo', () => {
  it('needs both a yes and a no option', () => {
    expect(isYesNo(findOptions(['❯ 1. Yes, proceed', '  2. No, and tell Codex']))).toBe(true);
    expect(isYesNo(findOptions(['❯ 1. Dark', '  2. Light']))).toBe(false);
    expect(isYesNo(null)).toBe(false);
  });
});
