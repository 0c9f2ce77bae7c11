/**
 * "Stop all" and "Remove finished" on the fleet page: the daemon's bulk routes, each behind a
 * dialog that says what will happen (how many agents, what is kept) before anything does. The
 * daemon acts on each agent as the one-agent routes would and refuses per agent (a dirty
 * worktree, an agent that would not stop); those refusals stay on screen in its own words,
 * while the rest of the fleet goes ahead.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { api } from '../../api/client.js';
import { keys } from '../../api/queries.js';
import type {
  AgentView,
  BulkFailure,
  RemoveFinishedBody,
  RemoveFinishedResult,
  StopAllResult,
} from '../../api/types.js';
import { Dialog } from '../../components/Dialog.js';
import { InlineError } from '../../components/ErrorState.js';
import { isFinished } from './order.js';

type Kind = 'stop' | 'remove';
/** What a bulk action did: how many agents it acted on, and who refused. */
type Outcome = { kind: Kind; done: number; failed: BulkFailure[] };

const agentsWord = (n: number) => `${n} ${n === 1 ? 'agent' : 'agents'}`;

function useBulk() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (
      req: { kind: 'stop' } | { kind: 'remove'; body: RemoveFinishedBody },
    ): Promise<Outcome> => {
      if (req.kind === 'stop') {
        const r = await api<StopAllResult>('/agents/bulk/stop', { method: 'POST', body: {} });
        return { kind: 'stop', done: r.stopped.length, failed: r.failed };
      }
      const r = await api<RemoveFinishedResult>('/agents/bulk/remove', { method: 'POST', body: req.body });
      return { kind: 'remove', done: r.removed.length, failed: r.failed };
    },
    onSettled: () => client.invalidateQueries({ queryKey: keys.agents }),
  });
}

export function BulkActions({ agents }: { agents: readonly AgentView[] }) {
  const [open, setOpen] = useState<Kind | null>(null);
  const running = agents.filter((a) => !isFinished(a.status));
  const finished = agents.filter((a) => isFinished(a.status));
  return (
    <>
      <button type="button" onClick={() => setOpen('stop')} disabled={running.length === 0}>
        Stop all{running.length > 0 ? ` (${running.length})` : ''}
      </button>
      <button type="button" onClick={() => setOpen('remove')} disabled={finished.length === 0}>
        Remove finished{finished.length > 0 ? ` (${finished.length})` : ''}
      </button>
      <Dialog
        open={open !== null}
        title={open === 'stop' ? 'Stop all agents?' : 'Remove finished agents?'}
        onClose={() => setOpen(null)}
      >
        {open && (
          <BulkForm
            key={open}
            kind={open}
            targets={open === 'stop' ? running : finished}
            onDone={() => setOpen(null)}
          />
        )}
      </Dialog>
    </>
  );
}

function BulkForm({
  kind,
  targets,
  onDone,
}: {
  kind: Kind;
  targets: readonly AgentView[];
  onDone: () => void;
}) {
  const bulk = useBulk();
  const [worktrees, setWorktrees] = useState(false);
  const checkboxId = useId();
  // The count is taken when the dialog opened: the fleet may change while it is read.
  const [count] = useState(targets.length);

  if (bulk.data) return <BulkOutcome outcome={bulk.data} worktrees={worktrees} onDone={onDone} />;

  const run = () =>
    bulk.mutate(kind === 'stop' ? { kind } : { kind, body: { worktree: worktrees } }, {
      onSuccess: (o) => {
        // Nothing to report but success: the fleet itself shows the result.
        if (o.failed.length === 0) onDone();
      },
    });
  return (
    <div className="fleet-dialog-form" data-testid={`bulk-${kind}-form`}>
      {kind === 'stop' ? (
        <p>
          <strong>{agentsWord(count)}</strong> will be stopped (interrupted, then ended if they do not exit).
          Their worktrees and branches are kept: each can be restarted later from its card.
        </p>
      ) : (
        <p>
          <strong>{agentsWord(count)}</strong> (stopped, exited or crashed) will leave the fleet and their
          tmux sessions close. Their branches are kept; their worktrees are kept too unless you choose below.
        </p>
      )}
      <p className="muted mono bulk-ids">{targets.map((a) => a.id).join(' ')}</p>
      {kind === 'remove' && (
        <div className="fleet-check">
          <input
            id={checkboxId}
            type="checkbox"
            checked={worktrees}
            disabled={bulk.isPending}
            onChange={(e) => setWorktrees(e.currentTarget.checked)}
          />
          <label htmlFor={checkboxId}>
            Also remove their worktrees (refused, per agent, for one holding uncommitted or unmerged work)
          </label>
        </div>
      )}
      <InlineError error={bulk.error} />
      <div className="fleet-dialog-buttons">
        <button type="button" onClick={onDone} disabled={bulk.isPending}>
          Cancel
        </button>
        <button type="button" className="danger" onClick={run} disabled={bulk.isPending}>
          {bulk.isPending
            ? kind === 'stop'
              ? 'Stopping…'
              : 'Removing…'
            : kind === 'stop'
              ? `Stop ${agentsWord(count)}`
              : `Remove ${agentsWord(count)}`}
        </button>
      </div>
    </div>
  );
}

function BulkOutcome({
  outcome,
  worktrees,
  onDone,
}: {
  outcome: Outcome;
  worktrees: boolean;
  onDone: () => void;
}) {
  const verb = outcome.kind === 'stop' ? 'Stopped' : 'Removed';
  return (
    <div className="fleet-dialog-form" data-testid="bulk-outcome">
      <p role="status">
        {verb} {agentsWord(outcome.done)}
        {outcome.kind === 'remove' && !worktrees ? '; their worktrees and branches are kept' : ''}
        {outcome.kind === 'remove' && worktrees ? '; their branches are kept' : ''}.{' '}
        {agentsWord(outcome.failed.length)} {outcome.failed.length === 1 ? 'was' : 'were'} not:
      </p>
      <ul className="bulk-failures" role="alert">
        {outcome.failed.map((f) => (
          <li key={f.agentId}>
            <strong className="mono">{f.agentId}</strong>: {f.message}
            {f.hint ? <span className="muted"> ({f.hint})</span> : null}
          </li>
        ))}
      </ul>
      <div className="fleet-dialog-buttons">
        <button type="button" className="primary" onClick={onDone}>
          Close
        </button>
      </div>
    </div>
  );
}
