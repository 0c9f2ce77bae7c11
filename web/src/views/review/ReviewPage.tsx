/**
 * One task's review (`/review/:taskId`): what the agent brings (commits, files with their +/−,
 * the patch, its last message, what it cost), the landing as it goes, and Land / Send back /
 * Discard. Works for a task in any status, so the page still says "landed" after Land moved the
 * task to done.
 */
import { Link } from 'wouter';
import { ApiError } from '../../api/client.js';
import { useReview, useTaskLandings } from '../../api/review.js';
import type { ReviewSummary } from '../../api/types.js';
import { ErrorState } from '../../components/ErrorState.js';
import { StatusBadge } from '../../components/StatusBadge.js';
import { DiffPanel } from '../agent/DiffPanel.js';
import { LandingProgress } from './LandingProgress.js';
import { ReviewActions } from './ReviewActions.js';
import './Review.css';

export function ReviewPage({ taskId }: { taskId: string }) {
  const review = useReview(taskId);
  const landings = useTaskLandings(taskId);
  if (review.error) {
    const missing = review.error instanceof ApiError && review.error.status === 404;
    return (
      <div className="review-page">
        <ErrorState
          title={missing ? `No task ${taskId}` : 'Cannot load the review'}
          error={review.error}
          onRetry={missing ? undefined : () => void review.refetch()}
        />
        <p>
          <Link href="/review">Back to the review list</Link>
        </p>
      </div>
    );
  }
  if (review.isPending)
    return (
      <p className="muted" aria-busy="true">
        Loading the review of {taskId}…
      </p>
    );
  const r = review.data;
  // The landings query follows every landing event; the summary's copy is the fallback.
  const landing = landings.data?.at(-1) ?? r.landing;
  return (
    <div className="review-page" data-testid="review-page">
      <nav className="review-crumbs" aria-label="Breadcrumb">
        <Link href="/review">Review</Link> <span aria-hidden="true">/</span>{' '}
        <span aria-current="page" className="mono">
          {r.task.id}
        </span>
      </nav>
      <header className="review-header">
        <h1>{r.task.title}</h1>
        <dl className="review-facts">
          <div>
            <dt>Task</dt>
            <dd>
              <span className="mono">{r.task.id}</span> <StatusBadge status={r.task.status} />
            </dd>
          </div>
          {r.branch && (
            <div>
              <dt>Branch</dt>
              <dd>
                <code>{r.branch}</code> → <code>{r.baseRef ?? '?'}</code>
              </dd>
            </div>
          )}
          <div>
            <dt>Commits</dt>
            <dd>
              {r.ahead} ahead, {r.behind} behind
            </dd>
          </div>
          {r.agentId && (
            <div>
              <dt>Agent</dt>
              <dd>
                <Link href={`/agents/${r.agentId}`}>
                  <span className="mono">{r.agentId}</span>
                </Link>
              </dd>
            </div>
          )}
          {r.usage && (
            <div>
              <dt>Usage</dt>
              <dd>
                {r.usage.inputTokens.toLocaleString()} in / {r.usage.outputTokens.toLocaleString()} out
                tokens, ${r.usage.costUsd.toFixed(2)}
              </dd>
            </div>
          )}
        </dl>
        <ReviewActions review={r} landing={landing} />
      </header>
      {landing && (
        <section className="review-section" aria-labelledby="h-landing">
          <h2 id="h-landing">Landing</h2>
          <LandingProgress landing={landing} />
        </section>
      )}
      <section className="review-section" aria-labelledby="h-message">
        <h2 id="h-message">Last message</h2>
        {r.lastMessage ? (
          <pre className="review-message">{r.lastMessage}</pre>
        ) : (
          <p className="muted">The agent left no message.</p>
        )}
      </section>
      <section className="review-section" aria-labelledby="h-commits">
        <h2 id="h-commits">Commits</h2>
        <Commits review={r} />
      </section>
      <section className="review-section" aria-labelledby="h-files">
        <h2 id="h-files">Files</h2>
        <Files review={r} />
      </section>
      {r.branch && r.task.status !== 'done' && r.task.status !== 'cancelled' && (
        <section className="review-section" aria-labelledby="h-patch">
          <h2 id="h-patch">Patch</h2>
          <DiffPanel taskId={r.task.id} branch={r.branch} />
        </section>
      )}
    </div>
  );
}

function Commits({ review }: { review: ReviewSummary }) {
  if (review.commits.length === 0)
    return (
      <p className="muted">{review.branch ? `No commits ahead of ${review.baseRef}.` : 'No branch yet.'}</p>
    );
  return (
    <ol className="review-commits" data-testid="review-commits">
      {review.commits.map((c) => (
        <li key={c.sha}>
          <span className="mono muted">{c.sha.slice(0, 10)}</span>{' '}
          <span className="review-subject">{c.subject}</span>{' '}
          <span className="muted">
            {c.author}, {new Date(c.date).toLocaleString()}
          </span>
        </li>
      ))}
    </ol>
  );
}

function Files({ review }: { review: ReviewSummary }) {
  if (review.files.length === 0) return <p className="muted">No files changed.</p>;
  const { totals } = review;
  return (
    <>
      <p className="review-summary">
        {totals.files} {totals.files === 1 ? 'file' : 'files'} changed,{' '}
        <span className="review-add">+{totals.insertions}</span>{' '}
        <span className="review-del">−{totals.deletions}</span>
      </p>
      <ul className="review-files" data-testid="review-files">
        {review.files.map((f) => (
          <li key={f.path}>
            <span className="mono">{f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}</span>{' '}
            <span className="review-add">
              +{f.insertions}
              <span className="visually-hidden"> insertions</span>
            </span>{' '}
            <span className="review-del">
              −{f.deletions}
              <span className="visually-hidden"> deletions</span>
            </span>
            {f.binary && <span className="review-flag">binary</span>}
          </li>
        ))}
      </ul>
    </>
  );
}
