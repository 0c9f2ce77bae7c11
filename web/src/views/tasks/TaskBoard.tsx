/**
 * The task board (`/tasks`): one column per status, cards dragged (or moved with their "Move
 * to…" list) between them, agents started from the card, tasks created and edited in a dialog.
 * All derived data is computed here, once per change of the task or agent list; the cards are
 * memoized and subscribe to nothing, so a board of 1,000 tasks re-renders only what changed.
 */
import { usePrefetchQuery } from '@tanstack/react-query';
import { useCallback, useDeferredValue, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { ApiError } from '../../api/client.js';
import {
  reposQuery,
  tasksQuery,
  useAgents,
  useMoveTask,
  useRepos,
  useStartTask,
  useTasks,
} from '../../api/queries.js';
import type { Task, TaskPriority, TaskStatus } from '../../api/types.js';
import { ErrorState } from '../../components/ErrorState.js';
import { BoardDnd } from './BoardDnd.js';
import { BoardFilters } from './BoardFilters.js';
import {
  agentsByTask,
  BOARD_COLUMNS,
  COLUMN_NAMES,
  dependenciesOf,
  groupByStatus,
  MOVE_TARGETS,
} from './board-model.js';
import { EmptyBoard } from './EmptyBoard.js';
import type { StartState } from './TaskCard.js';
import type { CardItem } from './TaskColumn.js';
import { TaskDialog, type TaskDialogState } from './TaskDialog.js';
import { isFiltering, taskMatcher, useBoardFilters } from './useBoardFilters.js';
import './TaskBoard.css';

const NO_TASKS: Task[] = [];
const messageOf = (e: unknown) =>
  e instanceof ApiError
    ? `${e.message}${e.hint ? ` (${e.hint})` : ''}`
    : e instanceof Error
      ? e.message
      : String(e);

export function TaskBoard() {
  // useQuery asks the API once the board is on the page, and the board is a lazy chunk whose
  // first render React may hold back for up to 300 ms (Suspense reveals content at most that
  // often): ask in that first render instead, so the lists arrive while it waits.
  usePrefetchQuery(tasksQuery);
  usePrefetchQuery(reposQuery);
  const tasksList = useTasks();
  const agentsQuery = useAgents();
  const reposList = useRepos();
  const [filters, setFilters] = useBoardFilters();
  const [dialog, setDialog] = useState<TaskDialogState>(null);
  const [starts, setStarts] = useState<Record<string, StartState>>({});
  const [moveError, setMoveError] = useState<string | null>(null);
  const [moveNote, setMoveNote] = useState('');

  const tasks = tasksList.data ?? NO_TASKS;
  const byId = useMemo(() => new Map(tasks.map((t) => [t.id, t])), [tasks]);
  const agents = useMemo(() => agentsByTask(agentsQuery.data ?? []), [agentsQuery.data]);
  const labels = useMemo(() => [...new Set(tasks.flatMap((t) => t.labels))].sort(), [tasks]);
  // Typing in the search box stays responsive; the 1,000-card filter follows a beat later.
  // The memo keys on the deferred query (not on `filters`, new at every keystroke), so the
  // keystroke's own render skips the regrouping.
  const query = useDeferredValue(filters.query);
  const { label, showCancelled } = filters;
  const priorityKey = filters.priorities.join(',');
  const matches = useMemo(
    () =>
      taskMatcher({
        label,
        priorities: priorityKey ? (priorityKey.split(',') as TaskPriority[]) : [],
        query,
        showCancelled,
      }),
    [label, priorityKey, query, showCancelled],
  );
  const columns = filters.showCancelled ? MOVE_TARGETS : BOARD_COLUMNS;

  const groups = useMemo(() => {
    const grouped = groupByStatus(tasks.filter(matches));
    const items = {} as Record<TaskStatus, CardItem[]>;
    for (const status of MOVE_TARGETS)
      items[status] = grouped[status].map((task) => ({
        task,
        deps: dependenciesOf(task, byId),
        agent: agents.get(task.id),
      }));
    return items;
  }, [tasks, matches, byId, agents]);
  const shown = columns.reduce((n, s) => n + groups[s].length, 0);
  const total = tasks.filter((t) => columns.includes(t.status)).length;
  const cancelledCount = useMemo(() => tasks.filter((t) => t.status === 'cancelled').length, [tasks]);

  // Callbacks handed to every card must keep their identity, or every memoized card re-renders;
  // they reach the latest mutations and titles through refs.
  const startTask = useStartTask();
  const moveTask = useMoveTask();
  const latest = useRef({ start: startTask.mutateAsync, move: moveTask.mutateAsync, byId });
  latest.current = { start: startTask.mutateAsync, move: moveTask.mutateAsync, byId };

  const onStart = useCallback(async (id: string) => {
    setStarts((s) => ({ ...s, [id]: { pending: true, error: null } }));
    try {
      await latest.current.start({ task: id });
      setStarts(({ [id]: _done, ...rest }) => rest);
    } catch (error) {
      setStarts((s) => ({ ...s, [id]: { pending: false, error } }));
    }
  }, []);

  // A moved card is a new element in another column, and the focused select or handle goes with
  // the old one: keyboard users would be thrown back to the top of the page. Remember which
  // control of which card had focus, and give it back wherever the card now is.
  const refocus = useRef<{ id: string; selector: string } | null>(null);
  // Its card is built in whichever column it lands, however far down (columns build only the
  // cards near the view).
  const [follow, setFollow] = useState<string | null>(null);
  useLayoutEffect(() => {
    const r = refocus.current;
    if (!r || (document.activeElement && document.activeElement !== document.body)) return;
    document
      .querySelector<HTMLElement>(`[data-testid="task-card"][data-task-id="${r.id}"] ${r.selector}`)
      ?.focus();
    // After every render: cheap when nothing is pending, and the card may move on any of them.
  });

  const onMove = useCallback(async (id: string, status: TaskStatus) => {
    const title = latest.current.byId.get(id)?.title ?? id;
    const focused = document.activeElement;
    refocus.current =
      focused?.closest('[data-testid="task-card"]')?.getAttribute('data-task-id') === id
        ? { id, selector: focused.matches('select') ? 'select' : '[data-drag-handle]' }
        : null;
    setFollow(refocus.current ? id : null);
    setMoveError(null);
    setMoveNote(`Moving “${title}” to ${COLUMN_NAMES[status]}…`);
    try {
      await latest.current.move({ id, status });
      setMoveNote(`Moved “${title}” to ${COLUMN_NAMES[status]}.`);
    } catch (error) {
      // The mutation already put the card back; say why, in the daemon's words.
      setMoveNote('');
      setMoveError(`Could not move “${title}” to ${COLUMN_NAMES[status]}: ${messageOf(error)}`);
    }
  }, []);

  const onEdit = useCallback((id: string) => setDialog({ kind: 'edit', taskId: id }), []);

  if (tasksList.isPending)
    return (
      <p className="muted" aria-busy="true">
        Loading tasks…
      </p>
    );
  if (tasksList.error)
    return (
      <ErrorState title="Cannot load tasks" error={tasksList.error} onRetry={() => tasksList.refetch()} />
    );

  return (
    // A press elsewhere means the user moved on: no focus is handed back after that.
    <div
      className="task-board"
      onPointerDown={() => {
        refocus.current = null;
        setFollow(null);
      }}
    >
      <header className="board-head">
        <h1>Tasks</h1>
        <p className="muted board-count" aria-live="polite">
          {isFiltering(filters)
            ? `Showing ${shown} of ${total} tasks`
            : `${total} ${total === 1 ? 'task' : 'tasks'}`}
        </p>
        <button type="button" className="primary" onClick={() => setDialog({ kind: 'create' })}>
          New task
        </button>
      </header>
      <BoardFilters filters={filters} labels={labels} cancelledCount={cancelledCount} onChange={setFilters} />
      <div className="board-alert" role="alert">
        {moveError && (
          <p>
            {moveError}{' '}
            <button type="button" className="link-button" onClick={() => setMoveError(null)}>
              Dismiss
            </button>
          </p>
        )}
      </div>
      <p className="visually-hidden" aria-live="polite">
        {moveNote}
      </p>
      <EmptyBoard
        repoCount={reposList.data?.length ?? null}
        taskCount={tasks.length}
        filtered={isFiltering(filters) && shown === 0 && total > 0}
        onNewTask={() => setDialog({ kind: 'create' })}
        onClearFilters={() => setFilters({ label: '', priorities: [], query: '' })}
      />
      <BoardDnd
        columns={columns}
        groups={groups}
        starts={starts}
        follow={follow}
        onStart={onStart}
        onMove={onMove}
        onEdit={onEdit}
      />
      <TaskDialog state={dialog} tasks={tasks} repos={reposList.data ?? []} onClose={() => setDialog(null)} />
    </div>
  );
}
