import { act, cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../../web/src/api/queries.js';
import type { AgentView } from '../../../web/src/api/types.js';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { sortAgents, summarize } from '../../../web/src/views/fleet/order.js';
import { agentView, refusal, renderWithQuery, repo, stubApi, task } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const ago = (s: number) => new Date(Date.now() - s * 1000).toISOString();

function cardIds(container: ParentNode = document): string[] {
  return [...container.querySelectorAll<HTMLElement>('[data-testid="agent-card"]')].map(
    (e) => e.dataset.agentId ?? '',
  );
}

describe('fleet order and summary', () => {
  const fleet: AgentView[] = [
    agentView({ id: 'idle22', status: 'idle', createdAt: '2026-11-25T09:00:00.000Z' }),
    agentView({ id: 'work22', status: 'working', createdAt: '2026-11-25T09:01:00.000Z' }),
    agentView({ id: 'stop22', status: 'stopped', createdAt: '2026-11-25T08:00:00.000Z' }),
    agentView({ id: 'inpt22', status: 'needs_input', statusSince: ago(10) }),
    agentView({ id: 'perm22', status: 'needs_permission', statusSince: ago(300) }),
    agentView({ id: 'strt22', status: 'starting', createdAt: '2026-11-25T09:02:00.000Z' }),
  ];

  it('puts agents waiting for the user first (longest wait on top), then working, then the rest', () => {
    expect(sortAgents(fleet).map((a) => a.id)).toEqual([
      'perm22',
      'inpt22',
      'work22',
      'strt22',
      'idle22',
      'stop22',
    ]);
  });

  it('renders live cards in that order, finished ones in a folded section, and counts by status', async () => {
    stubApi({ 'GET /agents': { body: { agents: fleet } }, 'GET /repos': { body: { repos: [repo()] } } });
    renderWithQuery(<FleetView />);
    await waitFor(() => expect(cardIds()).toHaveLength(6));
    const finished = screen.getByTestId('fleet-finished') as HTMLDetailsElement;
    expect(finished.open).toBe(false);
    expect(cardIds(finished)).toEqual(['stop22']);
    expect(cardIds().slice(0, 5)).toEqual(['perm22', 'inpt22', 'work22', 'strt22', 'idle22']);
    expect(screen.getByTestId('fleet-summary').textContent).toBe(
      '!2 need you · 1 working · 1 starting · 1 idle · 1 stopped',
    );
    expect(summarize(fleet).map((p) => p.key)).toEqual(['waiting', 'working', 'starting', 'idle', 'stopped']);
  });

  it('hides finished agents when asked, and filters by task, branch or id', async () => {
    stubApi({ 'GET /agents': { body: { agents: fleet } }, 'GET /repos': { body: { repos: [repo()] } } });
    renderWithQuery(<FleetView />);
    await waitFor(() => expect(cardIds()).toHaveLength(6));
    await userEvent.click(screen.getByRole('checkbox', { name: 'Hide finished agents' }));
    expect(cardIds()).not.toContain('stop22');
    expect(localStorage.getItem('flotilla.fleet.hideFinished')).toBe('true');
    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter agents' }), 'work');
    expect(cardIds()).toEqual(['work22']);
    await userEvent.clear(screen.getByRole('searchbox', { name: 'Filter agents' }));
    await userEvent.type(screen.getByRole('searchbox', { name: 'Filter agents' }), 'nothing-like-this');
    expect(cardIds()).toEqual([]);
    expect(screen.getByText('No agent matches “nothing-like-this”.')).toBeTruthy();
  });
});

describe('fleet states', () => {
  it('shows the first-run page when no repo is registered', async () => {
    stubApi({ 'GET /agents': { body: { agents: [] } }, 'GET /repos': { body: { repos: [] } } });
    renderWithQuery(<FleetView />);
    expect(await screen.findByRole('heading', { name: 'Welcome to Flotilla' })).toBeTruthy();
    for (const command of [
      'flotilla init',
      'flotilla up',
      'flotilla start <task>',
      'npm run demo',
      'flotilla demo',
    ])
      expect(screen.getByRole('button', { name: `Copy ${command}` })).toBeTruthy();
    expect(screen.getByText(/flotilla task add "Fix the login redirect"/)).toBeTruthy();
  });

  it('with tasks but no agent, offers to start the ready tasks and reports what the daemon did', async () => {
    const { calls } = stubApi({
      'GET /agents': { body: { agents: [] } },
      'GET /repos': { body: { repos: [repo()] } },
      'GET /tasks': { body: { tasks: [task(), task({ id: 'tsk345', status: 'backlog' })], total: 2 } },
      'POST /up': {
        body: {
          started: [agentView()],
          skipped: [{ taskId: 'tsk567', title: 'Add tests', reason: 'depends on tsk234 (todo)' }],
          running: 1,
          limit: 4,
        },
      },
    });
    renderWithQuery(<FleetView />);
    expect(await screen.findByRole('heading', { name: 'No agents running' })).toBeTruthy();
    expect(await screen.findByText(/2 tasks on the board, 1 to do/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'task board' }).getAttribute('href')).toBe('/tasks');
    await userEvent.click(screen.getByRole('button', { name: 'Start ready tasks' }));
    await waitFor(() =>
      expect(
        screen.getByText(/Started 1 agent \(1 of 4 running\)\. Skipped Add tests: depends on tsk234/),
      ).toBeTruthy(),
    );
    expect(calls.find((c) => c.method === 'POST')).toEqual({ method: 'POST', path: '/up', body: {} });
  });

  it('shows an API error with a retry that works', async () => {
    let fail = true;
    stubApi({
      'GET /agents': () =>
        fail
          ? refusal(500, 'DB_ERROR', 'database is locked', 'try again')
          : { body: { agents: [agentView()] } },
      'GET /repos': { body: { repos: [repo()] } },
    });
    renderWithQuery(<FleetView />);
    const alert = await screen.findByRole('alert');
    expect(within(alert).getByRole('heading', { name: 'Cannot load the fleet' })).toBeTruthy();
    expect(alert.textContent).toContain('database is locked');
    expect(alert.textContent).toContain('DB_ERROR');
    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await waitFor(() => expect(cardIds()).toEqual(['abc234']));
  });
});

describe('attention announcements', () => {
  it('announces an agent that starts waiting, not the ones already waiting at load', async () => {
    const a = agentView({ id: 'aaa222', status: 'needs_input', taskTitle: 'Old question' });
    const b = agentView({ id: 'bbb222', status: 'working', taskTitle: 'Add the export button' });
    stubApi({ 'GET /agents': { body: { agents: [a, b] } }, 'GET /repos': { body: { repos: [repo()] } } });
    const { client } = renderWithQuery(<FleetView />);
    await waitFor(() => expect(cardIds()).toHaveLength(2));
    const region = screen.getByTestId('fleet-announcer');
    expect(region.getAttribute('aria-live')).toBe('polite');
    expect(region.textContent).toBe('');

    // What the stream does on agent.status_changed: patch the cached list.
    act(() => {
      client.setQueryData<AgentView[]>(keys.agents, (list) =>
        list?.map((x) => (x.id === 'bbb222' ? { ...x, status: 'needs_permission', statusSince: ago(0) } : x)),
      );
    });
    await waitFor(() =>
      expect(region.textContent).toBe('Agent bbb222 (Add the export button) needs your permission.'),
    );
    // Both wait now; the one waiting longest stays first.
    expect(cardIds()).toEqual(['aaa222', 'bbb222']);
  });
});
