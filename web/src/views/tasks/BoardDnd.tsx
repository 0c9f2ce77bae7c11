import {
  type Announcements,
  DndContext,
  type DragEndEvent,
  DragOverlay,
  type DragStartEvent,
  type KeyboardCoordinateGetter,
  KeyboardSensor,
  PointerSensor,
  type PointerSensorOptions,
  useSensor,
  useSensors,
} from '@dnd-kit/core';
import type { PointerEvent as ReactPointerEvent } from 'react';
import { useMemo, useState } from 'react';
import type { TaskStatus } from '../../api/types.js';
import { COLUMN_NAMES } from './board-model.js';
import type { DragData } from './DraggableCard.js';
import type { StartState } from './TaskCard.js';
import { type CardItem, TaskColumn } from './TaskColumn.js';

/** Controls inside a card keep their own clicks: pressing one never picks the card up. */
const CONTROLS = 'button:not([data-drag-handle]), a, select, input, textarea, label';

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
        if (event.target instanceof Element && event.target.closest(CONTROLS)) return false;
        onActivation?.({ event });
        return true;
      },
    },
  ];
}

/**
 * Left/Right jump a keyboard-dragged card to the neighbouring column (the default moves 25 px
 * per press, a dozen presses per column); Up/Down do nothing, as a column's order is by priority.
 */
function columnCoordinates(columns: readonly TaskStatus[]): KeyboardCoordinateGetter {
  return (event, { context, currentCoordinates }) => {
    if (event.code !== 'ArrowRight' && event.code !== 'ArrowLeft') return undefined;
    event.preventDefault();
    const from = (context.over?.id ?? (context.active?.data.current as DragData | undefined)?.status) as
      | TaskStatus
      | undefined;
    const i = from ? columns.indexOf(from) : -1;
    const next = columns[i + (event.code === 'ArrowRight' ? 1 : -1)];
    const rect = next ? context.droppableRects.get(next) : undefined;
    if (!rect) return undefined;
    const width = context.collisionRect?.width ?? 0;
    return { x: rect.left + Math.max(0, (rect.width - width) / 2), y: currentCoordinates.y };
  };
}

const titleOf = (data: unknown) => (data as DragData | undefined)?.title ?? 'task';
const columnOf = (id: unknown) => COLUMN_NAMES[id as TaskStatus] ?? String(id);

/** What screen readers hear while a card is dragged, in the board's own words. */
const announcements: Announcements = {
  onDragStart: ({ active }) =>
    `Picked up ${titleOf(active.data.current)} from ${columnOf((active.data.current as DragData).status)}. Use the left and right arrow keys to choose a column, Space to drop, Escape to cancel.`,
  onDragOver: ({ active, over }) =>
    over
      ? `${titleOf(active.data.current)} is over ${columnOf(over.id)}.`
      : `${titleOf(active.data.current)} is not over a column.`,
  onDragEnd: ({ active, over }) =>
    over
      ? `${titleOf(active.data.current)} dropped in ${columnOf(over.id)}.`
      : `${titleOf(active.data.current)} put back.`,
  onDragCancel: ({ active }) => `Moving ${titleOf(active.data.current)} cancelled; it stays where it was.`,
};

const screenReaderInstructions = {
  draggable:
    'To move this task, press Space, then the left and right arrow keys to choose a column, and Space again to drop it. Escape cancels. The Move to list on the card does the same.',
};

/** The columns inside one DndContext: drag a card onto another column to move its task. */
export function BoardDnd({
  columns,
  groups,
  starts,
  onStart,
  onMove,
  onEdit,
}: {
  columns: readonly TaskStatus[];
  groups: Readonly<Record<TaskStatus, readonly CardItem[]>>;
  starts: Readonly<Record<string, StartState>>;
  onStart: (id: string) => void;
  onMove: (id: string, status: TaskStatus) => void;
  onEdit: (id: string) => void;
}) {
  const [dragged, setDragged] = useState<DragData | null>(null);
  const coordinateGetter = useMemo(() => columnCoordinates(columns), [columns]);
  const sensors = useSensors(
    useSensor(CardPointerSensor, { activationConstraint: { distance: 6 } }),
    useSensor(KeyboardSensor, { coordinateGetter }),
  );
  const onDragStart = (e: DragStartEvent) => setDragged((e.active.data.current as DragData) ?? null);
  const onDragEnd = ({ active, over }: DragEndEvent) => {
    setDragged(null);
    const from = (active.data.current as DragData | undefined)?.status;
    if (over && over.id !== from) onMove(String(active.id), over.id as TaskStatus);
  };
  return (
    <DndContext
      sensors={sensors}
      accessibility={{ announcements, screenReaderInstructions }}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
      onDragCancel={() => setDragged(null)}
    >
      <div className="board" data-testid="board">
        {columns.map((status) => (
          <TaskColumn
            key={status}
            status={status}
            items={groups[status]}
            starts={starts}
            onStart={onStart}
            onMove={onMove}
            onEdit={onEdit}
          />
        ))}
      </div>
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
