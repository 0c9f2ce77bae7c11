import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  isNothingToLand,
  type LandingStrategy,
  type PreparedLanding,
  predictMerge,
  prepareLanding,
} from '../../../src/git/index.js';
import { AGENT, commitAs, type LandFixture, landFixture, snapshot, subjects } from './land-fixture.js';

let f: LandFixture;
beforeEach(async () => {
  f = await landFixture();
});
afterEach(() => f.repo.cleanup());

/** Same line edited on main and on the branch. */
async function clash(): Promise<{ base: string; tip: string }> {
  await commitAs(f.repo, { 'a.txt': 'one\nFROM BRANCH\nthree\n' }, 'branch edits line 2', f.wt);
  const base = await f.repo.commit({ 'a.txt': 'one\nFROM MAIN\nthree\n' }, 'main edits line 2');
  return { base, tip: await f.repo.git(['rev-parse', f.branch]) };
}

/** Main moves on (new file) and the branch does two commits of its own. */
async function diverge(): Promise<{ base: string; tip: string }> {
  await commitAs(f.repo, { 'feature.txt': 'feature\n' }, 'add the feature', f.wt);
  await commitAs(f.repo, { 'b.txt': 'bee\nmore bee\n' }, 'extend b', f.wt);
  const base = await f.repo.commit({ 'main.txt': 'landed meanwhile\n' }, 'main moves on');
  return { base, tip: await f.repo.git(['rev-parse', f.branch]) };
}

const prepare = (strategy: LandingStrategy, base: string, message = 'Land task t1') =>
  prepareLanding({
    repoPath: f.repo.path,
    scratchPath: f.scratch,
    baseCommit: base,
    branch: f.branch,
    strategy,
    message,
  });

function expectOk(result: PreparedLanding): string {
  if (!result.ok) throw new Error(`landing conflicted: ${JSON.stringify(result.conflicts)}`);
  return result.commit;
}

describe('predictMerge', () => {
  it('says clean when the two sides touch different files, and touches no worktree', async () => {
    await diverge();
    f.repo.write({ 'a.txt': 'user is editing\n' });
    const before = await snapshot(f.repo);
    expect(await predictMerge(f.repo.path, 'main', f.branch)).toEqual({ clean: true, conflicts: [] });
    expect(await snapshot(f.repo)).toEqual(before);
  });

  it('reports a same-line edit with the file and a hunk holding both sides', async () => {
    await clash();
    const prediction = await predictMerge(f.repo.path, 'main', f.branch);
    expect(prediction.clean).toBe(false);
    expect(prediction.conflicts.map((c) => c.path)).toEqual(['a.txt']);
    const [hunk] = prediction.conflicts[0]?.hunks ?? [];
    expect(hunk).toMatch(/^<<<<<<< main\n/);
    expect(hunk).toContain('FROM MAIN');
    expect(hunk).toContain('FROM BRANCH');
    expect(hunk?.endsWith(`\n>>>>>>> ${f.branch}`)).toBe(true);
    expect(hunk).not.toContain('three');
  });

  it('reports a file deleted on one side and edited on the other', async () => {
    await commitAs(f.repo, { 'b.txt': 'bee, edited\n' }, 'edit b', f.wt);
    await f.repo.git(['rm', '--quiet', 'b.txt']);
    await f.repo.git(['commit', '--quiet', '-m', 'drop b']);
    const prediction = await predictMerge(f.repo.path, 'main', f.branch);
    expect(prediction.clean).toBe(false);
    const b = prediction.conflicts.find((c) => c.path === 'b.txt');
    expect(b?.hunks).toEqual([]);
    expect(b?.reasons?.join('\n')).toMatch(/delete/);
  });

  it('clips a long conflict and keeps at most 10 hunks per file', async () => {
    // Unchanged lines between changes keep git from joining the conflicts into one.
    const lines = (tag: string) =>
      Array.from({ length: 30 }, (_, i) => `${i}a\n${i}b\n${i}c\n${i}d\n${i}e\n${tag} ${i}\n`).join('');
    const long = (tag: string) => `${Array.from({ length: 200 }, (_, i) => `${tag} long ${i}`).join('\n')}\n`;
    await f.repo.commit({ 'many.txt': lines('base'), 'long.txt': 'x\n' }, 'two files');
    await f.repo.git(['branch', '-f', 'side', 'main']);
    await f.repo.commit({ 'many.txt': lines('main'), 'long.txt': long('main') }, 'main side');
    await f.repo.git(['checkout', '--quiet', 'side']);
    await f.repo.commit({ 'many.txt': lines('side'), 'long.txt': long('side') }, 'other side');
    const prediction = await predictMerge(f.repo.path, 'main', 'side');
    const many = prediction.conflicts.find((c) => c.path === 'many.txt');
    expect(many?.hunks).toHaveLength(10);
    expect(many?.omittedHunks).toBe(20);
    const [longHunk = ''] = prediction.conflicts.find((c) => c.path === 'long.txt')?.hunks ?? [];
    expect(longHunk.split('\n').length).toBeLessThanOrEqual(81);
    expect(longHunk).toMatch(/… \(\d+ more lines\)$/);
  });
});

