import { useDraggable } from '@dnd-kit/core';
import type { ReactNode } from 'react';
import type { TaskStatus } from '../../api/types.js';

/** What a dragged card carries, for the drop handler and the screen-reader announcements. */
export interface DragData {
  title: string;
  status: TaskStatus;
}

/**
 * The card's shell: the <article> the board drags and the drag handle. dnd-kit re-renders every
 * useDraggable consumer when a drag starts or moves over a column; keeping the hook here, with
 * the card's content passed in as an unchanged `children` element, means such a render touches
 * this shell only and never the 1,000 card bodies.
 *
 * The pointer can pick the card up anywhere outside its controls (see CardPointerSensor); the
 * keyboard picks it up from the handle only, a real button, so Space on Start or Edit never
 * starts a drag.
 */
export function DraggableCard({
  id,
  title,
  status,
  children,
}: {
  id: string;
  title: string;
  status: TaskStatus;
  children: ReactNode;
}) {
  const data: DragData = { title, status };
  const { setNodeRef, setActivatorNodeRef, attributes, listeners, isDragging } = useDraggable({ id, data });
  return (
    <article
      ref={setNodeRef}
      className={isDragging ? 'task-card dragging' : 'task-card'}
      data-testid="task-card"
      data-task-id={id}
      data-status={status}
      aria-label={title}
      {...listeners}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="drag-handle icon-button"
        {...attributes}
        // dnd-kit gives the handle role="button" and its own description; the name says which task.
        aria-label={`Drag ${title}`}
        data-drag-handle=""
      >
        <span aria-hidden="true">⠿</span>
      </button>
      {children}
    </article>
  );
}
