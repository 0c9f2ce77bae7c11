import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { git, gitReason } from './exec.js';
import { pathExists } from './fs-util.js';
import { landingEnv } from './land-env.js';
import { assertRefArgument, resolveRef } from './repo.js';
import { listGitWorktrees } from './worktree-list.js';

/**
 * The one step of a landing that touches what the user sees: moving the base branch to the
 * landed commit. A compare-and-swap, so a base that moved since the caller read it is reported
 * rather than overwritten; and when the base is checked out (the user's main checkout, usually)
 * the checkout is fast-forwarded with it, so files and index follow the branch instead of
 * suddenly looking like a reverted landing. The user's uncommitted, staged and untracked work
 * is never overwritten: a landing that would touch any of it changes nothing at all.
 */

export type AdvanceResult =
  | { advanced: true; how: 'update-ref' | 'fast-forward'; worktree: string | null }
  | { advanced: false; reason: 'moved'; actual: string }
  | { advanced: false; reason: 'dirty'; worktree: string; files: string[] };

export interface AdvanceBaseOptions {
  repoPath: string;
  /** The base branch, e.g. "main" (or "refs/heads/main"). */
  baseRef: string;
  /** Where the caller saw the base; nothing moves unless it is still there. */
  from: string;
  /** The landed commit; must descend from `from`. */
  to: string;
}

export async function advanceBase(options: AdvanceBaseOptions): Promise<AdvanceResult> {
  const { repoPath } = options;
  const branch = options.baseRef.replace(/^refs\/heads\//, '');
  assertRefArgument(branch);
  const ref = `refs/heads/${branch}`;
  const valid = await git(repoPath, ['check-ref-format', ref], { allowFailure: true });
  if (valid.code !== 0) {
    throw new FlotillaError('INVALID_BRANCH', `'${options.baseRef}' is not a branch name`, {
      hint: 'give the base branch by name, e.g. main',
    });
  }
  const [from, to] = await Promise.all([
    resolveRef(repoPath, options.from),
    resolveRef(repoPath, options.to),
  ]);
  const descends = await git(repoPath, ['merge-base', '--is-ancestor', from, to], { allowFailure: true });
  if (descends.code !== 0) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `${to} does not descend from ${from}: moving ${branch} there would drop commits`,
      {
        hint: 'prepare the landing again on top of the current base',
      },
    );
  }
  const actual = await branchTip(repoPath, ref);
  if (actual === null) {
    throw new FlotillaError('NOT_FOUND', `branch ${branch} does not exist in ${repoPath}`, {
      hint: `list branches with: git -C ${repoPath} branch`,
    });
  }
  if (actual !== from) return { advanced: false, reason: 'moved', actual };

  await refuseIfBeingRewritten(repoPath, ref, branch);
  const env = await landingEnv(repoPath, false);
  const checkedOut = [];
  for (const w of await listGitWorktrees(repoPath)) {
    if (w.branch === branch && !w.prunable && (await pathExists(w.path))) checkedOut.push(w.path);
  }
  if (checkedOut.length > 1) {
    throw new FlotillaError(
      'CONFLICT',
      `${branch} is checked out in several worktrees: ${checkedOut.join(', ')}`,
      {
        hint: `check out another branch in all but one of them (git -C <worktree> switch --detach)`,
      },
    );
  }

  const worktree = checkedOut[0];
  if (worktree === undefined) {
    const moved = await git(repoPath, ['update-ref', '-m', `flotilla: land ${to}`, ref, to, from], {
      env,
      allowFailure: true,
    });
    if (moved.code === 0) return { advanced: true, how: 'update-ref', worktree: null };
    const now = await branchTip(repoPath, ref);
    if (now !== from) return { advanced: false, reason: 'moved', actual: now ?? '' };
    throw new FlotillaError('PROCESS_FAILED', `git update-ref ${ref} failed: ${gitReason(moved)}`);
  }

  const files = await overwrittenFiles(repoPath, worktree, from, to);
  if (files.length > 0) return { advanced: false, reason: 'dirty', worktree, files };
  const merged = await git(worktree, ['merge', '--ff-only', '--no-autostash', '--no-verify', '--quiet', to], {
    env,
    allowFailure: true,
  });
  if (merged.code === 0) return { advanced: true, how: 'fast-forward', worktree };
  // Something changed between the checks and the merge, which git refused and left alone.
  const now = await branchTip(repoPath, ref);
  if (now !== from) return { advanced: false, reason: 'moved', actual: now ?? '' };
  const late = await overwrittenFiles(repoPath, worktree, from, to);
  if (late.length > 0) return { advanced: false, reason: 'dirty', worktree, files: late };
  throw new FlotillaError('CONFLICT', `cannot fast-forward ${branch} in ${worktree}: ${gitReason(merged)}`, {
    hint: `finish or abort what is in progress there (git -C ${worktree} status)`,
  });
}

