import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { EventTypeSchema } from '../../domain/event.js';
import { TimestampSchema } from '../../domain/time.js';
import type { Store } from '../../store/index.js';
import { defineRoute } from '../define.js';
import { EventListSchema } from './schemas.js';

const types = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
  z.array(EventTypeSchema),
);

export const EventQuerySchema = z
  .object({
    agent: z.string().min(1).max(64).optional(),
    task: z.string().min(1).max(64).optional(),
    repo: z.string().min(1).max(64).optional(),
    type: types.optional(),
    after: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    since: TimestampSchema.optional(),
    until: TimestampSchema.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .strict();

/** The audit trail: events by agent, task, repo, type or time, paginated by id. */
export function eventRoutes(store: Store) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/events',
      summary: 'Events by agent, task, repo, type or time; paginated by id (after/before)',
      tags: ['events'],
      query: EventQuerySchema,
      response: { 200: EventListSchema },
      handler: async ({ query: q }) => {
        const agentId = q.agent ? (await store.agents.resolve(q.agent)).id : undefined;
        const taskId = q.task ? (await store.tasks.resolve(q.task)).id : undefined;
        const events = await store.events.list({
          ...(agentId ? { agentId } : {}),
          ...(taskId ? { taskId } : {}),
          ...(q.repo ? { repoId: q.repo } : {}),
          ...(q.type ? { types: q.type } : {}),
          ...(q.after !== undefined ? { afterId: q.after } : {}),
          ...(q.before !== undefined ? { beforeId: q.before } : {}),
          ...(q.since ? { since: q.since } : {}),
          ...(q.until ? { until: q.until } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.order ? { order: q.order } : {}),
        });
        return { events, lastId: events.at(-1)?.id ?? null };
      },
    });
  };
}
