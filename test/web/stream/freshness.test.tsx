import { QueryClientProvider } from '@tanstack/react-query';
import { act, cleanup, renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mergeAgentLists } from '../../../web/src/api/freshness.js';
import { keys, putAgent, useAgents } from '../../../web/src/api/queries.js';
import type { AgentView, FlotillaEvent } from '../../../web/src/api/types.js';
import { createSync } from '../../../web/src/stream/sync.js';
import { agentView, testQueryClient } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const at = (s: number) => new Date(Date.UTC(2026, 10, 25, 10, 0, s)).toISOString();
const statusEvent = (id: number, agentId: string, to: AgentView['status'], ts: string): FlotillaEvent => ({
  id,
  ts,
  type: 'agent.status_changed',
  actor: 'hook',
  repoId: null,
  taskId: null,
  agentId,
  data: { from: 'working', to, source: 'hook' },
});

describe('a card never goes back in time', () => {
  it('merges a fetched list without undoing a newer status', () => {
    const prev = [agentView({ id: 'a1', status: 'needs_input', statusSince: at(5), cpuPercent: 1 })];
    const next = [agentView({ id: 'a1', status: 'working', statusSince: at(4), cpuPercent: 9 })];
    const merged = mergeAgentLists(prev, next) as AgentView[];
    expect(merged[0]?.status).toBe('needs_input');
    expect(merged[0]?.statusSince).toBe(at(5));
    // The figures still refresh.
    expect(merged[0]?.cpuPercent).toBe(9);
    // A newer fetched status wins.
    const later = [agentView({ id: 'a1', status: 'working', statusSince: at(6) })];
    expect((mergeAgentLists(prev, later) as AgentView[])[0]?.status).toBe('working');
  });

  it('a list fetch answered before a status event cannot put the old status back', async () => {
    let answer: ((r: Response) => void) | null = null;
    let served = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn(async () => {
        served++;
        const body = JSON.stringify({
          agents: [agentView({ id: 'a1', status: 'working', statusSince: at(1) })],
        });
        if (served === 1) return new Response(body, { status: 200 });
        // The second fetch is slow: the daemon answered it before the change below.
        return new Promise<Response>((resolve) => {
          answer = resolve;
        });
      }),
    );
    const client = testQueryClient();
    const wrapper = ({ children }: { children: ReactNode }) => (
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    );
    const { result } = renderHook(() => useAgents(), { wrapper });
    await waitFor(() => expect(result.current.data?.[0]?.status).toBe('working'));
    void client.refetchQueries({ queryKey: keys.agents });
    await waitFor(() => expect(answer).not.toBeNull());
    const sync = createSync(client);
    act(() => sync.apply(statusEvent(7, 'a1', 'needs_input', at(2))));
    await waitFor(() => expect(result.current.data?.[0]?.status).toBe('needs_input'));
    act(() =>
      answer?.(
        new Response(
          JSON.stringify({ agents: [agentView({ id: 'a1', status: 'working', statusSince: at(1) })] }),
          {
            status: 200,
          },
        ),
      ),
    );
    // The stale answer has landed (the fetch is idle again), and the card still says needs_input.
    await waitFor(() => expect(client.getQueryState(keys.agents)?.fetchStatus).toBe('idle'));
    expect(client.getQueryData<AgentView[]>(keys.agents)?.[0]?.status).toBe('needs_input');
    expect(result.current.data?.[0]?.status).toBe('needs_input');
    // An action's answer that is older than what the card shows does not win either.
    act(() => putAgent(client, agentView({ id: 'a1', status: 'working', statusSince: at(1) })));
    expect(client.getQueryData<AgentView[]>(keys.agents)?.[0]?.status).toBe('needs_input');
    sync.dispose();
  });
});
