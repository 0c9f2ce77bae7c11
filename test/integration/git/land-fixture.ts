import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { makeRepo, type TestRepo } from '../../helpers/git.js';

/**
 * A repository with a task branch checked out in its own worktree, as Flotilla makes them,
 * plus a snapshot of everything the user owns (refs, the main checkout's HEAD, index, status
 * and file bytes) so a landing test can prove it touched none of it.
 */

export const AGENT = 'Agent Smith <agent@flotilla.invalid>';
export const BRANCH = 'flotilla/t1-land-me';

export interface LandFixture {
  repo: TestRepo;
  /** The task worktree. */
  wt: string;
  branch: string;
  /** main when the branch was made. */
  start: string;
  scratch: string;
}

export async function landFixture(): Promise<LandFixture> {
  const repo = await makeRepo({ files: { 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'bee\n' } });
  const wt = join(repo.worktreesRoot, 't1');
  await repo.git(['worktree', 'add', '--quiet', '-b', BRANCH, wt, 'main']);
  const start = await repo.git(['rev-parse', 'main']);
  return { repo, wt, branch: BRANCH, start, scratch: join(repo.root, 'scratch', 'land-1') };
}

/** Commit `files` in `cwd` with the agent as author (committer stays the test identity). */
export async function commitAs(
  repo: TestRepo,
  files: Record<string, string>,
  message: string,
  cwd: string,
  author = AGENT,
): Promise<string> {
  repo.write(files, cwd);
  await repo.git(['add', '--', ...Object.keys(files)], cwd);
  await repo.git(['commit', '--quiet', '--no-verify', '--author', author, '-m', message], cwd);
  return repo.git(['rev-parse', 'HEAD'], cwd);
}

export interface Snapshot {
  refs: string;
  head: string;
  index: string;
  status: string;
  files: Record<string, string>;
}

/** Everything of the user's that a landing must leave alone, in the main checkout. */
export async function snapshot(repo: TestRepo, dir = repo.path): Promise<Snapshot> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const abs = join(dir, entry);
    const rel = relative(dir, abs);
    if (rel === '.git' || rel.startsWith('.git/')) continue;
    if (statSync(abs).isFile()) files[rel] = readFileSync(abs, 'latin1');
  }
  return {
    refs: await repo.git(['for-each-ref', '--format=%(refname) %(objectname)'], dir),
    head: await repo.git(['rev-parse', 'HEAD'], dir),
    index: await repo.git(['ls-files', '--stage'], dir),
    status: await repo.git(['status', '--porcelain=v2', '--untracked-files=all'], dir),
    files,
  };
}

/** `git log` of a range, one "subject|author" per commit, oldest first. */
export async function subjects(repo: TestRepo, range: string): Promise<string[]> {
  const out = await repo.git(['log', '--reverse', '--format=%s|%an <%ae>', range]);
  return out === '' ? [] : out.split('\n');
}
