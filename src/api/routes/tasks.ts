import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { IdSchema } from '../../domain/ids.js';
import {
  LabelSchema,
  TaskCreateSchema,
  TaskPatchSchema,
  TaskPrioritySchema,
  TaskStatusSchema,
} from '../../domain/task.js';
import type { Store } from '../../store/index.js';
import { parseBody, parseInput } from '../validate.js';

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
const IdParams = z.object({ id: z.string().min(1).max(64) });

/** Tasks: CRUD, move, dependencies (through create/patch), filtering and pagination. */
export function taskRoutes(store: Store) {
  return (api: FastifyInstance): void => {
    api.get('/tasks', async (req) => {
      const q = parseInput(TaskListQuerySchema, req.query, 'query');
      const filter = {
        ...(q.status ? { status: q.status } : {}),
        ...(q.label ? { label: q.label } : {}),
        ...(q.priority ? { priority: q.priority } : {}),
        ...(q.repo ? { repoId: q.repo } : {}),
      };
      const [tasks, total] = await Promise.all([
        store.tasks.list({
          ...filter,
          ...(q.limit ? { limit: q.limit } : {}),
          ...(q.offset ? { offset: q.offset } : {}),
        }),
        store.tasks.count(filter),
      ]);
      return { tasks, total };
    });

    api.post('/tasks', async (req, reply) => {
      const { repoId, ...input } = parseBody(TaskCreateBodySchema, req.body);
      const task = await store.tasks.create(repoId, input, 'api');
      return reply.code(201).send(task);
    });

    api.get('/tasks/:id', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      return store.tasks.resolve(id);
    });

    api.patch('/tasks/:id', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const patch = parseBody(TaskPatchSchema, req.body);
      const task = await store.tasks.resolve(id);
      return store.tasks.update(task.id, patch, 'api');
    });

    api.post('/tasks/:id/move', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const { status } = parseBody(TaskMoveBodySchema, req.body);
      const task = await store.tasks.resolve(id);
      return store.tasks.move(task.id, status, 'api');
    });

    api.delete('/tasks/:id', async (req) => {
      const { id } = parseInput(IdParams, req.params, 'path');
      const { force } = parseInput(TaskRemoveQuerySchema, req.query, 'query');
      const task = await store.tasks.resolve(id);
      await store.tasks.remove(task.id, 'api', { force: force === 'true' });
      return task;
    });
  };
}
