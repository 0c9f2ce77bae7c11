import { resolve } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { git, gitReason } from './exec.js';
import { pathExists } from './fs-util.js';
import { isMerged } from './merge.js';
import { assertRefArgument, defaultBranch } from './repo.js';
import { parsePorcelainV2 } from './status.js';

/**
 * Removing a task's worktree without ever losing work. Without `force` nothing is touched when
 * the worktree has uncommitted or untracked (non-ignored) files, a detached HEAD with commits
 * no ref holds, or — when the branch is to be deleted — commits whose work is not in the base
 * branch as it is now (see merge.ts for what counts as merged). All checks run before any
 * change, so a refusal leaves everything as it was. Ignored files (.env copies,
 * node_modules) are not work and go with the worktree, as with `git worktree remove`.
 */

export interface RemoveWorktreeOptions {
  repoPath: string;
  path: string;
  branch: string;
  /** The commit the branch was created from: a branch with nothing after it has no work to lose. */
  baseCommit: string;
  /** Branch whose current state decides "merged" (default: the repository's default branch). */
  baseBranch?: string;
  force: boolean;
  /** Delete the branch as well (default off: removing a worktree keeps its branch). */
  deleteBranch: boolean;
  /**
   * Run every check (refusing exactly as the real run would) and report what would be done,
   * changing nothing: `worktree clean --dry-run` says what `worktree clean` does.
   */
  dryRun?: boolean;
}

/** What removeWorktree did; `errors` lists every step that failed (every step is tried). */
export interface RemoveResult {
  worktreeRemoved: boolean;
  branchDeleted: boolean;
  /** Work a forced removal threw away, as refusal reasons ("3 uncommitted changes"). */
  discarded: string[];
  notes: string[];
  errors: string[];
}

export async function removeWorktree(options: RemoveWorktreeOptions): Promise<RemoveResult> {
  const { repoPath, path, branch, force } = options;
  assertRefArgument(branch);
  if (resolve(path) === resolve(repoPath)) {
    throw new FlotillaError('INVALID_INPUT', `${path} is the main checkout, not a task worktree`);
  }
  const exists = await pathExists(path);
  const [worktreeRisks, branchState] = await Promise.all([
    exists ? worktreeWorkAtRisk(path) : Promise.resolve([]),
    options.deleteBranch ? branchWorkAtRisk(options) : Promise.resolve({ exists: false, risks: [] }),
  ]);
  const risks = [...worktreeRisks, ...branchState.risks];
  if (risks.length > 0 && !force) {
    throw new FlotillaError('CONFLICT', `refusing to remove ${path}: ${risks.join('; ')} would be lost`, {
      hint: 'commit and merge the work first, or pass --force to discard it',
    });
  }

  const result: RemoveResult = {
    worktreeRemoved: false,
    branchDeleted: false,
    discarded: risks,
    notes: [],
    errors: [],
  };
  if (options.dryRun) {
    result.worktreeRemoved = true;
    result.branchDeleted = options.deleteBranch && branchState.exists;
    result.notes.push('dry run: nothing was changed');
    return result;
  }
  if (exists) {
    const removed = await git(repoPath, ['worktree', 'remove', ...(force ? ['--force'] : []), path], {
      allowFailure: true,
    });
    if (removed.code === 0) result.worktreeRemoved = true;
    else result.errors.push(`git worktree remove ${path}: ${gitReason(removed)}`);
  } else {
    // The directory is already gone: drop git's record of it so the branch can be deleted.
    const pruned = await git(repoPath, ['worktree', 'prune'], { allowFailure: true });
    if (pruned.code === 0) {
      result.worktreeRemoved = true;
      result.notes.push(`${path} was already gone; pruned git's record of it`);
    } else {
      result.errors.push(`git worktree prune: ${gitReason(pruned)}`);
    }
  }

  if (options.deleteBranch) {
    if (!branchState.exists) {
      result.notes.push(`branch ${branch} did not exist`);
    } else {
      // Our own merge check replaced `branch -d`, which only compares with HEAD or upstream.
      const del = await git(repoPath, ['branch', '-D', branch], { allowFailure: true });
      if (del.code === 0) result.branchDeleted = true;
      else result.errors.push(`git branch -D ${branch}: ${gitReason(del)}`);
    }
  } else {
    result.notes.push(`branch ${branch} kept`);
  }
  return result;
}

/** Uncommitted/untracked files, and commits reachable only from a detached HEAD. */
async function worktreeWorkAtRisk(path: string): Promise<string[]> {
  const status = await git(path, ['status', '--porcelain=v2', '--branch', '-z'], {
    allowFailure: true,
    noOptionalLocks: true,
  });
  if (status.code !== 0) {
    throw new FlotillaError('NOT_A_GIT_REPO', `${path} is not a usable git worktree: ${gitReason(status)}`, {
      hint: 'check the path; if the directory is not a worktree, remove it by hand',
    });
  }
  const parsed = parsePorcelainV2(status.stdout);
  const risks: string[] = [];
  const changes = parsed.modified + parsed.untracked;
  if (changes > 0) {
    risks.push(
      `${plural(changes, 'uncommitted change')} (${parsed.modified} modified or staged, ${parsed.untracked} untracked)`,
    );
  }
  if (parsed.branch === null && parsed.head !== null) {
    const orphan = await git(path, [
      'rev-list',
      '--count',
      'HEAD',
      '--not',
      '--branches',
      '--tags',
      '--remotes',
    ]);
    const n = Number(orphan.stdout.trim());
    if (n > 0) risks.push(`${plural(n, 'commit')} on a detached HEAD that no branch or tag holds`);
  }
  return risks;
}

/** Whether deleting the branch would lose commits: none after baseCommit, or all merged. */
async function branchWorkAtRisk(
  options: RemoveWorktreeOptions,
): Promise<{ exists: boolean; risks: string[] }> {
  const { repoPath, branch, baseCommit } = options;
  const ref = await git(repoPath, ['for-each-ref', '--format=%(objectname)', `refs/heads/${branch}`]);
  const tip = ref.stdout.trim();
  if (tip === '') return { exists: false, risks: [] };
  const own = await git(repoPath, ['rev-list', '--count', `${baseCommit}..${tip}`, '--'], {
    allowFailure: true,
  });
  if (own.code === 0 && Number(own.stdout.trim()) === 0) return { exists: true, risks: [] };

  const base = options.baseBranch ?? (await defaultBranch(repoPath));
  const check = await isMerged(repoPath, tip, base);
  if (check.merged) return { exists: true, risks: [] };
  // Merged on the remote but not yet pulled still counts: the work is safe there.
  const remote = `refs/remotes/origin/${base}`;
  const hasRemote = await git(repoPath, ['rev-parse', '--verify', '--quiet', remote], { allowFailure: true });
  if (hasRemote.code === 0 && (await isMerged(repoPath, tip, remote)).merged)
    return { exists: true, risks: [] };
  return { exists: true, risks: [`${plural(check.unmerged, 'commit')} on ${branch} not in ${base}`] };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
