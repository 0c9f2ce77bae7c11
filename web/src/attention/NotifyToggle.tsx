import { setNotify, useNotifyState } from './notifications.js';

const LABEL = {
  on: 'Desktop notifications: on. Turn off',
  off: 'Desktop notifications: off. Turn on to hear when an agent needs you',
  blocked: 'Desktop notifications are blocked in this browser’s site settings',
  unsupported: 'This browser has no desktop notifications',
} as const;

/** The header's bell: opt in to a notification whenever an agent starts waiting for you. */
export function NotifyToggle() {
  const state = useNotifyState();
  if (state === 'unsupported') return null;
  return (
    <button
      type="button"
      className="icon-button"
      aria-pressed={state === 'on'}
      aria-label={LABEL[state]}
      title={LABEL[state]}
      disabled={state === 'blocked'}
      onClick={() => void setNotify(state !== 'on')}
    >
      <svg viewBox="0 0 16 16" width="16" height="16" aria-hidden="true">
        <path
          d="M8 1.5a4 4 0 0 0-4 4v2.8L2.5 11h11L12 8.3V5.5a4 4 0 0 0-4-4ZM6.5 12.5a1.5 1.5 0 0 0 3 0"
          fill={state === 'on' ? 'currentColor' : 'none'}
          stroke="currentColor"
          strokeWidth="1.3"
        />
        {state !== 'on' && <path d="M2 2 14 14" stroke="currentColor" strokeWidth="1.3" />}
      </svg>
    </button>
  );
}
