import { FlotillaError } from '../domain/errors.js';
import type { Actor } from '../domain/event.js';
import type { Task, TaskCreate, TaskFilter, TaskPatch, TaskStatus } from '../domain/task.js';
import { LIVE_AGENT_STATUSES, TASK_STATUSES } from '../domain/values.js';
import { storeNow } from './clock.js';
import type { StoreContext } from './context.js';
import { assertNoCycle, dependentIds, resolveDependencyIds, setDependencies } from './dependencies.js';
import { appendEvent } from './events.js';
import { freshId } from './ids.js';
import { parseInput } from './input.js';
import { schemas } from './lazy.js';
import { RepoStore } from './repos.js';
import {
  checkTaskFilter,
  getTask,
  priorityRank,
  quoteTitle,
  resolveTaskId,
  rowsToTasks,
  taskFilter,
} from './task-rows.js';

/** Options of `tasks.remove`. */
export interface TaskRemoveOptions {
  /** Delete even when other tasks depend on this one, dropping those dependencies. */
  force?: boolean;
}

/** Tasks and their dependencies. Methods taking `idOrPrefix` accept any unique id prefix. */
export class TaskStore {
  constructor(private readonly ctx: StoreContext) {}

  /** Creates a task in `repoId`; dependencies may be given as prefixes and must exist. */
  async create(repoId: string, input: TaskCreate, actor: Actor): Promise<Task> {
    const data = parseInput((await schemas()).TaskCreateSchema, input, 'task');
    return this.ctx.write(async (ctx) => {
      await new RepoStore(ctx).require(repoId);
      const dependsOn = await resolveDependencyIds(ctx, data.dependsOn);
      const now = storeNow();
      const task: Task = {
        id: await freshId(ctx, 'tasks'),
        repoId,
        title: data.title,
        prompt: data.prompt ?? '',
        priority: data.priority,
        status: data.status,
        labels: unique(data.labels),
        dependsOn,
        externalRefs: data.externalRefs,
        createdAt: now,
        updatedAt: now,
      };
      await ctx.db
        .insertInto('tasks')
        .values({
          id: task.id,
          repo_id: repoId,
          title: task.title,
          prompt: task.prompt,
          priority: task.priority,
          status: task.status,
          labels: JSON.stringify(task.labels),
          external_refs: JSON.stringify(task.externalRefs),
          created_at: now,
          updated_at: now,
        })
        .execute();
      await assertNoCycle(ctx, task.id, dependsOn);
      await setDependencies(ctx, task.id, dependsOn);
      const { title, priority, status, labels } = task;
      await appendEvent(
        ctx,
        'task.created',
        actor,
        { repoId, taskId: task.id },
        { title, priority, status, labels, dependsOn },
        now,
      );
      return task;
    });
  }

  async get(id: string): Promise<Task | null> {
    return getTask(this.ctx, id);
  }

  /** Titles of the given tasks in one query (for lists of agents); unknown ids are absent. */
  async titles(ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.ctx.db
      .selectFrom('tasks')
      .select(['id', 'title'])
      .where('id', 'in', ids)
      .execute();
    return new Map(rows.map((r) => [r.id, r.title]));
  }

  /** The task whose id starts with `idOrPrefix` (INVALID_ID, NOT_FOUND or AMBIGUOUS_ID otherwise). */
  async resolve(idOrPrefix: string): Promise<Task> {
    const task = await getTask(this.ctx, await resolveTaskId(this.ctx, idOrPrefix));
    if (!task)
      throw new FlotillaError('NOT_FOUND', `task '${idOrPrefix}' not found`, { hint: 'flotilla task list' });
    return task;
  }

  /** Tasks matching `filter`, urgent first, then oldest first; `limit`/`offset` page through them. */
  async list(filter: TaskFilter = {}): Promise<Task[]> {
    const f = await checkTaskFilter(filter);
    let q = this.ctx.db
      .selectFrom('tasks')
      .selectAll()
      .where(taskFilter(this.ctx, f))
      .orderBy(priorityRank, 'desc')
      .orderBy('created_at')
      .orderBy('id');
    // OFFSET needs a LIMIT in SQLite.
    if (f.limit !== undefined || f.offset !== undefined) q = q.limit(f.limit ?? 2 ** 31 - 1);
    if (f.offset !== undefined) q = q.offset(f.offset);
    return rowsToTasks(this.ctx, await q.execute());
  }

