import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ConflictService } from '../../core/conflicts.js';
import { ConflictListSchema } from '../../domain/conflicts.js';
import { defineRoute } from '../define.js';

const ConflictQuerySchema = z
  .object({
    /** A repo id or name; default: every registered repo. */
    repo: z.string().min(1).max(64).optional(),
    /** `true`: compute now and answer with that (the CLI); otherwise the last prediction. */
    fresh: z.enum(['true', 'false']).optional(),
  })
  .strict();

/** Conflict prediction across live work: which live agents' work overlaps or would conflict. */
export function conflictRoutes(conflicts: ConflictService) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/conflicts',
      summary: 'Pairs of live agents whose work shares files or hunks, and which would conflict if merged',
      description:
        "Each live agent is its branch plus its uncommitted changes, compared with the repo's base branch. " +
        'The prediction is kept up to date as turns end and agents commit; `fresh=true` waits for a new computation.',
      tags: ['conflicts'],
      query: ConflictQuerySchema,
      response: { 200: ConflictListSchema },
      handler: async ({ query }) => ({
        repos: await conflicts.list({ repo: query.repo, fresh: query.fresh === 'true' }),
      }),
    });
  };
}
