import { type ReactNode, useMemo, useState } from 'react';
import { ApiError } from '../../api/client.js';
import { useDiff } from '../../api/queries.js';
import type { WorktreeDiff } from '../../api/types.js';
import { ErrorState } from '../../components/ErrorState.js';
import { classify, partsByPath, splitDiff } from './diff.js';
import './DiffPanel.css';

type DiffFile = WorktreeDiff['files'][number];

/** Files opened at first render; a large change set starts collapsed to keep the page light. */
const OPEN_FIRST = 3;

/** The worktree's changes against its base: a file list, each file's diff collapsible. */
export function DiffPanel({ taskId, branch }: { taskId: string; branch: string }) {
  const diff = useDiff(taskId);
  const parts = useMemo(
    () => (diff.data ? partsByPath(splitDiff(diff.data.diff), diff.data.files) : new Map<string, string>()),
    [diff.data],
  );
  let body: ReactNode;
  if (diff.error) {
    const notFound = diff.error instanceof ApiError && diff.error.status === 404;
    body = (
      <ErrorState
        title={notFound ? 'No worktree to diff' : 'Cannot load the diff'}
        error={diff.error}
        onRetry={notFound ? undefined : () => diff.refetch()}
      />
    );
  } else if (diff.isPending) {
    body = (
      <p className="muted" aria-busy="true">
        Loading the diff…
      </p>
    );
  } else if (diff.data.files.length === 0) {
    body = <p className="muted">No changes yet on {branch}</p>;
  } else {
    const files = diff.data.files;
    const adds = files.reduce((n, f) => n + f.insertions, 0);
    const dels = files.reduce((n, f) => n + f.deletions, 0);
    body = (
      <>
        <p className="diff-summary">
          {files.length} {files.length === 1 ? 'file' : 'files'} changed,{' '}
          <span className="diff-add-count">+{adds}</span> <span className="diff-del-count">−{dels}</span>{' '}
          <span className="muted">against {diff.data.base.slice(0, 12)}</span>
        </p>
        <ul className="diff-files">
          {files.map((f, i) => (
            <DiffFileItem key={f.path} file={f} text={parts.get(f.path)} initiallyOpen={i < OPEN_FIRST} />
          ))}
        </ul>
      </>
    );
  }
  return (
    <div className="diff" data-testid="diff" aria-busy={diff.isFetching}>
      <div className="diff-toolbar">
        <button type="button" onClick={() => diff.refetch()} disabled={diff.isFetching}>
          {diff.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {body}
    </div>
  );
}

function DiffFileItem({
  file,
  text,
  initiallyOpen,
}: {
  file: DiffFile;
  text?: string;
  initiallyOpen: boolean;
}) {
  // The lines are only built while open: a closed file of a big diff costs one row.
  const [open, setOpen] = useState(initiallyOpen);
  return (
    <li className="diff-file" data-testid="diff-file" data-path={file.path}>
      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>
          <span className="diff-path mono">
            {file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}
          </span>{' '}
          <span className="diff-add-count">
            +{file.insertions}
            <span className="visually-hidden"> insertions</span>
          </span>{' '}
          <span className="diff-del-count">
            −{file.deletions}
            <span className="visually-hidden"> deletions</span>
          </span>
          {file.binary && <span className="diff-flag">binary</span>}
          {file.untracked && <span className="diff-flag">untracked</span>}
        </summary>
        {open &&
          (text === undefined ? (
            <p className="muted diff-none">No text diff for this file.</p>
          ) : (
            // biome-ignore lint/a11y/noNoninteractiveTabindex: a horizontally scrollable diff must take focus to be scrolled by keyboard
            <pre className="diff-text" tabIndex={0}>
              {classify(text).map((l, i) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: lines of a fixed text, never reordered
                <span key={i} className={`diff-line diff-${l.kind}`}>
                  {l.text || ' '}
                  {'\n'}
                </span>
              ))}
            </pre>
          ))}
      </details>
    </li>
  );
}
