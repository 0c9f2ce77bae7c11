/**
 * What the board says when there is nothing to show, and what to do about it: register a
 * repo, add a first task, or loosen the filters. The columns stay below it (empty) so the
 * board keeps its shape and its drop targets.
 */
export function EmptyBoard({
  repoCount,
  taskCount,
  filtered,
  onNewTask,
  onClearFilters,
}: {
  /** null while the repo list is loading. */
  repoCount: number | null;
  taskCount: number;
  filtered: boolean;
  onNewTask: () => void;
  onClearFilters: () => void;
}) {
  if (repoCount === 0)
    return (
      <section className="notice board-empty" aria-labelledby="board-empty-head">
        <h2 id="board-empty-head">No repository yet</h2>
        <p>
          Tasks belong to a repository. Run <code>flotilla init</code> inside a git repository to register it,
          then add tasks here or with <code>flotilla task add</code>.
        </p>
      </section>
    );
  if (taskCount === 0)
    return (
      <section className="notice board-empty" aria-labelledby="board-empty-head">
        <h2 id="board-empty-head">No tasks yet</h2>
        <p>
          A task is a unit of work for one agent. Add one here, or from a terminal with{' '}
          <code>flotilla task add "Fix the login redirect"</code>.
        </p>
        <button type="button" onClick={onNewTask}>
          Add a first task
        </button>
      </section>
    );
  if (filtered)
    return (
      <p className="notice board-empty">
        No task matches these filters.{' '}
        <button type="button" className="link-button" onClick={onClearFilters}>
          Clear filters
        </button>
      </p>
    );
  return null;
}
