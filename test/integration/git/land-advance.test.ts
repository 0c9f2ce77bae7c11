import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { advanceBase } from '../../../src/git/index.js';
import { commitAs, type LandFixture, landFixture, snapshot } from './land-fixture.js';

let f: LandFixture;
/** main before the landing, and the landed commit (a descendant, as prepareLanding makes). */
let from: string;
let to: string;

beforeEach(async () => {
  f = await landFixture();
  from = f.start;
  await commitAs(
    f.repo,
    { 'a.txt': 'one\nTWO\nthree\n', 'new.txt': 'added by the task\n' },
    'task work',
    f.wt,
  );
  to = await commitAs(f.repo, { 'deep/dir/file.txt': 'nested\n' }, 'more task work', f.wt);
});
afterEach(() => f.repo.cleanup());

const advance = (extra: { from?: string; to?: string } = {}) =>
  advanceBase({ repoPath: f.repo.path, baseRef: 'main', from, to, ...extra });
const mainTip = () => f.repo.git(['rev-parse', 'refs/heads/main']);

describe('advanceBase, base not checked out', () => {
  beforeEach(async () => {
    await f.repo.git(['switch', '--quiet', '-c', 'elsewhere']);
  });

  it('moves the branch with update-ref and leaves every checkout alone', async () => {
    const before = await snapshot(f.repo);
    expect(await advance()).toEqual({ advanced: true, how: 'update-ref', worktree: null });
    expect(await mainTip()).toBe(to);
    const after = await snapshot(f.repo);
    expect(after.files).toEqual(before.files);
    expect(after.head).toBe(before.head);
  });

  it("reports 'moved' and changes nothing when the base moved since it was read", async () => {
    const tree = await f.repo.git(['rev-parse', `${from}^{tree}`]);
    const other = await f.repo.git(['commit-tree', tree, '-p', from, '-m', 'someone else landed']);
    await f.repo.git(['update-ref', 'refs/heads/main', other]);
    expect(await advance()).toEqual({ advanced: false, reason: 'moved', actual: other });
    expect(await mainTip()).toBe(other);
  });

  it('refuses a target that does not descend from the base, changing nothing', async () => {
    await expect(advance({ from: to, to: from })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await mainTip()).toBe(from);
  });
});

describe('advanceBase, base checked out in the main worktree', () => {
  it('fast-forwards the checkout so its files follow the branch', async () => {
    expect(await advance()).toEqual({ advanced: true, how: 'fast-forward', worktree: f.repo.path });
    expect(await mainTip()).toBe(to);
    expect(await f.repo.git(['rev-parse', 'HEAD'])).toBe(to);
    expect(readFileSync(join(f.repo.path, 'a.txt'), 'utf8')).toBe('one\nTWO\nthree\n');
    expect(readFileSync(join(f.repo.path, 'deep/dir/file.txt'), 'utf8')).toBe('nested\n');
    expect(await f.repo.git(['status', '--porcelain'])).toBe('');
  });

  it("keeps the user's unrelated modified, staged and untracked files byte for byte", async () => {
    f.repo.write({
      'b.txt': 'bee, edited, not staged\n',
      'staged.txt': 'staged, new\n',
      'scratch.txt': 'untracked\n',
    });
    await f.repo.git(['add', 'staged.txt']);
    expect(await advance()).toMatchObject({ advanced: true, how: 'fast-forward' });
    expect(await mainTip()).toBe(to);
    expect(readFileSync(join(f.repo.path, 'b.txt'), 'utf8')).toBe('bee, edited, not staged\n');
    expect(readFileSync(join(f.repo.path, 'staged.txt'), 'utf8')).toBe('staged, new\n');
    expect(readFileSync(join(f.repo.path, 'scratch.txt'), 'utf8')).toBe('untracked\n');
    expect(readFileSync(join(f.repo.path, 'new.txt'), 'utf8')).toBe('added by the task\n');
    // Each change is still of its kind: modified (not staged), staged, untracked.
    expect(await f.repo.git(['diff', '--name-only'])).toBe('b.txt');
    expect(await f.repo.git(['diff', '--cached', '--name-only'])).toBe('staged.txt');
    expect(await f.repo.git(['ls-files', '--others', '--exclude-standard'])).toBe('scratch.txt');
  });

  it("reports 'dirty' with the overlapping files and changes nothing at all", async () => {
    f.repo.write({
      'a.txt': 'the user is editing a\n',
      'new.txt': 'my own new.txt\n',
      'unrelated.txt': 'x\n',
    });
    await f.repo.git(['add', 'unrelated.txt']);
    const before = await snapshot(f.repo);
    expect(await advance()).toEqual({
      advanced: false,
      reason: 'dirty',
      worktree: f.repo.path,
      files: ['a.txt', 'new.txt'],
    });
    expect(await snapshot(f.repo)).toEqual(before);
    expect(await mainTip()).toBe(from);
  });

  it('counts a staged change to a file the landing changes, and a file where it needs a directory', async () => {
    f.repo.write({ 'a.txt': 'staged edit\n', deep: 'a file, not a dir\n' });
    await f.repo.git(['add', 'a.txt']);
    const before = await snapshot(f.repo);
    expect(await advance()).toMatchObject({ advanced: false, reason: 'dirty', files: ['a.txt', 'deep'] });
    expect(await snapshot(f.repo)).toEqual(before);
  });

  it('protects an ignored file where the landing adds one (git itself would overwrite it)', async () => {
    const exclude = await f.repo.git(['rev-parse', '--path-format=absolute', '--git-path', 'info/exclude']);
    f.repo.write({ [exclude]: 'new.txt\n' }, '/');
    f.repo.write({ 'new.txt': 'SECRET=ignored but precious\n' });
    expect(await advance()).toMatchObject({ advanced: false, reason: 'dirty', files: ['new.txt'] });
    expect(readFileSync(join(f.repo.path, 'new.txt'), 'utf8')).toBe('SECRET=ignored but precious\n');
    expect(await mainTip()).toBe(from);
  });

  it("reports 'moved' when the user committed on the base meanwhile", async () => {
    const theirs = await f.repo.commit({ 'b.txt': 'user commit\n' }, 'user commits on main');
    expect(await advance()).toEqual({ advanced: false, reason: 'moved', actual: theirs });
    expect(await f.repo.git(['rev-parse', 'HEAD'])).toBe(theirs);
  });

  it('fast-forwards a linked worktree that has the base checked out, not the main one', async () => {
    await f.repo.git(['switch', '--quiet', '-c', 'elsewhere']);
    const linked = join(f.repo.worktreesRoot, 'on-main');
    await f.repo.git(['worktree', 'add', '--quiet', linked, 'main']);
    expect(await advance()).toEqual({ advanced: true, how: 'fast-forward', worktree: linked });
    expect(readFileSync(join(linked, 'new.txt'), 'utf8')).toBe('added by the task\n');
    expect(await f.repo.git(['rev-parse', 'HEAD'])).toBe(from);
  });
});
