import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreatedWorktree,
  createWorktree,
  diffAgainstBase,
  worktreeStatus,
  worktreeStatuses,
} from '../../../src/git/index.js';
import { run } from '../../../src/proc/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

let repo: TestRepo;
let wt: CreatedWorktree;

beforeEach(async () => {
  repo = await makeRepo({
    files: { 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'bee\n', 'old-name.txt': 'moving\n' },
    gitignore: '.env\n',
  });
  wt = await createWorktree({
    repoPath: repo.path,
    root: repo.worktreesRoot,
    taskId: 'a2b3c4',
    title: 'status checks',
    baseRef: 'main',
    portBase: 4100,
    portBlockSize: 10,
  });
});
afterEach(() => repo.cleanup());

describe('worktreeStatus', () => {
  it('reports a fresh worktree as clean, level with its base', async () => {
    expect(await worktreeStatus(wt.path, wt.baseCommit)).toEqual({
      path: wt.path,
      branch: wt.branch,
      head: wt.baseCommit,
      dirty: false,
      untracked: 0,
      modified: 0,
      ahead: 0,
      behind: 0,
      diffStat: { files: 0, insertions: 0, deletions: 0 },
      exists: true,
    });
  });

  it('counts modified, staged, renamed and untracked files; ignored files are not dirt', async () => {
    repo.write(
      { 'a.txt': 'one\n2\nthree\nfour\n', 'new.txt': 'x\ny\n', 'scratch.txt': 's\n', '.env': 'S=1\n' },
      wt.path,
    );
    await repo.git(['add', 'new.txt'], wt.path);
    await repo.git(['mv', 'old-name.txt', 'new-name.txt'], wt.path);

    const s = await worktreeStatus(wt.path, wt.baseCommit);
    expect(s).toMatchObject({ dirty: true, modified: 3, untracked: 1, ahead: 0 });
    // a.txt: +2 -1; new.txt: +2 (staged); the rename moves no lines.
    expect(s.diffStat).toEqual({ files: 3, insertions: 4, deletions: 1 });
  });

  it('counts commits ahead of the base, and behind a moving base branch', async () => {
    await repo.commit({ 'c.txt': 'c\n' }, 'one', wt.path);
    await repo.commit({ 'b.txt': 'bee\nbuzz\n' }, 'two', wt.path);
    await repo.commit({ 'main-only.txt': 'm\n' }, 'main moves on');

    const vsCommit = await worktreeStatus(wt.path, wt.baseCommit);
    expect(vsCommit).toMatchObject({ ahead: 2, behind: 0, dirty: false });
    expect(vsCommit.diffStat).toEqual({ files: 2, insertions: 2, deletions: 0 });
    expect(await worktreeStatus(wt.path, 'main')).toMatchObject({ ahead: 2, behind: 1 });
  });

  it('reports a worktree whose directory is gone as not existing', async () => {
    rmSync(wt.path, { recursive: true, force: true });
    expect(await worktreeStatus(wt.path, wt.baseCommit)).toMatchObject({ exists: false, dirty: false });
  });

  it('says so when the base cannot be found', async () => {
    await expect(worktreeStatus(wt.path, 'deleted-branch')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('worktreeStatuses', () => {
  it('answers for every worktree in order, one failure not hiding the others', async () => {
    repo.write({ 'scratch.txt': 's\n' }, wt.path);
    const results = await worktreeStatuses(
      [
        { path: wt.path, base: wt.baseCommit },
        { path: wt.path, base: 'no-such-base' },
        { path: join(repo.root, 'gone'), base: wt.baseCommit },
      ],
      2,
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[0]).toMatchObject({ value: { dirty: true, untracked: 1 } });
    expect(results[2]).toMatchObject({ value: { exists: false } });
  });
});

describe('diffAgainstBase', () => {
  it('gives per-file stats and a unified diff that applies cleanly to the base, new files included', async () => {
    await repo.commit({ 'b.txt': 'bee\nbuzz\n' }, 'committed change', wt.path);
    repo.write({ 'a.txt': 'one\nthree\n', 'brand-new.txt': 'hello\nworld', 'empty.txt': '' }, wt.path);
    writeFileSync(join(wt.path, 'blob.bin'), Buffer.from([0, 1, 2, 3]));

    const d = await diffAgainstBase(wt.path, wt.baseCommit);
    const byPath = Object.fromEntries(d.files.map((f) => [f.path, f]));
    expect(byPath['a.txt']).toMatchObject({ insertions: 0, deletions: 1, untracked: false });
    expect(byPath['b.txt']).toMatchObject({ insertions: 1, deletions: 0, untracked: false });
    expect(byPath['brand-new.txt']).toMatchObject({ insertions: 2, untracked: true, binary: false });
    expect(byPath['blob.bin']).toMatchObject({ binary: true, untracked: true });
    expect(d.diff).toContain('+buzz');
    expect(d.diff).toContain('+world\n\\ No newline at end of file');

    // The text is a real patch: applied to a checkout of the base, it reproduces the worktree.
    const check = join(repo.root, 'check');
    await repo.git(['worktree', 'add', '--quiet', '--detach', check, wt.baseCommit]);
    const textOnly = d.diff
      .split(/(?=^diff --git )/m)
      .filter((p) => !p.includes('blob.bin'))
      .join('');
    await run('git', ['-C', check, 'apply', '--whitespace=nowarn', '-'], { input: textOnly });
    for (const f of ['a.txt', 'b.txt', 'brand-new.txt', 'empty.txt']) {
      expect(readFileSync(join(check, f), 'utf8'), f).toBe(readFileSync(join(wt.path, f), 'utf8'));
    }
  });

  it('can leave untracked files out', async () => {
    repo.write({ 'brand-new.txt': 'hello\n' }, wt.path);
    const d = await diffAgainstBase(wt.path, wt.baseCommit, { includeUntracked: false });
    expect(d.files).toEqual([]);
    expect(d.diff).toBe('');
  });
});
