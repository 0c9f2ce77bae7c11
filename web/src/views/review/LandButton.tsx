/**
 * Land, as the review page and each row of the review list show it. Disabled, with the reason
 * beside it, when there is nothing to land: the daemon would refuse with a 409 and a CLI hint,
 * which tells a dashboard user less than the button can. A task no agent has worked on gets the
 * board's Start instead.
 */
import { useId } from 'react';
import { useLand, useStartForReview } from '../../api/review.js';
import type { Landing, ReviewSummary } from '../../api/types.js';
import { InlineError } from '../../components/ErrorState.js';

export const inFlight = (l: Landing | null | undefined) => l?.state === 'queued' || l?.state === 'running';
export const closed = (s: ReviewSummary['task']['status']) => s === 'done' || s === 'cancelled';

/** Why Land cannot run for this summary, in the user's words; null when it can. */
export function nothingToLand(review: ReviewSummary): string | null {
  if (review.branch === null) return 'no agent has worked on it yet';
  if (review.ahead === 0) return 'no commits to land yet';
  return null;
}

export function LandButton({
  review,
  landing,
  onLand,
  subject,
}: {
  review: ReviewSummary;
  landing: Landing | null;
  /** Added to the button's name where several Land buttons share a page ("Land Fix the parser"). */
  subject?: string;
  /** Called when the user clicks Land (the list keeps the row's progress in view). */
  onLand?: () => void;
}) {
  const taskId = review.task.id;
  const land = useLand(taskId);
  const start = useStartForReview(taskId);
  const reasonId = useId();
  const busy = inFlight(landing);
  const ended = closed(review.task.status);
  const reason = ended ? null : nothingToLand(review);
  const text = land.isPending ? 'Queueing…' : busy ? 'Landing…' : 'Land';
  return (
    <>
      <button
        type="button"
        className="primary"
        disabled={busy || ended || reason !== null || land.isPending}
        aria-label={subject ? `${text} ${subject}` : undefined}
        aria-describedby={reason ? reasonId : undefined}
        title={busy ? 'A landing of this task is already under way' : undefined}
        onClick={() => {
          onLand?.();
          land.mutate();
        }}
      >
        {text}
      </button>
      {reason && (
        <span className="review-reason muted" id={reasonId}>
          {reason}
        </span>
      )}
      {reason && review.branch === null && (
        <button
          type="button"
          disabled={start.isPending}
          aria-label={subject ? `Start ${subject}` : undefined}
          onClick={() => start.mutate()}
        >
          {start.isPending ? 'Starting…' : 'Start'}
        </button>
      )}
      <InlineError error={land.error ?? start.error} />
    </>
  );
}
