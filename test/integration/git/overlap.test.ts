import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LiveWorktree, OverlapTracker, snapshotWorktree } from '../../../src/git/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

/** Ten numbered lines: `l1`…`l10`, with `edits` (line number → text) applied. */
const lines = (edits: Record<number, string> = {}) =>
  `${Array.from({ length: 10 }, (_, i) => edits[i + 1] ?? `l${i + 1}`).join('\n')}\n`;

let repo: TestRepo;

beforeEach(async () => {
  repo = await makeRepo({ files: { 'shared.txt': lines(), 'other.txt': 'other\n', 'docs/a.md': 'a\n' } });
});
const trackers: OverlapTracker[] = [];
afterEach(async () => {
  for (const t of trackers.splice(0)) await t.close();
  repo.cleanup();
});

/** A tracker of the test repo, closed after the test (it keeps index copies in a temp dir). */
const track = () => {
  const t = new OverlapTracker(repo.path);
  trackers.push(t);
  return t;
};

/** A live worktree on a new branch `name`, from `from` (one at a time: git locks the repo's config). */
async function worktree(name: string, from = 'main'): Promise<LiveWorktree> {
  const path = join(repo.worktreesRoot, name);
  await repo.git(['worktree', 'add', '--quiet', '-b', `flotilla/${name}`, path, from]);
  return { id: name, path, branch: `flotilla/${name}` };
}

async function worktrees<N extends string[]>(...names: N): Promise<{ [K in keyof N]: LiveWorktree }> {
  const out: LiveWorktree[] = [];
  for (const name of names) out.push(await worktree(name));
  return out as { [K in keyof N]: LiveWorktree };
}

