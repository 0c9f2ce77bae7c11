import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { branchNameFor, checkBranchName, refNameProblem, slugify } from '../../../src/git/index.js';
import { run } from '../../../src/proc/index.js';
import '../../helpers/git.js';

async function gitAccepts(name: string): Promise<boolean> {
  const r = await run('git', ['check-ref-format', '--branch', name], { allowFailure: true });
  return r.code === 0;
}

describe('slugify', () => {
  it.each([
    ['Fix the login bug', 'fix-the-login-bug'],
    ['Crème brûlée für Straße', 'creme-brulee-fur-strasse'],
    ['  --Add   OAuth2 (GitHub) support!! ', 'add-oauth2-github-support'],
    ['🚀 Launch 🚀', 'launch'],
    ['🚀🔥', 'task'],
    ['!!!...///', 'task'],
    ['', 'task'],
    ['日本語のタイトル', 'task'],
    ['..', 'task'],
    ['refactor.lock', 'refactor-lock'],
    ['Q&A page', 'q-and-a-page'],
  ])('%j → %s', (title, slug) => {
    expect(slugify(title)).toBe(slug);
  });

  it('cuts long titles at a word boundary, within 40 characters', () => {
    const slug = slugify('Implement the new payment provider integration with retries and idempotency keys');
    expect(slug).toBe('implement-the-new-payment-provider');
    expect(slug.length).toBeLessThanOrEqual(40);
    expect(slugify('x'.repeat(100))).toBe('x'.repeat(40));
  });
});

describe('branchNameFor', () => {
  it('is flotilla/<task-id>-<slug>', () => {
    expect(branchNameFor('a2b3c4', 'Fix the login bug')).toBe('flotilla/a2b3c4-fix-the-login-bug');
  });

  it('refuses a task id that would make an invalid ref', () => {
    expect(() => branchNameFor('a..b', 'x')).toThrow(expect.objectContaining({ code: 'INVALID_BRANCH' }));
    expect(() => branchNameFor('a b', 'x')).toThrow(/contains a space/);
  });

  it('always produces a name git accepts, whatever the title', async () => {
    const titles = fc.sample(fc.string({ unit: 'grapheme', maxLength: 120 }), { numRuns: 40, seed: 42 });
    titles.push('..', 'a.lock', '@{-1}', '-rf', 'HEAD', '~^:?*[\\', '\u0000\u001f');
    const names = titles.map((t) => branchNameFor('a2b3c4', t));
    for (const name of names) expect(refNameProblem(name)).toBeNull();
    const verdicts = await Promise.all(names.map(gitAccepts));
    expect(names.filter((_, i) => !verdicts[i])).toEqual([]);
  });
});

describe('checkBranchName', () => {
  it('accepts valid names', async () => {
    await expect(checkBranchName('flotilla/abc-fix')).resolves.toBe('flotilla/abc-fix');
  });

  it.each([
    ['a..b', "'..'"],
    ['feature/x.lock', "'.lock'"],
    ['feature/.hidden', "starts with '.'"],
    ['has space', 'a space'],
    ['ends.', "ends with '.'"],
    ['-rf', "starts with '-'"],
    ['@{-1}', "'@{'"],
    ['a//b', "'//'"],
    ['trailing/', "'/'"],
    ['what?', "'?'"],
    ['', 'empty'],
  ])('rejects %j with the reason', async (name, reason) => {
    const err = await checkBranchName(name).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'INVALID_BRANCH' });
    expect((err as Error).message).toContain(reason);
  });

  // '@' is left out: `--branch` *expands* it to the current branch rather than judging it.
  it('agrees with git check-ref-format on tricky names', async () => {
    const names = ['a/b/c', 'a.b', 'x@y', 'a@{b', 'a~1', 'é', 'a\tb', 'foo.lock/bar', 'a/.b', 'a/b.'];
    const verdicts = await Promise.all(names.map(gitAccepts));
    expect(names.map((n) => refNameProblem(n) === null)).toEqual(verdicts);
  });
});
