/**
 * Desktop notifications, opt-in: a dashboard left in a background tab must still tell the user
 * the moment an agent waits for them. The choice is kept in this browser; the browser's own
 * permission is asked only when the user turns them on.
 */
import { useSyncExternalStore } from 'react';

const KEY = 'flotilla.notify';
const listeners = new Set<() => void>();

export type NotifyState = 'unsupported' | 'off' | 'on' | 'blocked';

function supported(): boolean {
  return typeof window !== 'undefined' && 'Notification' in window;
}

export function notifyState(): NotifyState {
  if (!supported()) return 'unsupported';
  if (Notification.permission === 'denied') return 'blocked';
  return localStorage.getItem(KEY) === 'on' && Notification.permission === 'granted' ? 'on' : 'off';
}

/** Turns notifications on (asking the browser first) or off. */
export async function setNotify(on: boolean): Promise<NotifyState> {
  if (!supported()) return 'unsupported';
  if (on && Notification.permission !== 'granted') await Notification.requestPermission();
  if (on && Notification.permission === 'granted') localStorage.setItem(KEY, 'on');
  else localStorage.removeItem(KEY);
  for (const l of listeners) l();
  return notifyState();
}

export function useNotifyState(): NotifyState {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    notifyState,
    () => 'unsupported',
  );
}

/** Shows one notification per agent (tagged by id, so a newer one replaces it); a click opens its page. */
export function notify(agentId: string, title: string, body: string, open: (path: string) => void): void {
  if (notifyState() !== 'on') return;
  const n = new Notification(title, { body, tag: `flotilla-${agentId}` });
  n.onclick = () => {
    window.focus();
    open(`/agents/${encodeURIComponent(agentId)}`);
    n.close();
  };
}
