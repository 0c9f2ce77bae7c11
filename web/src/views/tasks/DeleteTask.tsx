import { useEffect, useRef, useState } from 'react';
import { useDeleteTask } from '../../api/queries.js';
import type { Task } from '../../api/types.js';
import { InlineError } from '../../components/ErrorState.js';

/**
 * Delete, asked twice: an inline confirmation rather than window.confirm, so it is styled,
 * reachable by keyboard and testable. The daemon refuses while an agent or worktree holds the
 * task, or other tasks depend on it; its message says what to do and is shown here.
 */
export function DeleteTask({ task, onDeleted }: { task: Task; onDeleted: () => void }) {
  const [asking, setAsking] = useState(false);
  const remove = useDeleteTask();
  const keep = useRef<HTMLButtonElement>(null);
  // The Delete button just went away: put focus on the safe answer rather than lose it.
  useEffect(() => {
    if (asking) keep.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)}>
        Delete task
      </button>
    );
  return (
    <div className="delete-confirm">
      <p>Delete “{task.title}”? Its events stay in the log; the task cannot be brought back.</p>
      <button
        type="button"
        className="danger"
        disabled={remove.isPending}
        onClick={() => remove.mutate(task.id, { onSuccess: onDeleted })}
      >
        {remove.isPending ? 'Deleting…' : 'Yes, delete'}
      </button>{' '}
      <button
        type="button"
        ref={keep}
        onClick={() => {
          remove.reset();
          setAsking(false);
        }}
      >
        Keep it
      </button>
      <InlineError error={remove.error} />
    </div>
  );
}
