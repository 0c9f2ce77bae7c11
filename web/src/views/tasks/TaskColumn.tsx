import { useDroppable } from '@dnd-kit/core';
import { useId } from 'react';
import type { AgentView, Task, TaskStatus } from '../../api/types.js';
import { COLUMN_NAMES, type DependencyView } from './board-model.js';
import { type StartState, TaskCard } from './TaskCard.js';

/** What the board derived for one card (once per change of tasks or agents, in a useMemo). */
export interface CardItem {
  task: Task;
  deps: DependencyView[];
  agent: AgentView | undefined;
}

/**
 * One status column: a drop target with a heading (name and count) and its cards in board
 * order. The column scrolls on its own so a long backlog never pushes the others down.
 */
export function TaskColumn({
  status,
  items,
  starts,
  onStart,
  onMove,
  onEdit,
}: {
  status: TaskStatus;
  items: readonly CardItem[];
  starts: Readonly<Record<string, StartState>>;
  onStart: (id: string) => void;
  onMove: (id: string, status: TaskStatus) => void;
  onEdit: (id: string) => void;
}) {
  const headingId = useId();
  const { setNodeRef, isOver } = useDroppable({ id: status });
  return (
    <section
      ref={setNodeRef}
      className={isOver ? `column column-${status} drop-over` : `column column-${status}`}
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
      {items.length === 0 ? (
        <p className="column-empty muted">No tasks</p>
      ) : (
        <ul className="column-cards">
          {items.map((item) => (
            <li key={item.task.id}>
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
        </ul>
      )}
    </section>
  );
}
