import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TaskService } from '../../core/tasks.js';
import { IdSchema } from '../../domain/ids.js';
import {
  LabelSchema,
  TaskCreateSchema,
  TaskPatchSchema,
  TaskPrioritySchema,
  TaskSchema,
  TaskStatusSchema,
} from '../../domain/task.js';
import { actorOf } from '../actor.js';
import { defineRoute } from '../define.js';
import { IdParams, TaskListSchema } from './schemas.js';

/** `?status=todo&status=review` and `?status=todo,review` both mean [todo, review]. */
const list = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === 'string' || Array.isArray(v)
        ? (Array.isArray(v) ? v : [v])
            .flatMap((s) => (typeof s === 'string' ? s.split(',') : [s]))
            .filter((s) => s !== '')
        : v,
    z.array(item),
  );

export const TaskListQuerySchema = z
  .object({
    status: list(TaskStatusSchema).optional(),
    label: list(LabelSchema).optional(),
    priority: list(TaskPrioritySchema).optional(),
    repo: IdSchema.optional(),
    limit: z.coerce.number().int().min(1).max(10_000).optional(),
    offset: z.coerce.number().int().min(0).optional(),
  })
  .strict();

export const TaskCreateBodySchema = TaskCreateSchema.extend({ repoId: IdSchema }).strict();
export const TaskMoveBodySchema = z.object({ status: TaskStatusSchema }).strict();
export const TaskRemoveQuerySchema = z.object({ force: z.enum(['true', 'false']).optional() }).strict();
const DependencyParams = z.object({ id: z.string().min(1).max(64), dep: z.string().min(1).max(64) });

/** Tasks: CRUD, move, dependencies (through create/patch, or one at a time), filtering and pagination. */
export function taskRoutes(tasks: TaskService) {
  return (api: FastifyInstance): void => {
    defineRoute(api, {
      method: 'GET',
      url: '/tasks',
      summary: 'List tasks by status, label, priority or repo; paginated (limit, offset) with the total',
      tags: ['tasks'],
      query: TaskListQuerySchema,
      response: { 200: TaskListSchema },
      handler: async ({ query: q }) =>
        tasks.list({
          ...(q.status ? { status: q.status } : {}),
          ...(q.label ? { label: q.label } : {}),
          ...(q.priority ? { priority: q.priority } : {}),
          ...(q.repo ? { repoId: q.repo } : {}),
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.offset ? { offset: q.offset } : {}),
        }),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/tasks',
      summary: 'Create a task in a repo (dependencies may be id prefixes)',
      tags: ['tasks'],
      body: TaskCreateBodySchema,
      response: { 201: TaskSchema },
      handler: async ({ body: { repoId, ...input }, request, reply }) => {
        const task = await tasks.add(repoId, input, actorOf(request));
        reply.code(201);
        return task;
      },
    });

    defineRoute(api, {
      method: 'GET',
      url: '/tasks/:id',
      summary: 'One task, by id or unique prefix',
      tags: ['tasks'],
      params: IdParams,
      response: { 200: TaskSchema },
      handler: async ({ params }) => tasks.get(params.id),
    });

    defineRoute(api, {
      method: 'PATCH',
      url: '/tasks/:id',
      summary: 'Edit a task: title, prompt, priority, labels, dependencies',
      tags: ['tasks'],
      params: IdParams,
      body: TaskPatchSchema,
      response: { 200: TaskSchema },
      handler: async ({ params, body, request }) => tasks.edit(params.id, body, actorOf(request)),
    });

    defineRoute(api, {
      method: 'POST',
      url: '/tasks/:id/move',
      summary: 'Move a task to another status',
      tags: ['tasks'],
      params: IdParams,
      body: TaskMoveBodySchema,
      response: { 200: TaskSchema },
      handler: async ({ params, body, request }) => tasks.move(params.id, body.status, actorOf(request)),
    });

    defineRoute(api, {
      method: 'PUT',
      url: '/tasks/:id/dependencies/:dep',
      summary: 'Make a task depend on another (idempotent; cycles are refused)',
      tags: ['tasks'],
      params: DependencyParams,
      response: { 200: TaskSchema },
      handler: async ({ params, request }) => tasks.addDependency(params.id, params.dep, actorOf(request)),
    });

    defineRoute(api, {
      method: 'DELETE',
      url: '/tasks/:id/dependencies/:dep',
      summary: 'Drop one dependency of a task',
      tags: ['tasks'],
      params: DependencyParams,
      response: { 200: TaskSchema },
      handler: async ({ params, request }) => tasks.removeDependency(params.id, params.dep, actorOf(request)),
    });

    defineRoute(api, {
      method: 'DELETE',
      url: '/tasks/:id',
      summary: 'Delete a task (force: even if other tasks depend on it or it has agents)',
      tags: ['tasks'],
      params: IdParams,
      query: TaskRemoveQuerySchema,
      response: { 200: TaskSchema },
      handler: async ({ params, query, request }) =>
        tasks.remove(params.id, { force: query.force === 'true' }, actorOf(request)),
    });
  };
}
