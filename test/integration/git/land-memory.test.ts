import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isNothingToLand,
  type LandingStrategy,
  type PreparedLanding,
  prepareLanding,
  removeScratch,
} from '../../../src/git/index.js';
import { AGENT, type LandFixture, landFixture, snapshot } from './land-fixture.js';

/**
 * `checkout: false` builds the landed commit without a scratch worktree. The worktree rebase is
 * the contract: every branch here is landed both ways and the two results must be the same
 * commits. The committer date is pinned, so "the same" is the same sha: tree, parents, author
 * line and message byte for byte (the brief's `git log` line is compared too, for the reader).
 */

const LANDING_DATE = '1700000000 +0000';
let f: LandFixture;
beforeEach(async () => {
  process.env.GIT_COMMITTER_DATE = LANDING_DATE;
  process.env.GIT_AUTHOR_DATE = '1700000000 +0000'; // squash and merge author as now
  f = await landFixture();
});
afterEach(() => {
  delete process.env.GIT_COMMITTER_DATE;
  delete process.env.GIT_AUTHOR_DATE;
  f.repo.cleanup();
});

const LOG = '%T %an %ae %ad %s';

const prepare = (strategy: LandingStrategy, base: string, checkout: boolean, scratchPath = f.scratch) =>
  prepareLanding({
    repoPath: f.repo.path,
    scratchPath,
    baseCommit: base,
    branch: f.branch,
    strategy,
    message: 'Land task t1',
    checkout,
  });

/** Commit on the branch with a given author, author date and exact message. */
async function branchCommit(
  files: Record<string, string>,
  message: string,
  opts: { author?: string; date?: string; remove?: string[]; allowEmpty?: boolean } = {},
): Promise<string> {
  f.repo.write(files, f.wt);
  if (Object.keys(files).length > 0) await f.repo.git(['add', '--', ...Object.keys(files)], f.wt);
  if (opts.remove) await f.repo.git(['rm', '--quiet', '--', ...opts.remove], f.wt);
  // Committed earlier than the landing commits: a replayed commit can never equal its original.
  process.env.GIT_COMMITTER_DATE = '1650000000 +0100';
  await f.repo.git(
    [
      'commit',
      '--quiet',
      '--no-verify',
      '--cleanup=verbatim',
      ...(opts.allowEmpty ? ['--allow-empty'] : []),
      '--author',
      opts.author ?? AGENT,
      '--date',
      opts.date ?? '1690000000 +0200',
      '-m',
      message,
    ],
    f.wt,
  );
  process.env.GIT_COMMITTER_DATE = LANDING_DATE;
  return f.repo.git(['rev-parse', 'HEAD'], f.wt);
}

/**
 * Lands the branch on `base` with a scratch worktree and without; returns the in-memory
 * result after checking it equals the worktree's and that it made no scratch worktree.
 */
async function landBothWays(base: string): Promise<string> {
  const tip = await f.repo.git(['rev-parse', f.branch]);
  const withCheckout = join(f.repo.root, 'scratch', 'with-checkout');
  const expected = ok(await prepare('rebase', base, true, withCheckout));
  await removeScratch(f.repo.path, withCheckout);
  const before = await snapshot(f.repo);
  const got = ok(await prepare('rebase', base, false));
  expect(existsSync(f.scratch), 'the in-memory landing made a scratch worktree').toBe(false);
  expect(await f.repo.git(['log', `--format=${LOG}`, `${base}..${got}`])).toBe(
    await f.repo.git(['log', `--format=${LOG}`, `${base}..${expected}`]),
  );
  expect(got).toBe(expected);
  expect(await f.repo.git(['rev-parse', f.branch])).toBe(tip);
  expect(await snapshot(f.repo)).toEqual(before);
  return got;
}

function ok(result: PreparedLanding): string {
  if (!result.ok) throw new Error(`landing conflicted: ${JSON.stringify(result.conflicts)}`);
  return result.commit;
}

const lines = (n: number, tag = '') => Array.from({ length: n }, (_, i) => `line ${i}${tag}\n`).join('');

