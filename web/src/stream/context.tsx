/**
 * One StreamClient per page, shared through context; the connection state is read with
 * useSyncExternalStore so the header badge re-renders only when it changes.
 */
import { useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext, useEffect, useState, useSyncExternalStore } from 'react';
import { ApiError, api } from '../api/client.js';
import { StreamClient } from './client.js';
import { createSync } from './sync.js';

const StreamContext = createContext<StreamClient | null>(null);

/** Whether the session still holds: a 401 means "signed out", anything else "try again". */
async function sessionValid(): Promise<boolean> {
  try {
    await api('/version');
    return true;
  } catch (e) {
    return !(e instanceof ApiError && e.unauthenticated);
  }
}

export function StreamProvider({ children, client: given }: { children: ReactNode; client?: StreamClient }) {
  const queryClient = useQueryClient();
  const [client] = useState(() => given ?? new StreamClient({ checkAuth: sessionValid }));
  useEffect(() => {
    const sync = createSync(queryClient);
    const offEvent = client.onEvent((e) => sync.apply(e));
    const offConnected = client.onConnected(({ resumed }) => {
      if (resumed) sync.refreshAll();
    });
    const online = () => client.reconnectNow();
    window.addEventListener('online', online);
    client.start();
    return () => {
      offEvent();
      offConnected();
      window.removeEventListener('online', online);
      sync.dispose();
      client.stop();
    };
  }, [client, queryClient]);
  return <StreamContext.Provider value={client}>{children}</StreamContext.Provider>;
}

export function useStream(): StreamClient {
  const client = useContext(StreamContext);
  if (!client) throw new Error('useStream outside StreamProvider');
  return client;
}

export function useConnectionState() {
  const client = useStream();
  return useSyncExternalStore(
    (notify) => client.onState(notify),
    () => client.state,
  );
}
