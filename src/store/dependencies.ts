import { FlotillaError } from '../domain/errors.js';
import { findCycle } from '../domain/graph.js';
import type { StoreContext } from './context.js';
import { quoteTitle, resolveTaskId } from './task-rows.js';

/*
 * Task dependency edges: `task_id` waits for `depends_on_id`. The graph is kept acyclic: every
 * change that adds edges is checked first and refused with the cycle spelled out.
 */

/** Resolves ids or prefixes typed by a user to full task ids, deduplicated and sorted. */
export async function resolveDependencyIds(ctx: StoreContext, inputs: readonly string[]): Promise<string[]> {
  const ids = new Set<string>();
  for (const input of inputs) {
    try {
      ids.add(await resolveTaskId(ctx, input));
    } catch (err) {
      if (err instanceof FlotillaError && err.code === 'NOT_FOUND') {
        throw new FlotillaError('NOT_FOUND', `dependency '${input}' not found: ${err.message}`, {
          hint: err.hint ?? 'flotilla task list',
          cause: err,
        });
      }
      throw err;
    }
  }
  return [...ids].sort();
}

/** Ids of the tasks that depend on `taskId`, sorted. */
export async function dependentIds(ctx: StoreContext, taskId: string): Promise<string[]> {
  const rows = await ctx.db
    .selectFrom('task_dependencies')
    .select('task_id')
    .where('depends_on_id', '=', taskId)
    .orderBy('task_id')
    .execute();
  return rows.map((r) => r.task_id);
}

/**
 * Refuses (DEPENDENCY_CYCLE) to give `taskId` the dependencies `dependsOn` when that would close
 * a cycle, naming every task on it:
 * `adding k3f9qa → m2x7pp would create a cycle: k3f9qa "Fix login" → m2x7pp "Add tests" → k3f9qa "Fix login"`.
 */
export async function assertNoCycle(
  ctx: StoreContext,
  taskId: string,
  dependsOn: readonly string[],
): Promise<void> {
  let cycle: string[] | null;
  if (dependsOn.includes(taskId)) {
    cycle = [taskId, taskId];
  } else if (dependsOn.length === 0 || (await dependentIds(ctx, taskId)).length === 0) {
    // A cycle through this task needs an edge into it; a new task (or one nothing waits for)
    // has none, so bulk creation never scans the whole graph.
    cycle = null;
  } else {
    // The graph is small (one row per edge) and acyclic; the task's own edges are replaced by
    // the proposed ones, and it goes first so the search starts from it.
    const edges = new Map<string, string[]>([[taskId, [...dependsOn]]]);
    const rows = await ctx.db.selectFrom('task_dependencies').select(['task_id', 'depends_on_id']).execute();
    for (const { task_id, depends_on_id } of rows) {
      if (task_id === taskId) continue;
      const list = edges.get(task_id);
      if (list) list.push(depends_on_id);
      else edges.set(task_id, [depends_on_id]);
    }
    cycle = findCycle(edges);
  }
  if (!cycle) return;
  const path = startAt(cycle, taskId);
  const titles = await titlesOf(ctx, path);
  const named = path.map((id) => `${id} ${quoteTitle(titles.get(id) ?? '?')}`).join(' → ');
  throw new FlotillaError(
    'DEPENDENCY_CYCLE',
    `adding ${path[0]} → ${path[1]} would create a cycle: ${named}`,
    { hint: `a task cannot wait, even indirectly, for itself: drop one of these dependencies` },
  );
}

/** Rotates a closed cycle `[a, b, c, a]` so it starts (and ends) at `id`, when `id` is on it. */
function startAt(cycle: readonly string[], id: string): string[] {
  const open = cycle.slice(0, -1);
  const i = open.indexOf(id);
  if (i < 0) return [...cycle];
  const rotated = [...open.slice(i), ...open.slice(0, i)];
  return [...rotated, id];
}

async function titlesOf(ctx: StoreContext, ids: readonly string[]): Promise<Map<string, string>> {
  const rows = await ctx.db
    .selectFrom('tasks')
    .select(['id', 'title'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [r.id, r.title]));
}

/** Replaces the dependencies of `taskId` with `dependsOn` (already resolved and checked). */
export async function setDependencies(
  ctx: StoreContext,
  taskId: string,
  dependsOn: readonly string[],
): Promise<void> {
  await ctx.db.deleteFrom('task_dependencies').where('task_id', '=', taskId).execute();
  if (dependsOn.length === 0) return;
  await ctx.db
    .insertInto('task_dependencies')
    .values(dependsOn.map((id) => ({ task_id: taskId, depends_on_id: id })))
    .execute();
}
