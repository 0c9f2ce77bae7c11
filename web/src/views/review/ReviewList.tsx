/**
 * What waits for review (`/review`): each task in `review` with its size (commits, files, +/−),
 * its last landing's state, a link to its review page and Land. A row landed from here follows
 * its landing live, as the page does, and stays after the task leaves review (landed: done), so
 * the outcome is read where the click was.
 */
import { useState } from 'react';
import { Link } from 'wouter';
import { useReviews, useTaskLandings } from '../../api/review.js';
import type { ReviewSummary } from '../../api/types.js';
import { ErrorState } from '../../components/ErrorState.js';
import { inFlight, LandButton } from './LandButton.js';
import { LandingProgress } from './LandingProgress.js';
import './Review.css';

export function ReviewList() {
  const reviews = useReviews();
  // Snapshots of the rows Land was clicked on, for when their task has left the list.
  const [kept, setKept] = useState<ReviewSummary[]>([]);
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
  const waiting = new Set(reviews.data.map((r) => r.task.id));
  const left = kept.filter((k) => !waiting.has(k.task.id));
  const keep = (r: ReviewSummary) => setKept((list) => [...list.filter((k) => k.task.id !== r.task.id), r]);
  return (
    <div className="review-page">
      <h1>Review</h1>
      {reviews.data.length === 0 && left.length === 0 ? (
        <section className="empty">
          <p>
            Nothing waits for review. A task comes here when its agent finishes with commits;{' '}
            <Link href="/tasks">the board</Link> shows the rest.
          </p>
        </section>
      ) : (
        <ul className="review-list" data-testid="review-list">
          {/* One list, so a row keeps its state (and its landing in view) when its task leaves. */}
          {[...reviews.data.map((r) => ({ r, gone: false })), ...left.map((r) => ({ r, gone: true }))].map(
            ({ r, gone }) => (
              <ReviewRow key={r.task.id} review={r} left={gone} onLand={() => keep(r)} />
            ),
          )}
        </ul>
      )}
    </div>
  );
}

function ReviewRow({
  review: r,
  onLand,
  left,
}: {
  review: ReviewSummary;
  onLand?: () => void;
  left?: boolean;
}) {
  const [landedHere, setLandedHere] = useState(false);
  const follow = landedHere || left === true || inFlight(r.landing);
  // Only a row whose landing is under way (or was started here) follows its landings.
  const landings = useTaskLandings(r.task.id, follow);
  const landing = landings.data?.at(-1) ?? r.landing;
  return (
    <li className="review-item" data-task={r.task.id}>
      <Link href={`/review/${r.task.id}`} className="review-item-title">
        {r.task.title}
      </Link>{' '}
      <span className="mono muted">{r.task.id}</span>
      <p className="review-item-meta">
        {r.ahead} {r.ahead === 1 ? 'commit' : 'commits'}, {r.totals.files}{' '}
        {r.totals.files === 1 ? 'file' : 'files'} <span className="review-add">+{r.totals.insertions}</span>{' '}
        <span className="review-del">−{r.totals.deletions}</span>
        {r.branch && (
          <>
            {' '}
            on <code>{r.branch}</code>
          </>
        )}
        {!follow && r.landing && <> · last landing {r.landing.state.replace('_', ' ')}</>}
      </p>
      {left ? (
        <p className="muted">No longer waiting for review.</p>
      ) : (
        <div className="review-buttons">
          <LandButton
            review={r}
            landing={landing}
            subject={r.task.title}
            onLand={() => {
              setLandedHere(true);
              onLand?.();
            }}
          />
        </div>
      )}
      {follow && landing && <LandingProgress landing={landing} />}
    </li>
  );
}
