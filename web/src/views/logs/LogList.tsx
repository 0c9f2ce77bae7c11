import { useVirtualizer } from '@tanstack/react-virtual';
import { type UIEvent, useEffect, useLayoutEffect, useRef } from 'react';
import { Link } from 'wouter';
import type { LogBuffer } from './logBuffer.js';
import { splitMatches } from './logFilter.js';
import type { LogLine } from './logTypes.js';

/** Height of one unwrapped row (px); wrapped rows are measured. */
const ROW = 20;
/** How close to the end (px) still counts as "at the bottom". */
const BOTTOM_SLACK = ROW * 2;

function clock(ts: string | null): string {
  if (!ts) return '';
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

/**
 * The virtualized lines: only the rows in view (plus a few) are in the DOM, whatever the count.
 * Following sticks the view to the newest line; scrolling up pauses it (the parent is told),
 * scrolling back to the bottom resumes it.
 */
export function LogList({
  buffer,
  indices,
  version,
  search,
  wrap,
  showTime,
  showAgent,
  follow,
  onFollowChange,
}: {
  buffer: LogBuffer;
  indices: readonly number[];
  version: number;
  search: string;
  wrap: boolean;
  showTime: boolean;
  showAgent: boolean;
  follow: boolean;
  onFollowChange: (follow: boolean) => void;
}) {
  const scroller = useRef<HTMLElement>(null);
  const lastTop = useRef(0);
  const count = indices.length;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    overscan: 20,
    getItemKey: (i) => indices[i] ?? i,
    // React 19: no flushSync from inside render/layout effects.
    useFlushSync: false,
  });

  // Wrapping changes every row's height: forget the old measurements.
  useEffect(() => {
    void wrap;
    virtualizer.measure();
  }, [wrap, virtualizer]);

  useLayoutEffect(() => {
    void version;
    if (follow && count > 0) virtualizer.scrollToEnd();
  }, [follow, count, version, virtualizer]);

  const onScroll = (e: UIEvent<HTMLElement>) => {
    const el = e.currentTarget;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK;
    const movedUp = el.scrollTop < lastTop.current;
    lastTop.current = el.scrollTop;
    if (follow && movedUp && !atBottom) onFollowChange(false);
    else if (!follow && !movedUp && atBottom) onFollowChange(true);
  };

  const items = virtualizer.getVirtualItems();
  return (
    <section
      ref={scroller}
      className={`log-list${wrap ? ' log-wrap' : ''}`}
      data-testid="log-list"
      // biome-ignore lint/a11y/noNoninteractiveTabindex: the scrolling list must take focus so a keyboard can scroll it (WCAG 2.1.1)
      tabIndex={0}
      onScroll={onScroll}
      aria-label="Log lines"
    >
      <ul className="log-rows" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const line = buffer.at(indices[item.index] ?? -1);
          if (!line) return null;
          return (
            <li
              key={item.key}
              data-index={item.index}
              ref={wrap ? virtualizer.measureElement : undefined}
              data-testid="log-line"
              data-level={line.level}
              className="log-line"
              style={{ transform: `translateY(${item.start}px)`, height: wrap ? undefined : ROW }}
              aria-setsize={count}
              aria-posinset={item.index + 1}
            >
              <LogRow line={line} search={search} showTime={showTime} showAgent={showAgent} />
            </li>
          );
        })}
      </ul>
    </section>
  );
}

function LogRow({
  line,
  search,
  showTime,
  showAgent,
}: {
  line: LogLine;
  search: string;
  showTime: boolean;
  showAgent: boolean;
}) {
  return (
    <>
      {showTime && (
        <span className="log-time" title={line.ts ?? undefined}>
          {clock(line.ts)}
        </span>
      )}
      <span className={`log-level log-level-${line.level}`}>{line.level.toUpperCase()}</span>
      {showAgent && (
        <span className="log-agent">
          {line.agentId && (
            <Link
              href={`/agents/${encodeURIComponent(line.agentId)}`}
              aria-label={`Open agent ${line.agentId}`}
            >
              {line.agentId}
            </Link>
          )}
        </span>
      )}
      <span className="log-msg">
        {splitMatches(line.msg, search).map((p, i) =>
          p.match ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: pieces of one fixed string
            <mark key={i}>{p.text}</mark>
          ) : (
            p.text
          ),
        )}
      </span>
    </>
  );
}
