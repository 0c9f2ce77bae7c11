import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { FlotillaError, isFlotillaError } from '../domain/errors.js';
import { type RunResult, run } from '../proc/index.js';
import { branchNameFor, worktreeDirName } from './branch-name.js';
import { git, gitEnv, gitReason } from './exec.js';
import { pathExists } from './fs-util.js';
import { type CopyReport, copyIncludedFiles, loadIncludeRules } from './include-copy.js';
import { assertRefArgument, defaultBranch, unknownRef } from './repo.js';
import { listGitWorktrees } from './worktree-list.js';

/**
 * Creating a task's worktree, all or nothing: branch + checkout + copied files + setup either
 * all happen, or whatever was made is undone and the error says which step failed.
 * The create path costs two git processes (cat-file, worktree add), plus two parallel
 * ls-files when include patterns exist: it runs once per agent start and is benchmarked
 * against a bare `git worktree add`.
 */

export interface CreateWorktreeOptions {
  /** Toplevel of the main checkout. */
  repoPath: string;
  /** Directory under which worktrees go; the worktree is `<root>/<task-id>-<slug>`. */
  root: string;
  taskId: string;
  title: string;
  /** Branch, tag or commit to start from. Default: the repository's default branch. */
  baseRef?: string;
  /** Extra patterns (config) of gitignored/untracked files to copy, after `.worktreeinclude`. */
  copy?: readonly string[];
  /**
   * Run in the new worktree once it exists. A string is the user's own config text and runs
   * with `sh -c` (config, never task text); an array runs as argv without a shell.
   */
  setup?: string | readonly string[] | null;
  /** First port of this worktree's block; choosing distinct blocks is the caller's job. */
  portBase: number;
  portBlockSize: number;
  /** Extra environment for the setup command. */
  env?: NodeJS.ProcessEnv;
  /** Check out `flotilla/<id>-<slug>` as it is if it already exists, instead of refusing. */
  reuseExistingBranch?: boolean;
  /**
   * `start --reuse-branch`: the branch must exist (it is checked out as it is, keeping its
   * commits) and must not be checked out in another worktree; either is refused up front.
   */
  requireExistingBranch?: boolean;
  /** The branch to use instead of `flotilla/<id>-<slug>` (the name an earlier worktree had). */
  branch?: string;
  /** Default 10 minutes: setup is often a dependency install. */
  setupTimeoutMs?: number;
}

/** A worktree that now exists, with what was copied into it and what setup printed. */
export interface CreatedWorktree {
  path: string;
  branch: string;
  baseRef: string;
  /** The commit the branch starts from (for a reused branch: what baseRef points at now). */
  baseCommit: string;
  reusedBranch: boolean;
  copied: string[];
  skipped: CopyReport['skipped'];
  setupOutput: string | null;
}

const DEFAULT_SETUP_TIMEOUT_MS = 10 * 60_000;
const SETUP_TAIL_LINES = 15;

export async function createWorktree(options: CreateWorktreeOptions): Promise<CreatedWorktree> {
  const { repoPath, taskId, title } = options;
  checkPorts(options.portBase, options.portBlockSize);
  const branch = options.branch ?? branchNameFor(taskId, title);
  assertRefArgument(branch);
  const path = join(resolve(options.root), worktreeDirName(branch));
  if (await pathExists(path)) {
    throw new FlotillaError('CONFLICT', `${path} already exists`, {
      hint: 'remove it, or choose another worktree location in the config',
    });
  }
  const baseRef = options.baseRef ?? (await defaultBranch(repoPath));
  assertRefArgument(baseRef);
  const rules = await loadIncludeRules(repoPath, options.copy);

  // One git call answers both "what is the base commit?" and "does the branch exist?".
  const { baseCommit, branchExists } = await probe(repoPath, baseRef, branch);
  if (branchExists && !options.reuseExistingBranch && !options.requireExistingBranch) {
    throw new FlotillaError('CONFLICT', `branch ${branch} already exists (from an earlier run?)`, {
      hint: `start from it, keeping its commits: flotilla start ${taskId} --reuse-branch (or, only if it holds nothing you need: git -C ${repoPath} branch -D ${branch}, then start again)`,
    });
  }
  if (options.requireExistingBranch) {
    if (!branchExists) {
      throw new FlotillaError(
        'NOT_FOUND',
        `branch ${branch} does not exist in ${repoPath}, so there is nothing to reuse`,
        {
          hint: `start without --reuse-branch for a fresh branch from ${baseRef} (list branches: git -C ${repoPath} branch --list 'flotilla/*')`,
        },
      );
    }
    const holder = (await listGitWorktrees(repoPath)).find((w) => w.branch === branch);
    if (holder) {
      throw new FlotillaError('CONFLICT', `branch ${branch} is checked out in ${holder.path}`, {
        hint: `a branch can be checked out in one worktree only: work there, or free it (git -C ${holder.path} switch --detach, or git -C ${repoPath} worktree remove ${holder.path}), then start again with --reuse-branch`,
      });
    }
  }

  await mkdir(resolve(options.root), { recursive: true });
  // What failed, as the error will say it; git's own message already names `git worktree add`.
  let step = '';
  let added = false;
  try {
    const add = branchExists
      ? ['worktree', 'add', '--quiet', path, branch]
      : ['worktree', 'add', '--quiet', '-b', branch, path, baseCommit];
    await git(repoPath, add);
    added = true;

    step = 'copying included files failed: ';
    const report = await copyIncludedFiles(repoPath, path, rules);

    step = 'the setup command failed: ';
    const setupOutput = await runSetup(path, options);
    return {
      path,
      branch,
      baseRef,
      baseCommit,
      reusedBranch: branchExists,
      copied: report.copied,
      skipped: report.skipped,
      setupOutput,
    };
  } catch (e) {
    const leftovers = await rollback(repoPath, path, added, branchExists ? null : { branch, baseCommit });
    const why = e instanceof Error ? e.message : String(e);
    const cleanup = leftovers.length ? `; cleanup also failed: ${leftovers.join('; ')}` : '';
    throw new FlotillaError(
      isFlotillaError(e) ? e.code : 'PROCESS_FAILED',
      `could not create the worktree for task ${taskId}: ${step}${why}${cleanup}`,
      {
        hint: leftovers.length
          ? `clean up by hand: git -C ${repoPath} worktree remove --force ${path}, then delete branch ${branch} with git branch -D if it holds nothing you need`
          : 'nothing was left behind; fix the cause and start the task again',
        cause: e,
      },
    );
  }
}

