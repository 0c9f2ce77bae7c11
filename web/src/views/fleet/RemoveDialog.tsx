/**
 * Confirms removing an agent. The daemon decides what is safe: a live agent, or a worktree with
 * uncommitted work, is refused with CONFLICT and its own words, and only then is "Force remove"
 * offered — saying what forcing will do.
 */
import { useId, useState } from 'react';
import type { AgentRemoveResult, AgentView } from '../../api/types.js';
import { InlineError } from '../../components/ErrorState.js';
import { forceWouldHelp, useRemoveAgentWorktree } from './mutations.js';
import { isFinished } from './order.js';

export function RemoveAgentForm({ agent, onDone }: { agent: AgentView; onDone: () => void }) {
  const remove = useRemoveAgentWorktree();
  const [worktree, setWorktree] = useState(false);
  const [result, setResult] = useState<AgentRemoveResult | null>(null);
  const checkboxId = useId();

  const run = (force: boolean) =>
    remove.mutate(
      { id: agent.id, force, worktree },
      {
        onSuccess: (r) => {
          const wt = r.worktree;
          // Something worth reading happened to the worktree: keep the dialog open to say it.
          if (wt && (wt.errors.length > 0 || wt.notes.length > 0 || wt.discarded.length > 0)) setResult(r);
          else onDone();
        },
      },
    );

  if (result) return <RemoveOutcome agent={agent} result={result} onDone={onDone} />;

  const live = !isFinished(agent.status);
  const canForce = forceWouldHelp(remove.error);
  return (
    <div className="fleet-dialog-form">
      <p>
        Agent <strong className="mono">{agent.id}</strong> leaves the fleet and its tmux session is closed.
        Its branch <code>{agent.branch}</code> is kept.
      </p>
      {live && (
        <p>
          It is still running (<strong>{agent.status.replace('_', ' ')}</strong>): stop it first, or force the
          removal to stop it now.
        </p>
      )}
      <div className="fleet-check">
        <input
          id={checkboxId}
          type="checkbox"
          checked={worktree}
          disabled={remove.isPending}
          onChange={(e) => {
            setWorktree(e.currentTarget.checked);
            remove.reset();
          }}
        />
        <label htmlFor={checkboxId}>
          Also remove its worktree <code>{agent.worktreePath}</code> (refused if it holds uncommitted work)
        </label>
      </div>
      <InlineError error={remove.error} />
      {canForce && (
        <p className="muted">
          Force remove {live ? 'stops the agent first' : 'goes ahead'}
          {worktree ? ' and discards the uncommitted work in its worktree' : ''}. The branch is kept either
          way.
        </p>
      )}
      <div className="fleet-dialog-buttons">
        <button type="button" onClick={onDone} disabled={remove.isPending}>
          Cancel
        </button>
        {canForce ? (
          <button type="button" className="danger" onClick={() => run(true)} disabled={remove.isPending}>
            {remove.isPending ? 'Removing…' : 'Force remove'}
          </button>
        ) : (
          <button type="button" className="danger" onClick={() => run(false)} disabled={remove.isPending}>
            {remove.isPending ? 'Removing…' : 'Remove'}
          </button>
        )}
      </div>
    </div>
  );
}

function RemoveOutcome({
  agent,
  result,
  onDone,
}: {
  agent: AgentView;
  result: AgentRemoveResult;
  onDone: () => void;
}) {
  const wt = result.worktree;
  return (
    <div className="fleet-dialog-form">
      <p role="status">
        Agent <strong className="mono">{agent.id}</strong> was removed;{' '}
        {wt?.worktreeRemoved ? 'its worktree too' : 'its worktree was kept'}. The branch{' '}
        <code>{agent.branch}</code> is kept.
      </p>
      {wt && wt.discarded.length > 0 && (
        <p>
          Discarded: <span className="mono">{wt.discarded.join(', ')}</span>
        </p>
      )}
      {wt && wt.notes.length > 0 && (
        <ul>
          {wt.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
      {wt && wt.errors.length > 0 && (
        <ul className="inline-error" role="alert">
          {wt.errors.map((e) => (
            <li key={e}>{e}</li>
          ))}
        </ul>
      )}
      <div className="fleet-dialog-buttons">
        <button type="button" className="primary" onClick={onDone}>
          Close
        </button>
      </div>
    </div>
  );
}
