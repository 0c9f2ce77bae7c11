import { lstat, readFile, realpath, rm } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { type ConflictFile, conflictFiles, MAX_CONFLICT_FILE_BYTES } from './conflict-hunks.js';
import { git, gitReason } from './exec.js';
import { pathExists } from './fs-util.js';
import { landingEnv } from './land-env.js';
import { type Replay, replayInMemory } from './land-replay.js';
import { mergeTrees } from './merge-predict.js';
import { assertRefArgument, resolveRef } from './repo.js';

/**
 * Building the commit a finished task lands as, away from everything the user touches: the
 * work happens in a scratch worktree on a detached HEAD, so neither the task's branch nor the
 * user's checkout nor any other ref moves. Moving the base branch afterwards is advanceBase's
 * job (land-advance.ts), once the caller has verified the result in the scratch worktree.
 * merge and squash are computed in memory (merge-tree + commit-tree) and the scratch worktree
 * is checked out at the result; rebase replays commit by commit, so it runs in the scratch
 * worktree itself and is aborted there on a conflict.
 * Checking the scratch worktree out is nearly all a landing costs on a big repository, and it
 * is only needed for a verify command: with `checkout: false` merge and squash make none, and
 * rebase is replayed in memory (land-replay.ts), falling back to the scratch worktree whenever
 * it cannot promise the rebase's exact result (a conflict among them, reported from there).
 */

export type LandingStrategy = 'rebase' | 'merge' | 'squash';
const STRATEGIES: readonly LandingStrategy[] = ['rebase', 'merge', 'squash'];

export interface PrepareLandingOptions {
  repoPath: string;
  /** Where to make the scratch worktree (detached HEAD); must not exist yet. */
  scratchPath: string;
  /** The base commit (sha) to land onto: the caller read it from the base branch just before. */
  baseCommit: string;
  /** The task's branch. */
  branch: string;
  strategy: LandingStrategy;
  /** Message of the merge commit (merge) or of the one squashed commit (squash). */
  message: string;
  /**
   * Check the scratch worktree out at the result (default true): the caller runs something in
   * it. false: build the commit only; no scratch worktree is made unless a rebase has to fall
   * back to one, so the caller still removes `scratchPath` afterwards.
   */
  checkout?: boolean;
}

export type PreparedLanding =
  | { ok: true; commit: string; scratchPath: string }
  | {
      ok: false;
      conflicts: ConflictFile[];
      scratchPath: string;
      /** rebase only: the branch commit whose replay conflicted. */
      stoppedAt?: { commit: string; subject: string };
    };

/** The branch adds nothing to the base: its commits (or their changes) are all there already. */
export class NothingToLandError extends FlotillaError {
  constructor(branch: string, why: string) {
    super('CONFLICT', `nothing to land: ${branch} ${why}`, {
      hint: `commit the task's work on ${branch} first (git status in its worktree shows it), or close the task: its work is already on the base`,
    });
  }
}

export function isNothingToLand(e: unknown): e is NothingToLandError {
  return e instanceof NothingToLandError;
}

