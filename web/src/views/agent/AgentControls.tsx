import { type FormEvent, useState } from 'react';
import { LIVE_AGENT_STATUSES } from '../../../../src/domain/values.js';
import { type AgentAction, useAgentAction, useAnswerAgent, useSendToAgent } from '../../api/queries.js';
import type { AgentView } from '../../api/types.js';
import { Dialog } from '../../components/Dialog.js';
import { InlineError } from '../../components/ErrorState.js';

const LIVE: readonly string[] = LIVE_AGENT_STATUSES;

/**
 * The agent's actions, as on its fleet card: Approve/Deny while a permission dialog is open, an
 * answer box while it waits for one, Stop and Send message while it runs, Restart at any time.
 * Each failure is said inline.
 */
export function AgentControls({ agent }: { agent: AgentView }) {
  const action = useAgentAction();
  const [sending, setSending] = useState(false);
  const live = LIVE.includes(agent.status);
  const run = (a: AgentAction) => action.mutate({ id: agent.id, action: a });
  const busy = (a: AgentAction) => action.isPending && action.variables?.action === a;
  return (
    <div className="agent-controls">
      <div className="agent-controls-buttons">
        {agent.status === 'needs_permission' && (
          <>
            <button
              type="button"
              className="primary"
              onClick={() => run('approve')}
              disabled={busy('approve')}
            >
              Approve
            </button>
            <button type="button" onClick={() => run('deny')} disabled={busy('deny')}>
              Deny
            </button>
          </>
        )}
        {live && (
          <button type="button" onClick={() => setSending(true)}>
            Send message
          </button>
        )}
        {live && (
          <button type="button" className="danger" onClick={() => run('stop')} disabled={busy('stop')}>
            Stop
          </button>
        )}
        <button type="button" onClick={() => run('restart')} disabled={busy('restart')}>
          Restart
        </button>
      </div>
      <InlineError error={action.error} />
      {agent.status === 'needs_input' && <AnswerForm agentId={agent.id} />}
      <SendDialog agentId={agent.id} open={sending} onClose={() => setSending(false)} />
    </div>
  );
}

/** The answer to the agent's question (`flotilla answer`): its ask_user tool returns the text. */
function AnswerForm({ agentId }: { agentId: string }) {
  const answer = useAnswerAgent();
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    answer.mutate({ id: agentId, text }, { onSuccess: () => setText('') });
  };
  return (
    <form className="send-form agent-answer-form" onSubmit={submit} aria-label="Answer the agent">
      <label htmlFor={`agent-answer-${agentId}`}>Your answer</label>
      <textarea
        id={`agent-answer-${agentId}`}
        rows={3}
        value={text}
        onChange={(e) => setText(e.target.value)}
        required
      />
      <InlineError error={answer.error} />
      <div className="send-form-actions">
        <button type="submit" className="primary" disabled={answer.isPending || !text.trim()}>
          Answer
        </button>
      </div>
    </form>
  );
}

/** Types a message into the agent's prompt, as if the user had typed it in the terminal. */
function SendDialog({ agentId, open, onClose }: { agentId: string; open: boolean; onClose: () => void }) {
  const send = useSendToAgent();
  const [text, setText] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    send.mutate(
      { id: agentId, text },
      {
        onSuccess: () => {
          setText('');
          onClose();
        },
      },
    );
  };
  return (
    <Dialog open={open} title={`Send a message to ${agentId}`} onClose={onClose}>
      <form className="send-form" onSubmit={submit}>
        <label htmlFor="agent-send-text">Message</label>
        <textarea
          id="agent-send-text"
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          required
        />
        <InlineError error={send.error} />
        <div className="send-form-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={send.isPending || !text.trim()}>
            Send
          </button>
        </div>
      </form>
    </Dialog>
  );
}