  /** How many tasks match `filter` (ignoring `limit` and `offset`). */
  async count(filter: TaskFilter = {}): Promise<number> {
    const f = await checkTaskFilter(filter);
    const row = await this.ctx.db
      .selectFrom('tasks')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(taskFilter(this.ctx, f))
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** `todo` tasks whose dependencies are all `done`, in the order the scheduler should take them. */
  async ready(repoId?: string): Promise<Task[]> {
    let q = this.ctx.db
      .selectFrom('tasks')
      .selectAll()
      .where('status', '=', 'todo')
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('task_dependencies as d')
              .innerJoin('tasks as dep', 'dep.id', 'd.depends_on_id')
              .select('d.depends_on_id')
              .whereRef('d.task_id', '=', 'tasks.id')
              .where('dep.status', '!=', 'done'),
          ),
        ),
      );
    if (repoId !== undefined) q = q.where('repo_id', '=', repoId);
    const rows = await q.orderBy(priorityRank, 'desc').orderBy('created_at').orderBy('id').execute();
    return rowsToTasks(this.ctx, rows);
  }

  /** Tasks that depend on this one. */
  async dependents(idOrPrefix: string): Promise<Task[]> {
    const id = await resolveTaskId(this.ctx, idOrPrefix);
    const ids = await dependentIds(this.ctx, id);
    if (ids.length === 0) return [];
    const rows = await this.ctx.db
      .selectFrom('tasks')
      .selectAll()
      .where('id', 'in', ids)
      .orderBy('id')
      .execute();
    return rowsToTasks(this.ctx, rows);
  }

  /**
   * Edits a task. `labels` / `dependsOn` replace; `add*` then `remove*` are applied after.
   * Changing nothing appends no event and leaves `updatedAt` alone.
   */
  async update(idOrPrefix: string, patch: TaskPatch, actor: Actor): Promise<Task> {
    const p = parseInput((await schemas()).TaskPatchSchema, patch, 'task change');
    return this.ctx.write(async (ctx) => {
      const before = await this.existing(ctx, idOrPrefix);
      let labels = p.labels ?? before.labels;
      if (p.addLabels) labels = [...labels, ...p.addLabels];
      if (p.removeLabels) labels = labels.filter((l) => !p.removeLabels?.includes(l));
      labels = unique(labels);

      let dependsOn = before.dependsOn;
      if (p.dependsOn || p.addDependsOn || p.removeDependsOn) {
        let set = new Set(p.dependsOn ? await resolveDependencyIds(ctx, p.dependsOn) : before.dependsOn);
        for (const id of await resolveDependencyIds(ctx, p.addDependsOn ?? [])) set.add(id);
        const drop = await resolveDependencyIds(ctx, p.removeDependsOn ?? []);
        set = new Set([...set].filter((id) => !drop.includes(id)));
        dependsOn = [...set].sort();
      }

      const after: Task = {
        ...before,
        title: p.title ?? before.title,
        prompt: p.prompt ?? before.prompt,
        priority: p.priority ?? before.priority,
        labels,
        dependsOn,
      };
      const changes: Record<string, { from: unknown; to: unknown }> = {};
      for (const key of ['title', 'prompt', 'priority', 'labels', 'dependsOn'] as const) {
        if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) {
          changes[key] = { from: before[key], to: after[key] };
        }
      }
      if (Object.keys(changes).length === 0) return before;

      const now = storeNow();
      after.updatedAt = now;
      if (changes.dependsOn) {
        await assertNoCycle(ctx, before.id, dependsOn);
        await setDependencies(ctx, before.id, dependsOn);
      }
      await ctx.db
        .updateTable('tasks')
        .set({
          title: after.title,
          prompt: after.prompt,
          priority: after.priority,
          labels: JSON.stringify(after.labels),
          updated_at: now,
        })
        .where('id', '=', before.id)
        .execute();
      await appendEvent(
        ctx,
        'task.updated',
        actor,
        { repoId: before.repoId, taskId: before.id },
        { changes },
        now,
      );
      return after;
    });
  }

  /** Moves a task to `status` (`message`: kept in the event); moving to the status it has is a no-op. */
  async move(idOrPrefix: string, status: TaskStatus, actor: Actor, message?: string): Promise<Task> {
    const parsed = (await schemas()).TaskStatusSchema.safeParse(status);
    if (!parsed.success) {
      throw new FlotillaError('INVALID_STATUS', `unknown task status '${String(status)}'`, {
        hint: `valid statuses: ${TASK_STATUSES.join(', ')}`,
      });
    }
    const to = parsed.data;
    return this.ctx.write(async (ctx) => {
      const before = await this.existing(ctx, idOrPrefix);
      if (before.status === to) return before;
      const now = storeNow();
      await ctx.db
        .updateTable('tasks')
        .set({ status: to, updated_at: now })
        .where('id', '=', before.id)
        .execute();
      await appendEvent(
        ctx,
        'task.moved',
        actor,
        { repoId: before.repoId, taskId: before.id },
        { from: before.status, to, ...(message === undefined ? {} : { message }) },
        now,
      );
      return { ...before, status: to, updatedAt: now };
    });
  }

  /**
   * Deletes a task. Refused (CONFLICT) while an agent works on it or a worktree of it still
   * exists, and while other tasks depend on it unless `force`, which drops those dependencies.
   * Its agent history rows go with it; its events stay.
   */
  async remove(idOrPrefix: string, actor: Actor, options: TaskRemoveOptions = {}): Promise<Task> {
    return this.ctx.write(async (ctx) => {
      const task = await this.existing(ctx, idOrPrefix);
      const name = `task ${task.id} ${quoteTitle(task.title)}`;
      const live = await ctx.db
        .selectFrom('agents')
        .select(['id', 'status'])
        .where('task_id', '=', task.id)
        .where('removed_at', 'is', null)
        .where('status', 'in', LIVE_AGENT_STATUSES)
        .execute();
      if (live.length > 0) {
        const agents = live.map((a) => `${a.id} (${a.status})`).join(', ');
        throw new FlotillaError('CONFLICT', `${name} cannot be deleted: agent ${agents} is working on it`, {
          hint: 'stop the agent first, then delete the task',
        });
      }
      const worktree = await ctx.db
        .selectFrom('worktrees')
        .select(['path'])
        .where('task_id', '=', task.id)
        .where('removed_at', 'is', null)
        .executeTakeFirst();
      if (worktree) {
        throw new FlotillaError(
          'CONFLICT',
          `${name} cannot be deleted: its worktree ${worktree.path} still exists`,
          {
            hint: 'remove the agent and its worktree first (Flotilla never deletes a worktree that may hold work)',
          },
        );
      }
      const dependents = await dependentIds(ctx, task.id);
      if (dependents.length > 0 && !options.force) {
        const rows = await ctx.db
          .selectFrom('tasks')
          .select(['id', 'title'])
          .where('id', 'in', dependents)
          .execute();
        const listed = rows.map((r) => `${r.id} ${quoteTitle(r.title)}`).join(', ');
        throw new FlotillaError(
          'CONFLICT',
          `${name} cannot be deleted: ${dependents.length} task(s) depend on it: ${listed}`,
          { hint: 'remove those dependencies first, or delete with --force to drop them' },
        );
      }
      await ctx.db.deleteFrom('agents').where('task_id', '=', task.id).execute();
      await ctx.db.deleteFrom('worktrees').where('task_id', '=', task.id).execute();
      // Edges in both directions go by ON DELETE CASCADE.
      await ctx.db.deleteFrom('tasks').where('id', '=', task.id).execute();
      await appendEvent(
        ctx,
        'task.deleted',
        actor,
        { repoId: task.repoId, taskId: task.id },
        { title: task.title, status: task.status, droppedDependents: dependents },
      );
      return task;
    });
  }

  private async existing(ctx: StoreContext, idOrPrefix: string): Promise<Task> {
    return new TaskStore(ctx).resolve(idOrPrefix);
  }
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
