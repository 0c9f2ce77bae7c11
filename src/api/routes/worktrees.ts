import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { WorktreeService } from '../../core/worktrees.js';
import { actorOf } from '../actor.js';
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

/** Worktrees: list with git status, diff against base, clean (never losing work), prune. */
export function worktreeRoutes(worktrees: WorktreeService) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/worktrees',
      summary: 'List worktrees with their git status and the agent working in each',
      tags: ['worktrees'],
      query: AllQuery,
      response: { 200: WorktreeListSchema },
      handler: async ({ query: { all } }) => ({ worktrees: await worktrees.list({ all: all === 'true' }) }),
    });

    defineRoute(api, {
      method: 'GET',
      url: '/worktrees/:id/diff',
      summary: "A worktree's changes against its base commit (by worktree or task id)",
      tags: ['worktrees'],
      params: IdParams,
      response: { 200: WorktreeDiffSchema },
      handler: async ({ params: { id } }) => worktrees.diff(id),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/worktrees/clean',
      summary: 'Remove worktrees no agent uses, never losing work unless forced',
      tags: ['worktrees'],
      body: WorktreeCleanBodySchema,
      response: { 200: WorktreeCleanSchema },
      handler: async ({ body, request }) => worktrees.clean(body, actorOf(request)),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/worktrees/prune',
      summary: "Prune git's records of worktrees whose directory is gone",
      tags: ['worktrees'],
      response: { 200: WorktreePruneSchema },
      handler: async () => worktrees.prune(),
    });
  };
}
