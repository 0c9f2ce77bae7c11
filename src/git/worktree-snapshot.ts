import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { git, gitReason } from './exec.js';
import { pathExists } from './fs-util.js';

/**
 * A worktree's work as one commit: its HEAD when it is clean, else a commit of HEAD plus what is
 * not committed yet, written without touching the worktree or its index.
 *
 * Not `git stash create`: it refreshes and writes the worktree's index, so it takes
 * `index.lock`, fails while an agent commits, and while it holds the lock the agent's own
 * `git commit` fails. Instead the index is copied to a temp file (git replaces it by rename, so
 * the copy is whole) and the changes are staged there (`GIT_INDEX_FILE`): tracked changes, and
 * untracked, non-ignored files up to a size and count (a new file is work too: two agents adding
 * the same path is a conflict). The commit has a fixed author, date and message, so the same
 * work gives the same sha, and every cache keyed by it stays warm until the work changes.
 */

/** Untracked files larger than this, or past this count, are left out of a snapshot. */
export const SNAPSHOT_MAX_UNTRACKED_BYTES = 1024 * 1024;
export const SNAPSHOT_MAX_UNTRACKED_FILES = 500;

/** What a worktree holds, as a commit. */
export interface WorktreeSnapshot {
  /** The commit to compare: HEAD, or the snapshot of HEAD plus the uncommitted changes. */
  commit: string;
  head: string;
  /** There were uncommitted changes (tracked, or untracked files taken in). */
  dirty: boolean;
}

const FIXED_IDENTITY = {
  GIT_AUTHOR_NAME: 'flotilla',
  GIT_AUTHOR_EMAIL: 'flotilla@localhost',
  GIT_AUTHOR_DATE: '@0 +0000',
  GIT_COMMITTER_NAME: 'flotilla',
  GIT_COMMITTER_EMAIL: 'flotilla@localhost',
  GIT_COMMITTER_DATE: '@0 +0000',
};

const quiet = { allowFailure: true, noOptionalLocks: true } as const;

/** `git status --porcelain=v2 -z` reduced to what a snapshot needs. */
function readStatus(out: string): { head: string | null; tracked: boolean; untracked: string[] } {
  let head: string | null = null;
  let tracked = false;
  const untracked: string[] = [];
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i] as string;
    if (rec.startsWith('# branch.oid ')) {
      const oid = rec.slice('# branch.oid '.length);
      head = oid === '(initial)' ? null : oid;
    } else if (rec.startsWith('1 ') || rec.startsWith('u ')) tracked = true;
    else if (rec.startsWith('2 ')) {
      tracked = true;
      i++; // a rename's original path is the next record
    } else if (rec.startsWith('? ')) untracked.push(rec.slice(2));
  }
  return { head, tracked, untracked };
}

/** Untracked files small enough to take in, at most SNAPSHOT_MAX_UNTRACKED_FILES. */
async function smallFiles(root: string, paths: readonly string[]): Promise<string[]> {
  const kept: string[] = [];
  for (const rel of paths) {
    if (kept.length >= SNAPSHOT_MAX_UNTRACKED_FILES) break;
    const st = await stat(join(root, rel)).catch(() => null);
    if (st?.isFile() && st.size <= SNAPSHOT_MAX_UNTRACKED_BYTES) kept.push(rel);
  }
  return kept;
}

/** The worktree at `path` as a commit (see the module comment). */
export async function snapshotWorktree(path: string): Promise<WorktreeSnapshot> {
  const failed = (what: string, r: Parameters<typeof gitReason>[0]) =>
    new FlotillaError('PROCESS_FAILED', `cannot snapshot ${path}: ${what}: ${gitReason(r)}`, {
      hint: 'check the worktree with: flotilla worktree list',
    });
  if (!(await pathExists(path))) {
    throw new FlotillaError('NOT_FOUND', `worktree ${path} does not exist`, {
      hint: 'run flotilla worktree prune, or remove its agent',
    });
  }
  const status = await git(
    path,
    ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=all'],
    quiet,
  );
  if (status.code !== 0) throw failed('git status', status);
  const { head, tracked, untracked } = readStatus(status.stdout);
  if (head === null) throw failed('no commit checked out', status);
  const extra = await smallFiles(path, untracked);
  if (!tracked && extra.length === 0) return { commit: head, head, dirty: false };

  const indexPath = await git(path, ['rev-parse', '--git-path', 'index'], quiet);
  if (indexPath.code !== 0) throw failed('git rev-parse', indexPath);
  const dir = await mkdtemp(join(tmpdir(), 'flotilla-snapshot-'));
  try {
    const index = join(dir, 'index');
    await copyFile(resolve(path, indexPath.stdout.trim()), index);
    const env = { GIT_INDEX_FILE: index, ...FIXED_IDENTITY };
    if (tracked) {
      const add = await git(path, ['add', '--update', '--', '.'], { ...quiet, env });
      if (add.code !== 0) throw failed('git add --update', add);
    }
    if (extra.length > 0) {
      const add = await git(path, ['add', '--pathspec-from-file=-', '--pathspec-file-nul'], {
        ...quiet,
        env: { ...env, GIT_LITERAL_PATHSPECS: '1' },
        input: `${extra.join('\0')}\0`,
      });
      if (add.code !== 0) throw failed('git add', add);
    }
    const tree = await git(path, ['write-tree'], { ...quiet, env });
    if (tree.code !== 0) throw failed('git write-tree', tree);
    const commit = await git(
      path,
      ['commit-tree', tree.stdout.trim(), '-p', head, '-m', 'flotilla: uncommitted changes'],
      { ...quiet, env },
    );
    if (commit.code !== 0) throw failed('git commit-tree', commit);
    return { commit: commit.stdout.trim(), head, dirty: true };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
