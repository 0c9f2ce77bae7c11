import { copyFile, readFile, rm, stat, utimes } from 'node:fs/promises';
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
 * `git commit` fails. Instead Flotilla keeps its own copy of each worktree's index (copied again
 * whenever the agent's changes; git replaces an index by rename, so a copy is always whole) and
 * points git at it (`GIT_INDEX_FILE`). `git status` may then refresh and write that copy: its
 * stat data stays current, its untracked cache is kept, and an index the agent wrote in the same
 * second as its files (entries git must re-read and hash on every look) is settled once, where a
 * read-only look at the agent's own index would pay for it every time.
 *
 * The changes are staged in a throwaway copy of that copy: tracked changes, and untracked,
 * non-ignored files up to a size and count (a new file is work too: two agents adding the same
 * path is a conflict). The commit has a fixed author, date and message, so the same work gives
 * the same sha, and every cache keyed by it stays warm until the work changes.
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
interface StatusFacts {
  head: string | null;
  /** Something is staged: the index differs from HEAD. */
  staged: boolean;
  /** Tracked paths whose work-tree file differs from the index (changed, deleted, unmerged). */
  changed: string[];
  untracked: string[];
}

/** The path of a v2 record: after `fields` space-separated fields (a path may hold spaces). */
const pathAfter = (rec: string, fields: number): string => {
  let at = 0;
  for (let i = 0; i < fields; i++) at = rec.indexOf(' ', at) + 1;
  return rec.slice(at);
};

function readStatus(out: string): StatusFacts {
  const facts: StatusFacts = { head: null, staged: false, changed: [], untracked: [] };
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i] as string;
    if (rec.startsWith('# branch.oid ')) {
      const oid = rec.slice('# branch.oid '.length);
      facts.head = oid === '(initial)' ? null : oid;
    } else if (rec.startsWith('1 ') || rec.startsWith('2 ')) {
      // `<1|2> XY …`: X is the index against HEAD, Y the work tree against the index.
      if (rec[2] !== '.') facts.staged = true;
      if (rec[3] !== '.') facts.changed.push(pathAfter(rec, rec[0] === '1' ? 8 : 9));
      if (rec[0] === '2') i++; // a rename's original path is the next record
    } else if (rec.startsWith('u ')) {
      facts.staged = true;
      facts.changed.push(pathAfter(rec, 10));
    } else if (rec.startsWith('? ')) facts.untracked.push(rec.slice(2));
  }
  return facts;
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

/** Where the worktree's own index is (a linked worktree's `.git` is a file naming its git dir). */
async function indexFileOf(path: string): Promise<string> {
  const dotGit = join(path, '.git');
  const st = await stat(dotGit).catch(() => null);
  if (st?.isDirectory()) return join(dotGit, 'index');
  if (st?.isFile()) {
    const m = /^gitdir: (.+)$/m.exec(await readFile(dotGit, 'utf8'));
    if (m) return join(resolve(path, (m[1] as string).trim()), 'index');
  }
  const r = await git(path, ['rev-parse', '--git-path', 'index'], quiet);
  if (r.code !== 0) {
    throw new FlotillaError('NOT_A_GIT_REPO', `${path} is not a git worktree: ${gitReason(r)}`, {
      hint: 'check the worktree with: flotilla worktree list',
    });
  }
  return resolve(path, r.stdout.trim());
}

/** Which version of an agent's index each private copy was made from (device, inode, size, mtime). */
const copiedFrom = new Map<string, string>();

/** Copies the worktree's index to `copy` unless the copy was made from this very version of it. */
async function refreshCopy(path: string, copy: string): Promise<void> {
  const source = await indexFileOf(path);
  const st = await stat(source, { bigint: true });
  const version = `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}`;
  if (copiedFrom.get(copy) === version && (await stat(copy).catch(() => null))) return;
  await copyFile(source, copy);
  // The copy keeps the index's own time: git trusts an entry's stat data only when its file is
  // older than the index, so an edit made in the second the agent's index was written (same
  // size, same whole-second times) must still look "racy" in the copy, or it would never be seen.
  await utimes(copy, new Date(Number(st.atimeNs / 1_000_000n)), new Date(Number(st.mtimeNs / 1_000_000n)));
  copiedFrom.set(copy, version);
}

/**
 * The worktree at `path` as a commit (see the module comment). `indexCopy` is a file the caller
 * owns, one per worktree, kept between calls: Flotilla's copy of the worktree's index.
 */
export async function snapshotWorktree(path: string, indexCopy: string): Promise<WorktreeSnapshot> {
  const failed = (what: string, r: Parameters<typeof gitReason>[0]) =>
    new FlotillaError('PROCESS_FAILED', `cannot snapshot ${path}: ${what}: ${gitReason(r)}`, {
      hint: 'check the worktree with: flotilla worktree list',
    });
  if (!(await pathExists(path))) {
    throw new FlotillaError('NOT_FOUND', `worktree ${path} does not exist`, {
      hint: 'run flotilla worktree prune, or remove its agent',
    });
  }
  await refreshCopy(path, indexCopy);
  const own = { allowFailure: true, env: { GIT_INDEX_FILE: indexCopy, GIT_LITERAL_PATHSPECS: '1' } };
  // `normal`, not `all`: the untracked cache answers it without walking every directory (it
  // does not serve `all`); a new directory is listed once, and expanded below.
  const status = await git(
    path,
    [
      '-c',
      'core.untrackedCache=true',
      'status',
      '--porcelain=v2',
      '--branch',
      '-z',
      '--untracked-files=normal',
    ],
    own,
  );
  if (status.code !== 0) throw failed('git status', status);
  const { head, staged, changed, untracked } = readStatus(status.stdout);
  if (head === null) throw failed('no commit checked out', status);
  const dirs = untracked.filter((p) => p.endsWith('/'));
  let files = untracked.filter((p) => !p.endsWith('/'));
  if (dirs.length > 0) {
    const more = await git(path, ['ls-files', '--others', '--exclude-standard', '-z', '--', ...dirs], own);
    if (more.code !== 0) throw failed('git ls-files', more);
    files = [...files, ...more.stdout.split('\0').filter((p) => p !== '')];
  }
  const extra = await smallFiles(path, files);
  if (!staged && changed.length === 0 && extra.length === 0) return { commit: head, head, dirty: false };

  const index = `${indexCopy}.snapshot`;
  try {
    await copyFile(indexCopy, index);
    const env = { GIT_INDEX_FILE: index, ...FIXED_IDENTITY };
    // Only the paths status named: `git add` then looks at no other file (a whole-tree
    // `add --update` would stat every tracked file a second time).
    const paths = [...changed, ...extra];
    if (paths.length > 0) {
      const add = await git(path, ['add', '--all', '--pathspec-from-file=-', '--pathspec-file-nul'], {
        ...quiet,
        env: { ...env, GIT_LITERAL_PATHSPECS: '1' },
        input: `${paths.join('\0')}\0`,
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
    await rm(index, { force: true });
  }
}
