import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AgentView } from '../../../web/src/api/types.js';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { agentView, renderWithQuery, repo, stubApi } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  localStorage.clear();
});

/** Two running agents and three finished ones. */
const fleet: AgentView[] = [
  agentView({ id: 'run111', status: 'working' }),
  agentView({ id: 'run222', status: 'needs_input' }),
  agentView({ id: 'fin111', status: 'stopped' }),
  agentView({ id: 'fin222', status: 'exited' }),
  agentView({ id: 'fin333', status: 'crashed' }),
];

const dialog = () => screen.getByRole('dialog');

describe('fleet bulk actions', () => {
  it('"Stop all" says how many agents and what is kept, stops them, and closes when none refused', async () => {
    let agents = fleet;
    const { calls } = stubApi({
      'GET /agents': () => ({ body: { agents } }),
      'GET /repos': { body: { repos: [repo()] } },
      'POST /agents/bulk/stop': () => {
        const stopped = agents
          .filter((a) => a.id.startsWith('run'))
          .map((a) => ({ ...a, status: 'stopped' }));
        agents = agents.map((a) => (a.id.startsWith('run') ? { ...a, status: 'stopped' as const } : a));
        return { body: { stopped, failed: [] } };
      },
    });
    renderWithQuery(<FleetView />);
    await userEvent.click(await screen.findByRole('button', { name: 'Stop all (2)' }));
    expect(dialog().getAttribute('aria-label')).toBe('Stop all agents?');
    const text = dialog().textContent ?? '';
    expect(text).toContain('2 agents will be stopped');
    expect(text).toContain('worktrees and branches are kept');
    expect(text).toContain('run111 run222');
    expect(
      calls.some((c) => c.path.startsWith('/agents/bulk')),
      'nothing happens before confirming',
    ).toBe(false);

    await userEvent.click(within(dialog()).getByRole('button', { name: 'Stop 2 agents' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      { method: 'POST', path: '/agents/bulk/stop', body: {} },
    ]);
    // The fleet was refetched: nothing left to stop.
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Stop all' })).toHaveProperty('disabled', true),
    );
  });

  it('"Remove finished" keeps worktrees unless chosen, and shows each refusal in the daemon’s words', async () => {
    const { calls } = stubApi({
      'GET /agents': { body: { agents: fleet } },
      'GET /repos': { body: { repos: [repo()] } },
      'POST /agents/bulk/remove': () => ({
        body: {
          removed: [{ agent: fleet[2], worktree: null, branch: { name: 'flotilla/x', exists: true } }],
          failed: [
            {
              agentId: 'fin222',
              code: 'CONFLICT',
              message: 'the worktree has uncommitted changes: src/a.ts',
              hint: 'commit them, or remove with --force',
            },
            { agentId: 'fin333', code: 'TMUX_ERROR', message: 'tmux did not answer' },
          ],
        },
      }),
    });
    renderWithQuery(<FleetView />);
    await userEvent.click(await screen.findByRole('button', { name: 'Remove finished (3)' }));
    const text = dialog().textContent ?? '';
    expect(text).toContain('3 agents (stopped, exited or crashed) will leave the fleet');
    expect(text).toContain('branches are kept; their worktrees are kept too unless you choose below');
    const box = within(dialog()).getByRole('checkbox', { name: /Also remove their worktrees/ });
    expect(box).toHaveProperty('checked', false);
    await userEvent.click(box);
    await userEvent.click(within(dialog()).getByRole('button', { name: 'Remove 3 agents' }));

    const outcome = await within(dialog()).findByTestId('bulk-outcome');
    expect(calls.filter((c) => c.method === 'POST')).toEqual([
      { method: 'POST', path: '/agents/bulk/remove', body: { worktree: true } },
    ]);
    expect(within(outcome).getByRole('status').textContent).toBe(
      'Removed 1 agent; their branches are kept. 2 agents were not:',
    );
    const refusals = within(outcome).getByRole('alert');
    expect(refusals.textContent).toContain(
      'fin222: the worktree has uncommitted changes: src/a.ts (commit them, or remove with --force)',
    );
    expect(refusals.textContent).toContain('fin333: tmux did not answer');
    await userEvent.click(within(outcome).getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('both buttons are off when there is nothing for them to do', async () => {
    stubApi({
      'GET /agents': { body: { agents: [agentView({ id: 'run111', status: 'working' })] } },
      'GET /repos': { body: { repos: [repo()] } },
    });
    renderWithQuery(<FleetView />);
    expect(await screen.findByRole('button', { name: 'Stop all (1)' })).toHaveProperty('disabled', false);
    expect(screen.getByRole('button', { name: 'Remove finished' })).toHaveProperty('disabled', true);
  });
});
