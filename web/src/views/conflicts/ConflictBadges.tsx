/**
 * On an agent's card: which other live agents' work meets this one's — "conflicts with a1b2c3"
 * when merging the two would conflict, "overlaps with …" when they only change the same files.
 * The same pair shows on both cards. Nothing when the agent shares no work.
 */
import { conflictsOf, useConflicts } from '../../api/conflicts.js';
import './Conflicts.css';

/** Badges shown before the rest are counted. */
const SHOWN = 2;

export function ConflictBadges({ agentId }: { agentId: string }) {
  const { data } = useConflicts();
  const pairs = conflictsOf(data, agentId);
  if (pairs.length === 0) return null;
  const shown = pairs.slice(0, SHOWN);
  return (
    <ul className="conflict-badges" data-testid="conflict-badges" aria-label="Work shared with other agents">
      {shown.map((p) => {
        const files = p.files.map((f) => f.path).join(', ');
        const verb = p.conflicts ? 'conflicts with' : 'overlaps with';
        return (
          <li
            key={p.other.agentId}
            className={`conflict-badge ${p.conflicts ? 'conflict-badge-conflict' : 'conflict-badge-overlap'}`}
            title={`${verb} ${p.other.agentId} (${p.other.branch}) in ${files}`}
            data-other={p.other.agentId}
          >
            <span aria-hidden="true">{p.conflicts ? '⚠ ' : '≈ '}</span>
            {verb} <span className="mono">{p.other.agentId}</span>
          </li>
        );
      })}
      {pairs.length > SHOWN && <li className="conflict-badge">+{pairs.length - SHOWN} more</li>}
    </ul>
  );
}
