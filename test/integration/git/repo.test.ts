import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultBranch, gitToplevel, gitVersion, resolveRef } from '../../../src/git/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

let repo: TestRepo;
let first: string;
let second: string;

beforeAll(async () => {
  repo = await makeRepo({ files: { 'src/a.txt': 'a\n' } });
  first = await repo.git(['rev-parse', 'HEAD']);
  second = await repo.commit({ 'src/b.txt': 'b\n' });
  await repo.git(['tag', '-a', 'v1', '-m', 'release', first]);
});
afterAll(() => repo.cleanup());

describe('gitToplevel', () => {
  it('finds the toplevel from a subdirectory', async () => {
    expect(await gitToplevel(join(repo.path, 'src'))).toBe(repo.path);
  });

  it('refuses a directory outside any repository, with a hint', async () => {
    const outside = mkdtempSync(join(tmpdir(), 'flotilla-norepo-'));
    try {
      const err = await gitToplevel(outside).catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'NOT_A_GIT_REPO',
        message: `${outside} is not inside a git repository`,
        hint: 'cd into your project, or run git init first',
      });
      await expect(gitToplevel(join(outside, 'missing'))).rejects.toMatchObject({ code: 'NOT_A_GIT_REPO' });
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('resolveRef', () => {
  it('resolves branches, tags (peeled to the commit) and revision expressions', async () => {
    expect(await resolveRef(repo.path, 'main')).toBe(second);
    expect(await resolveRef(repo.path, 'v1')).toBe(first);
    expect(await resolveRef(repo.path, 'HEAD~1')).toBe(first);
    expect(await resolveRef(repo.path, second.slice(0, 10))).toBe(second);
  });

  it('says clearly when a ref is unknown', async () => {
    await expect(resolveRef(repo.path, 'no-such-branch')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining("unknown ref 'no-such-branch'"),
    });
  });

  it('never passes an option-looking ref to git', async () => {
    await expect(resolveRef(repo.path, '--all')).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});

describe('defaultBranch', () => {
  it('is the checked-out branch when there is no remote', async () => {
    expect(await defaultBranch(repo.path)).toBe('main');
  });

  it('prefers origin/HEAD', async () => {
    const clone = join(repo.root, 'clone');
    await repo.git(['branch', 'trunk']);
    await repo.git(['clone', '--quiet', '--branch', 'trunk', repo.path, clone], repo.root);
    // origin/HEAD follows the remote's HEAD (main), whatever the clone checked out.
    expect(await defaultBranch(clone)).toBe('main');
  });

  it('falls back to main/master on a detached HEAD', async () => {
    const other = await makeRepo();
    try {
      await other.git(['branch', '-m', 'main', 'master']);
      await other.git(['checkout', '--quiet', '--detach']);
      expect(await defaultBranch(other.path)).toBe('master');
    } finally {
      other.cleanup();
    }
  });
});

describe('gitVersion', () => {
  it('reads the installed version', async () => {
    const v = await gitVersion();
    expect(v.major).toBeGreaterThanOrEqual(2);
    expect(v.text).toMatch(/^\d+\.\d+/);
  });

  it('reports a missing git as TOOL_MISSING with an install hint', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'flotilla-nopath-'));
    mkdirSync(join(empty, 'bin'));
    const saved = process.env.PATH;
    process.env.PATH = join(empty, 'bin');
    try {
      await expect(gitVersion()).rejects.toMatchObject({
        code: 'TOOL_MISSING',
        hint: expect.stringContaining('apt-get install git'),
      });
    } finally {
      process.env.PATH = saved;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
