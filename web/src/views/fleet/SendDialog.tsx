/**
 * Types a message into an agent's session (then Enter), as `flotilla send` does. Ctrl/Cmd+Enter
 * sends from the text box; a refusal (the agent stopped meanwhile…) is shown here, in place.
 */
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useSendToAgent } from '../../api/queries.js';
import type { AgentView } from '../../api/types.js';
import { InlineError } from '../../components/ErrorState.js';

export function SendMessageForm({ agent, onDone }: { agent: AgentView; onDone: () => void }) {
  const send = useSendToAgent();
  const [text, setText] = useState('');
  const id = useId();
  const empty = text.trim() === '';
  const box = useRef<HTMLTextAreaElement>(null);
  // The dialog opens to type: focus belongs in the text box, not on the close button. This runs
  // before the parent's showModal(), which focuses the `autofocus` element (React's autoFocus
  // prop sets no attribute, so showModal would pick the close button instead).
  useEffect(() => {
    box.current?.setAttribute('autofocus', '');
    box.current?.focus();
  }, []);

  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    if (empty || send.isPending) return;
    send.mutate({ id: agent.id, text }, { onSuccess: onDone });
  };

  return (
    <form className="fleet-dialog-form" onSubmit={submit}>
      <label htmlFor={id}>
        Message for agent <span className="mono">{agent.id}</span>
        {agent.taskTitle ? ` (${agent.taskTitle})` : ''}
      </label>
      <textarea
        id={id}
        rows={5}
        ref={box}
        value={text}
        aria-describedby={`${id}-hint`}
        onChange={(e) => setText(e.currentTarget.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) submit();
        }}
      />
      <p id={`${id}-hint`} className="muted">
        The agent receives it as typed, followed by Enter. Ctrl+Enter (⌘+Enter) sends.
      </p>
      <InlineError error={send.error} />
      <div className="fleet-dialog-buttons">
        <button type="button" onClick={onDone} disabled={send.isPending}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={empty || send.isPending}>
          {send.isPending ? 'Sending…' : 'Send'}
        </button>
      </div>
    </form>
  );
}
