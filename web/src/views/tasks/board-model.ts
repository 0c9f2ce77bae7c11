/**
 * The board's pure data work: which columns exist, how cards are ordered, which agent belongs
 * to a task and what blocks it. Kept out of the components so 1,000 tasks are grouped once per
 * change (in a useMemo) and the rules can be read in one place.
 */
import { LIVE_AGENT_STATUSES, PRIORITY_RANK, TASK_STATUSES } from '../../../../src/domain/values.js';
import type { AgentView, Task, TaskStatus } from '../../api/types.js';

/**
 * The board's columns, left to right. `cancelled` is a status too, but a cancelled task is
 * work nobody will do: it only gets a column when the user asks for it ("Show cancelled"),
 * so the everyday board stays six columns wide.
 */
export const BOARD_COLUMNS: readonly TaskStatus[] = TASK_STATUSES.filter((s) => s !== 'cancelled');

/** Every status a card can be moved to, cancelled included (cancelling is a real action). */
export const MOVE_TARGETS: readonly TaskStatus[] = TASK_STATUSES;

export const COLUMN_NAMES: Record<TaskStatus, string> = {
  backlog: 'Backlog',
  todo: 'To do',
  in_progress: 'In progress',
  review: 'Review',
  done: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** Higher priority first, then the older task first (the order the scheduler picks them in). */
export function compareTasks(a: Task, b: Task): number {
  const byRank = PRIORITY_RANK[b.priority] - PRIORITY_RANK[a.priority];
  if (byRank !== 0) return byRank;
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

/** Tasks per status, each list sorted; every status has a (possibly empty) list. */
export function groupByStatus(tasks: readonly Task[]): Record<TaskStatus, Task[]> {
  const groups = Object.fromEntries(MOVE_TARGETS.map((s) => [s, [] as Task[]])) as Record<TaskStatus, Task[]>;
  for (const t of tasks) groups[t.status].push(t);
  for (const list of Object.values(groups)) list.sort(compareTasks);
  return groups;
}

/** An agent counts as busy with its task while alive or about to come back (restarting). */
export function isBusy(agent: AgentView | undefined): boolean {
  return agent !== undefined && (LIVE_AGENT_STATUSES.includes(agent.status) || agent.status === 'restarting');
}

/**
 * The agent to show on each task's card: the busy one if any (the server allows one), else
 * the most recent, so a crash or an exit stays visible on the card that caused it.
 */
export function agentsByTask(agents: readonly AgentView[]): Map<string, AgentView> {
  const byTask = new Map<string, AgentView>();
  for (const a of agents) {
    const seen = byTask.get(a.taskId);
    if (!seen) byTask.set(a.taskId, a);
    else if (isBusy(a) !== isBusy(seen)) {
      if (isBusy(a)) byTask.set(a.taskId, a);
    } else if (a.createdAt > seen.createdAt) byTask.set(a.taskId, a);
  }
  return byTask;
}

/** One dependency as a card shows it. `status` is null when the task is not in the list. */
export interface DependencyView {
  id: string;
  title: string | null;
  status: TaskStatus | null;
}

/** Resolves a task's `dependsOn` ids against the loaded tasks. */
export function dependenciesOf(task: Task, byId: ReadonlyMap<string, Task>): DependencyView[] {
  return task.dependsOn.map((id) => {
    const dep = byId.get(id);
    return { id, title: dep?.title ?? null, status: dep?.status ?? null };
  });
}

/**
 * The dependencies that still block a task. One we cannot see (deleted, or beyond the page)
 * counts as blocking: we cannot show it is done, and the scheduler would not start the task.
 */
export function blockersOf(deps: readonly DependencyView[]): DependencyView[] {
  return deps.filter((d) => d.status !== 'done');
}

/** Shallow equality of two dependency lists, so a memoized card skips a render when unchanged. */
export function sameDependencies(a: readonly DependencyView[], b: readonly DependencyView[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  return a.every((d, i) => {
    const e = b[i];
    return e !== undefined && d.id === e.id && d.title === e.title && d.status === e.status;
  });
}

/** Which start button a card offers: Start for waiting tasks, Retry for a failed one. */
export function startActionFor(task: Task, agent: AgentView | undefined): 'Start' | 'Retry' | null {
  if (isBusy(agent)) return null;
  if (task.status === 'backlog' || task.status === 'todo') return 'Start';
  if (task.status === 'failed') return 'Retry';
  return null;
}
