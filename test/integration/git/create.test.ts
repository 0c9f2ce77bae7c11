import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  symlinkSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CreateWorktreeOptions,
  createWorktree,
  listGitWorktrees,
  onGitCall,
} from '../../../src/git/index.js';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

let repo: TestRepo;
beforeEach(async () => {
  repo = await makeRepo({
    files: { 'src/app.ts': 'export {};\n', 'config/.env': 'TRACKED=1\n' },
    gitignore: '.env\n*.log\nnode_modules/\nsecret/\n*.local.json\n',
  });
});
afterEach(() => repo.cleanup());

const opts = (extra: Partial<CreateWorktreeOptions> = {}): CreateWorktreeOptions => ({
  repoPath: repo.path,
  root: repo.worktreesRoot,
  taskId: 'a2b3c4',
  title: 'Fix the login bug',
  baseRef: 'main',
  portBase: 4100,
  portBlockSize: 10,
  ...extra,
});

async function expectNothingLeft(branch: string, path: string): Promise<void> {
  expect(existsSync(path)).toBe(false);
  expect(await repo.git(['branch', '--list', branch])).toBe('');
  const worktrees = await listGitWorktrees(repo.path);
  expect(worktrees.map((w) => w.path)).toEqual([repo.path]);
}

describe('createWorktree', () => {
  it('creates <root>/<id>-<slug> on a new flotilla/ branch at the base commit, with two git calls', async () => {
    const base = await repo.git(['rev-parse', 'main']);
    const calls: string[][] = [];
    const stop = onGitCall((c) => calls.push([...c.args]));
    const wt = await createWorktree(opts()).finally(stop);

    expect(wt).toMatchObject({
      path: join(repo.worktreesRoot, 'a2b3c4-fix-the-login-bug'),
      branch: 'flotilla/a2b3c4-fix-the-login-bug',
      baseRef: 'main',
      baseCommit: base,
      reusedBranch: false,
      copied: [],
    });
    expect(readFileSync(join(wt.path, 'src/app.ts'), 'utf8')).toBe('export {};\n');
    expect(await repo.git(['rev-parse', 'HEAD'], wt.path)).toBe(base);
    expect(await repo.git(['branch', '--show-current'], wt.path)).toBe(wt.branch);
    expect(calls).toHaveLength(2);
  });

  it('starts from the given base ref, not from what the main checkout has', async () => {
    const old = await repo.git(['rev-parse', 'HEAD']);
    await repo.commit({ 'later.txt': 'later\n' });
    const wt = await createWorktree(opts({ baseRef: old }));
    expect(wt.baseCommit).toBe(old);
    expect(existsSync(join(wt.path, 'later.txt'))).toBe(false);
  });

  it('copies ignored and untracked files named by .worktreeinclude and config, and nothing else', async () => {
    repo.write({
      '.env': 'SECRET=1\n',
      'apps/web/.env': 'WEB=1\n',
      'debug.log': 'noise\n',
      'node_modules/pkg/index.js': 'module.exports = 1;\n',
      'node_modules/pkg/.env': 'NOPE=1\n',
      'secret/key.pem': 'KEY\n',
      'app.local.json': '{}\n',
      'notes.txt': 'untracked but not selected\n',
      'config/.env': 'MODIFIED IN MAIN\n',
      '.worktreeinclude': '# files the agent needs\n.env\nsecret/\n',
    });
    chmodSync(join(repo.path, '.env'), 0o600);
    chmodSync(join(repo.path, 'secret/key.pem'), 0o640);
    symlinkSync('key.pem', join(repo.path, 'secret/current.pem'));
    symlinkSync('../../outside.pem', join(repo.path, 'secret/escape.pem'));

    let calls = 0;
    const stop = onGitCall(() => calls++);
    const wt = await createWorktree(opts({ copy: ['*.local.json'] })).finally(stop);

    expect(wt.copied).toEqual([
      '.env',
      'app.local.json',
      'apps/web/.env',
      'secret/current.pem',
      'secret/key.pem',
    ]);
    expect(wt.skipped).toEqual([
      { path: 'secret/escape.pem', reason: 'symlink points outside the repository' },
    ]);
    expect(readFileSync(join(wt.path, '.env'), 'utf8')).toBe('SECRET=1\n');
    expect(lstatSync(join(wt.path, '.env')).mode & 0o777).toBe(0o600);
    expect(lstatSync(join(wt.path, 'secret/key.pem')).mode & 0o777).toBe(0o640);
    expect(readlinkSync(join(wt.path, 'secret/current.pem'))).toBe('key.pem');
    // Tracked files come from the base commit, never from the main checkout's edits.
    expect(readFileSync(join(wt.path, 'config/.env'), 'utf8')).toBe('TRACKED=1\n');
    for (const absent of ['debug.log', 'node_modules', 'notes.txt', 'secret/escape.pem']) {
      expect(existsSync(join(wt.path, absent)), absent).toBe(false);
    }
    // cat-file, worktree add, and the two ls-files listings (untracked, ignored) run side by side.
    expect(calls).toBe(4);
  });

  it('copies a collapsed ignored directory like node_modules only when a pattern names it', async () => {
    repo.write({ 'node_modules/pkg/index.js': 'x\n', 'node_modules/.bin/tool': '#!/bin/sh\n' });
    chmodSync(join(repo.path, 'node_modules/.bin/tool'), 0o755);
    const wt = await createWorktree(opts({ copy: ['/node_modules/'] }));
    expect(wt.copied).toEqual(['node_modules/.bin/tool', 'node_modules/pkg/index.js']);
    expect(lstatSync(join(wt.path, 'node_modules/.bin/tool')).mode & 0o777).toBe(0o755);
  });

  it('runs the setup command in the worktree with its port block in the environment', async () => {
    const wt = await createWorktree(
      opts({ setup: 'echo "$PORT $FLOTILLA_PORT_BASE $FLOTILLA_PORT_COUNT $EXTRA" > ports.txt; echo done' }),
      // env passes through to setup
    );
    expect(readFileSync(join(wt.path, 'ports.txt'), 'utf8')).toBe('4100 4100 10 \n');
    expect(wt.setupOutput).toContain('done');

    const other = await createWorktree(
      opts({
        taskId: 'b3c4d5',
        setup: ['sh', '-c', 'echo "$PORT $EXTRA" > ports.txt'],
        portBase: 4110,
        env: { EXTRA: 'x' },
      }),
    );
    expect(readFileSync(join(other.path, 'ports.txt'), 'utf8')).toBe('4110 x\n');
  });

  it('undoes everything when setup fails, and says which step failed with its last output', async () => {
    const path = join(repo.worktreesRoot, 'a2b3c4-fix-the-login-bug');
    const err = await createWorktree(
      opts({ setup: 'echo installing; echo "npm ERR! missing" >&2; exit 3' }),
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'PROCESS_FAILED' });
    const message = (err as Error).message;
    expect(message).toContain('could not create the worktree for task a2b3c4: the setup command failed:');
    expect(message).toContain('exited with 3');
    expect(message).toContain('npm ERR! missing');
    expect((err as { hint: string }).hint).toContain('nothing was left behind');
    await expectNothingLeft('flotilla/a2b3c4-fix-the-login-bug', path);
  });

  it('undoes everything when setup times out', async () => {
    const err = await createWorktree(opts({ setup: 'exec sleep 30', setupTimeoutMs: 300 })).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'TIMEOUT' });
    await expectNothingLeft(
      'flotilla/a2b3c4-fix-the-login-bug',
      join(repo.worktreesRoot, 'a2b3c4-fix-the-login-bug'),
    );
  });

  it('refuses a branch that already exists, unless asked to reuse it', async () => {
    await repo.git(['branch', 'flotilla/a2b3c4-fix-the-login-bug']);
    const tip = await repo.commit({ 'wip.txt': 'earlier run\n' });
    await repo.git(['branch', '-f', 'flotilla/a2b3c4-fix-the-login-bug', tip]);
    await repo.git(['reset', '--quiet', '--hard', 'HEAD~1']);

    const err = await createWorktree(opts()).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT' });
    expect((err as Error).message).toBe(
      'branch flotilla/a2b3c4-fix-the-login-bug already exists (from an earlier run?)',
    );
    expect((err as { hint: string }).hint).toContain('git -C');
    expect(existsSync(join(repo.worktreesRoot, 'a2b3c4-fix-the-login-bug'))).toBe(false);

    const wt = await createWorktree(opts({ reuseExistingBranch: true }));
    expect(wt.reusedBranch).toBe(true);
    expect(readFileSync(join(wt.path, 'wip.txt'), 'utf8')).toBe('earlier run\n');
  });

  it('keeps a reused branch when setup fails', async () => {
    await repo.git(['branch', 'flotilla/a2b3c4-fix-the-login-bug']);
    await expect(createWorktree(opts({ reuseExistingBranch: true, setup: 'exit 1' }))).rejects.toThrow(
      /setup command failed/,
    );
    expect(await repo.git(['branch', '--list', 'flotilla/a2b3c4-fix-the-login-bug'])).not.toBe('');
  });

  it('reports a failing git worktree add, keeping the reused branch', async () => {
    await repo.git([
      'worktree',
      'add',
      '--quiet',
      join(repo.root, 'elsewhere'),
      '-b',
      'flotilla/a2b3c4-fix-the-login-bug',
    ]);
    const err = await createWorktree(opts({ reuseExistingBranch: true })).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(
      /^could not create the worktree for task a2b3c4: git worktree add failed: .*already checked out/,
    );
    expect(existsSync(join(repo.worktreesRoot, 'a2b3c4-fix-the-login-bug'))).toBe(false);
    expect(await repo.git(['branch', '--list', 'flotilla/a2b3c4-fix-the-login-bug'])).not.toBe('');
  });

  it('refuses an unknown base ref and leaves nothing behind', async () => {
    const err = await createWorktree(opts({ baseRef: 'no-such-ref' })).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining("unknown ref 'no-such-ref'"),
    });
    await expectNothingLeft(
      'flotilla/a2b3c4-fix-the-login-bug',
      join(repo.worktreesRoot, 'a2b3c4-fix-the-login-bug'),
    );
  });

  it('refuses an existing path', async () => {
    mkdirSync(join(repo.worktreesRoot, 'a2b3c4-fix-the-login-bug'), { recursive: true });
    await expect(createWorktree(opts())).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await repo.git(['branch', '--list', 'flotilla/*'])).toBe('');
  });

  it('handles titles with no usable characters', async () => {
    const wt = await createWorktree(opts({ title: '🚀🔥 ...' }));
    expect(wt.branch).toBe('flotilla/a2b3c4-task');
    expect(wt.path).toBe(join(repo.worktreesRoot, 'a2b3c4-task'));
  });

  // Unserialized, concurrent `git worktree add`s sometimes die inside git ("failed to read
  // .git/worktrees/<name>/commondir"): eight at once failed every time before the per-repo lock.
  it('creates several worktrees of one repository at once', async () => {
    const ids = ['c4d5e6', 'd5e6f7', 'e6f7g8', 'f7g8h9', 'g8h9j2', 'h9j2k3', 'j2k3m4', 'k3m4n5'];
    const made = await Promise.all(
      ids.map((taskId, i) => createWorktree(opts({ taskId, portBase: 4100 + 10 * i }))),
    );
    const listed = (await listGitWorktrees(repo.path)).map((w) => w.branch);
    for (const wt of made) expect(listed).toContain(wt.branch);
  });

  it('never copies one worktree into another when worktrees live inside the repository', async () => {
    repo.write({ '.env': 'S=1\n', '.worktreeinclude': '.env\n', '.worktrees/notes.txt': 'n\n' });
    const inside = join(repo.path, '.worktrees');
    const first = await createWorktree(opts({ root: inside }));
    expect(first.copied).toEqual(['.env']);
    const second = await createWorktree(opts({ root: inside, taskId: 'b3c4d5', copy: ['.worktrees/'] }));
    expect(second.copied).toEqual(['.env', '.worktrees/notes.txt']);
    expect(second.skipped).toEqual([
      {
        path: '.worktrees/a2b3c4-fix-the-login-bug/',
        reason: 'another git checkout (worktree or nested repository)',
      },
    ]);
    expect(existsSync(join(second.path, '.worktrees', 'a2b3c4-fix-the-login-bug'))).toBe(false);
    expect(existsSync(join(second.path, '.worktrees', 'b3c4d5-fix-the-login-bug'))).toBe(false);
  });

  it('refuses a directory that is not a git repository', async () => {
    const { baseRef: _, ...rest } = opts({ repoPath: repo.root });
    await expect(createWorktree(rest)).rejects.toMatchObject({ code: 'NOT_A_GIT_REPO' });
    await expect(createWorktree(opts({ repoPath: repo.root }))).rejects.toMatchObject({
      code: 'NOT_A_GIT_REPO',
    });
  });

  it('defaults the base to the default branch', async () => {
    const { baseRef: _, ...rest } = opts();
    const wt = await createWorktree(rest);
    expect(wt.baseRef).toBe('main');
  });
});
