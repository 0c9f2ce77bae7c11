/**
 * Bulk actions on agents: stop all (of a repo), remove the finished ones. Each agent is acted on
 * as the one-agent route would, with the same never-lose-work rules; one agent's refusal is
 * reported and the others go ahead, so the answer always says which agents were not done.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { AgentService } from '../../core/agents.js';
import { AgentSchema } from '../../domain/agent.js';
import { actorOf } from '../actor.js';
import { defineRoute } from '../define.js';
import { AgentRemoveSchema } from './schemas.js';

const RepoField = z.string().min(1).max(64).optional().describe('only agents of this repo (name or id)');
export const StopAllBodySchema = z.object({ repo: RepoField }).strict();
export const RemoveFinishedBodySchema = z
  .object({
    repo: RepoField,
    worktree: z
      .boolean()
      .optional()
      .describe('also remove each worktree (refused, per agent, if it holds uncommitted or unmerged work)'),
  })
  .strict();
const BulkFailureSchema = z.object({
  agentId: z.string(),
  code: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});
export const StopAllResultSchema = z.object({
  stopped: z.array(AgentSchema),
  failed: z.array(BulkFailureSchema),
});
export const RemoveFinishedResultSchema = z.object({
  removed: z.array(AgentRemoveSchema),
  failed: z.array(BulkFailureSchema),
});

export function bulkAgentRoutes(agents: AgentService) {
  const tags = ['agents'];
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'POST',
      url: '/agents/bulk/stop',
      summary:
        'Stop every agent that is not finished (of one repo when repo is given); worktrees and branches stay',
      tags,
      body: StopAllBodySchema,
      response: { 200: StopAllResultSchema },
      handler: async ({ body, request }) => agents.stopAll(body, actorOf(request)),
    });
    defineRoute(api, {
      method: 'POST',
      url: '/agents/bulk/remove',
      summary:
        'Remove every finished agent (exited, stopped, crashed; of one repo when repo is given); branches are kept, worktrees only with worktree and only when clean',
      tags,
      body: RemoveFinishedBodySchema,
      response: { 200: RemoveFinishedResultSchema },
      handler: async ({ body, request }) => agents.removeFinished(body, actorOf(request)),
    });
  };
}
