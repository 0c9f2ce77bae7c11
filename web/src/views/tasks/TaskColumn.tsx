import { useDroppable } from '@dnd-kit/core';
import { useId, useState } from 'react';
import type { AgentView, Task, TaskStatus } from '../../api/types.js';
import { COLUMN_NAMES, type DependencyView } from './board-model.js';
import { type StartState, TaskCard } from './TaskCard.js';
import { useCardWindow } from './useCardWindow.js';

/** What the board derived for one card (once per change of tasks or agents, in a useMemo). */
export interface CardItem {
  task: Task;
  deps: DependencyView[];
  agent: AgentView | undefined;
}

/** Cards a column renders before "Show N more": a first load of 1,000 tasks must stay under a second. */
export const COLUMN_PAGE = 60;

/**
 * One status column: a drop target with a heading (name and count) and its cards in board
 * order. The column scrolls on its own so a long backlog never pushes the others down, and
 * shows its first COLUMN_PAGE cards (the most urgent, by board order) until asked for more.
 * Of those it builds only the ones near the view (useCardWindow), the rest as it scrolls.
 */
export function TaskColumn({
  status,
  items,
  starts,
  follow,
  onStart,
  onMove,
  onEdit,
}: {
  status: TaskStatus;
  items: readonly CardItem[];
  starts: Readonly<Record<string, StartState>>;
  /** A card that must be built wherever it is in the page (focus goes back to it after a move). */
  follow: string | null;
  onStart: (id: string) => void;
  onMove: (id: string, status: TaskStatus) => void;
  onEdit: (id: string) => void;
}) {
  const headingId = useId();
  const { setNodeRef, isOver } = useDroppable({ id: status });
  const [shown, setShown] = useState(COLUMN_PAGE);
  const page = Math.min(items.length, shown);
  const followAt = follow === null ? 0 : items.findIndex((item) => item.task.id === follow) + 1;
  const { rendered, watchAt, watch, showAll } = useCardWindow(page, followAt);
  const visible = items.length > rendered ? items.slice(0, rendered) : items;
  const hidden = items.length - page;
  return (
    <section
      ref={setNodeRef}
      className={`column column-${status}${isOver ? ' drop-over' : ''}${items.length === 0 ? ' column-is-empty' : ''}`}
      data-testid={`column-${status}`}
      data-status={status}
      aria-labelledby={headingId}
    >
      <h2 id={headingId} className="column-head">
        {COLUMN_NAMES[status]}{' '}
        <span className="count">
          {items.length}
          <span className="visually-hidden"> {items.length === 1 ? 'task' : 'tasks'}</span>
        </span>
      </h2>
      {/* An empty column says so only through its count: six "No tasks" would bury the one
          column that has work (on a phone they stacked above it), and the board's own empty
          state (EmptyBoard) speaks for a board with nothing at all. */}
      {items.length === 0 ? null : (
        <ul className="column-cards">
          {visible.map((item, i) => (
            <li key={item.task.id} ref={i === watchAt ? watch : undefined}>
              <TaskCard
                task={item.task}
                deps={item.deps}
                agent={item.agent}
                start={starts[item.task.id]}
                onStart={onStart}
                onMove={onMove}
                onEdit={onEdit}
              />
            </li>
          ))}
          {/* After the page's last card, so only once the window has reached it. */}
          {hidden > 0 && rendered === page && (
            <li>
              <button
                type="button"
                className="column-more"
                onClick={() => {
                  // Built at once, as asked: the button keeps its place (and focus) below them.
                  showAll();
                  setShown((n) => n + COLUMN_PAGE * 5);
                }}
              >
                Show {Math.min(hidden, COLUMN_PAGE * 5)} more of {hidden}
              </button>
            </li>
          )}
        </ul>
      )}
    </section>
  );
}
