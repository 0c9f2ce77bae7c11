import { useConnectionState, useStream } from '../stream/context.js';

const LABEL = {
  connecting: 'Connecting…',
  live: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Connection lost',
} as const;

/** The stream's state, always visible: a page that silently stopped updating would lie. */
export function ConnectionBadge() {
  const state = useConnectionState();
  const stream = useStream();
  return (
    <output
      className={`conn conn-${state}`}
      aria-live="polite"
      data-testid="connection-state"
      data-state={state}
    >
      <span className="conn-dot" aria-hidden="true" />
      {LABEL[state]}
      {state === 'offline' && (
        <button type="button" className="link-button" onClick={() => stream.reconnectNow()}>
          Retry now
        </button>
      )}
    </output>
  );
}
