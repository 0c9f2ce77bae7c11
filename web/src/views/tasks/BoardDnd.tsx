import {
  type Announcements,
  type CollisionDetection,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  type PointerSensorOptions,
  pointerWithin,
  rectIntersection,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import type { PointerEvent as ReactPointerEvent } from 'react';
import { useMemo, useRef, useState } from 'react';
import type { TaskStatus } from '../../api/types.js';
import { BoardScroller } from './BoardScroller.js';
import { COLUMN_NAMES } from './board-model.js';
import { DRAG_HELP_ID, type DragData, startsOnControl } from './DraggableCard.js';
import type { StartState } from './TaskCard.js';
import { type CardItem, TaskColumn } from './TaskColumn.js';

/**
 * The pointer sensor, minus presses that start on a card's own controls. With the small
 * activation distance below a click elsewhere on the card is still a click (text can be
 * selected with a drag only by starting outside a card, which is acceptable on a board).
 */
export class CardPointerSensor extends PointerSensor {
  static override activators = [
    {
      eventName: 'onPointerDown' as const,
      handler: ({ nativeEvent: event }: ReactPointerEvent, { onActivation }: PointerSensorOptions) => {
        if (!event.isPrimary || event.button !== 0) return false;
        if (startsOnControl(event.target)) return false;
        onActivation?.({ event });
        return true;
      },
    },
  ];
}

/**
 * Left/Right jump a keyboard-dragged card to the neighbouring column (the default moves 25 px
 * per press, a dozen presses per column); Up/Down do nothing, as a column's order is by priority.
 * The column aimed at is kept in `target`, and the collision detection below trusts it: dnd-kit's
 * own geometry lags behind a press (its `over` updates after the move renders, and it scrolls
 * the board smoothly instead of moving when the next column is out of view), yet two quick
 * presses must go two columns.
 */
function columnCoordinates(
  columns: readonly TaskStatus[],
  target: { current: TaskStatus | null },
): KeyboardCoordinateGetter {
  return (event, { context, currentCoordinates }) => {
    if (event.code !== 'ArrowRight' && event.code !== 'ArrowLeft') return undefined;
    event.preventDefault();
    const from = target.current ?? (context.active?.data.current as DragData | undefined)?.status;
    const i = from ? columns.indexOf(from) : -1;
    const next = columns[i + (event.code === 'ArrowRight' ? 1 : -1)];
    const rect = next ? context.droppableRects.get(next) : undefined;
    if (!next || !rect) return undefined;
    target.current = next;
    const width = context.collisionRect?.width ?? 0;
    return { x: rect.left + Math.max(0, (rect.width - width) / 2), y: currentCoordinates.y };
  };
}

/**
 * A keyboard drag is over the column the arrows chose; a pointer drag is over the column under
 * the pointer, or failing that (the pointer left the board) the one the card overlaps most.
 */
function columnCollisions(target: { current: TaskStatus | null }): CollisionDetection {
  return (args) => {
    if (target.current) return [{ id: target.current }];
    const under = pointerWithin(args);
    return under.length > 0 ? under : rectIntersection(args);
  };
}

const titleOf = (data: unknown) => (data as DragData | undefined)?.title ?? 'task';
const columnOf = (id: unknown) => COLUMN_NAMES[id as TaskStatus] ?? String(id);

/**
 * What screen readers hear while a card is dragged, in the board's own words. The column is the
 * keyboard's target when there is one (see columnCoordinates), so what is said is what happens.
 */
function announcementsFor(target: { current: TaskStatus | null }): Announcements {
  const where = (over: { id: unknown } | null) => target.current ?? over?.id ?? null;
  return {
    onDragStart: ({ active }) =>
      `Picked up ${titleOf(active.data.current)} from ${columnOf((active.data.current as DragData).status)}. Use the left and right arrow keys to choose a column, Space to drop, Escape to cancel.`,
    onDragOver: ({ active, over }) => {
      const column = where(over);
      return column
        ? `${titleOf(active.data.current)} is over ${columnOf(column)}.`
        : `${titleOf(active.data.current)} is not over a column.`;
    },
    onDragEnd: ({ active, over }) => {
      const column = where(over);
      return column
        ? `${titleOf(active.data.current)} dropped in ${columnOf(column)}.`
        : `${titleOf(active.data.current)} put back.`;
    },
    onDragCancel: ({ active }) => `Moving ${titleOf(active.data.current)} cancelled; it stays where it was.`,
  };
}

const DRAG_HELP =
  'To move this task, press Space, then the left and right arrow keys to choose a column, and Space again to drop it. Escape cancels. The Move to list on the card does the same.';
const screenReaderInstructions = { draggable: DRAG_HELP };

/** The columns inside one DndContext: drag a card onto another column to move its task. */
export function BoardDnd({
  columns,
  groups,
  starts,
  follow,
  onStart,
  onMove,
  onEdit,
}: {
  columns: readonly TaskStatus[];
  groups: Readonly<Record<TaskStatus, readonly CardItem[]>>;
  starts: Readonly<Record<string, StartState>>;
  /** The card focus goes back to after a move (see TaskColumn). */
  follow: string | null;
  onStart: (id: string) => void;
  onMove: (id: string, status: TaskStatus) => void;
  onEdit: (id: string) => void;
}) {
  const [dragged, setDragged] = useState<DragData | null>(null);
  // The column a keyboard drag aims at; null during a pointer drag.
  const keyboardTarget = useRef<TaskStatus | null>(null);
  const coordinateGetter = useMemo(() => columnCoordinates(columns, keyboardTarget), [columns]);
  const collisionDetection = useMemo(() => columnCollisions(keyboardTarget), []);
  const announcements = useMemo(() => announcementsFor(keyboardTarget), []);
  const sensors = useSensors(
    useSensor(CardPointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter }),
  );
  const onDragStart = (e: DragStartEvent) => {
    const data = (e.active.data.current as DragData | undefined) ?? null;
    keyboardTarget.current = e.activatorEvent instanceof KeyboardEvent ? (data?.status ?? null) : null;
    setDragged(data);
  };
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    // A key pressed right after an arrow may land before dnd-kit recomputed `over`.
    // (The target is reset when the next drag starts, not here: the announcement reads it after.)
    const to = keyboardTarget.current ?? (over?.id as TaskStatus | undefined);
    setDragged(null);
    const from = (active.data.current as DragData | undefined)?.status;
    if (to && to !== from) onMove(String(active.id), to);
  };
  return (
    <DndContext
      sensors={sensors}
      collisionDetection={collisionDetection}
      accessibility={{ announcements, screenReaderInstructions }}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragged(null)}
    >
      <p id={DRAG_HELP_ID} hidden>
        {DRAG_HELP}
      </p>
      <BoardScroller>
        <div className="board" data-testid="board">
          {columns.map((status) => (
            <TaskColumn
              key={status}
              status={status}
              items={groups[status]}
              starts={starts}
              follow={follow}
              onStart={onStart}
              onMove={onMove}
              onEdit={onEdit}
            />
          ))}
        </div>
      </BoardScroller>
      <DragOverlay dropAnimation={null}>
        {dragged && (
          <div className="task-card drag-preview" aria-hidden="true">
            <p className="task-title">{dragged.title}</p>
          </div>
        )}
      </DragOverlay>
    </DndContext>
  );
}
