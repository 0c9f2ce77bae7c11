import type { ExpressionBuilder, Selectable } from 'kysely';
import { ID_LENGTH } from '../domain/ids.js';
import { type ExternalRef, PRIORITY_RANK, type Task, type TaskFilter, TaskSchema } from '../domain/task.js';
import type { StoreContext } from './context.js';
import { checkRow, parseJsonColumn } from './input.js';
import { CANDIDATE_LIMIT, parseIdPrefix, pickCandidate } from './resolve.js';
import type { Database, TasksTable } from './schema.js';

/*
 * Reading tasks: row mapping, dependency loading, filters, prefix resolution. Shared by the
 * task store and the dependency checks.
 */

export function toTask(row: Selectable<TasksTable>, dependsOn: string[]): Task {
  const task: Task = {
    id: row.id,
    repoId: row.repo_id,
    title: row.title,
    prompt: row.prompt,
    priority: row.priority,
    status: row.status,
    labels: parseJsonColumn<string[]>(row.labels, 'tasks.labels', row.id),
    dependsOn,
    externalRefs: parseJsonColumn<ExternalRef[]>(row.external_refs, 'tasks.external_refs', row.id),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  return checkRow(TaskSchema, task, 'tasks', row.id);
}

/** Above this many ids, reading every edge beats a long IN list (and stays under bind limits). */
const IN_LIST_MAX = 500;

/** What each of `taskIds` depends on, ids sorted. */
export async function loadDependsOn(
  ctx: StoreContext,
  taskIds: readonly string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  if (taskIds.length === 0) return result;
  for (const id of taskIds) result.set(id, []);
  let q = ctx.db.selectFrom('task_dependencies').select(['task_id', 'depends_on_id']);
  if (taskIds.length <= IN_LIST_MAX) q = q.where('task_id', 'in', taskIds);
  const edges = await q.orderBy('task_id').orderBy('depends_on_id').execute();
  for (const edge of edges) result.get(edge.task_id)?.push(edge.depends_on_id);
  return result;
}

/** Maps rows to tasks, with their dependencies, keeping the row order. */
export async function rowsToTasks(
  ctx: StoreContext,
  rows: readonly Selectable<TasksTable>[],
): Promise<Task[]> {
  const deps = await loadDependsOn(
    ctx,
    rows.map((r) => r.id),
  );
  return rows.map((row) => toTask(row, deps.get(row.id) ?? []));
}

export async function getTask(ctx: StoreContext, id: string): Promise<Task | null> {
  const row = await ctx.db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  const [task] = await rowsToTasks(ctx, [row]);
  return task ?? null;
}

/** The full id of the one task whose id starts with what the user typed. */
export async function resolveTaskId(ctx: StoreContext, idOrPrefix: string): Promise<string> {
  const prefix = parseIdPrefix(idOrPrefix, 'task');
  const rows = await ctx.db
    .selectFrom('tasks')
    .select(['id', 'title'])
    .where(
      'id',
      prefix.length === ID_LENGTH ? '=' : 'like',
      prefix.length === ID_LENGTH ? prefix : `${prefix}%`,
    )
    .orderBy('id')
    .limit(CANDIDATE_LIMIT)
    .execute();
  return pickCandidate(
    'task',
    prefix,
    rows.map((r) => ({ id: r.id, label: quoteTitle(r.title) })),
  );
}

/** A title as messages show it: `"Fix login"`. */
export const quoteTitle = (title: string): string => JSON.stringify(title);

/** `priority` as a number, for ordering urgent first. Portable CASE, no engine-specific function. */
export function priorityRank(eb: ExpressionBuilder<Database, 'tasks'>) {
  return eb
    .case('priority')
    .when('urgent')
    .then(PRIORITY_RANK.urgent)
    .when('high')
    .then(PRIORITY_RANK.high)
    .when('normal')
    .then(PRIORITY_RANK.normal)
    .else(PRIORITY_RANK.low)
    .end();
}

/**
 * The WHERE of `task list` / `count`: any of the given statuses and priorities, all of the
 * given labels. An empty list constrains nothing, like an absent one.
 */
export function taskFilter(ctx: StoreContext, filter: TaskFilter) {
  return (eb: ExpressionBuilder<Database, 'tasks'>) => {
    const conditions = [];
    if (filter.repoId !== undefined) conditions.push(eb('tasks.repo_id', '=', filter.repoId));
    if (filter.status?.length) conditions.push(eb('tasks.status', 'in', filter.status));
    if (filter.priority?.length) conditions.push(eb('tasks.priority', 'in', filter.priority));
    for (const label of filter.label ?? [])
      conditions.push(ctx.dialect.jsonArrayContains('tasks.labels', label));
    return eb.and(conditions);
  };
}
