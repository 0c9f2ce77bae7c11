/**
 * What waits for review (`/review`): each task in `review` with its size (commits, files, +/−)
 * and its last landing's state, linking to its review page.
 */
import { Link } from 'wouter';
import { useReviews } from '../../api/review.js';
import { ErrorState } from '../../components/ErrorState.js';
import './Review.css';

export function ReviewList() {
  const reviews = useReviews();
  if (reviews.error)
    return (
      <ErrorState
        title="Cannot load the review list"
        error={reviews.error}
        onRetry={() => reviews.refetch()}
      />
    );
  if (reviews.isPending)
    return (
      <p className="muted" aria-busy="true">
        Loading what waits for review…
      </p>
    );
  return (
    <div className="review-page">
      <h1>Review</h1>
      {reviews.data.length === 0 ? (
        <section className="empty">
          <p>
            Nothing waits for review. A task comes here when its agent finishes with commits;{' '}
            <Link href="/tasks">the board</Link> shows the rest.
          </p>
        </section>
      ) : (
        <ul className="review-list" data-testid="review-list">
          {reviews.data.map((r) => (
            <li key={r.task.id} className="review-item" data-task={r.task.id}>
              <Link href={`/review/${r.task.id}`} className="review-item-title">
                {r.task.title}
              </Link>{' '}
              <span className="mono muted">{r.task.id}</span>
              <p className="review-item-meta">
                {r.ahead} {r.ahead === 1 ? 'commit' : 'commits'}, {r.totals.files}{' '}
                {r.totals.files === 1 ? 'file' : 'files'}{' '}
                <span className="review-add">+{r.totals.insertions}</span>{' '}
                <span className="review-del">−{r.totals.deletions}</span>
                {r.branch && (
                  <>
                    {' '}
                    on <code>{r.branch}</code>
                  </>
                )}
                {r.landing && <> · last landing {r.landing.state.replace('_', ' ')}</>}
              </p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
