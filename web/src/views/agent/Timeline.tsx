import { useEvents } from '../../api/queries.js';
import { ErrorState } from '../../components/ErrorState.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import { describeEvent } from './timeline.js';

/** The most rows kept on screen (the API pages at 500 too). */
export const TIMELINE_CAP = 500;

/**
 * The agent's events, newest first. Live without code of its own: the stream invalidates the
 * events key on every agent event, and this query refetches.
 */
export function Timeline({ agentId }: { agentId: string }) {
  const events = useEvents({ agent: agentId });
  if (events.error)
    return (
      <ErrorState title="Cannot load the timeline" error={events.error} onRetry={() => events.refetch()} />
    );
  if (events.isPending)
    return (
      <p className="muted" aria-busy="true">
        Loading events…
      </p>
    );
  const rows = [...events.data]
    .sort((a, b) => b.id - a.id)
    .slice(0, TIMELINE_CAP)
    .map(describeEvent);
  if (rows.length === 0) return <p className="muted">No events yet.</p>;
  return (
    // Focusable so a keyboard user can scroll it (it has a max height).
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus to be scrolled by keyboard (WCAG 2.1.1)
    <ol className="timeline" aria-label="Events, newest first" tabIndex={0}>
      {rows.map((r) => (
        <li key={r.id} className={`timeline-row tone-${r.tone}`} data-testid="timeline-row">
          <span className="timeline-time">
            <RelativeTime iso={r.ts} suffix=" ago" />
          </span>
          <span className={`timeline-kind tone-${r.tone}`}>{r.kind}</span>
          <span className="timeline-text">{r.text}</span>
          {r.detail && <span className="timeline-detail mono">{r.detail}</span>}
        </li>
      ))}
    </ol>
  );
}
