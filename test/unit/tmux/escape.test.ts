import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  assertCommandFits,
  chunkUtf8,
  envArgs,
  formatLiteral,
  packedSize,
  shellQuote,
  TMUX_MAX_COMMAND_BYTES,
  tmuxArg,
} from '../../../src/tmux/escape.js';

/** What tmux 3.3a's cmd_parse_from_arguments does to one argument that it does not split on. */
function tmuxUnescape(arg: string): { value: string; splits: boolean } {
  if (!arg.endsWith(';')) return { value: arg, splits: false };
  const cut = arg.slice(0, -1);
  if (cut.endsWith('\\')) return { value: `${cut.slice(0, -1)};`, splits: false };
  return { value: cut, splits: true };
}

describe('tmuxArg', () => {
  it('leaves arguments without a trailing ; alone', () => {
    expect(tmuxArg('a;b')).toBe('a;b');
    expect(tmuxArg('$(x) `y` \\')).toBe('$(x) `y` \\');
  });

  it('escapes a trailing ;', () => {
    expect(tmuxArg(';')).toBe('\\;');
    expect(tmuxArg('a;')).toBe('a\\;');
    expect(tmuxArg('a\\;')).toBe('a\\\\;');
  });

  it('always round-trips through tmux argument parsing without splitting', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ';', '\\', ' ', 'é') }), (s) => {
        const { value, splits } = tmuxUnescape(tmuxArg(s));
        expect(splits).toBe(false);
        expect(value).toBe(s);
      }),
    );
  });
});

describe('formatLiteral and shellQuote', () => {
  it('doubles # so tmux formats print it literally', () => {
    expect(formatLiteral('/a/#{b}/##')).toBe('/a/##{b}/####');
  });

  it('single-quotes for sh, including quotes inside', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$(x)')).toBe(`'$(x)'`);
  });
});

describe('command size', () => {
  it('counts UTF-8 bytes plus a NUL per argument', () => {
    expect(packedSize(['ab', 'é'])).toBe(3 + 3);
  });

  it('refuses a command tmux would refuse, with a hint', () => {
    expect(() => assertCommandFits(['x'.repeat(TMUX_MAX_COMMAND_BYTES)], 'this')).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', hint: expect.stringContaining('file') }),
    );
    expect(() => assertCommandFits(['x'.repeat(1000)], 'this')).not.toThrow();
  });
});

describe('envArgs', () => {
  it('makes -e pairs, escaping a trailing ;', () => {
    expect(envArgs({ A: 'x y', B: 'z;' })).toEqual(['-e', 'A=x y', '-e', 'B=z\\;']);
  });

  it('rejects names the environment cannot hold and NUL bytes', () => {
    expect(() => envArgs({ '1A': 'x' })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => envArgs({ 'A=B': 'x' })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => envArgs({ A: 'x\0y' })).toThrowError(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});

describe('chunkUtf8', () => {
  it('never splits a character and never exceeds the size', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 4, max: 40 }), (s, max) => {
        const chunks = chunkUtf8(s, max);
        expect(chunks.join('')).toBe(s);
        for (const c of chunks) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(max);
      }),
    );
  });

  it('gives no chunk for empty text', () => {
    expect(chunkUtf8('', 10)).toEqual([]);
  });
});
