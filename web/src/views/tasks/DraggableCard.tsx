import { useDraggable } from '@dnd-kit/core';
import {
  type FocusEvent,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
  type RefObject,
  useLayoutEffect,
  useRef,
  useState,
} from 'react';
import { flushSync } from 'react-dom';
import type { TaskStatus } from '../../api/types.js';

/** What a dragged card carries, for the drop handler and the screen-reader announcements. */
export interface DragData {
  title: string;
  status: TaskStatus;
}

/** The id of the board's one description of how to drag (rendered by BoardDnd). */
export const DRAG_HELP_ID = 'task-drag-help';

/** Controls inside a card keep their own clicks: pressing one never picks the card up. */
export const CARD_CONTROLS = 'button:not([data-drag-handle]), a, select, input, textarea, label';

export function startsOnControl(target: EventTarget | null): boolean {
  return target instanceof Element && target.closest(CARD_CONTROLS) !== null;
}

/** What the mounted drag binding hands back to the card's event handlers. */
interface Binding {
  listeners: Record<string, ((event: unknown) => void) | undefined> | undefined;
  dragging: boolean;
}

/**
 * The card's shell: the <article> the board drags, and the drag handle.
 *
 * dnd-kit re-renders every useDraggable consumer whenever a drag starts or crosses a column;
 * with a hook per card that is 1,000 renders per crossing (100–200 ms a time in Chromium). So
 * a card binds itself to dnd-kit only while someone is about to drag it: the handle gets focus,
 * or a press lands on the card outside its controls (flushSync mounts the binding inside that
 * very pointerdown, so the first press already drags). It lets go when the pointer or focus
 * leaves, unless a drag is under way. The card's content is passed in as `children` and never
 * re-renders for any of this.
 *
 * The pointer picks the card up anywhere outside its controls; the keyboard from the handle
 * only, a real button, so Space on Start or Edit never starts a drag.
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
  const [armed, setArmed] = useState(false);
  const article = useRef<HTMLElement>(null);
  const handle = useRef<HTMLButtonElement>(null);
  const binding = useRef<Binding | null>(null);

  const arm = () => {
    if (!binding.current) flushSync(() => setArmed(true));
  };
  const disarm = () => {
    if (binding.current && !binding.current.dragging) setArmed(false);
  };
  const onPointerDown = (e: PointerEvent) => {
    if (startsOnControl(e.target)) return;
    arm();
    binding.current?.listeners?.onPointerDown?.(e);
  };
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.target !== handle.current) return;
    arm();
    binding.current?.listeners?.onKeyDown?.(e);
  };
  const onBlur = (e: FocusEvent) => {
    if (!article.current?.contains(e.relatedTarget as Node | null)) disarm();
  };

  return (
    <article
      ref={article}
      className="task-card"
      data-testid="task-card"
      data-task-id={id}
      data-status={status}
      aria-label={title}
      onPointerDown={onPointerDown}
      onKeyDown={onKeyDown}
      onPointerLeave={() => {
        if (!article.current?.contains(document.activeElement)) disarm();
      }}
      onBlur={onBlur}
    >
      {armed && (
        <DragBinding
          id={id}
          title={title}
          status={status}
          article={article}
          handle={handle}
          binding={binding}
          onDropped={disarm}
        />
      )}
      <button
        type="button"
        ref={handle}
        className="drag-handle icon-button"
        aria-label={`Drag ${title}`}
        aria-roledescription="draggable"
        aria-describedby={DRAG_HELP_ID}
        data-drag-handle=""
        onFocus={arm}
      >
        <span aria-hidden="true">⠿</span>
      </button>
      {children}
    </article>
  );
}

/** The card's registration with dnd-kit, mounted only while the card may be dragged. */
function DragBinding({
  id,
  title,
  status,
  article,
  handle,
  binding,
  onDropped,
}: DragData & {
  id: string;
  article: RefObject<HTMLElement | null>;
  handle: RefObject<HTMLButtonElement | null>;
  binding: { current: Binding | null };
  onDropped: () => void;
}) {
  const { setNodeRef, setActivatorNodeRef, listeners, isDragging } = useDraggable({
    id,
    data: { title, status } satisfies DragData,
  });
  useLayoutEffect(() => {
    setNodeRef(article.current);
    setActivatorNodeRef(handle.current);
    return () => {
      binding.current = null;
    };
  }, [article, handle, setNodeRef, setActivatorNodeRef, binding]);
  const wasDragging = useRef(false);
  useLayoutEffect(() => {
    binding.current = { listeners: listeners as Binding['listeners'], dragging: isDragging };
    article.current?.classList.toggle('dragging', isDragging);
    // Once dropped, let go unless focus is still on the card (a keyboard user may go again).
    if (wasDragging.current && !isDragging && !article.current?.contains(document.activeElement)) onDropped();
    wasDragging.current = isDragging;
  });
  return null;
}
