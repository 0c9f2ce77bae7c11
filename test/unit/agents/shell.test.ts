import { describe, expect, it } from 'vitest';
import { hookShellCommand, shellQuote } from '../../../src/agents/shell.js';
import { shellWords } from './fixtures.js';

describe('shell quoting for hook commands', () => {
  it('single-quotes every word, escaping quotes', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote('$(rm -rf /) `x` "y"')).toBe(`'$(rm -rf /) \`x\` "y"'`);
    expect(shellWords(shellQuote("a'b c"))).toEqual(["a'b c"]);
  });

  it('rejects NUL, an empty argv and anything but an event name', () => {
    expect(() => shellQuote('a\0b')).toThrow();
    expect(() => hookShellCommand([], 'Stop')).toThrow();
    expect(() => hookShellCommand(['/bin/node'], 'Stop; rm -rf /')).toThrow(/event name/);
  });
});
