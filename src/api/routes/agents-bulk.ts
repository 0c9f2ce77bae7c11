/**
 * Bulk actions on agents: stop all (of a repo), remove the finished ones. Each agent is acted on
 * as the one-agent route would, with the same never-lose-work rules; one agent's refusal is
 * reported and the others go ahead, so the answer always says which agents were not done.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AgentSchema } from '../../domain/agent.js';
import { NotFoundError } from '../../domain/errors.js';
import type { Store } from '../../store/index.js';
import { removeFinished, stopAll } from '../../supervisor/bulk.js';
import type { Supervisor } from '../../supervisor/index.js';
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

export interface BulkRoutesOptions {
  store: Store;
  supervisor: () => Supervisor;
}

export function bulkAgentRoutes({ store, supervisor }: BulkRoutesOptions) {
  const repoIdOf = async (repo: string | undefined): Promise<string | undefined> => {
    if (repo === undefined) return undefined;
    const found = (await store.repos.list()).find((r) => r.id === repo || r.name === repo);
    if (!found) throw new NotFoundError('repo', repo, 'list repos with: flotilla repo list');
    return found.id;
  };
  const ops = () => {
    const sup = supervisor();
    return {
      list: () => sup.list(),
      stop: (id: string) => sup.stop(id),
      remove: (id: string, o: { force?: boolean; removeWorktree?: boolean }) => sup.remove(id, o),
    };
  };
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
      handler: async ({ body }) => {
        const repoId = await repoIdOf(body.repo);
        return stopAll(ops(), repoId === undefined ? {} : { repoId });
      },
    });
    defineRoute(api, {
      method: 'POST',
      url: '/agents/bulk/remove',
      summary:
        'Remove every finished agent (exited, stopped, crashed; of one repo when repo is given); branches are kept, worktrees only with worktree and only when clean',
      tags,
      body: RemoveFinishedBodySchema,
      response: { 200: RemoveFinishedResultSchema },
      handler: async ({ body }) => {
        const repoId = await repoIdOf(body.repo);
        return removeFinished(ops(), {
          ...(repoId === undefined ? {} : { repoId }),
          removeWorktree: body.worktree ?? false,
        });
      },
    });
  };
}
