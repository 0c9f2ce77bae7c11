import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { EventService } from '../../core/events.js';
import { ACTOR_KINDS, EventTypeSchema, LEGACY_ACTORS, StoredActorSchema } from '../../domain/event.js';
import { TimestampSchema } from '../../domain/time.js';
import { defineRoute } from '../define.js';
import { EventListSchema } from './schemas.js';

const types = z.preprocess(
  (v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v),
  z.array(EventTypeSchema),
);

/**
 * Who wrote an event, exactly as stored (`user`, `agent:<id>`…). An unknown one is refused by name
 * with the valid forms, rather than answered with an empty page that reads as "nothing happened".
 */
const actor = z
  .string()
  .max(128)
  .refine((v) => StoredActorSchema.safeParse(v).success, {
    abort: true,
    error: (issue) =>
      `unknown actor '${String(issue.input)}': valid are ${[...ACTOR_KINDS, ...LEGACY_ACTORS].join(', ')}, integration:<name>, agent:<id>`,
  })
  .pipe(StoredActorSchema);

export const EventQuerySchema = z
  .object({
    agent: z.string().min(1).max(64).optional(),
    task: z.string().min(1).max(64).optional(),
    repo: z.string().min(1).max(64).optional(),
    actor: actor.optional(),
    type: types.optional(),
    after: z.coerce.number().int().min(0).optional(),
    before: z.coerce.number().int().min(1).optional(),
    since: TimestampSchema.optional(),
    until: TimestampSchema.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    order: z.enum(['asc', 'desc']).optional(),
  })
  .strict();

/** The audit trail: events by agent, task, repo, actor, type or time, paginated by id. */
export function eventRoutes(events: EventService) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/events',
      summary: 'Events by agent, task, repo, actor, type or time; paginated by id (after/before)',
      tags: ['events'],
      query: EventQuerySchema,
      response: { 200: EventListSchema },
      handler: async ({ query: q }) => {
        const { type, ...rest } = q;
        const list = await events.query({ ...rest, ...(type ? { types: type } : {}) });
        return { events: list, lastId: list.at(-1)?.id ?? null };
      },
    });
  };
}
