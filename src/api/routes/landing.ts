import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Dispatcher } from '../../core/dispatcher.js';
import type { LandingService } from '../../core/landing.js';
import type { ReviewService } from '../../core/review.js';
import { LANDING_STATES, LandingSchema } from '../../domain/landing.js';
import { ReviewSummarySchema } from '../../domain/review.js';
import { DispatchStatusSchema } from '../../domain/scheduler.js';
import { TaskSchema } from '../../domain/task.js';
import { actorOf } from '../actor.js';
import { defineRoute } from '../define.js';
import { IdParams, OkSchema } from './schemas.js';

const QueuedSchema = z.object({ landing: LandingSchema, position: z.number().int(), already: z.boolean() });
const LandBodySchema = z.object({ tasks: z.array(z.string().min(1).max(64)).min(1).max(100) }).strict();
const LandingQuerySchema = z
  .object({
    repo: z.string().min(1).optional(),
    task: z.string().min(1).optional(),
    state: z
      .array(z.enum(LANDING_STATES))
      .or(z.enum(LANDING_STATES).transform((s) => [s]))
      .optional(),
  })
  .strict();
const SendBackBodySchema = z.object({ message: z.string().min(1).max(20_000) }).strict();
const DiscardBodySchema = z.object({ deleteBranch: z.boolean().optional() }).strict();
const WatchBodySchema = z
  .object({ repo: z.string().min(1).optional(), leaseId: z.string().min(1).max(32).optional() })
  .strict();
const WatchSchema = z.object({ leaseId: z.string(), ttlMs: z.number().int() });

/** A `up --watch` lease lasts this long without a renewal (the CLI renews it every 10 s). */
export const WATCH_TTL_MS = 30_000;

/** Landing queue, review (send back, discard) and the dispatcher's watch leases. */
export function landingRoutes(deps: {
  landings: LandingService;
  review: ReviewService;
  dispatcher: Dispatcher;
  repoId(ref: string): Promise<string>;
}) {
  const { landings, review, dispatcher } = deps;
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'POST',
      url: '/land',
      summary: "Queue tasks for landing on their repo's base branch, in the order given",
      tags: ['landing'],
      body: LandBodySchema,
      response: { 200: z.object({ queued: z.array(QueuedSchema) }) },
      handler: async ({ body, request }) => ({
        queued: await landings.enqueue(body.tasks, actorOf(request)),
      }),
    });

    defineRoute(api, {
      method: 'DELETE',
      url: '/tasks/:id/land',
      summary: "Take a task's queued landing out of the queue",
      tags: ['landing'],
      params: IdParams,
      response: { 200: LandingSchema },
      handler: async ({ params, request }) => landings.cancel(params.id, actorOf(request)),
    });

    defineRoute(api, {
      method: 'GET',
      url: '/landings',
      summary: 'Landings (the queues and their history) by repo, task and state',
      tags: ['landing'],
      query: LandingQuerySchema,
      response: { 200: z.object({ landings: z.array(LandingSchema) }) },
      handler: async ({ query }) => ({
        landings: await landings.list({
          ...(query.repo ? { repoId: await deps.repoId(query.repo) } : {}),
          ...(query.task ? { taskId: query.task } : {}),
          ...(query.state ? { states: query.state } : {}),
        }),
      }),
    });

    defineRoute(api, {
      method: 'GET',
      url: '/review',
      summary: 'Tasks waiting for review, each with its commits, diff stat, last message, landing and cost',
      tags: ['review'],
      response: { 200: z.object({ reviews: z.array(ReviewSummarySchema) }) },
      handler: async () => ({ reviews: await review.list() }),
    });

    defineRoute(api, {
      method: 'GET',
      url: '/tasks/:id/review',
      summary: "One task's review summary (any status)",
      tags: ['review'],
      params: IdParams,
      response: { 200: ReviewSummarySchema },
      handler: async ({ params }) => (await review.list(params.id))[0] as z.infer<typeof ReviewSummarySchema>,
    });

    defineRoute(api, {
      method: 'POST',
      url: '/tasks/:id/send-back',
      summary: 'Send a task back to its agent with a message (the same session goes on)',
      tags: ['review'],
      params: IdParams,
      body: SendBackBodySchema,
      response: { 200: TaskSchema },
      handler: async ({ params, body, request }) =>
        review.sendBack(params.id, body.message, actorOf(request)),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/tasks/:id/discard',
      summary:
        'Discard a task: stop its agent, remove its worktree, cancel it (the branch is kept unless deleteBranch)',
      tags: ['review'],
      params: IdParams,
      body: DiscardBodySchema,
      response: { 200: TaskSchema },
      handler: async ({ params, body, request }) => review.discard(params.id, body, actorOf(request)),
    });

    defineRoute(api, {
      method: 'GET',
      url: '/scheduler',
      summary: 'The dispatcher: which repos start ready tasks by themselves, and the memory headroom',
      tags: ['scheduler'],
      response: { 200: DispatchStatusSchema },
      handler: async () => dispatcher.status(),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/scheduler/watch',
      summary: `Turn the dispatcher on for a repo (or all) for ${WATCH_TTL_MS / 1000} s; renew with the lease id`,
      tags: ['scheduler'],
      body: WatchBodySchema,
      response: { 200: WatchSchema },
      handler: async ({ body }) => {
        const repoId = body.repo ? await deps.repoId(body.repo) : null;
        return { leaseId: dispatcher.watch(repoId, WATCH_TTL_MS, body.leaseId), ttlMs: WATCH_TTL_MS };
      },
    });

    defineRoute(api, {
      method: 'DELETE',
      url: '/scheduler/watch/:id',
      summary: 'End a watch lease (flotilla up --watch stopped)',
      tags: ['scheduler'],
      params: IdParams,
      response: { 200: OkSchema },
      handler: async ({ params }) => {
        dispatcher.unwatch(params.id);
        return { ok: true as const };
      },
    });
  };
}
