import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isFlotillaError } from '../../domain/errors.js';
import { LIVE_AGENT_STATUSES } from '../../domain/values.js';
import type { Store } from '../../store/index.js';
import { defineRoute } from '../define.js';
import {
  AllQuery,
  IdParams,
  WorktreeCleanSchema,
  WorktreeDiffSchema,
  WorktreeListSchema,
  WorktreePruneSchema,
} from './schemas.js';

export const WorktreeCleanBodySchema = z
  .object({
    /** Only worktrees whose branch is merged into the repo's default branch. */
    merged: z.boolean().optional(),
    /** Also remove dirty or unmerged worktrees (uncommitted changes are lost; unmerged branches are kept). */
    force: z.boolean().optional(),
    /** Report what would happen, change nothing. */
    dryRun: z.boolean().optional(),
  })
  .strict();

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

/** Worktrees: list with git status, diff against base, clean (never losing work), prune. */
export function worktreeRoutes(store: Store) {
  const liveByPath = async () => {
    const agents = await store.agents.list();
    return new Map(
      agents
        .filter((a) => (LIVE_AGENT_STATUSES as readonly string[]).includes(a.status))
        .map((a) => [a.worktreePath, a]),
    );
  };

  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/worktrees',
      summary: 'List worktrees with their git status and the agent working in each',
      tags: ['worktrees'],
      query: AllQuery,
      response: { 200: WorktreeListSchema },
      handler: async ({ query: { all } }) => {
        const { worktreeStatus } = await import('../../git/index.js');
        const worktrees = await store.worktrees.list({ includeRemoved: all === 'true' });
        const live = await liveByPath();
        const rows = await mapLimit(worktrees, 8, async (w) => ({
          ...w,
          agentId: live.get(w.path)?.id ?? null,
          status: w.removedAt ? null : await worktreeStatus(w.path, w.baseCommit).catch(() => null),
        }));
        return { worktrees: rows };
      },
    });

    defineRoute(api, {
      method: 'GET',
      url: '/worktrees/:id/diff',
      summary: "A worktree's changes against its base commit (by worktree or task id)",
      tags: ['worktrees'],
      params: IdParams,
      response: { 200: WorktreeDiffSchema },
      handler: async ({ params: { id } }) => {
        const { diffAgainstBase } = await import('../../git/index.js');
        const w = (await store.worktrees.list({ includeRemoved: false })).find(
          (x) => x.id === id || x.taskId === id,
        );
        if (!w) {
          const { NotFoundError } = await import('../../domain/errors.js');
          throw new NotFoundError('worktree', id, 'list them with: flotilla worktree list');
        }
        return diffAgainstBase(w.path, w.baseCommit);
      },
    });

    defineRoute(api, {
      method: 'POST',
      url: '/worktrees/clean',
      summary: 'Remove worktrees no agent uses, never losing work unless forced',
      tags: ['worktrees'],
      body: WorktreeCleanBodySchema,
      response: { 200: WorktreeCleanSchema },
      handler: async ({ body }) => {
        const { isMerged, removeWorktree } = await import('../../git/index.js');
        const live = await liveByPath();
        const removed: { path: string; branch: string; branchDeleted: boolean; discarded: string[] }[] = [];
        const refused: { path: string; branch: string; reason: string }[] = [];
        const skipped: { path: string; branch: string; reason: string }[] = [];
        for (const w of await store.worktrees.list()) {
          const repo = await store.repos.get(w.repoId);
          if (!repo) continue;
          const agent = live.get(w.path);
          if (agent) {
            skipped.push({
              path: w.path,
              branch: w.branch,
              reason: `agent ${agent.id} ${busyWords(agent.status)}`,
            });
            continue;
          }
          const merge = await isMerged(repo.path, w.branch, repo.defaultBranch).catch(() => null);
          const merged = merge?.merged ?? false;
          if (body.merged && !merged) {
            skipped.push({ path: w.path, branch: w.branch, reason: `not merged into ${repo.defaultBranch}` });
            continue;
          }
          // A dry run takes the very same path, with removeWorktree checking and changing nothing.
          try {
            if (!merged && !body.force) {
              const n = merge?.unmerged;
              throw new Error(
                `${n === undefined ? 'some commits' : `${n} commit${n === 1 ? '' : 's'}`} not in ${repo.defaultBranch}`,
              );
            }
            const result = await removeWorktree({
              repoPath: repo.path,
              path: w.path,
              branch: w.branch,
              baseCommit: w.baseCommit,
              baseBranch: repo.defaultBranch,
              force: Boolean(body.force),
              // A merged branch holds nothing the base lacks; an unmerged one always stays.
              deleteBranch: merged,
              dryRun: Boolean(body.dryRun),
            });
            if (result.worktreeRemoved && !body.dryRun) await store.worktrees.markRemoved(w.id, 'api');
            removed.push({
              path: w.path,
              branch: w.branch,
              branchDeleted: result.branchDeleted,
              discarded: result.discarded,
            });
          } catch (err) {
            refused.push({
              path: w.path,
              branch: w.branch,
              reason: (isFlotillaError(err) || err instanceof Error ? err.message : String(err)).replace(
                `refusing to remove ${w.path}: `,
                '',
              ),
            });
          }
        }
        return { removed, refused, skipped, dryRun: Boolean(body.dryRun) };
      },
    });

    defineRoute(api, {
      method: 'POST',
      url: '/worktrees/prune',
      summary: "Prune git's records of worktrees whose directory is gone",
      tags: ['worktrees'],
      response: { 200: WorktreePruneSchema },
      handler: async () => {
        const { pruneWorktrees } = await import('../../git/index.js');
        const reports = [];
        for (const repo of await store.repos.list())
          reports.push({ repo: repo.name, ...(await pruneWorktrees(repo.path)) });
        return { repos: reports };
      },
    });
  };
}
