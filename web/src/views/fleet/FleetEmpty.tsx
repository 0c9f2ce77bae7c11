/**
 * The fleet with no agent in it, but a repo registered: start the ready tasks from here, or go
 * to the board to add some. (No repo at all is the first-run page instead.)
 */
import { Link } from 'wouter';
import { useTasks } from '../../api/queries.js';
import { ErrorState } from '../../components/ErrorState.js';
import { StartAll } from './StartAll.js';

export function FleetEmpty() {
  const tasks = useTasks();
  if (tasks.error)
    return <ErrorState title="Cannot load the tasks" error={tasks.error} onRetry={() => tasks.refetch()} />;
  const list = tasks.data ?? [];
  const todo = list.filter((t) => t.status === 'todo').length;
  return (
    <section className="empty fleet-empty" aria-labelledby="fleet-empty-title" aria-busy={tasks.isPending}>
      <h2 id="fleet-empty-title">No agents running</h2>
      {tasks.isPending ? (
        <p className="muted">Loading tasks…</p>
      ) : list.length > 0 ? (
        <>
          <p>
            {list.length} task{list.length === 1 ? '' : 's'} on the board, {todo} to do. Start an agent on
            every ready one, or pick tasks on the <Link href="/tasks">task board</Link>.
          </p>
          <StartAll primary />
        </>
      ) : (
        <p>
          No tasks yet. Add one on the <Link href="/tasks">task board</Link>, or from a terminal:{' '}
          <code>flotilla task add "Fix the login redirect"</code>
        </p>
      )}
    </section>
  );
}
