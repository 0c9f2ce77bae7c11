import { FlotillaError } from '../domain/errors.js';
import { parseNumstat } from './diff.js';
import { git, gitReason } from './exec.js';
import { pathExists } from './fs-util.js';
import { assertRefArgument } from './repo.js';

/**
 * What a worktree holds compared to its base: three git calls run side by side (status,
 * rev-list, diff --numstat), all with --no-optional-locks so polling never takes the index
 * lock an agent's own `git commit` needs. Output formats are the porcelain/numstat ones,
 * which do not change with the user's locale.
 */

/** Lines added/removed against the base, over tracked files (committed or not). */
export interface DiffStat {
  files: number;
  insertions: number;
  deletions: number;
}

/** A snapshot of one worktree. `ahead`/`behind` count commits relative to the base given. */
export interface WorktreeStatus {
  path: string;
  /** Short branch name, or null on a detached HEAD. */
  branch: string | null;
  head: string | null;
  /** Modified, staged, conflicted or untracked (non-ignored) files exist. */
  dirty: boolean;
  /** Untracked, non-ignored entries (an untracked directory counts once). */
  untracked: number;
  /** Tracked entries changed in the index or the work tree, conflicts included. */
  modified: number;
  ahead: number;
  behind: number;
  diffStat: DiffStat;
  exists: boolean;
}

/** Parsed `git status --porcelain=v2 --branch -z`. */
export interface PorcelainStatus {
  head: string | null;
  branch: string | null;
  modified: number;
  untracked: number;
}

export function parsePorcelainV2(out: string): PorcelainStatus {
  const status: PorcelainStatus = { head: null, branch: null, modified: 0, untracked: 0 };
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i] as string;
    if (rec.startsWith('# branch.oid ')) {
      const oid = rec.slice('# branch.oid '.length);
      status.head = oid === '(initial)' ? null : oid;
    } else if (rec.startsWith('# branch.head ')) {
      const head = rec.slice('# branch.head '.length);
      status.branch = head === '(detached)' ? null : head;
    } else if (rec.startsWith('1 ') || rec.startsWith('u ')) {
      status.modified++;
    } else if (rec.startsWith('2 ')) {
      status.modified++;
      i++; // a rename's original path is the next NUL-separated field
    } else if (rec.startsWith('? ')) {
      status.untracked++;
    }
  }
  return status;
}

export async function worktreeStatus(path: string, base: string): Promise<WorktreeStatus> {
  assertRefArgument(base);
  if (!(await pathExists(path))) {
    return {
      path,
      branch: null,
      head: null,
      dirty: false,
      untracked: 0,
      modified: 0,
      ahead: 0,
      behind: 0,
      diffStat: { files: 0, insertions: 0, deletions: 0 },
      exists: false,
    };
  }
  const quiet = { allowFailure: true, noOptionalLocks: true };
  const [status, counts, numstat] = await Promise.all([
    git(path, ['status', '--porcelain=v2', '--branch', '-z'], quiet),
    git(path, ['rev-list', '--left-right', '--count', `${base}...HEAD`, '--'], quiet),
    git(path, ['diff', '--numstat', '-z', '--no-ext-diff', '--no-textconv', base, '--'], quiet),
  ]);
  if (status.code !== 0) {
    throw new FlotillaError('NOT_A_GIT_REPO', `${path} is not a usable git worktree: ${gitReason(status)}`, {
      hint: 'run flotilla worktree prune, or remove the directory',
    });
  }
  for (const r of [counts, numstat]) {
    if (r.code !== 0) {
      throw new FlotillaError('NOT_FOUND', `cannot compare ${path} with '${base}': ${gitReason(r)}`, {
        hint: 'the base ref or commit may have been deleted',
      });
    }
  }
  const parsed = parsePorcelainV2(status.stdout);
  const [behind, ahead] = counts.stdout.trim().split(/\s+/).map(Number);
  const files = parseNumstat(numstat.stdout);
  return {
    path,
    branch: parsed.branch,
    head: parsed.head,
    dirty: parsed.modified + parsed.untracked > 0,
    untracked: parsed.untracked,
    modified: parsed.modified,
    ahead: ahead ?? 0,
    behind: behind ?? 0,
    diffStat: {
      files: files.length,
      insertions: files.reduce((n, f) => n + f.insertions, 0),
      deletions: files.reduce((n, f) => n + f.deletions, 0),
    },
    exists: true,
  };
}

/**
 * Status of many worktrees (`flotilla worktree list`), a few at a time: each already runs three
 * git processes, and unbounded fan-out on a small machine only makes every answer slower.
 * One broken worktree does not hide the others: results are settled, in input order.
 */
export async function worktreeStatuses(
  items: readonly { path: string; base: string }[],
  concurrency = 3,
): Promise<PromiseSettledResult<WorktreeStatus>[]> {
  const results: PromiseSettledResult<WorktreeStatus>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      const item = items[i] as { path: string; base: string };
      try {
        results[i] = { status: 'fulfilled', value: await worktreeStatus(item.path, item.base) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return results;
}
