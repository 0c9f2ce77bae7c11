/**
 * The way from an agent to landing its work: "Review & land →" on its fleet card and its page
 * header while its task is in review, and the count of tasks waiting on the nav's Review entry.
 * Both read the plain list of tasks in review (api/review.ts), which the stream keeps current.
 */
import { Link } from 'wouter';
import { useInReview, useReviewCount } from '../api/review.js';

export function ReviewLink({ taskId, title }: { taskId: string | null; title?: string | null }) {
  const inReview = useInReview(taskId);
  if (!taskId || !inReview) return null;
  return (
    <Link
      href={`/review/${taskId}`}
      className="review-link"
      aria-label={title ? `Review & land ${title}` : undefined}
    >
      Review &amp; land →
    </Link>
  );
}

/** The nav's count: nothing while unknown or zero, so the header does not flicker a 0. */
export function ReviewCount() {
  const count = useReviewCount();
  if (!count) return null;
  return (
    <span className="nav-count" data-testid="review-count">
      {count}
      <span className="visually-hidden"> waiting</span>
    </span>
  );
}