describe('prepareLanding', () => {
  it('rebase: replays each branch commit, message and author kept, in a line on top of the base', async () => {
    const { base, tip } = await diverge();
    f.repo.write({ 'a.txt': 'uncommitted user work\n', 'scribble.txt': 'untracked\n' });
    const before = await snapshot(f.repo);
    const commit = expectOk(await prepare('rebase', base));
    expect(await subjects(f.repo, `${base}..${commit}`)).toEqual([
      `add the feature|${AGENT}`,
      `extend b|${AGENT}`,
    ]);
    expect(await f.repo.git(['rev-list', '--min-parents=2', `${base}..${commit}`])).toBe('');
    expect(await f.repo.git(['rev-parse', `${commit}~2`])).toBe(base);
    expect(await f.repo.git(['show', `${commit}:main.txt`])).toBe('landed meanwhile');
    expect(await f.repo.git(['show', `${commit}:feature.txt`])).toBe('feature');
    expect(await f.repo.git(['rev-parse', f.branch])).toBe(tip);
    expect(await snapshot(f.repo)).toEqual(before);
    // The scratch worktree holds the result, detached, for the caller's verify command.
    expect(await f.repo.git(['rev-parse', 'HEAD'], f.scratch)).toBe(commit);
    expect(readFileSync(join(f.scratch, 'main.txt'), 'utf8')).toBe('landed meanwhile\n');
    expect(await f.repo.git(['symbolic-ref', '--quiet', 'HEAD'], f.scratch).catch(() => 'detached')).toBe(
      'detached',
    );
  });

  it('merge: a two-parent commit of base and branch with the given message', async () => {
    const { base, tip } = await diverge();
    const before = await snapshot(f.repo);
    const commit = expectOk(await prepare('merge', base, 'Merge task t1: the feature'));
    expect(await f.repo.git(['rev-parse', `${commit}^1`, `${commit}^2`])).toBe(`${base}\n${tip}`);
    expect(await f.repo.git(['log', '-1', '--format=%B', commit])).toBe('Merge task t1: the feature');
    expect(await f.repo.git(['show', `${commit}:main.txt`])).toBe('landed meanwhile');
    expect(await f.repo.git(['show', `${commit}:b.txt`])).toBe('bee\nmore bee');
    expect(await f.repo.git(['rev-parse', f.branch])).toBe(tip);
    expect(await snapshot(f.repo)).toEqual(before);
    expect(await f.repo.git(['rev-parse', 'HEAD'], f.scratch)).toBe(commit);
  });

  it("squash: one commit on the base with the branch's whole change and the given message", async () => {
    const { base, tip } = await diverge();
    const before = await snapshot(f.repo);
    const commit = expectOk(await prepare('squash', base, 'Task t1: the feature\n\nTwo commits squashed.'));
    expect(await f.repo.git(['rev-list', '--parents', '-n1', commit])).toBe(`${commit} ${base}`);
    expect(await f.repo.git(['log', '-1', '--format=%B', commit])).toBe(
      'Task t1: the feature\n\nTwo commits squashed.',
    );
    // git's own identity (the test's) made it: the fallback is only for repos with none.
    expect(await f.repo.git(['log', '-1', '--format=%cn', commit])).toBe('Flotilla Test');
    expect(await f.repo.git(['diff', '--name-only', base, commit])).toBe('b.txt\nfeature.txt');
    expect(await f.repo.git(['show', `${commit}:main.txt`])).toBe('landed meanwhile');
    expect(await f.repo.git(['rev-parse', f.branch])).toBe(tip);
    expect(await snapshot(f.repo)).toEqual(before);
    expect(existsSync(join(f.scratch, 'feature.txt'))).toBe(true);
  });

  for (const strategy of ['rebase', 'merge'] as const) {
    it(`${strategy}: a conflict is reported with hunks and the scratch worktree is left clean`, async () => {
      const { base, tip } = await clash();
      const before = await snapshot(f.repo);
      const result = await prepare(strategy, base);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.conflicts.map((c) => c.path)).toEqual(['a.txt']);
      expect(result.conflicts[0]?.hunks[0]).toContain('FROM MAIN');
      expect(result.conflicts[0]?.hunks[0]).toContain('FROM BRANCH');
      if (strategy === 'rebase') expect(result.stoppedAt?.subject).toBe('branch edits line 2');
      expect(existsSync(f.scratch)).toBe(true);
      for (const state of ['rebase-merge', 'rebase-apply', 'MERGE_HEAD', 'REBASE_HEAD']) {
        const p = await f.repo.git(['rev-parse', '--path-format=absolute', '--git-path', state], f.scratch);
        expect(existsSync(p), state).toBe(false);
      }
      expect(await f.repo.git(['status', '--porcelain'], f.scratch)).toBe('');
      expect(await f.repo.git(['rev-parse', 'HEAD'], f.scratch)).toBe(base);
      expect(await f.repo.git(['rev-parse', f.branch])).toBe(tip);
      expect(await snapshot(f.repo)).toEqual(before);
    });
  }

  it('refuses a branch with nothing to land, and makes no scratch worktree', async () => {
    const err = await prepare('squash', f.start).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect(isNothingToLand(err)).toBe(true);
    expect(existsSync(f.scratch)).toBe(false);
  });

  it('refuses a rebase whose commits are all on the base already, leaving no scratch behind', async () => {
    const tip = await commitAs(f.repo, { 'feature.txt': 'feature\n' }, 'add the feature', f.wt);
    await f.repo.git(['cherry-pick', tip]);
    const err = await prepare('rebase', await f.repo.git(['rev-parse', 'main'])).catch((e: unknown) => e);
    expect(isNothingToLand(err)).toBe(true);
    expect(existsSync(f.scratch)).toBe(false);
    expect(await f.repo.git(['worktree', 'list', '--porcelain'])).not.toContain('land-1');
  });

  it('refuses a scratch path that already exists', async () => {
    const { base } = await diverge();
    f.repo.write({ 'keep.txt': 'mine\n' }, f.scratch);
    await expect(prepare('merge', base)).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(readFileSync(join(f.scratch, 'keep.txt'), 'utf8')).toBe('mine\n');
  });
});
