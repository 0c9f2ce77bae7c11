/**
 * A card's controls. Quick actions (approve, deny, stop, restart) run here and show their
 * refusal on the card; the ones that need words or a confirmation open the fleet's dialogs.
 * While an action runs every action button waits, so two clicks never race each other.
 */
import { useEffect, useRef } from 'react';
import { LIVE_AGENT_STATUSES } from '../../../../src/domain/values.js';
import { type AgentAction, useAgentAction } from '../../api/queries.js';
import type { AgentView } from '../../api/types.js';
import { CopyButton } from '../../components/CopyButton.js';
import { InlineError } from '../../components/ErrorState.js';
import type { OpenDialog } from './FleetDialogs.js';
import { attachCommand, tmuxAttachCommand } from './format.js';

export function CardActions({ agent, onDialog }: { agent: AgentView; onDialog: OpenDialog }) {
  const action = useAgentAction();
  const busy = action.isPending;
  const live = LIVE_AGENT_STATUSES.includes(agent.status);
  const running = action.isPending ? action.variables.action : null;
  const run = (a: AgentAction) => action.mutate({ id: agent.id, action: a });
  // The visible word stays the accessible name; a running action only adds a mark and aria-busy.
  const label = (a: AgentAction, text: string) => (
    <>
      {text}
      {running === a && (
        <span className="card-busy" aria-hidden="true">
          …
        </span>
      )}
    </>
  );
  // A refusal is about the state it was made in: once the status moves on, it no longer applies.
  const seenStatus = useRef(agent.status);
  const { reset } = action;
  useEffect(() => {
    if (seenStatus.current === agent.status) return;
    seenStatus.current = agent.status;
    reset();
  });

  return (
    <>
      {agent.status === 'needs_permission' && (
        <div className="card-decision">
          <button
            type="button"
            className="primary"
            aria-busy={running === 'approve'}
            disabled={busy}
            onClick={() => run('approve')}
          >
            {label('approve', 'Approve')}
          </button>
          <button
            type="button"
            className="danger"
            aria-busy={running === 'deny'}
            disabled={busy}
            onClick={() => run('deny')}
          >
            {label('deny', 'Deny')}
          </button>
        </div>
      )}
      <div className="card-actions">
        <button
          type="button"
          aria-busy={running === 'stop'}
          disabled={busy || !(live || agent.status === 'restarting')}
          onClick={() => run('stop')}
        >
          {label('stop', 'Stop')}
        </button>
        <button
          type="button"
          aria-busy={running === 'restart'}
          disabled={busy || agent.status === 'restarting'}
          onClick={() => run('restart')}
        >
          {label('restart', 'Restart')}
        </button>
        <button type="button" disabled={!live} onClick={() => onDialog('send', agent)}>
          Send message
        </button>
        <button type="button" className="danger" disabled={busy} onClick={() => onDialog('remove', agent)}>
          Remove
        </button>
        <CopyButton
          text={attachCommand(agent.id)}
          label="Copy attach command"
          title={`Copy: ${attachCommand(agent.id)} (runs ${tmuxAttachCommand(agent.tmuxSocket, agent.tmuxSession)})`}
        >
          Copy attach
        </CopyButton>
      </div>
      <InlineError error={action.error} />
    </>
  );
}
