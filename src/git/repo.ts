import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { git, gitReason } from './exec.js';

/** Facts about a repository: where it is, its default branch, what a ref points at. */

/** The toplevel of the git repository containing `cwd`. Throws NOT_A_GIT_REPO. */
export async function gitToplevel(cwd: string): Promise<string> {
  const dir = resolve(cwd);
  const notARepo = () =>
    new FlotillaError('NOT_A_GIT_REPO', `${dir} is not inside a git repository`, {
      hint: 'cd into your project, or run git init first',
    });
  if (!existsSync(dir)) throw notARepo();
  const result = await git(dir, ['rev-parse', '--show-toplevel'], { allowFailure: true });
  const top = result.stdout.trim();
  // Inside .git itself or a bare repository there is no work tree: nothing to make worktrees from.
  if (result.code !== 0 || top === '') throw notARepo();
  return top;
}

/** A parsed `git --version`, e.g. { text: '2.39.5', major: 2, minor: 39, patch: 5 }. */
export interface GitVersion {
  text: string;
  major: number;
  minor: number;
  patch: number;
}

/** The installed git's version. Throws TOOL_MISSING (with an install hint) when there is no git. */
export async function gitVersion(): Promise<GitVersion> {
  const out = (await git('', ['--version'])).stdout.trim();
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(out);
  if (!m) throw new FlotillaError('PROCESS_FAILED', `cannot read the git version from '${out}'`);
  return { text: m[0], major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

/**
 * The branch new work starts from: origin/HEAD when a remote says so, else the branch checked out
 * in the main checkout, else the first of init.defaultBranch, main, master that exists.
 */
export async function defaultBranch(repoPath: string): Promise<string> {
  const [originHead, head] = await Promise.all([
    git(repoPath, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], { allowFailure: true }),
    git(repoPath, ['symbolic-ref', '--quiet', '--short', 'HEAD'], { allowFailure: true }),
  ]);
  const remote = originHead.stdout.trim();
  if (originHead.code === 0 && remote.startsWith('refs/remotes/origin/')) {
    return remote.slice('refs/remotes/origin/'.length);
  }
  if (head.code === 0 && head.stdout.trim() !== '') return head.stdout.trim();
  if (head.code === 128) {
    throw new FlotillaError(
      'NOT_A_GIT_REPO',
      `${repoPath} is not a usable git repository: ${gitReason(head)}`,
      {
        hint: 'register the toplevel of a git checkout',
      },
    );
  }

  // Detached HEAD and no remote: fall back to the conventional names, in git's own order.
  const configured = await git(repoPath, ['config', '--get', 'init.defaultBranch'], { allowFailure: true });
  const candidates = [configured.stdout.trim(), 'main', 'master'].filter((b) => b !== '');
  const existing = await git(repoPath, [
    'for-each-ref',
    '--format=%(refname:short)',
    ...candidates.map((b) => `refs/heads/${b}`),
  ]);
  const found = new Set(existing.stdout.split('\n').filter((l) => l !== ''));
  const branch = candidates.find((b) => found.has(b));
  if (branch === undefined) {
    throw new FlotillaError('NOT_FOUND', `cannot tell the default branch of ${repoPath}`, {
      hint: 'check out your main branch in the main checkout, or pass the base ref explicitly',
    });
  }
  return branch;
}

/** The commit `ref` points at (branch, tag, sha, `HEAD~2`…). Throws NOT_FOUND for an unknown ref. */
export async function resolveRef(repoPath: string, ref: string): Promise<string> {
  assertRefArgument(ref);
  const result = await git(repoPath, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], {
    allowFailure: true,
  });
  const sha = result.stdout.trim();
  if (result.code !== 0 || sha === '') {
    if (result.stderr.includes('cannot change to'))
      throw new FlotillaError('NOT_A_GIT_REPO', gitReason(result));
    throw unknownRef(repoPath, ref);
  }
  return sha;
}

/** Every local branch and the commit it points at, in one call (`for-each-ref refs/heads`). */
export async function branchTips(repoPath: string): Promise<Map<string, string>> {
  const result = await git(
    repoPath,
    ['for-each-ref', '--format=%(objectname) %(refname:lstrip=2)', 'refs/heads'],
    {
      allowFailure: true,
    },
  );
  const tips = new Map<string, string>();
  if (result.code !== 0) return tips;
  for (const line of result.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) tips.set(line.slice(space + 1), line.slice(0, space));
  }
  return tips;
}

/** Whether commit `ancestor` is reachable from `descendant` (false for an unknown commit). */
export async function isAncestor(repoPath: string, ancestor: string, descendant: string): Promise<boolean> {
  assertRefArgument(ancestor);
  assertRefArgument(descendant);
  const result = await git(repoPath, ['merge-base', '--is-ancestor', ancestor, descendant], {
    allowFailure: true,
  });
  return result.code === 0;
}

/** Whether `refs/heads/<branch>` exists (false also when the repository cannot be read). */
export async function branchExists(repoPath: string, branch: string): Promise<boolean> {
  assertRefArgument(branch);
  const result = await git(repoPath, ['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`], {
    allowFailure: true,
  });
  return result.code === 0;
}

export function unknownRef(repoPath: string, ref: string): FlotillaError {
  return new FlotillaError(
    'NOT_FOUND',
    `unknown ref '${ref}' in ${repoPath}: no branch, tag or commit by that name`,
    {
      hint: `list branches with: git -C ${repoPath} branch -a`,
    },
  );
}

/** Refs reach git as arguments: one that looks like an option or spans lines is refused. */
export function assertRefArgument(ref: string): void {
  if (ref === '' || ref.startsWith('-') || /[\n\r\0]/.test(ref)) {
    throw new FlotillaError('INVALID_INPUT', `'${ref}' is not a usable git ref`, {
      hint: 'give a branch, tag or commit sha',
    });
  }
}
