import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createWorktree,
  listFlotillaWorktrees,
  listGitWorktrees,
  parseWorktreeList,
  pruneWorktrees,
} from '../../../src/git/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

let repo: TestRepo;
beforeEach(async () => {
  repo = await makeRepo();
});
afterEach(() => repo.cleanup());

const create = (taskId: string, title: string, root = repo.worktreesRoot) =>
  createWorktree({
    repoPath: repo.path,
    root,
    taskId,
    title,
    baseRef: 'main',
    portBase: 4100,
    portBlockSize: 10,
  });

describe('listing worktrees', () => {
  it('lists every worktree with branch and head, and picks out the flotilla ones', async () => {
    const a = await create('a2b3c4', 'first task');
    // A path with a space and an odd character survives the -z parsing.
    const b = await create('b3c4d5', 'second task', join(repo.root, 'my worktrees (x)'));
    const manual = join(repo.root, 'manual');
    await repo.git(['worktree', 'add', '--quiet', '-b', 'feature/by-hand', manual]);
    await repo.git(['worktree', 'lock', '--reason', 'on a usb disk', manual]);

    const all = await listGitWorktrees(repo.path);
    // The main checkout comes first; git orders the others by its internal names.
    expect(all[0]).toMatchObject({ path: repo.path, branch: 'main', bare: false, detached: false });
    expect(all.map((w) => w.path).sort()).toEqual([repo.path, a.path, b.path, manual].sort());
    const byPath = new Map(all.map((w) => [w.path, w]));
    expect(byPath.get(a.path)).toMatchObject({
      branch: a.branch,
      head: a.baseCommit,
      locked: false,
      prunable: false,
    });
    expect(byPath.get(manual)).toMatchObject({
      branch: 'feature/by-hand',
      locked: true,
      lockedReason: 'on a usb disk',
    });

    const flotilla = await listFlotillaWorktrees(repo.path);
    expect(flotilla.map((w) => w.branch).sort()).toEqual([a.branch, b.branch].sort());
  });

  it('parses detached and bare entries', () => {
    const out = [
      'worktree /r',
      'bare',
      '',
      'worktree /w',
      'HEAD abc',
      'detached',
      'prunable gitdir file points to non-existent location',
      '',
      '',
    ].join('\0');
    expect(parseWorktreeList(out)).toEqual([
      expect.objectContaining({ path: '/r', bare: true, head: null, branch: null }),
      expect.objectContaining({ path: '/w', head: 'abc', detached: true, prunable: true }),
    ]);
  });
});

describe('pruneWorktrees', () => {
  it('drops records of worktrees whose directory is gone, keeping their branches', async () => {
    const keep = await create('a2b3c4', 'kept');
    const gone = await create('b3c4d5', 'deleted by hand');
    rmSync(gone.path, { recursive: true, force: true });

    const report = await pruneWorktrees(repo.path);
    expect(report.pruned).toEqual([
      { path: gone.path, branch: gone.branch, reason: expect.stringContaining('non-existent') },
    ]);
    expect((await listGitWorktrees(repo.path)).map((w) => w.path)).toEqual([repo.path, keep.path]);
    expect(await repo.git(['branch', '--list', gone.branch])).toContain(gone.branch);
  });

  it('reports stale but locked worktrees instead of pruning them', async () => {
    const locked = await create('a2b3c4', 'locked one');
    await repo.git(['worktree', 'lock', locked.path]);
    rmSync(locked.path, { recursive: true, force: true });
    const report = await pruneWorktrees(repo.path);
    expect(report.pruned).toEqual([]);
    expect(report.lockedStale).toEqual([{ path: locked.path, branch: locked.branch }]);
  });
});
