/**
 * The three ways out of review: Land (queues the branch; its progress shows in the landing
 * panel), Send back (a message to the same agent session, which resumes) and Discard (asks
 * first, and keeps the branch unless the user ticks the box: its commits may still matter).
 */
import { useId, useState } from 'react';
import { useDiscard, useSendBack } from '../../api/review.js';
import type { Landing, ReviewSummary } from '../../api/types.js';
import { Dialog } from '../../components/Dialog.js';
import { InlineError } from '../../components/ErrorState.js';
import { closed, LandButton } from './LandButton.js';

export function ReviewActions({ review, landing }: { review: ReviewSummary; landing: Landing | null }) {
  const taskId = review.task.id;
  const sendBack = useSendBack(taskId);
  const [message, setMessage] = useState('');
  const [discarding, setDiscarding] = useState(false);
  const messageId = useId();
  const ended = closed(review.task.status);
  return (
    <div className="review-actions">
      <div className="review-buttons">
        <LandButton review={review} landing={landing} />
        <button type="button" className="danger" disabled={ended} onClick={() => setDiscarding(true)}>
          Discard…
        </button>
      </div>
      <form
        className="review-send-back"
        onSubmit={(e) => {
          e.preventDefault();
          const text = message.trim();
          if (text) sendBack.mutate(text, { onSuccess: () => setMessage('') });
        }}
      >
        <label htmlFor={messageId}>Send back to the agent with a message</label>
        <textarea
          id={messageId}
          rows={3}
          value={message}
          disabled={ended || sendBack.isPending}
          placeholder="What to change before this lands"
          onChange={(e) => setMessage(e.currentTarget.value)}
        />
        <div>
          <button type="submit" disabled={ended || sendBack.isPending || message.trim() === ''}>
            {sendBack.isPending ? 'Sending…' : 'Send back'}
          </button>
        </div>
        <InlineError error={sendBack.error} />
        {sendBack.isSuccess && (
          <p className="muted">Sent: the agent resumes and the task is in progress again.</p>
        )}
      </form>
      <Dialog open={discarding} title={`Discard ${review.task.title}?`} onClose={() => setDiscarding(false)}>
        <DiscardForm review={review} onDone={() => setDiscarding(false)} />
      </Dialog>
    </div>
  );
}

function DiscardForm({ review, onDone }: { review: ReviewSummary; onDone: () => void }) {
  const discard = useDiscard(review.task.id);
  const [deleteBranch, setDeleteBranch] = useState(false);
  const checkboxId = useId();
  return (
    <div className="review-discard">
      <p>
        The agent stops, its worktree is removed (uncommitted changes in it are lost) and the task is
        cancelled.{' '}
        {review.branch ? (
          <>
            Its branch <code>{review.branch}</code> is kept with its commits unless you tick the box.
          </>
        ) : null}
      </p>
      {review.branch && (
        <div className="review-check">
          <input
            id={checkboxId}
            type="checkbox"
            checked={deleteBranch}
            disabled={discard.isPending}
            onChange={(e) => setDeleteBranch(e.currentTarget.checked)}
          />
          <label htmlFor={checkboxId}>Also delete the branch</label>
        </div>
      )}
      <InlineError error={discard.error} />
      <div className="review-buttons">
        <button type="button" onClick={onDone} disabled={discard.isPending}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={discard.isPending}
          onClick={() => discard.mutate(deleteBranch, { onSuccess: onDone })}
        >
          {discard.isPending ? 'Discarding…' : deleteBranch ? 'Discard and delete the branch' : 'Discard'}
        </button>
      </div>
    </div>
  );
}
