import { cleanup, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { agentView, type Call, refusal, renderWithQuery, repo, stubApi } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const removed = (agent = agentView(), worktree: unknown = null) => ({
  body: { agent: { ...agent, status: 'stopped', removedAt: agent.updatedAt }, worktree },
});

async function openFrom(buttonName: string, dialogName: string): Promise<HTMLElement> {
  const card = await screen.findByTestId('agent-card');
  await userEvent.click(within(card).getByRole('button', { name: buttonName }));
  return screen.findByRole('dialog', { name: dialogName });
}

const deletes = (calls: Call[]) => calls.filter((c) => c.method === 'DELETE').map((c) => c.path);

describe('Remove', () => {
  it('asks first: nothing is removed until the dialog is confirmed', async () => {
    const agent = agentView({ status: 'stopped' });
    let gone = false;
    const { calls } = stubApi({
      'GET /agents': () => ({ body: { agents: gone ? [] : [agent] } }),
      'GET /repos': { body: { repos: [repo()] } },
      'GET /tasks': { body: { tasks: [], total: 0 } },
      'DELETE /agents/abc234': () => {
        gone = true;
        return removed(agent);
      },
    });
    renderWithQuery(<FleetView />);
    const dialog = await openFrom('Remove', 'Remove agent abc234?');
    expect(dialog.textContent).toContain(agent.branch);
    expect(dialog.textContent).toContain('is kept');
    expect(deletes(calls)).toEqual([]);
    await userEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(deletes(calls)).toEqual([]);

    const again = await openFrom('Remove', 'Remove agent abc234?');
    await userEvent.click(within(again).getByRole('button', { name: 'Remove' }));
    await waitFor(() => expect(deletes(calls)).toEqual(['/agents/abc234']));
    await waitFor(() => expect(screen.queryByTestId('agent-card')).toBeNull());
  });

  it("shows the daemon's refusal and offers force, which sends force=true", async () => {
    const agent = agentView({ status: 'working' });
    const { calls } = stubApi({
      'GET /agents': { body: { agents: [agent] } },
      'GET /repos': { body: { repos: [repo()] } },
      'DELETE /agents/abc234?worktree=true': refusal(
        409,
        'CONFLICT',
        'refusing to remove /w/abc234: 2 uncommitted files would be lost',
        'commit them, or remove with --force',
      ),
      'DELETE /agents/abc234?force=true&worktree=true': removed(agent, {
        worktreeRemoved: true,
        branchDeleted: false,
        discarded: ['src/login.ts', 'notes.md'],
        notes: [],
        errors: [],
      }),
    });
    renderWithQuery(<FleetView />);
    const dialog = await openFrom('Remove', 'Remove agent abc234?');
    expect(within(dialog).queryByRole('button', { name: 'Force remove' })).toBeNull();
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Also remove its worktree/ }));
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('refusing to remove /w/abc234: 2 uncommitted files would be lost');
    expect(alert.textContent).toContain('commit them, or remove with --force');
    expect(dialog.textContent).toContain('discards the uncommitted work');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Force remove' }));
    // What was thrown away is said, not hidden behind a closing dialog.
    await waitFor(() => expect(dialog.textContent).toContain('Discarded: src/login.ts, notes.md'));
    expect(deletes(calls)).toEqual([
      '/agents/abc234?worktree=true',
      '/agents/abc234?force=true&worktree=true',
    ]);
  });
});

describe('Send message', () => {
  it('posts the text with Ctrl+Enter and closes', async () => {
    const { calls } = stubApi({
      'GET /agents': { body: { agents: [agentView({ status: 'needs_input' })] } },
      'GET /repos': { body: { repos: [repo()] } },
      'POST /agents/abc234/send': { body: { ok: true } },
    });
    renderWithQuery(<FleetView />);
    const dialog = await openFrom('Send message', 'Send a message to agent abc234');
    const box = within(dialog).getByRole('textbox', { name: /Message for agent abc234/ });
    expect(document.activeElement).toBe(box);
    expect((within(dialog).getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.type(box, 'Use the staging database{Control>}{Enter}{/Control}');
    await waitFor(() =>
      expect(calls.filter((c) => c.method === 'POST')).toEqual([
        { method: 'POST', path: '/agents/abc234/send', body: { text: 'Use the staging database' } },
      ]),
    );
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
  });

  it('keeps the dialog and the text when the daemon refuses, and says why', async () => {
    stubApi({
      'GET /agents': { body: { agents: [agentView()] } },
      'GET /repos': { body: { repos: [repo()] } },
      'POST /agents/abc234/send': refusal(
        409,
        'CONFLICT',
        'cannot send text to agent abc234: it is stopped',
        'restart it first: flotilla restart abc234',
      ),
    });
    renderWithQuery(<FleetView />);
    const dialog = await openFrom('Send message', 'Send a message to agent abc234');
    const box = within(dialog).getByRole('textbox');
    await userEvent.type(box, 'hello');
    await userEvent.click(within(dialog).getByRole('button', { name: 'Send' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('cannot send text to agent abc234: it is stopped');
    expect((box as HTMLTextAreaElement).value).toBe('hello');
  });
});
