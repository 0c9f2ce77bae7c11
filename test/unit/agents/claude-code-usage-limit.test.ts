import { describe, expect, it } from 'vitest';
import { claudeCodeAdapter } from '../../../src/agents/claude-code/index.js';
import { claudeFixture } from './fixtures.js';

const NOW = new Date('2026-11-24T10:00:00Z');
const detect = (text: string, now = NOW) =>
  claudeCodeAdapter.detectUsageLimit(text, now)?.toISOString() ?? null;

describe('claude-code detectUsageLimit', () => {
  it('recognises the known message shapes', () => {
    expect(detect('Claude usage limit reached. Your limit will reset at 3pm (Europe/Berlin).')).toBe(
      '2026-11-24T14:00:00.000Z',
    );
    expect(detect("You've hit your limit · resets 11pm (UTC)")).toBe('2026-11-24T23:00:00.000Z');
    expect(detect("You've hit your session limit · resets 4:30pm (UTC)")).toBe('2026-11-24T16:30:00.000Z');
    expect(detect("You've hit your weekly limit · resets Nov 27, 4am (UTC)")).toBe(
      '2026-11-27T04:00:00.000Z',
    );
    expect(detect('usage limit reached … resets at 2026-11-25T03:00:00Z')).toBe('2026-11-25T03:00:00.000Z');
    expect(detect('Claude AI usage limit reached|1795575600')).toBe('2026-11-25T03:00:00.000Z');
  });

  it('"5-hour limit reached ∙ resets 4am" with no zone is local time, next occurrence', () => {
    const got = claudeCodeAdapter.detectUsageLimit('5-hour limit reached ∙ resets 4am', NOW);
    expect(got).not.toBeNull();
    expect(got?.getHours()).toBe(4);
    expect(got?.getMinutes()).toBe(0);
    expect((got?.getTime() ?? 0) - NOW.getTime()).toBeGreaterThan(0);
    expect((got?.getTime() ?? 0) - NOW.getTime()).toBeLessThanOrEqual(86_400_000);
  });

  it('a reset time already past today means tomorrow', () => {
    expect(detect("You've hit your limit · resets 9am (UTC)")).toBe('2026-11-25T09:00:00.000Z');
  });

  it('reads a message wrapped over lines in a pane, and picks the last one', () => {
    const pane = [
      "  ⎿  You've hit your limit · resets 8pm",
      '     (UTC)',
      '',
      "  ⎿  You've hit your limit · resets 11pm (UTC)",
      '─'.repeat(40),
      '❯ ',
    ].join('\n');
    expect(detect(pane)).toBe('2026-11-24T23:00:00.000Z');
    expect(detect("You've hit your limit · resets 8pm\n     (UTC)")).toBe('2026-11-24T20:00:00.000Z');
  });

  it('a limit message above a later prompt is over (the TUI redraws it after a resume)', () => {
    const rule = '─'.repeat(40);
    const limited = ['❯ do the task', "  ⎿  You've hit your limit · resets 4am (UTC)", rule, '❯ ', rule].join(
      '\n',
    );
    expect(detect(limited)).toBe('2026-11-25T04:00:00.000Z');
    const resumed = [
      '❯ do the task',
      "  ⎿  You've hit your limit · resets 4am (UTC)",
      '❯ Continue the task',
      '● Working on it.',
      rule,
      '❯ ',
      rule,
    ].join('\n');
    expect(detect(resumed)).toBeNull();
    // Text typed into the input box (between rules) is not a sent prompt.
    const typed = [
      '❯ do the task',
      "  ⎿  You've hit your limit · resets 4am (UTC)",
      rule,
      '❯ hello?',
      rule,
    ].join('\n');
    expect(detect(typed)).toBe('2026-11-25T04:00:00.000Z');
  });

  it('ignores look-alikes that do not stop the agent', () => {
    expect(detect("You've hit your fast limit · resets in 5m")).toBeNull();
    expect(detect('Fast limit reached and temporarily disabled · resets in 10m')).toBeNull();
    expect(detect('Context limit reached · /compact or /clear to continue')).toBeNull();
    expect(detect("You're close to your limit · resets 4am (UTC)")).toBeNull();
    expect(detect('✻ API error · Retrying in 36s · attempt 7/10')).toBeNull();
  });

  it('null when no reset time is given', () => {
    expect(detect("You've hit your monthly spend limit. /model to switch models.")).toBeNull();
    expect(detect('Claude usage limit reached.')).toBeNull();
    expect(
      detect('API Error: Request rejected (429) · This request would exceed your rate limit'),
    ).toBeNull();
  });

  it('nothing on ordinary screens', () => {
    for (const name of [
      '1-idle.txt',
      '3-working.txt',
      '4-permission.txt',
      '5-done.txt',
      '6-exited-scrollback.txt',
    ]) {
      expect(detect(claudeFixture(name)), name).toBeNull();
    }
  });
});
