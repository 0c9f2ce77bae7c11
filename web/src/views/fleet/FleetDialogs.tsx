/**
 * The fleet's two dialogs, mounted once for all cards (a hundred cards do not each carry two
 * <dialog>s). A card asks for one through `open`; the dialog follows the agent's latest state
 * and keeps the snapshot it was opened with once the agent leaves the list (after a remove).
 */
import { useCallback, useState } from 'react';
import type { AgentView } from '../../api/types.js';
import { Dialog } from '../../components/Dialog.js';
import { RemoveAgentForm } from './RemoveDialog.js';
import { SendMessageForm } from './SendDialog.js';

export type DialogKind = 'send' | 'remove';
export type OpenDialog = (kind: DialogKind, agent: AgentView) => void;

interface Target {
  kind: DialogKind;
  agent: AgentView;
}

/** State for the fleet's dialogs: `open` is stable, so memoized cards never re-render for it. */
export function useFleetDialogs() {
  const [target, setTarget] = useState<Target | null>(null);
  const open = useCallback<OpenDialog>((kind, agent) => setTarget({ kind, agent }), []);
  const close = useCallback(() => setTarget(null), []);
  return { target, open, close };
}

export function FleetDialogs({
  target,
  agents,
  onClose,
}: {
  target: Target | null;
  agents: readonly AgentView[];
  onClose: () => void;
}) {
  const agent = target ? (agents.find((a) => a.id === target.agent.id) ?? target.agent) : null;
  return (
    <>
      <Dialog
        open={target?.kind === 'send'}
        title={agent ? `Send a message to agent ${agent.id}` : 'Send a message'}
        onClose={onClose}
      >
        {agent && target?.kind === 'send' && (
          <SendMessageForm key={agent.id} agent={agent} onDone={onClose} />
        )}
      </Dialog>
      <Dialog
        open={target?.kind === 'remove'}
        title={agent ? `Remove agent ${agent.id}?` : 'Remove agent'}
        onClose={onClose}
      >
        {agent && target?.kind === 'remove' && (
          <RemoveAgentForm key={agent.id} agent={agent} onDone={onClose} />
        )}
      </Dialog>
    </>
  );
}