async function branchTip(repoPath: string, ref: string): Promise<string | null> {
  const tip = await git(repoPath, ['rev-parse', '--verify', '--quiet', ref], { allowFailure: true });
  return tip.code === 0 ? tip.stdout.trim() : null;
}

/**
 * The user's files a fast-forward from `from` to `to` would overwrite: tracked files with
 * local changes (modified, staged, conflicted) that the landing changes too, and anything on
 * disk (untracked or ignored) where the landing adds a file or needs a directory.
 */
export async function overwrittenFiles(
  repoPath: string,
  worktree: string,
  from: string,
  to: string,
): Promise<string[]> {
  const [diff, status] = await Promise.all([
    git(repoPath, ['diff', '--name-status', '-z', '--no-renames', from, to, '--']),
    git(worktree, ['status', '--porcelain=v2', '-z', '--untracked-files=no', '--ignore-submodules=all'], {
      noOptionalLocks: true,
    }),
  ]);
  const changed = parseNameStatusZ(diff.stdout);
  const local = localChangePaths(status.stdout);
  const hits = new Set<string>();
  for (const { path } of changed) {
    for (const l of local) {
      if (l === path || l.startsWith(`${path}/`) || path.startsWith(`${l}/`)) hits.add(l);
    }
  }
  const deleted = new Set(changed.filter((c) => c.status === 'D').map((c) => c.path));
  for (const { status: s, path } of changed) {
    if (s !== 'A') continue;
    if (await onDisk(worktree, path)) hits.add(path);
    // A parent the landing needs as a directory, present as a file the landing does not delete.
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const prefix = parts.slice(0, i).join('/');
      if (deleted.has(prefix)) continue;
      const st = await lstat(join(worktree, prefix)).catch(() => null);
      if (st === null) break;
      if (!st.isDirectory()) hits.add(prefix);
    }
  }
  return [...hits].sort();
}

async function onDisk(root: string, rel: string): Promise<boolean> {
  try {
    await lstat(join(root, rel));
    return true;
  } catch {
    return false;
  }
}

/** Parse `git diff --name-status -z --no-renames`: "<status>\0<path>\0" pairs. */
export function parseNameStatusZ(out: string): { status: string; path: string }[] {
  const tokens = out.split('\0');
  const entries: { status: string; path: string }[] = [];
  for (let i = 0; i + 1 < tokens.length; i += 2) {
    const status = (tokens[i] as string).charAt(0);
    if (status !== '') entries.push({ status, path: tokens[i + 1] as string });
  }
  return entries;
}

/** Paths with local changes in `git status --porcelain=v2 -z` (both sides of a rename). */
export function localChangePaths(out: string): string[] {
  const paths: string[] = [];
  const records = out.split('\0');
  for (let i = 0; i < records.length; i++) {
    const rec = records[i] as string;
    const fields = rec.split(' ');
    if (rec.startsWith('1 ')) paths.push(fields.slice(8).join(' '));
    else if (rec.startsWith('u ')) paths.push(fields.slice(10).join(' '));
    else if (rec.startsWith('2 ')) {
      paths.push(fields.slice(9).join(' '));
      paths.push(records[++i] ?? '');
    } else if (rec.startsWith('? ') || rec.startsWith('! ')) paths.push(rec.slice(2));
  }
  return paths.filter((p) => p !== '');
}

/**
 * A branch in the middle of a rebase is not checked out as far as `worktree list` says (HEAD
 * is detached), yet the rebase will set the branch when it finishes and undo our move.
 */
async function refuseIfBeingRewritten(repoPath: string, ref: string, branch: string): Promise<void> {
  const common = await git(repoPath, ['rev-parse', '--path-format=absolute', '--git-common-dir']);
  const root = common.stdout.trim();
  const linked = await readdir(join(root, 'worktrees')).catch(() => [] as string[]);
  const adminDirs = [root, ...linked.map((name) => join(root, 'worktrees', name))];
  for (const dir of adminDirs) {
    for (const state of ['rebase-merge', 'rebase-apply']) {
      const head = await readFile(join(dir, state, 'head-name'), 'utf8').catch(() => null);
      if (head?.trim() === ref) {
        throw new FlotillaError('CONFLICT', `${branch} is being rebased in a worktree of ${repoPath}`, {
          hint: 'finish or abort that rebase first (git rebase --continue or git rebase --abort)',
        });
      }
    }
  }
}
