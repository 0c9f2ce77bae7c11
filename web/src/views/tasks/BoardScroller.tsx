/**
 * The board's sideways scroller. Six columns fit side by side from about 1,200 px; on a
 * narrower window (1024 px, a split screen) the board scrolls sideways, and a bare scrollbar
 * (hidden until hovered on overlay-scrollbar systems) left Done and Failed out of sight with
 * nothing saying they exist. So each edge that hides columns fades, and a button there names
 * the columns hidden past it and scrolls to them. Phones stack the columns instead (CSS).
 */
import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import type { TaskStatus } from '../../api/types.js';
import { COLUMN_NAMES } from './board-model.js';

interface Hidden {
  before: TaskStatus[];
  after: TaskStatus[];
}

const NONE: Hidden = { before: [], after: [] };

/** Columns more than half out of the scroller's view, on each side. */
function hiddenColumns(scroller: HTMLElement): Hidden {
  const view = scroller.getBoundingClientRect();
  const hidden: Hidden = { before: [], after: [] };
  // Columns only: each card carries a data-status too.
  for (const col of scroller.querySelectorAll<HTMLElement>('.column[data-status]')) {
    const r = col.getBoundingClientRect();
    const status = col.dataset.status as TaskStatus;
    if (r.left + r.width / 2 < view.left) hidden.before.push(status);
    else if (r.right - r.width / 2 > view.right) hidden.after.push(status);
  }
  return hidden;
}

const same = (a: Hidden, b: Hidden) =>
  a.before.join() === b.before.join() && a.after.join() === b.after.join();

const names = (statuses: TaskStatus[]) => statuses.map((s) => COLUMN_NAMES[s]).join(', ');

export function BoardScroller({ children }: { children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [hidden, setHidden] = useState<Hidden>(NONE);
  const measure = useCallback(() => {
    const el = ref.current;
    if (!el) return;
    const next = hiddenColumns(el);
    setHidden((h) => (same(h, next) ? h : next));
  }, []);

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    measure();
    el.addEventListener('scroll', measure, { passive: true });
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(measure) : null;
    resize?.observe(el);
    return () => {
      el.removeEventListener('scroll', measure);
      resize?.disconnect();
    };
  }, [measure]);

  /** Bring the nearest hidden column on that side fully into view. */
  const reveal = (side: 'before' | 'after') => {
    const el = ref.current;
    const list = hidden[side];
    const status = side === 'after' ? list[0] : list[list.length - 1];
    const col = status ? el?.querySelector<HTMLElement>(`.column[data-status="${status}"]`) : null;
    if (!el || !col) return;
    const view = el.getBoundingClientRect();
    const r = col.getBoundingClientRect();
    const by = side === 'after' ? r.right - view.right : r.left - view.left;
    el.scrollBy({ left: by + (side === 'after' ? 8 : -8), behavior: 'smooth' });
  };

  return (
    <div className="board-frame">
      {(hidden.before.length > 0 || hidden.after.length > 0) && (
        <div className="board-more-row">
          {hidden.before.length > 0 && (
            <button type="button" className="board-more" onClick={() => reveal('before')}>
              <span aria-hidden="true">‹ </span>
              <span className="visually-hidden">Scroll to </span>
              {names(hidden.before)}
            </button>
          )}
          {hidden.after.length > 0 && (
            <button type="button" className="board-more board-more-after" onClick={() => reveal('after')}>
              <span className="visually-hidden">Scroll to </span>
              {names(hidden.after)}
              <span aria-hidden="true"> ›</span>
            </button>
          )}
        </div>
      )}
      <div
        className="board-scroll-wrap"
        data-more-before={hidden.before.length > 0 ? 'true' : 'false'}
        data-more-after={hidden.after.length > 0 ? 'true' : 'false'}
      >
        <div ref={ref} className="board-scroll" data-testid="board-scroll">
          {children}
        </div>
      </div>
    </div>
  );
}
