import type { ExpressionBuilder, Selectable } from 'kysely';
import type { ExternalRef, Task, TaskFilter } from '../domain/task.js';
import { ID_ALPHABET, ID_LENGTH, PRIORITY_RANK, TASK_PRIORITIES, TASK_STATUSES } from '../domain/values.js';
import type { StoreContext } from './context.js';
import { checkRow, parseInput, parseJsonColumn } from './input.js';
import { schemas } from './lazy.js';
import { CANDIDATE_LIMIT, idPrefixWhere, parseIdPrefix, pickCandidate } from './resolve.js';
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
  return checkRow('tasks', task, row.id);
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
    .where('id', ...idPrefixWhere(prefix))
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

const FILTER_KEYS = new Set(['status', 'label', 'priority', 'repoId', 'limit', 'offset']);
const MAX_PAGE = 10_000;
const FULL_ID = new RegExp(`^[${ID_ALPHABET}]{${ID_LENGTH}}$`);

const isListOf = (value: unknown, ok: (item: unknown) => boolean): boolean =>
  value === undefined || (Array.isArray(value) && value.every(ok));
const isIn = (values: readonly string[]) => (item: unknown) =>
  typeof item === 'string' && values.includes(item);
const isInt = (value: unknown, min: number, max: number) =>
  value === undefined || (Number.isInteger(value) && (value as number) >= min && (value as number) <= max);

/**
 * Checks a task filter without loading zod (`task list` is the hottest CLI path). Anything that
 * does not pass is handed to `TaskFilterSchema` for the precise INVALID_INPUT. Labels are only
 * checked to be short strings: one no task can carry simply matches nothing.
 */
export async function checkTaskFilter(filter: TaskFilter): Promise<TaskFilter> {
  const f = filter as Record<string, unknown>;
  const plain =
    typeof filter === 'object' &&
    filter !== null &&
    Object.keys(f).every((k) => FILTER_KEYS.has(k)) &&
    isListOf(f.status, isIn(TASK_STATUSES)) &&
    isListOf(f.priority, isIn(TASK_PRIORITIES)) &&
    isListOf(f.label, (l) => typeof l === 'string' && l.length > 0 && l.length <= 64) &&
    (f.repoId === undefined || (typeof f.repoId === 'string' && FULL_ID.test(f.repoId))) &&
    isInt(f.limit, 1, MAX_PAGE) &&
    isInt(f.offset, 0, Number.MAX_SAFE_INTEGER);
  if (plain) return filter;
  return parseInput((await schemas()).TaskFilterSchema, filter, 'task filter');
}