describe('rebase without a checkout lands the same commits as the worktree rebase', () => {
  it('several commits, one merged into a file the base also changed', async () => {
    await f.repo.commit({ 'long.txt': lines(30) }, 'a long file');
    await f.repo.git(['merge', '--quiet', '--ff-only', 'main'], f.wt);
    await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature', { date: '1690000000 +0530' });
    await branchCommit({ 'long.txt': lines(30).replace('line 25\n', 'line 25 (branch)\n') }, 'edit the end');
    await branchCommit({ 'b.txt': 'bee\nmore bee\n' }, 'extend b', { author: 'Other Author <o@x.invalid>' });
    const base = await f.repo.commit(
      { 'long.txt': lines(30).replace('line 2\n', 'line 2 (main)\n') },
      'main',
    );
    const got = await landBothWays(base);
    expect(await f.repo.git(['rev-list', '--count', `${base}..${got}`])).toBe('3');
    expect(await f.repo.git(['show', `${got}:long.txt`])).toContain('line 2 (main)\nline 3');
    expect(await f.repo.git(['show', `${got}:long.txt`])).toContain('line 25 (branch)');
  });

  it('renames, one of a file the base edited meanwhile', async () => {
    await f.repo.commit({ 'long.txt': lines(20), 'docs/old.md': 'old doc\n' }, 'files to rename');
    await f.repo.git(['merge', '--quiet', '--ff-only', 'main'], f.wt);
    await f.repo.git(['mv', 'long.txt', 'renamed.txt'], f.wt);
    await f.repo.git(['mv', 'docs/old.md', 'docs/new.md'], f.wt);
    await branchCommit({}, 'rename two files');
    const base = await f.repo.commit({ 'long.txt': lines(20, ' (main)') }, 'main edits the renamed file');
    const got = await landBothWays(base);
    expect(await f.repo.git(['show', `${got}:renamed.txt`])).toContain('line 3 (main)');
  });

  it('a binary file added then changed, a symlink, a deletion, an executable bit', async () => {
    await f.repo.commit({ 'run.sh': '#!/bin/sh\necho hi\n' }, 'a script');
    await f.repo.git(['merge', '--quiet', '--ff-only', 'main'], f.wt);
    const bin = (seed: number) => Buffer.from(Array.from({ length: 600 }, (_, i) => (i * seed) % 256));
    writeFileSync(join(f.wt, 'blob.bin'), bin(7));
    await f.repo.git(['add', 'blob.bin'], f.wt);
    await branchCommit({}, 'add a binary');
    writeFileSync(join(f.wt, 'blob.bin'), bin(13));
    await f.repo.git(['add', 'blob.bin'], f.wt);
    await branchCommit({}, 'change the binary');
    await f.repo.git(['rm', '--quiet', 'b.txt'], f.wt);
    await branchCommit({}, 'delete b');
    chmodSync(join(f.wt, 'run.sh'), 0o755);
    await f.repo.git(['add', 'run.sh'], f.wt);
    await f.repo.git(['update-index', '--chmod=+x', 'run.sh'], f.wt);
    await branchCommit({}, 'make run.sh executable');
    await f.repo.git(
      ['update-index', '--add', '--cacheinfo', `120000,${await hashText('a.txt')},link`],
      f.wt,
    );
    await branchCommit({}, 'a symlink');
    const base = await f.repo.commit({ 'main.txt': 'landed meanwhile\n' }, 'main moves on');
    const got = await landBothWays(base);
    expect(await f.repo.git(['ls-tree', got, 'run.sh', 'link', 'b.txt'])).toMatch(
      /^120000 .*link\n100755 .*run\.sh$/,
    );
  });

  it('drops a commit the base already has (cherry-picked, even if reverted since), and one whose change the base made too', async () => {
    const picked = await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
    await branchCommit({ 'a.txt': 'one\ntwo\nthree\nfour\n' }, 'add line four');
    await branchCommit({ 'c.txt': 'sea\n' }, 'add c');
    // Reverted on the base: replayed, it would change something, but rebase skips it by its patch.
    await f.repo.git(['cherry-pick', picked]);
    await f.repo.git(['revert', '--no-edit', 'HEAD']);
    // The same change inside a bigger commit: another patch, so only the replay finds it empty.
    const base = await f.repo.commit(
      { 'a.txt': 'one\ntwo\nthree\nfour\n', 'z.txt': 'z\n' },
      'main adds four',
    );
    const got = await landBothWays(base);
    expect(await f.repo.git(['log', '--format=%s', `${base}..${got}`])).toBe('add c');
    expect(await f.repo.git(['ls-tree', '--name-only', got, 'feature.txt'])).toBe('');
  });

  it('keeps a commit that started empty, and messages and author lines byte for byte', async () => {
    await branchCommit({ 'x.txt': 'x\n' }, '\n  \nleading blank lines\n\n# not a comment here  \n\n\n', {
      author: 'J. R. R. Tolkien Jr. <jrr@x.invalid>',
      date: '1600000000 -0930',
    });
    await branchCommit({}, 'started empty', { allowEmpty: true });
    await branchCommit({ 'y.txt': 'y\n' }, 'no newline at the end', { date: '1500000000 +1400' });
    await branchCommit({ 'ü.txt': 'ü\n' }, 'Ümlaut and 日本語', { author: 'Zoë Ångström <z@x.invalid>' });
    const base = await f.repo.commit({ 'main.txt': 'meanwhile\n' }, 'main moves on');
    const got = await landBothWays(base);
    expect(await f.repo.git(['log', '--format=%s', `${base}..${got}`])).toBe(
      'Ümlaut and 日本語\nno newline at the end\nstarted empty\nleading blank lines',
    );
  });

  it('a branch on top of the base comes back as it is', async () => {
    const tip = await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
    expect(await landBothWays(f.start)).toBe(tip);
  });

  it('throws nothing-to-land the same way when the base has every commit already', async () => {
    const picked = await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
    await f.repo.git(['cherry-pick', picked]);
    const base = await f.repo.git(['rev-parse', 'main']);
    const messages: string[] = [];
    for (const checkout of [true, false]) {
      const err = await prepare('rebase', base, checkout).catch((e: unknown) => e);
      expect(isNothingToLand(err)).toBe(true);
      messages.push((err as Error).message);
      expect(existsSync(f.scratch)).toBe(false);
    }
    expect(messages[1]).toBe(messages[0]);
  });
});