/** Resolves at the start of the next wall-clock second. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1_000 - (Date.now() % 1_000) + 20));

const pairOf = (report: Awaited<ReturnType<OverlapTracker['compute']>>, a: string, b: string) =>
  report.pairs.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));

describe('OverlapTracker', () => {
  it('finds the files and hunks two branches share, and which pairs would conflict', async () => {
    const [a, b, c, d] = await worktrees('a', 'b', 'c', 'd');
    await repo.commit({ 'shared.txt': lines({ 3: 'A3', 4: 'A4' }) }, 'a edits 3-4', a.path);
    await repo.commit({ 'shared.txt': lines({ 4: 'B4' }) }, 'b edits 4', b.path);
    await repo.commit({ 'other.txt': 'c\n' }, 'c edits another file', c.path);
    await repo.commit({ 'shared.txt': lines({ 9: 'D9' }) }, 'd edits 9', d.path);

    const report = await track().compute('main', [a, b, c, d]);
    expect(report.errors).toEqual([]);
    expect(report.sides.map((s) => [s.id, s.files, s.dirty])).toEqual([
      ['a', ['shared.txt'], false],
      ['b', ['shared.txt'], false],
      ['c', ['other.txt'], false],
      ['d', ['shared.txt'], false],
    ]);
    expect(pairOf(report, 'a', 'b')).toEqual({
      a: 'a',
      b: 'b',
      files: [{ path: 'shared.txt', overlappingHunks: [{ a: [3, 4], b: [4, 4] }], conflicts: true }],
      conflicts: true,
    });
    // Same file, lines far apart: an overlap of files only, and git merges it cleanly.
    expect(pairOf(report, 'a', 'd')).toEqual({
      a: 'a',
      b: 'd',
      files: [{ path: 'shared.txt', overlappingHunks: [], conflicts: false }],
      conflicts: false,
    });
    expect(pairOf(report, 'b', 'd')?.conflicts).toBe(false);
    // c shares nothing with anyone: no pair names it.
    expect(report.pairs.filter((p) => p.a === 'c' || p.b === 'c')).toEqual([]);
    expect(report.pairs).toHaveLength(3);
  });

  it('counts uncommitted and untracked work without touching the worktree or its index', async () => {
    const [a, b] = await worktrees('a', 'b');
    await repo.commit({ 'shared.txt': lines({ 5: 'A5' }) }, 'a edits 5', a.path);
    writeFileSync(join(b.path, 'shared.txt'), lines({ 5: 'B5' }));
    writeFileSync(join(a.path, 'new.txt'), 'from a\n');
    writeFileSync(join(b.path, 'new.txt'), 'from b\n');
    // Read status first: a plain `git status` refreshes the index itself.
    const statusBefore = await repo.git(['status', '--porcelain'], b.path);
    const indexFile = join(repo.path, '.git', 'worktrees', 'b', 'index');
    const indexBefore = readFileSync(indexFile);

    const report = await track().compute('main', [a, b]);
    expect(report.sides.map((s) => [s.id, s.dirty, s.files])).toEqual([
      ['a', true, ['new.txt', 'shared.txt']],
      ['b', true, ['new.txt', 'shared.txt']],
    ]);
    expect(pairOf(report, 'a', 'b')?.files).toEqual([
      { path: 'new.txt', overlappingHunks: [{ a: [1, 1], b: [1, 1] }], conflicts: true },
      { path: 'shared.txt', overlappingHunks: [{ a: [5, 5], b: [5, 5] }], conflicts: true },
    ]);
    expect(readFileSync(indexFile).equals(indexBefore)).toBe(true);
    expect(await repo.git(['status', '--porcelain'], b.path)).toBe(statusBefore);
    expect(statusBefore).toBe('M shared.txt\n?? new.txt'); // trimmed
    expect(await repo.git(['stash', 'list'], b.path)).toBe('');
  });

  it('snapshots a dirty worktree while its index is locked (an agent committing)', async () => {
    const a = await worktree('a');
    writeFileSync(join(a.path, 'shared.txt'), lines({ 1: 'dirty' }));
    const lock = join(repo.path, '.git', 'worktrees', 'a', 'index.lock');
    writeFileSync(lock, '');
    const copy = join(repo.root, 'index-copy');
    const first = await snapshotWorktree(a.path, copy);
    const again = await snapshotWorktree(a.path, copy);
    rmSync(lock);
    expect(first.dirty).toBe(true);
    // The same work is the same commit, so caches keyed by it stay warm.
    expect(again.commit).toBe(first.commit);
    expect(await repo.git(['show', `${first.commit}:shared.txt`])).toBe(lines({ 1: 'dirty' }).trimEnd());
    expect(await repo.git(['rev-parse', `${first.commit}^`])).toBe(first.head);
  });

  it('takes in a new untracked directory file by file, and reads the work again after the agent commits it', async () => {
    const [a, b] = await worktrees('a', 'b');
    repo.write({ 'feature/one.ts': 'one\n', 'feature/deep/two.ts': 'two\n' }, a.path);
    repo.write({ 'feature/one.ts': 'uno\n' }, b.path);
    const tracker = track();
    const before = await tracker.compute('main', [a, b]);
    expect(before.sides[0]).toMatchObject({
      dirty: true,
      files: ['feature/deep/two.ts', 'feature/one.ts'],
    });
    expect(pairOf(before, 'a', 'b')?.files).toMatchObject([{ path: 'feature/one.ts', conflicts: true }]);
    // The agent commits everything: its index changes, the copy is made again, nothing is dirty.
    await repo.git(['add', '-A'], a.path);
    await repo.git(['commit', '-qm', 'feature'], a.path);
    const after = await tracker.compute('main', [a, b]);
    expect(after.sides[0]).toMatchObject({
      dirty: false,
      commit: await repo.git(['rev-parse', 'HEAD'], a.path),
    });
    expect(pairOf(after, 'a', 'b')?.conflicts).toBe(true);
  });

  it('sees a same-size edit made in the second of the checkout, though its index is copied a second later', async () => {
    const a = await worktree('a');
    await repo.commit({ 'shared.txt': lines({ 4: 'A4' }) }, 'a', a.path);
    // Checkout and edit in one second (so git's stat data cannot tell them apart: same size, and
    // whole seconds) — only that b's index was written in that same second says to look closer.
    await nextSecond();
    const b = await worktree('b');
    writeFileSync(join(b.path, 'shared.txt'), lines({ 4: 'B4' }));
    await nextSecond();
    const report = await track().compute('main', [a, b]);
    expect(report.sides[1]).toMatchObject({ dirty: true, files: ['shared.txt'] });
    expect(pairOf(report, 'a', 'b')?.conflicts).toBe(true);
  });

  it('recomputes only the pairs whose side changed', async () => {
    const sides = await worktrees('a', 'b', 'c');
    const [a, b, c] = sides;
    await repo.commit({ 'shared.txt': lines({ 2: 'A2' }) }, 'a', a.path);
    await repo.commit({ 'shared.txt': lines({ 7: 'B7' }) }, 'b', b.path);
    await repo.commit({ 'other.txt': 'c\n' }, 'c', c.path);
    const tracker = track();

    const first = await tracker.compute('main', sides);
    expect(first.recomputed).toEqual({ sides: 3, pairs: 3 });
    expect(pairOf(first, 'a', 'b')?.conflicts).toBe(false);

    const unchanged = await tracker.compute('main', sides);
    expect(unchanged.recomputed).toEqual({ sides: 0, pairs: 0 });
    expect(unchanged.pairs).toEqual(first.pairs);

    // b now edits a's line: only b's side and its two pairs are redone, and the answer changes.
    await repo.commit({ 'shared.txt': lines({ 2: 'B2', 7: 'B7' }) }, 'b again', b.path);
    const after = await tracker.compute('main', sides);
    expect(after.recomputed).toEqual({ sides: 1, pairs: 2 });
    expect(pairOf(after, 'a', 'b')).toMatchObject({
      conflicts: true,
      files: [{ path: 'shared.txt', overlappingHunks: [{ a: [2, 2], b: [2, 2] }], conflicts: true }],
    });
  });

  it('compares hunks in the same lines when the branches forked from different commits', async () => {
    const early = await worktree('early');
    // main grows three lines at the top of shared.txt; `late` forks after that.
    await repo.commit({ 'shared.txt': `x\ny\nz\n${lines()}` }, 'main grows');
    const late = await worktree('late');
    await repo.commit({ 'shared.txt': lines({ 6: 'E6' }) }, 'early edits l6', early.path);
    await repo.commit(
      { 'shared.txt': `x\ny\nz\n${lines({ 6: 'L6', 10: 'L10' })}` },
      'late edits l6',
      late.path,
    );

    const report = await track().compute('main', [early, late]);
    const sides = Object.fromEntries(report.sides.map((s) => [s.id, s.forkPoint]));
    expect(sides.early).not.toBe(sides.late);
    // l6 is line 6 of early's file and line 9 of late's: the same line, so one overlap; l10 is not.
    expect(pairOf(report, 'early', 'late')?.files).toEqual([
      { path: 'shared.txt', overlappingHunks: [{ a: [6, 6], b: [9, 9] }], conflicts: true },
    ]);
  });

  it('reads a branch whose worktree is gone, and reports a side it cannot read without failing the rest', async () => {
    const [a, b] = await worktrees('a', 'b');
    await repo.commit({ 'shared.txt': lines({ 1: 'A1' }) }, 'a', a.path);
    await repo.commit({ 'shared.txt': lines({ 1: 'B1' }) }, 'b', b.path);
    rmSync(a.path, { recursive: true, force: true });
    const ghost = { id: 'ghost', path: join(repo.root, 'nowhere'), branch: 'flotilla/nowhere' };

    const report = await track().compute('main', [a, b, ghost]);
    expect(report.errors.map((e) => e.id)).toEqual(['ghost']);
    expect(report.errors[0]?.message).toMatch(/nowhere/);
    expect(pairOf(report, 'a', 'b')?.conflicts).toBe(true);
  });

  it('refuses a base that is not a commit, naming it', async () => {
    await expect(track().compute('no-such-branch', [])).rejects.toThrow(/no-such-branch/);
  });
});
