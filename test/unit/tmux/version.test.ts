import { describe, expect, it } from 'vitest';
import { isSupportedTmux, MIN_TMUX_VERSION, parseTmuxVersion } from '../../../src/tmux/version.js';

describe('parseTmuxVersion', () => {
  it.each([
    ['tmux 3.3a', { major: 3, minor: 3, patch: 'a', development: false }],
    ['tmux 3.2', { major: 3, minor: 2, patch: '', development: false }],
    ['tmux 3.1c\n', { major: 3, minor: 1, patch: 'c', development: false }],
    ['tmux 2.9a', { major: 2, minor: 9, patch: 'a', development: false }],
    ['tmux next-3.5', { major: 3, minor: 5, patch: '', development: true }],
    ['tmux 3.4-rc', { major: 3, minor: 4, patch: '', development: true }],
    ['tmux master', { major: 999, minor: 0, patch: '', development: true }],
    ['tmux 10.0', { major: 10, minor: 0, patch: '', development: false }],
  ])('%j', (output, expected) => {
    expect(parseTmuxVersion(output)).toMatchObject(expected);
  });

  it('keeps what tmux printed', () => {
    expect(parseTmuxVersion('tmux next-3.5')?.raw).toBe('next-3.5');
  });

  it('maps OpenBSD base releases onto the tmux they shipped', () => {
    expect(isSupportedTmux(parseTmuxVersion('tmux openbsd-7.4') ?? { major: 0, minor: 0 })).toBe(true);
    expect(isSupportedTmux(parseTmuxVersion('tmux openbsd-6.5') ?? { major: 9, minor: 9 })).toBe(false);
  });

  it('returns null for what is not a version', () => {
    expect(parseTmuxVersion('')).toBeNull();
    expect(parseTmuxVersion('tmux')).toBeNull();
    expect(parseTmuxVersion('bash: tmux: command not found')).toBeNull();
  });
});

describe('isSupportedTmux', () => {
  it('draws the line at 3.2', () => {
    expect(MIN_TMUX_VERSION).toEqual({ major: 3, minor: 2 });
    expect(isSupportedTmux({ major: 3, minor: 1 })).toBe(false);
    expect(isSupportedTmux({ major: 2, minor: 9 })).toBe(false);
    expect(isSupportedTmux({ major: 3, minor: 2 })).toBe(true);
    expect(isSupportedTmux({ major: 3, minor: 5 })).toBe(true);
    expect(isSupportedTmux({ major: 4, minor: 0 })).toBe(true);
  });
});