describe('rebase without a checkout falls back to the worktree when it cannot promise the same result', () => {
  it('a conflict is reported with its hunks and the commit it stopped at', async () => {
    await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
    await branchCommit({ 'a.txt': 'one\nFROM BRANCH\nthree\n' }, 'branch edits line 2');
    const tip = await f.repo.git(['rev-parse', f.branch]);
    const base = await f.repo.commit({ 'a.txt': 'one\nFROM MAIN\nthree\n' }, 'main edits line 2');
    const before = await snapshot(f.repo);
    const result = await prepare('rebase', base, false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.conflicts.map((c) => c.path)).toEqual(['a.txt']);
    expect(result.conflicts[0]?.hunks[0]).toContain('FROM MAIN');
    expect(result.conflicts[0]?.hunks[0]).toContain('FROM BRANCH');
    expect(result.stoppedAt?.subject).toBe('branch edits line 2');
    expect(await f.repo.git(['rev-parse', f.branch])).toBe(tip);
    expect(await snapshot(f.repo)).toEqual(before);
  });

  it('a merge commit on the branch: linearized as rebase does', async () => {
    await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
    await f.repo.git(['branch', 'side', f.start]);
    await f.repo.git(['checkout', '--quiet', 'side']);
    await f.repo.commit({ 'side.txt': 'side\n' }, 'side work');
    await f.repo.git(['checkout', '--quiet', 'main']);
    await f.repo.git(['merge', '--quiet', '--no-ff', '--no-edit', 'side'], f.wt);
    const base = await f.repo.commit({ 'main.txt': 'meanwhile\n' }, 'main moves on');
    await expectSameAsWorktree(base);
  });

  it("attributes in the tree that steer a content merge (the rebase honours them, merge-tree here can't)", async () => {
    await f.repo.commit(
      { 'long.txt': lines(30), '.gitattributes': 'long.txt -merge\n' },
      'no merging long.txt',
    );
    await f.repo.git(['merge', '--quiet', '--ff-only', 'main'], f.wt);
    await branchCommit({ 'long.txt': lines(30).replace('line 25\n', 'line 25 (branch)\n') }, 'edit the end');
    const base = await f.repo.commit(
      { 'long.txt': lines(30).replace('line 2\n', 'line 2 (main)\n') },
      'main',
    );
    const result = await prepare('rebase', base, false);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.conflicts.map((c) => c.path)).toEqual(['long.txt']);
  });

  it("ignores the attributes in the user's checkout, as the scratch worktree does", async () => {
    await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
    await branchCommit({ 'a.txt': 'one\nFROM BRANCH\nthree\n' }, 'branch edits line 2');
    const base = await f.repo.commit({ 'a.txt': 'one\nFROM MAIN\nthree\n' }, 'main edits line 2');
    // Untracked, in the user's checkout only: a union merge would make this clash clean.
    f.repo.write({ '.gitattributes': '*.txt merge=union\n' });
    const result = await prepare('rebase', base, false);
    expect(result.ok).toBe(false);
  });

  it('config that changes how rebase writes commits (commit.cleanup strips comment lines)', async () => {
    await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature\n\n# a comment line\nbody\n');
    const base = await f.repo.commit({ 'main.txt': 'meanwhile\n' }, 'main moves on');
    await f.repo.git(['config', 'commit.cleanup', 'strip']);
    const got = await expectSameAsWorktree(base);
    expect(await f.repo.git(['log', '-1', '--format=%B', got])).toBe('add the feature\n\nbody');
  });

  it('runs none of the repository hooks', async () => {
    await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
    const base = await f.repo.commit({ 'main.txt': 'meanwhile\n' }, 'main moves on');
    const marker = join(f.repo.root, 'hook-ran');
    const hooks = await f.repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'hooks']);
    mkdirSync(hooks, { recursive: true });
    for (const hook of ['pre-commit', 'commit-msg', 'post-commit', 'post-rewrite', 'reference-transaction']) {
      f.repo.write({ [hook]: `#!/bin/sh\necho ${hook} >> '${marker}'\n` }, hooks);
      chmodSync(join(hooks, hook), 0o755);
    }
    ok(await prepare('rebase', base, false));
    expect(existsSync(marker)).toBe(false);
    expect(existsSync(f.scratch)).toBe(false);
    rmSync(hooks, { recursive: true });
  });
});

