import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreatedWorktree,
  createWorktree,
  isMerged,
  listGitWorktrees,
  type RemoveWorktreeOptions,
  removeWorktree,
} from '../../../src/git/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

let repo: TestRepo;
let wt: CreatedWorktree;

beforeEach(async () => {
  repo = await makeRepo({ files: { 'a.txt': 'a\n' }, gitignore: '.env\n' });
  repo.write({ '.env': 'SECRET=1\n', '.worktreeinclude': '.env\n' });
  wt = await createWorktree({
    repoPath: repo.path,
    root: repo.worktreesRoot,
    taskId: 'a2b3c4',
    title: 'remove me',
    baseRef: 'main',
    portBase: 4100,
    portBlockSize: 10,
  });
});
afterEach(() => repo.cleanup());

const removal = (extra: Partial<RemoveWorktreeOptions> = {}): RemoveWorktreeOptions => ({
  repoPath: repo.path,
  path: wt.path,
  branch: wt.branch,
  baseCommit: wt.baseCommit,
  force: false,
  deleteBranch: false,
  ...extra,
});

const branchExists = async (b: string) => (await repo.git(['branch', '--list', b])) !== '';

async function refusal(options: RemoveWorktreeOptions): Promise<string> {
  const err = await removeWorktree(options).catch((e: unknown) => e);
  expect(err).toMatchObject({ code: 'CONFLICT' });
  return (err as Error).message;
}

/** Two commits on the task branch, made in its worktree. */
async function work(): Promise<void> {
  await repo.commit({ 'feature.txt': 'feature\n' }, 'add feature', wt.path);
  await repo.commit({ 'a.txt': 'a\nmore\n' }, 'extend a', wt.path);
}

