import type { Agent } from '../domain/agent.js';
import { FlotillaError, isFlotillaError, NotFoundError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { Repo } from '../domain/repo.js';
import { LIVE_AGENT_STATUSES } from '../domain/values.js';
import type { Worktree } from '../domain/worktree.js';
import type { PruneReport, RemoveResult, WorktreeDiff, WorktreeStatus } from '../git/index.js';
import type { Store } from '../store/index.js';
import type { Supervisor, WorktreeHolder } from '../supervisor/index.js';

/** A worktree with the agent working in it and its git status (null once removed or unreadable). */
export type WorktreeRow = Worktree & { agentId: string | null; status: WorktreeStatus | null };

/** What `clean` did to each worktree: removed, refused (it holds work) or skipped (in use, unmerged). */
export interface CleanReport {
  removed: { path: string; branch: string; branchDeleted: boolean; discarded: string[] }[];
  refused: { path: string; branch: string; reason: string }[];
  skipped: { path: string; branch: string; reason: string }[];
  dryRun: boolean;
}

export interface CleanOptions {
  /** Only worktrees whose branch is merged into the repo's default branch. */
  merged?: boolean;
  /** Also remove dirty or unmerged worktrees (uncommitted changes are lost; unmerged branches are kept). */
  force?: boolean;
  /** Report what would happen, change nothing. */
  dryRun?: boolean;
}

/**
 * Removes a task's worktree, never losing work unless forced, and records it as removed: the one
 * implementation, used by `worktree clean` and by removing an agent with its worktree. `dryRun`
 * runs every check (refusing exactly as the real run would) and changes nothing.
 */
export async function removeTaskWorktree(
  store: Store,
  worktree: Worktree,
  repo: Repo,
  options: { force: boolean; deleteBranch: boolean; dryRun?: boolean },
  actor: Actor,
): Promise<RemoveResult> {
  const { removeWorktree } = await import('../git/index.js');
  const result = await removeWorktree({
    repoPath: repo.path,
    path: worktree.path,
    branch: worktree.branch,
    baseCommit: worktree.baseCommit,
    baseBranch: repo.defaultBranch,
    force: options.force,
    deleteBranch: options.deleteBranch,
    dryRun: options.dryRun ?? false,
  });
  if (result.worktreeRemoved && !options.dryRun) await store.worktrees.markRemoved(worktree.id, actor);
  return result;
}

/** Why a worktree is skipped, in words: "agent a1b2c3 is waiting for your answer in it". */
function busyWords(status: string): string {
  const words: Record<string, string> = {
    starting: 'is starting in it',
    working: 'is working in it',
    needs_input: 'is waiting for your reply in it',
    needs_permission: 'is waiting for your permission in it',
    idle: 'is idle in it (its turn is done)',
    rate_limited: 'is paused by a rate limit in it',
    restarting: 'is restarting in it',
  };
  return words[status] ?? `is ${status.replace(/_/g, ' ')} in it`;
}

/** Who holds a worktree, in words: "agent a1b2c3 is working in it", "an agent is being started in it". */
function holderWords(holder: WorktreeHolder): string {
  return holder.agentId === null
    ? 'an agent is being started in it'
    : `agent ${holder.agentId} ${busyWords(holder.status)}`;
}

/** The refusal to remove a worktree an agent holds. */
export function worktreeHeld(path: string, holder: WorktreeHolder): FlotillaError {
  return new FlotillaError('CONFLICT', `refusing to remove ${path}: ${holderWords(holder)}`, {
    hint: 'stop that agent first (flotilla ps), then remove the worktree again',
  });
}

/** Run `fn` over `items` with at most `limit` at a time (git status of many worktrees). */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** One worktree's line in a clean report. */
type CleanLine =
  | { kind: 'removed'; line: CleanReport['removed'][number] }
  | { kind: 'refused' | 'skipped'; line: CleanReport['refused'][number] };

/**
 * Worktrees: list with git status, diff against base, clean (never losing work), prune. Each
 * removal runs under the supervisor's worktree guard: no agent (re)starts in a worktree while
 * it is checked and removed.
 */
export class WorktreeService {
  constructor(
    private readonly store: Store,
    private readonly supervisor: () => Pick<Supervisor, 'whenWorktreeFree'>,
  ) {}

  private async liveByPath(): Promise<Map<string, Agent>> {
    const agents = await this.store.agents.list();
    return new Map(
      agents
        .filter((a) => (LIVE_AGENT_STATUSES as readonly string[]).includes(a.status))
        .map((a) => [a.worktreePath, a]),
    );
  }

  async list(options: { all?: boolean } = {}): Promise<WorktreeRow[]> {
    const { worktreeStatus } = await import('../git/index.js');
    const worktrees = await this.store.worktrees.list({ includeRemoved: options.all ?? false });
    const live = await this.liveByPath();
    return mapLimit(worktrees, 8, async (w) => ({
      ...w,
      agentId: live.get(w.path)?.id ?? null,
      status: w.removedAt ? null : await worktreeStatus(w.path, w.baseCommit).catch(() => null),
    }));
  }

  /** A worktree's changes against its base commit (by worktree or task id). */
  async diff(id: string): Promise<WorktreeDiff> {
    const { diffAgainstBase } = await import('../git/index.js');
    const w = (await this.store.worktrees.list({ includeRemoved: false })).find(
      (x) => x.id === id || x.taskId === id,
    );
    if (!w) throw new NotFoundError('worktree', id, 'list them with: flotilla worktree list');
    return diffAgainstBase(w.path, w.baseCommit);
  }

  /** Removes the worktrees no agent uses, never losing work unless forced. */
  async clean(options: CleanOptions, actor: Actor): Promise<CleanReport> {
    const dryRun = Boolean(options.dryRun);
    const report: CleanReport = { removed: [], refused: [], skipped: [], dryRun };
    for (const w of await this.store.worktrees.list()) {
      const repo = await this.store.repos.get(w.repoId);
      if (!repo) continue;
      // Checked and removed holding the agents' locks: a restart cannot slip in between.
      const outcome = await this.supervisor().whenWorktreeFree(w, () =>
        this.cleanOne(w, repo, options, actor),
      );
      if ('heldBy' in outcome) {
        report.skipped.push({ path: w.path, branch: w.branch, reason: holderWords(outcome.heldBy) });
        continue;
      }
      const { kind, line } = outcome.done;
      if (kind === 'removed') report.removed.push(line);
      else report[kind].push(line);
    }
    return report;
  }

  /** One free worktree of `clean`: skipped (not merged, when asked), refused, or removed. */
  private async cleanOne(w: Worktree, repo: Repo, options: CleanOptions, actor: Actor): Promise<CleanLine> {
    const { isMerged } = await import('../git/index.js');
    const merge = await isMerged(repo.path, w.branch, repo.defaultBranch).catch(() => null);
    const merged = merge?.merged ?? false;
    if (options.merged && !merged) {
      return {
        kind: 'skipped',
        line: { path: w.path, branch: w.branch, reason: `not merged into ${repo.defaultBranch}` },
      };
    }
    // A dry run takes the very same path, with the removal checking and changing nothing.
    try {
      if (!merged && !options.force) {
        const n = merge?.unmerged;
        throw new Error(
          `${n === undefined ? 'some commits' : `${n} commit${n === 1 ? '' : 's'}`} not in ${repo.defaultBranch}`,
        );
      }
      const result = await removeTaskWorktree(
        this.store,
        w,
        repo,
        // A merged branch holds nothing the base lacks; an unmerged one always stays.
        { force: Boolean(options.force), deleteBranch: merged, dryRun: Boolean(options.dryRun) },
        actor,
      );
      return {
        kind: 'removed',
        line: {
          path: w.path,
          branch: w.branch,
          branchDeleted: result.branchDeleted,
          discarded: result.discarded,
        },
      };
    } catch (err) {
      const message = isFlotillaError(err) || err instanceof Error ? err.message : String(err);
      return {
        kind: 'refused',
        line: {
          path: w.path,
          branch: w.branch,
          reason: message.replace(`refusing to remove ${w.path}: `, ''),
        },
      };
    }
  }

  /** Prunes git's records of worktrees whose directory is gone, in every registered repo. */
  async prune(): Promise<{ repos: ({ repo: string } & PruneReport)[] }> {
    const { pruneWorktrees } = await import('../git/index.js');
    const repos = [];
    for (const repo of await this.store.repos.list())
      repos.push({ repo: repo.name, ...(await pruneWorktrees(repo.path)) });
    return { repos };
  }
}
