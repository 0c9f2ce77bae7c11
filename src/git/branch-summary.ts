import { FlotillaError } from '../domain/errors.js';
import { type FileDiffStat, parseNumstat } from './diff.js';
import { git, gitReason } from './exec.js';
import { assertRefArgument } from './repo.js';
import type { DiffStat } from './status.js';

/**
 * What a finished branch holds relative to its base, for the review page before landing: its
 * own commits and the change they make since the branch left the base (three-dot diff, so
 * work that landed on the base meanwhile is not shown as the branch's).
 */

export interface BranchCommit {
  sha: string;
  subject: string;
  author: string;
  authorEmail: string;
  /** Author date, ISO 8601 with the author's offset. */
  date: string;
}

export interface BranchSummary {
  base: string;
  branch: string;
  /** Commits on the branch and not on the base, oldest first (at most MAX_SUMMARY_COMMITS). */
  commits: BranchCommit[];
  /** More commits than listed exist (`ahead` has the full count). */
  commitsTruncated: boolean;
  /** Per file, the branch's change since it left the base. */
  files: FileDiffStat[];
  totals: DiffStat;
  /** Commits on the branch and not on the base. */
  ahead: number;
  /** Commits on the base and not on the branch (landed since the branch started). */
  behind: number;
}

export const MAX_SUMMARY_COMMITS = 500;

export async function branchSummary(repoPath: string, base: string, branch: string): Promise<BranchSummary> {
  assertRefArgument(base);
  assertRefArgument(branch);
  const quiet = { allowFailure: true, noOptionalLocks: true };
  const [counts, log, numstat] = await Promise.all([
    git(repoPath, ['rev-list', '--left-right', '--count', `${base}...${branch}`, '--'], quiet),
    git(
      repoPath,
      [
        'log',
        '-z',
        '--no-color',
        `--max-count=${MAX_SUMMARY_COMMITS}`,
        '--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%s',
        `${base}..${branch}`,
        '--',
      ],
      quiet,
    ),
    git(
      repoPath,
      [
        'diff',
        '--numstat',
        '-z',
        '--no-color',
        '--no-ext-diff',
        '--no-textconv',
        `${base}...${branch}`,
        '--',
      ],
      quiet,
    ),
  ]);
  for (const r of [counts, log, numstat]) {
    if (r.code !== 0) {
      throw new FlotillaError('NOT_FOUND', `cannot compare ${branch} with ${base}: ${gitReason(r)}`, {
        hint: `check both exist: git -C ${repoPath} branch -a`,
      });
    }
  }
  const [behind = 0, ahead = 0] = counts.stdout.trim().split(/\s+/).map(Number);
  const commits = log.stdout
    .split('\0')
    .filter((r) => r.trim() !== '')
    .map((record) => {
      const [sha = '', author = '', authorEmail = '', date = '', ...rest] = record
        .replace(/^\n/, '')
        .split('\x1f');
      return { sha, subject: rest.join('\x1f'), author, authorEmail, date };
    })
    .reverse();
  const files = parseNumstat(numstat.stdout);
  const totals: DiffStat = {
    files: files.length,
    insertions: files.reduce((n, f) => n + f.insertions, 0),
    deletions: files.reduce((n, f) => n + f.deletions, 0),
  };
  return { base, branch, commits, commitsTruncated: ahead > commits.length, files, totals, ahead, behind };
}