export async function prepareLanding(options: PrepareLandingOptions): Promise<PreparedLanding> {
  const { repoPath, branch, strategy, message } = options;
  assertRefArgument(branch);
  assertRefArgument(options.baseCommit);
  if (!STRATEGIES.includes(strategy)) {
    throw new FlotillaError('INVALID_INPUT', `'${String(strategy)}' is not a landing strategy`, {
      hint: `use one of: ${STRATEGIES.join(', ')}`,
    });
  }
  if (strategy !== 'rebase' && message.trim() === '') {
    throw new FlotillaError('INVALID_INPUT', `a ${strategy} landing needs a commit message`);
  }
  const scratchPath = resolve(options.scratchPath);
  if (await pathExists(scratchPath)) {
    throw new FlotillaError('CONFLICT', `the scratch worktree path ${scratchPath} already exists`, {
      hint: 'remove the leftover scratch worktree first (removeScratch), or pick another path',
    });
  }
  const [base, tip] = await Promise.all([
    resolveRef(repoPath, options.baseCommit),
    resolveRef(repoPath, branch),
  ]);
  const ahead = await git(repoPath, ['rev-list', '--count', `${base}..${tip}`, '--']);
  if (Number(ahead.stdout.trim()) === 0) {
    throw new NothingToLandError(branch, `has no commits that ${options.baseCommit} lacks`);
  }
  const env = await landingEnv(repoPath, strategy !== 'rebase');
  const checkout = options.checkout ?? true;

  if (strategy === 'rebase') {
    // Anything unexpected in the replay (a git call failing) is left to the worktree rebase too.
    const replayed = checkout
      ? null
      : await replayInMemory(repoPath, base, tip, env).catch(
          (e: unknown): Replay => ({ ok: false, why: String(e) }),
        );
    if (replayed?.ok) {
      if (replayed.commit === base) throw new NothingToLandError(branch, NOTHING_AFTER_REBASE);
      return { ok: true, commit: replayed.commit, scratchPath };
    }
    return rebaseInScratch(repoPath, scratchPath, base, tip, branch, env);
  }

  const merged = await mergeTrees(repoPath, base, tip);
  if (!merged.clean) {
    if (checkout) await addScratch(repoPath, scratchPath, base, env);
    return { ok: false, conflicts: merged.conflicts, scratchPath };
  }
  const baseTree = (await git(repoPath, ['rev-parse', '--verify', `${base}^{tree}`])).stdout.trim();
  if (merged.tree === baseTree)
    throw new NothingToLandError(branch, 'changes nothing that the base does not have');
  const parents = strategy === 'merge' ? ['-p', base, '-p', tip] : ['-p', base];
  const commit = await git(repoPath, ['commit-tree', merged.tree, ...parents, '-F', '-'], {
    env,
    input: message.endsWith('\n') ? message : `${message}\n`,
  });
  const sha = commit.stdout.trim();
  if (checkout) await addScratch(repoPath, scratchPath, sha, env);
  return { ok: true, commit: sha, scratchPath };
}

const NOTHING_AFTER_REBASE = 'holds only changes the base already has';

async function rebaseInScratch(
  repoPath: string,
  scratchPath: string,
  base: string,
  tip: string,
  branch: string,
  env: NodeJS.ProcessEnv,
): Promise<PreparedLanding> {
  await addScratch(repoPath, scratchPath, base, env);
  try {
    // The tip is given as a sha, never the branch name: rebase would check the branch out and
    // move it. --no-update-refs keeps rebase.updateRefs from moving the task branch anyway;
    // --merge and the other flags pin the behaviour against the user's rebase.* config.
    const rebase = await git(
      scratchPath,
      [
        'rebase',
        '--merge',
        '--no-update-refs',
        '--no-autosquash',
        '--no-autostash',
        '--no-rebase-merges',
        '--onto',
        base,
        base,
        tip,
      ],
      { env, allowFailure: true, timeoutMs: 10 * 60_000 },
    );
    if (rebase.code === 0) {
      const head = (await git(scratchPath, ['rev-parse', 'HEAD'])).stdout.trim();
      if (head === base) throw new NothingToLandError(branch, NOTHING_AFTER_REBASE);
      return { ok: true, commit: head, scratchPath };
    }
    const [unmerged, stopped] = await Promise.all([
      git(scratchPath, ['diff', '--name-only', '--diff-filter=U', '-z'], { env }),
      git(scratchPath, ['log', '-1', '--format=%H%x00%s', 'REBASE_HEAD', '--'], { env, allowFailure: true }),
    ]);
    const paths = unmerged.stdout.split('\0').filter((p) => p !== '');
    if (paths.length === 0) {
      throw new FlotillaError(
        'PROCESS_FAILED',
        `rebasing ${branch} onto ${base} failed: ${gitReason(rebase)}`,
      );
    }
    const conflicts = await conflictFiles(
      paths,
      (p) => readWorktreeFile(scratchPath, p),
      rebaseReasons(rebase.stdout, paths),
    );
    await git(scratchPath, ['rebase', '--abort'], { env });
    // The abort returns to where rebase began, the branch tip: put the scratch back on the base.
    await git(scratchPath, ['checkout', '--quiet', '--detach', base], { env });
    const [commit, subject] = stopped.stdout.trim().split('\0');
    return {
      ok: false,
      conflicts,
      scratchPath,
      ...(stopped.code === 0 && commit ? { stoppedAt: { commit, subject: subject ?? '' } } : {}),
    };
  } catch (e) {
    // Nothing half-done: a failed landing leaves no scratch worktree behind.
    await removeScratch(repoPath, scratchPath).catch(() => {});
    throw e;
  }
}

