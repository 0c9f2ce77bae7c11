import { describe, expect, it } from 'vitest';
import { isIncluded, mayIncludeInside, parseIncludePatterns } from '../../../src/git/index.js';

// Pure pattern semantics; the copying itself is exercised against real repos in create.test.ts.

const sel = (patterns: string, path: string, isDir = false) =>
  isIncluded(parseIncludePatterns(patterns), path, isDir);

describe('.worktreeinclude patterns', () => {
  it('skips comments and blank lines', () => {
    expect(parseIncludePatterns('# a comment\n\n  \n.env\n')).toHaveLength(1);
  });

  it('matches a bare name at any depth', () => {
    expect(sel('.env', '.env')).toBe(true);
    expect(sel('.env', 'apps/web/.env')).toBe(true);
    expect(sel('.env', '.env.local')).toBe(false);
  });

  it('anchors patterns with a leading or middle slash', () => {
    expect(sel('/.env', '.env')).toBe(true);
    expect(sel('/.env', 'apps/.env')).toBe(false);
    expect(sel('config/local.json', 'config/local.json')).toBe(true);
    expect(sel('config/local.json', 'x/config/local.json')).toBe(false);
  });

  it('keeps * and ? within one component', () => {
    expect(sel('.env.*', '.env.local')).toBe(true);
    expect(sel('config/*.json', 'config/a.json')).toBe(true);
    expect(sel('config/*.json', 'config/sub/a.json')).toBe(false);
    expect(sel('file?.txt', 'file1.txt')).toBe(true);
    expect(sel('file?.txt', 'file10.txt')).toBe(false);
  });

  it('lets ** span components', () => {
    expect(sel('**/secrets.json', 'secrets.json')).toBe(true);
    expect(sel('**/secrets.json', 'a/b/secrets.json')).toBe(true);
    expect(sel('config/**/*.pem', 'config/a/b/key.pem')).toBe(true);
    expect(sel('config/**/*.pem', 'config/key.pem')).toBe(true);
    expect(sel('certs/**', 'certs/a/b.pem')).toBe(true);
    expect(sel('certs/**', 'other/certs/b.pem')).toBe(false);
  });

  it('supports character classes', () => {
    expect(sel('key[0-9].pem', 'key7.pem')).toBe(true);
    expect(sel('key[!0-9].pem', 'key7.pem')).toBe(false);
    expect(sel('key[!0-9].pem', 'keyx.pem')).toBe(true);
  });

  it('selects everything inside a matching directory; a trailing slash means directories only', () => {
    expect(sel('.secrets/', '.secrets/a/b.txt')).toBe(true);
    expect(sel('.secrets/', '.secrets', false)).toBe(false);
    expect(sel('.secrets/', '.secrets', true)).toBe(true);
    expect(sel('vendor', 'vendor/lib.so')).toBe(true);
  });

  it('lets a later ! pattern take files back out', () => {
    const rules = '.env*\n!.env.example\n';
    expect(sel(rules, '.env')).toBe(true);
    expect(sel(rules, '.env.example')).toBe(false);
    expect(sel('.secrets/\n!.secrets/huge.bin', '.secrets/huge.bin')).toBe(false);
    expect(sel('.secrets/\n!.secrets/huge.bin', '.secrets/ok.txt')).toBe(true);
  });

  it('escapes regex metacharacters in names', () => {
    expect(sel('a+b(1).txt', 'a+b(1).txt')).toBe(true);
    expect(sel('a.txt', 'aXtxt')).toBe(false);
  });

  it('opens collapsed directories only for patterns that name a path inside them', () => {
    const rules = parseIncludePatterns(['.env', '**/*.key', 'config/local/*.json', 'tools/**/bin']);
    expect(mayIncludeInside(rules, 'node_modules')).toBe(false);
    expect(mayIncludeInside(rules, 'config')).toBe(true);
    expect(mayIncludeInside(rules, 'config/local')).toBe(true);
    expect(mayIncludeInside(rules, 'config/other')).toBe(false);
    expect(mayIncludeInside(rules, 'tools/a/b')).toBe(true);
  });
});