async function probe(repoPath: string, baseRef: string, branch: string) {
  const result = await git(repoPath, ['cat-file', '--batch-check'], {
    input: `${baseRef}^{commit}\nrefs/heads/${branch}\n`,
    allowFailure: true,
  });
  if (result.code !== 0) {
    throw new FlotillaError(
      'NOT_A_GIT_REPO',
      `${repoPath} is not a usable git repository: ${gitReason(result)}`,
      {
        hint: 'register the toplevel of a git checkout',
      },
    );
  }
  const [base, br] = result.stdout.split('\n');
  const baseMatch = /^([0-9a-f]{40,64}) commit /.exec(base ?? '');
  if (!baseMatch) throw unknownRef(repoPath, baseRef);
  return { baseCommit: baseMatch[1] as string, branchExists: !/ missing$/.test(br ?? '') };
}

async function runSetup(path: string, options: CreateWorktreeOptions): Promise<string | null> {
  const setup = options.setup;
  if (setup === undefined || setup === null || (typeof setup === 'string' && setup.trim() === ''))
    return null;
  const [command, ...args] = typeof setup === 'string' ? ['sh', '-c', setup] : setup;
  if (command === undefined) return null;
  const env = gitEnv({
    ...options.env,
    PORT: String(options.portBase),
    FLOTILLA_PORT_BASE: String(options.portBase),
    FLOTILLA_PORT_COUNT: String(options.portBlockSize),
  });
  const result = await run(command, args, {
    cwd: path,
    env,
    allowFailure: true,
    timeoutMs: options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS,
  });
  const output = combinedOutput(result);
  if (result.code !== 0) {
    const how = result.signal ? `was killed by ${result.signal}` : `exited with ${result.code}`;
    const tail = output.trimEnd().split('\n').slice(-SETUP_TAIL_LINES).join('\n');
    throw new FlotillaError(
      'PROCESS_FAILED',
      `'${describeSetup(setup)}' ${how}${tail ? `; last output:\n${tail}` : ''}`,
    );
  }
  return output;
}

function combinedOutput(result: RunResult): string {
  return [result.stdout, result.stderr].filter((s) => s.trim() !== '').join('\n');
}

function describeSetup(setup: string | readonly string[]): string {
  return typeof setup === 'string' ? setup : setup.join(' ');
}

/**
 * Undo a half-made worktree; returns what could not be undone. The branch is deleted only while
 * it still points at the base commit (`update-ref -d <old>` is a compare-and-delete), so no
 * commit can ever be lost here, even to a concurrent writer.
 */
async function rollback(
  repoPath: string,
  path: string,
  added: boolean,
  created: { branch: string; baseCommit: string } | null,
): Promise<string[]> {
  const problems: string[] = [];
  if (added) {
    const removed = await git(repoPath, ['worktree', 'remove', '--force', path], { allowFailure: true });
    if (removed.code !== 0 || (await pathExists(path))) {
      // git made this directory for us a moment ago (it did not exist before), so all of it is ours.
      try {
        await rm(path, { recursive: true, force: true });
      } catch (e) {
        problems.push(`could not delete ${path}: ${(e as Error).message}`);
      }
      await git(repoPath, ['worktree', 'prune'], { allowFailure: true });
    }
  }
  // A failed `worktree add` removes its own half-made directory; a path someone else created
  // meanwhile is not ours to delete.
  if (created) {
    const ref = `refs/heads/${created.branch}`;
    const del = await git(repoPath, ['update-ref', '-d', ref, created.baseCommit], { allowFailure: true });
    if (del.code !== 0) {
      const still = await git(repoPath, ['rev-parse', '--verify', '--quiet', ref], { allowFailure: true });
      if (still.code === 0) problems.push(`branch ${created.branch} kept: ${gitReason(del)}`);
    }
  }
  return problems;
}

function checkPorts(portBase: number, blockSize: number): void {
  if (!Number.isInteger(portBase) || !Number.isInteger(blockSize) || portBase < 1 || blockSize < 1) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `port block ${portBase}+${blockSize} is not a positive integer range`,
    );
  }
  if (portBase + blockSize - 1 > 65535) {
    throw new FlotillaError(
      'INVALID_INPUT',
      `port block ${portBase}..${portBase + blockSize - 1} goes past 65535`,
    );
  }
}
