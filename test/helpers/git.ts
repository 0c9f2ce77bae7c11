import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { run } from '../../src/proc/index.js';

/**
 * Real git repositories in temp dirs for tests. Importing this module isolates git from the
 * machine: no global or system config, a fixed identity, no inherited GIT_DIR.
 */

const IDENTITY = {
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Flotilla Test',
  GIT_AUTHOR_EMAIL: 'test@flotilla.invalid',
  GIT_COMMITTER_NAME: 'Flotilla Test',
  GIT_COMMITTER_EMAIL: 'test@flotilla.invalid',
  GIT_TERMINAL_PROMPT: '0',
};

/** Make every git process of this test process ignore the user's config. */
export function isolateGitEnv(): void {
  Object.assign(process.env, IDENTITY);
  for (const key of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR']) delete process.env[key];
}
isolateGitEnv();

/** A temp repository on branch `main` with one commit. */
export interface TestRepo {
  /** Temp dir holding the repo (and, by convention, `worktrees/`). */
  root: string;
  /** The main checkout. */
  path: string;
  /** Where tests put worktrees: `<root>/worktrees`. */
  worktreesRoot: string;
  /** Run git in the main checkout (or in `cwd`), returning trimmed stdout; throws on failure. */
  git(args: readonly string[], cwd?: string): Promise<string>;
  /** Write files (creating directories) relative to `cwd` (default: the main checkout). */
  write(files: Record<string, string>, cwd?: string): void;
  /** Write files, `git add` them and commit; returns the new commit sha. */
  commit(files: Record<string, string>, message?: string, cwd?: string): Promise<string>;
  cleanup(): void;
}

export interface MakeRepoOptions {
  /** Tracked files of the first commit. Default: a README. */
  files?: Record<string, string>;
  /** Contents of a tracked `.gitignore` in the first commit. */
  gitignore?: string;
}

export async function makeRepo(options: MakeRepoOptions = {}): Promise<TestRepo> {
  // realpath: macOS and some CI put tmpdir behind a symlink, and git reports real paths.
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'flotilla-git-')));
  const path = join(root, 'repo');
  mkdirSync(path);

  const git = async (args: readonly string[], cwd = path) =>
    (await run('git', ['-C', cwd, ...args])).stdout.trim();
  const write = (files: Record<string, string>, cwd = path) => {
    for (const [rel, content] of Object.entries(files)) {
      const file = join(cwd, rel);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
  };
  let counter = 0;
  const commit = async (files: Record<string, string>, message?: string, cwd = path) => {
    write(files, cwd);
    await git(['add', '--force', '--', ...Object.keys(files)], cwd);
    await git(['commit', '--quiet', '--no-verify', '-m', message ?? `commit ${++counter}`], cwd);
    return git(['rev-parse', 'HEAD'], cwd);
  };

  try {
    await git(['init', '--quiet', '--initial-branch=main']);
    await commit(
      {
        ...(options.files ?? { 'README.md': '# test repo\n' }),
        ...(options.gitignore === undefined ? {} : { '.gitignore': options.gitignore }),
      },
      'initial commit',
    );
  } catch (e) {
    // The caller never gets a handle to clean up with, so nothing may be left behind here.
    rmSync(root, { recursive: true, force: true });
    throw e;
  }
  return {
    root,
    path,
    worktreesRoot: join(root, 'worktrees'),
    git,
    write,
    commit,
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
