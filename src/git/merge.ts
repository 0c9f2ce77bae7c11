import { FlotillaError } from '../domain/errors.js';
import { git, gitReason } from './exec.js';
import { assertRefArgument } from './repo.js';

/**
 * "Is this branch's work already in main?" — asked before a branch may be deleted without
 * --force, and by `worktree clean --merged`. Three ways count as merged, cheapest first:
 *  - ancestor: every commit of the branch is reachable from `into` (merge or fast-forward);
 *  - patch-equivalent: every remaining commit has a same-patch twin in `into` (`git cherry`:
 *    rebase-merges, cherry-picks);
 *  - tree-equivalent: merging the branch into `into` would change nothing
 *    (`git merge-tree --write-tree`, git ≥ 2.38): squash-merges. A squash that was later
 *    reverted on `into` is correctly *not* merged, since the work is gone from there.
 */

export type MergedHow = 'ancestor' | 'patch-equivalent' | 'tree-equivalent';

/** The answer, with the number of commits whose work is not in `into` when not merged. */
export interface MergeCheck {
  merged: boolean;
  how: MergedHow | null;
  /** Commits of the branch with no equivalent in `into` (0 when merged). */
  unmerged: number;
}

export async function isMerged(repoPath: string, branch: string, into: string): Promise<MergeCheck> {
  assertRefArgument(branch);
  assertRefArgument(into);
  const range = await git(repoPath, ['rev-list', '--count', `${into}..${branch}`, '--'], {
    allowFailure: true,
  });
  if (range.code !== 0) {
    throw new FlotillaError('NOT_FOUND', `cannot compare ${branch} with ${into}: ${gitReason(range)}`, {
      hint: `check both exist: git -C ${repoPath} branch -a`,
    });
  }
  if (Number(range.stdout.trim()) === 0) return { merged: true, how: 'ancestor', unmerged: 0 };

  const cherry = await git(repoPath, ['cherry', into, branch]);
  const unmerged = cherry.stdout.split('\n').filter((l) => l.startsWith('+')).length;
  if (unmerged === 0) return { merged: true, how: 'patch-equivalent', unmerged: 0 };

  const [merge, tree] = await Promise.all([
    git(repoPath, ['merge-tree', '--write-tree', '--no-messages', into, branch], { allowFailure: true }),
    git(repoPath, ['rev-parse', '--verify', `${into}^{tree}`]),
  ]);
  // Exit 1 is a conflicting merge, anything else an older git without --write-tree: not merged.
  if (merge.code === 0 && merge.stdout.split('\n')[0]?.trim() === tree.stdout.trim()) {
    return { merged: true, how: 'tree-equivalent', unmerged: 0 };
  }
  return { merged: false, how: null, unmerged };
}
