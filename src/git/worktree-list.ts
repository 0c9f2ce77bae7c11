import { existsSync } from 'node:fs';
import { BRANCH_PREFIX } from './branch-name.js';
import { git } from './exec.js';

/** The worktrees git knows about, parsed from `git worktree list --porcelain -z`. */

/** One entry of `git worktree list`. The first entry is always the main checkout. */
export interface GitWorktree {
  path: string;
  /** Commit checked out; null in a bare repository. */
  head: string | null;
  /** Short branch name, or null when detached or bare. */
  branch: string | null;
  bare: boolean;
  detached: boolean;
  locked: boolean;
  lockedReason: string | null;
  /** Git would prune it: its directory is gone. */
  prunable: boolean;
  prunableReason: string | null;
}

export function parseWorktreeList(out: string): GitWorktree[] {
  const worktrees: GitWorktree[] = [];
  let current: GitWorktree | null = null;
  for (const field of out.split('\0')) {
    if (field === '') {
      // An empty field ends a record.
      current = null;
      continue;
    }
    const space = field.indexOf(' ');
    const key = space === -1 ? field : field.slice(0, space);
    const value = space === -1 ? null : field.slice(space + 1);
    if (key === 'worktree') {
      current = {
        path: value ?? '',
        head: null,
        branch: null,
        bare: false,
        detached: false,
        locked: false,
        lockedReason: null,
        prunable: false,
        prunableReason: null,
      };
      worktrees.push(current);
      continue;
    }
    if (!current) continue;
    if (key === 'HEAD') current.head = value;
    else if (key === 'branch') current.branch = value?.replace(/^refs\/heads\//, '') ?? null;
    else if (key === 'bare') current.bare = true;
    else if (key === 'detached') current.detached = true;
    else if (key === 'locked') {
      current.locked = true;
      current.lockedReason = value;
    } else if (key === 'prunable') {
      current.prunable = true;
      current.prunableReason = value;
    }
  }
  return worktrees;
}

export async function listGitWorktrees(repoPath: string): Promise<GitWorktree[]> {
  const result = await git(repoPath, ['worktree', 'list', '--porcelain', '-z']);
  return parseWorktreeList(result.stdout);
}

/** Worktrees on a `flotilla/…` branch: what boot reconciliation compares with the store. */
export async function listFlotillaWorktrees(repoPath: string): Promise<GitWorktree[]> {
  return (await listGitWorktrees(repoPath)).filter((w) => w.branch?.startsWith(BRANCH_PREFIX));
}

/** What `pruneWorktrees` cleared: git's records of worktrees whose directory is gone. */
export interface PruneReport {
  pruned: { path: string; branch: string | null; reason: string | null }[];
  /** Gone too, but locked (`git worktree lock`): git keeps them until unlocked. */
  lockedStale: { path: string; branch: string | null }[];
}

/** `git worktree prune`, reporting what it removed. Branches are never touched. */
export async function pruneWorktrees(repoPath: string): Promise<PruneReport> {
  const before = await listGitWorktrees(repoPath);
  const stale = before.filter((w) => w.prunable);
  await git(repoPath, ['worktree', 'prune']);
  return {
    pruned: stale.map((w) => ({ path: w.path, branch: w.branch, reason: w.prunableReason })),
    lockedStale: before
      .filter((w) => w.locked && !w.bare && !existsSync(w.path))
      .map((w) => ({ path: w.path, branch: w.branch })),
  };
}