describe('merge and squash without a checkout', () => {
  for (const strategy of ['merge', 'squash'] as const) {
    it(`${strategy}: the same commit, no scratch worktree; a conflict still has its hunks`, async () => {
      await branchCommit({ 'feature.txt': 'feature\n' }, 'add the feature');
      const base = await f.repo.commit({ 'main.txt': 'meanwhile\n' }, 'main moves on');
      const withCheckout = join(f.repo.root, 'scratch', 'with-checkout');
      const expected = ok(await prepare(strategy, base, true, withCheckout));
      await removeScratch(f.repo.path, withCheckout);
      expect(ok(await prepare(strategy, base, false))).toBe(expected);
      expect(existsSync(f.scratch)).toBe(false);

      await branchCommit({ 'a.txt': 'one\nFROM BRANCH\nthree\n' }, 'branch edits line 2');
      const moved = await f.repo.commit({ 'a.txt': 'one\nFROM MAIN\nthree\n' }, 'main edits line 2');
      const result = await prepare(strategy, moved, false);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.conflicts[0]?.hunks[0]).toContain('FROM BRANCH');
      expect(existsSync(f.scratch)).toBe(false);
    });
  }
});

/** Fallback cases: the same commits, built in the scratch worktree (which is then there). */
async function expectSameAsWorktree(base: string): Promise<string> {
  const withCheckout = join(f.repo.root, 'scratch', 'with-checkout');
  const expected = ok(await prepare('rebase', base, true, withCheckout));
  await removeScratch(f.repo.path, withCheckout);
  const got = ok(await prepare('rebase', base, false));
  expect(got).toBe(expected);
  expect(existsSync(f.scratch), 'it fell back to the scratch worktree').toBe(true);
  return got;
}

async function hashText(text: string): Promise<string> {
  const path = join(f.repo.root, 'link-target');
  writeFileSync(path, text);
  return f.repo.git(['hash-object', '-w', path]);
}