describe('removeWorktree', () => {
  it('removes a clean worktree (copied ignored files and all) and keeps the branch by default', async () => {
    expect(existsSync(join(wt.path, '.env'))).toBe(true);
    const result = await removeWorktree(removal());
    expect(result).toMatchObject({ worktreeRemoved: true, branchDeleted: false, errors: [], discarded: [] });
    expect(existsSync(wt.path)).toBe(false);
    expect(await branchExists(wt.branch)).toBe(true);
  });

  it('refuses a dirty worktree, says what would be lost, and touches nothing', async () => {
    repo.write({ 'a.txt': 'changed\n', 'notes.md': 'draft\n', 'more.md': 'x\n' }, wt.path);
    const message = await refusal(removal({ deleteBranch: true }));
    expect(message).toContain('3 uncommitted changes (1 modified or staged, 2 untracked)');
    expect(readFileSync(join(wt.path, 'notes.md'), 'utf8')).toBe('draft\n');
    expect(await branchExists(wt.branch)).toBe(true);
    expect((await listGitWorktrees(repo.path)).map((w) => w.path)).toContain(wt.path);
  });

  it('refuses to delete a branch with unmerged commits, even with a clean worktree', async () => {
    await work();
    const message = await refusal(removal({ deleteBranch: true }));
    expect(message).toContain(`2 commits on ${wt.branch} not in main`);
    expect(existsSync(wt.path)).toBe(true);
    expect(await branchExists(wt.branch)).toBe(true);

    // Keeping the branch makes the same removal safe.
    expect(await removeWorktree(removal())).toMatchObject({ worktreeRemoved: true, branchDeleted: false });
    expect(await repo.git(['log', '-1', '--format=%s', wt.branch])).toBe('extend a');
  });

  it('deletes the branch once it is merged into main', async () => {
    await work();
    await repo.git(['merge', '--quiet', '--no-ff', '-m', 'merge task', wt.branch]);
    const result = await removeWorktree(removal({ deleteBranch: true }));
    expect(result).toMatchObject({ worktreeRemoved: true, branchDeleted: true, errors: [] });
    expect(await branchExists(wt.branch)).toBe(false);
  });

  it('treats a squash-merged branch as merged', async () => {
    await work();
    await repo.git(['merge', '--quiet', '--squash', wt.branch]);
    await repo.git(['commit', '--quiet', '-m', 'squashed task']);
    expect(await isMerged(repo.path, wt.branch, 'main')).toEqual({
      merged: true,
      how: 'tree-equivalent',
      unmerged: 0,
    });
    expect(await removeWorktree(removal({ deleteBranch: true }))).toMatchObject({ branchDeleted: true });
  });

  it('does not treat a squash that main later reverted as merged', async () => {
    await work();
    await repo.git(['merge', '--quiet', '--squash', wt.branch]);
    await repo.git(['commit', '--quiet', '-m', 'squashed task']);
    await repo.git(['revert', '--no-edit', 'HEAD']);
    expect(await isMerged(repo.path, wt.branch, 'main')).toMatchObject({ merged: false, unmerged: 2 });
    await refusal(removal({ deleteBranch: true }));
  });

  it('treats cherry-picked (rebase-merged) commits as merged', async () => {
    await work();
    await repo.commit({ 'other.txt': 'main moved\n' }, 'unrelated main work');
    await repo.git(['cherry-pick', `main..${wt.branch}`]);
    expect(await isMerged(repo.path, wt.branch, 'main')).toEqual({
      merged: true,
      how: 'patch-equivalent',
      unmerged: 0,
    });
  });

  it('judges merged-ness against the base branch it is given', async () => {
    await work();
    await repo.git(['branch', 'release', wt.branch]);
    await refusal(removal({ deleteBranch: true }));
    expect(await removeWorktree(removal({ deleteBranch: true, baseBranch: 'release' }))).toMatchObject({
      branchDeleted: true,
    });
  });

  it('counts a branch merged on origin (fetched, not yet pulled) as merged', async () => {
    const clone = join(repo.root, 'clone');
    await repo.git(['clone', '--quiet', repo.path, clone], repo.root);
    const cloned = await createWorktree({
      repoPath: clone,
      root: join(repo.root, 'clone-worktrees'),
      taskId: 'b3c4d5',
      title: 'remote work',
      baseRef: 'main',
      portBase: 4100,
      portBlockSize: 10,
    });
    await repo.commit({ 'remote.txt': 'r\n' }, 'remote work', cloned.path);
    await repo.git(['push', '--quiet', 'origin', cloned.branch], cloned.path);
    await repo.git(['merge', '--quiet', '--no-ff', '-m', 'merged upstream', cloned.branch]);
    await repo.git(['fetch', '--quiet', 'origin'], clone);

    const result = await removeWorktree({
      repoPath: clone,
      path: cloned.path,
      branch: cloned.branch,
      baseCommit: cloned.baseCommit,
      force: false,
      deleteBranch: true,
    });
    expect(result).toMatchObject({ worktreeRemoved: true, branchDeleted: true, errors: [] });
  });

  it('refuses a detached HEAD holding commits no branch has', async () => {
    await repo.git(['checkout', '--quiet', '--detach'], wt.path);
    await repo.commit({ 'orphan.txt': 'o\n' }, 'orphan', wt.path);
    const message = await refusal(removal());
    expect(message).toContain('1 commit on a detached HEAD');
  });

  it('with force, removes a dirty worktree and an unmerged branch and lists what was discarded', async () => {
    await work();
    repo.write({ 'scratch.txt': 'x\n' }, wt.path);
    const result = await removeWorktree(removal({ force: true, deleteBranch: true }));
    expect(result).toMatchObject({ worktreeRemoved: true, branchDeleted: true, errors: [] });
    expect(result.discarded).toEqual([
      '1 uncommitted change (0 modified or staged, 1 untracked)',
      `2 commits on ${wt.branch} not in main`,
    ]);
    expect(existsSync(wt.path)).toBe(false);
    expect(await branchExists(wt.branch)).toBe(false);
  });

  it('copes with a worktree directory deleted by hand', async () => {
    rmSync(wt.path, { recursive: true, force: true });
    const result = await removeWorktree(removal({ deleteBranch: true }));
    expect(result).toMatchObject({ worktreeRemoved: true, branchDeleted: true, errors: [] });
    expect(result.notes[0]).toContain('already gone');
    expect((await listGitWorktrees(repo.path)).map((w) => w.path)).toEqual([repo.path]);
  });

  it('reports every failed step instead of stopping at the first', async () => {
    await repo.git(['worktree', 'lock', wt.path]);
    const result = await removeWorktree(removal({ deleteBranch: true }));
    expect(result.worktreeRemoved).toBe(false);
    expect(result.branchDeleted).toBe(false);
    expect(result.errors).toHaveLength(2);
    expect(result.errors[0]).toContain('locked');
    expect(existsSync(wt.path)).toBe(true);
  });

  it('never removes the main checkout', async () => {
    await expect(removeWorktree(removal({ path: repo.path, force: true }))).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });
});

describe('isMerged', () => {
  it('counts unmerged commits', async () => {
    expect(await isMerged(repo.path, wt.branch, 'main')).toEqual({
      merged: true,
      how: 'ancestor',
      unmerged: 0,
    });
    await work();
    expect(await isMerged(repo.path, wt.branch, 'main')).toEqual({ merged: false, how: null, unmerged: 2 });
  });

  it('refuses unknown refs', async () => {
    await expect(isMerged(repo.path, 'nope', 'main')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
