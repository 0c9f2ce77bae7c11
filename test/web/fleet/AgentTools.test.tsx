import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../../web/src/api/queries.js';
import type { AgentView, FlotillaEvent } from '../../../web/src/api/types.js';
import { createSync } from '../../../web/src/stream/sync.js';
import { AgentPage } from '../../../web/src/views/agent/AgentPage.js';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { configView, renderWithStream } from '../agent/harness.js';
import { agentView, renderWithQuery, repo, stubApi } from '../fixtures.js';

/**
 * What an agent says through its MCP tools, as the dashboard shows it: its latest progress line
 * on its card (patched at once by the stream's `agent.progress` event), and the answer box on
 * its page while it waits on a question, which posts `flotilla answer`'s route.
 */
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const progressEvent = (agentId: string, text: string): FlotillaEvent =>
  ({
    id: 41,
    ts: new Date().toISOString(),
    type: 'agent.progress',
    actor: `agent:${agentId}`,
    repoId: 'rep234',
    taskId: 'tsk234',
    agentId,
    data: { text },
  }) as FlotillaEvent;

describe('agent tools on the dashboard', () => {
  it("the card shows the agent's latest progress line, and a new one as soon as it is reported", async () => {
    const agent = agentView({ progress: { text: 'reading the code', at: new Date().toISOString() } });
    stubApi({ 'GET /agents': { body: { agents: [agent] } }, 'GET /repos': { body: { repos: [repo()] } } });
    const { client } = renderWithQuery(<FleetView />);
    const line = await screen.findByTestId('agent-progress');
    expect(line.textContent).toContain('Progress:reading the code');
    const sync = createSync(client);
    act(() => sync.apply(progressEvent(agent.id, 'tests pass; writing the docs')));
    await waitFor(() => expect(screen.getByTestId('agent-progress').textContent).toContain('tests pass'));
    expect(client.getQueryData<AgentView[]>(keys.agents)?.[0]?.progress?.text).toBe(
      'tests pass; writing the docs',
    );
    sync.dispose();
  });

  it('a card without a progress line shows none', async () => {
    stubApi({
      'GET /agents': { body: { agents: [agentView({ progress: null })] } },
      'GET /repos': { body: { repos: [repo()] } },
    });
    renderWithQuery(<FleetView />);
    await screen.findByTestId('agent-card');
    expect(screen.queryByTestId('agent-progress')).toBeNull();
  });

  it('the agent page asks for the answer while the agent waits on its question, and posts it', async () => {
    const waiting = agentView({ status: 'needs_input', statusDetail: 'asks: Which port: 8080 or 9090?' });
    const { calls } = stubApi({
      '/agents': { body: { agents: [waiting] } },
      '/config': { body: configView(false) },
      '/events': { body: { events: [], lastId: null } },
      [`/worktrees/${waiting.taskId}/diff`]: { body: { base: 'a1b2c3d4e5f6a7b8', files: [], diff: '' } },
      [`POST /agents/${waiting.id}/answer`]: {
        body: { ...waiting, status: 'working', answered: 'question' },
      },
    });
    renderWithStream(<AgentPage id={waiting.id} />);
    const form = await screen.findByRole('form', { name: 'Answer the agent' });
    expect(screen.getAllByText('Which port: 8080 or 9090?').length).toBeGreaterThan(0);
    fireEvent.change(within(form).getByLabelText('Your answer'), { target: { value: '9090' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Answer' }));
    await waitFor(() =>
      expect(calls.find((c) => c.path === `/agents/${waiting.id}/answer`)?.body).toEqual({ text: '9090' }),
    );
  });

  it('no answer box while the agent works', async () => {
    stubApi({
      '/agents': { body: { agents: [agentView()] } },
      '/config': { body: configView(false) },
      '/events': { body: { events: [], lastId: null } },
      [`/worktrees/${agentView().taskId}/diff`]: { body: { base: 'a1b2c3d4e5f6a7b8', files: [], diff: '' } },
    });
    renderWithStream(<AgentPage id={agentView().id} />);
    await screen.findByRole('button', { name: 'Stop' });
    expect(screen.queryByRole('form', { name: 'Answer the agent' })).toBeNull();
  });
});
