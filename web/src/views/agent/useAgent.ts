import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.js';
import { keys, useAgents } from '../../api/queries.js';
import type { AgentView } from '../../api/types.js';

/**
 * One agent, read from the fleet list the stream keeps current (so its status changes at the
 * same moment as its card). The id may be a unique prefix, as everywhere in Flotilla. An agent
 * missing from the list (removed ones are hidden there) is asked for on its own, under the
 * agents key so every refresh of the list refreshes it too.
 */
export function useAgent(id: string) {
  const list = useAgents();
  const matches = list.data?.filter((a) => a.id === id || a.id.startsWith(id)) ?? [];
  const fromList = matches.find((a) => a.id === id) ?? (matches.length === 1 ? matches[0] : undefined);
  const single = useQuery({
    queryKey: [...keys.agents, 'one', id],
    queryFn: () => api<AgentView>(`/agents/${encodeURIComponent(id)}`),
    enabled: list.isSuccess && !fromList,
    retry: false,
  });
  if (fromList) return { agent: fromList, error: null, pending: false, refetch: list.refetch };
  if (list.error) return { agent: undefined, error: list.error, pending: false, refetch: list.refetch };
  return {
    agent: single.data,
    error: single.error,
    pending: list.isPending || single.isPending,
    refetch: single.refetch,
  };
}