async function addScratch(repoPath: string, scratchPath: string, commit: string, env: NodeJS.ProcessEnv) {
  await git(repoPath, ['worktree', 'add', '--detach', '--quiet', scratchPath, commit], {
    env,
    timeoutMs: 10 * 60_000,
  });
}

/** A conflicted file as the rebase left it in the scratch worktree (null: gone, link, too big). */
async function readWorktreeFile(root: string, rel: string): Promise<string | null> {
  const abs = join(root, rel);
  try {
    const st = await lstat(abs);
    if (!st.isFile() || st.size > MAX_CONFLICT_FILE_BYTES) return null;
    return await readFile(abs, 'utf8');
  } catch {
    return null;
  }
}

/** rebase's "CONFLICT (…): …" lines, given to each conflicting path they name. */
function rebaseReasons(out: string, paths: readonly string[]): Map<string, string[]> {
  const reasons = new Map<string, string[]>();
  const lines = out.split('\n').filter((l) => l.startsWith('CONFLICT ('));
  for (const path of paths) {
    const named = lines.filter((l) => ` ${l} `.replace(/[.:,]( |$)/g, ' ').includes(` ${path} `));
    if (named.length > 0)
      reasons.set(
        path,
        named.map((l) => l.trim()),
      );
  }
  return reasons;
}

/**
 * Removes a scratch worktree (force: it only ever holds Flotilla's own work) and git's record
 * of it. Idempotent, so crash recovery can call it blindly. A directory git does not know is
 * deleted only when its `.git` file says it was a worktree of this repository: a wrong path
 * must never cost the user a directory.
 */
export async function removeScratch(repoPath: string, scratchPath: string): Promise<void> {
  const path = resolve(scratchPath);
  if (path === resolve(repoPath)) {
    throw new FlotillaError('INVALID_INPUT', `${path} is the main checkout, not a scratch worktree`);
  }
  const removed = await git(repoPath, ['worktree', 'remove', '--force', '--force', path], {
    allowFailure: true,
  });
  if (removed.code === 0) return;
  // git removes its record even when the directory is gone; failing, it has none: done.
  if (!(await pathExists(path))) return;
  if (await isOrphanWorktreeOf(repoPath, path)) {
    await rm(path, { recursive: true, force: true });
    return;
  }
  throw new FlotillaError('CONFLICT', `${path} is not a scratch worktree of ${repoPath}: not removing it`, {
    hint: `git -C ${repoPath} worktree list shows the worktrees git knows`,
  });
}

/** `path` holds a `.git` file pointing into this repository's worktrees directory. */
async function isOrphanWorktreeOf(repoPath: string, path: string): Promise<boolean> {
  const dotGit = await readFile(join(path, '.git'), 'utf8').catch(() => null);
  const m = dotGit === null ? null : /^gitdir: (.+)$/m.exec(dotGit);
  if (!m) return false;
  const common = await git(repoPath, ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
    allowFailure: true,
  });
  if (common.code !== 0) return false;
  const worktrees = join(await realpath(common.stdout.trim()).catch(() => common.stdout.trim()), 'worktrees');
  return resolve(path, (m[1] as string).trim()).startsWith(worktrees + sep);
}
