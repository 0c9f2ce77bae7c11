/**
 * On an agent's page: each other live agent whose work meets this one's, the shared files, and
 * for each file the lines that overlap (this agent's lines ↔ the other's), so the user can see
 * before either finishes which work will collide and where.
 */
import { Link } from 'wouter';
import { type ConflictWith, conflictsOf, lineSpan, useConflicts } from '../../api/conflicts.js';
import { RelativeTime } from '../../components/RelativeTime.js';
import './Conflicts.css';

function FileRow({ file }: { file: ConflictWith['files'][number] }) {
  const lines = file.hunks.map((h) => `${lineSpan(h.mine)} ↔ ${lineSpan(h.theirs)}`).join(', ');
  return (
    <li className="conflict-file">
      <span className="mono">{file.path}</span>{' '}
      <span className={file.conflicts ? 'conflict-verdict-conflict' : 'conflict-verdict-overlap'}>
        {file.conflicts ? 'conflict' : 'overlap'}
      </span>{' '}
      <span className="muted">
        {lines !== ''
          ? `lines ${lines}`
          : file.conflicts
            ? 'conflicts when merged'
            : 'same file, different lines'}
      </span>
    </li>
  );
}

export function ConflictPanel({ agentId }: { agentId: string }) {
  const { data, error } = useConflicts();
  if (error) return <p className="muted">Cannot load the conflict prediction: {error.message}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const pairs = conflictsOf(data, agentId);
  const computedAt = data.repos.find((r) => r.agents.some((a) => a.agentId === agentId))?.computedAt;
  return (
    <div data-testid="conflict-panel">
      {pairs.length === 0 ? (
        <p className="muted">No other live agent changes the files this one does.</p>
      ) : (
        <ul className="conflict-pairs">
          {pairs.map((p) => (
            <li key={p.other.agentId} className="conflict-pair">
              <p className="conflict-pair-head">
                <strong className={p.conflicts ? 'conflict-verdict-conflict' : 'conflict-verdict-overlap'}>
                  {p.conflicts ? 'Would conflict with' : 'Overlaps with'}
                </strong>{' '}
                <Link href={`/agents/${p.other.agentId}`} className="mono">
                  {p.other.agentId}
                </Link>{' '}
                <span className="muted mono">{p.other.branch}</span>
              </p>
              <ul className="conflict-files">
                {p.files.map((f) => (
                  <FileRow key={f.path} file={f} />
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
      {computedAt && (
        <p className="muted conflict-when">
          Lines are this agent's ↔ the other's, uncommitted changes included; checked{' '}
          <RelativeTime iso={computedAt} /> ago.
        </p>
      )}
    </div>
  );
}
