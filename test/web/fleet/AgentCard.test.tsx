import { cleanup, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../../web/src/api/queries.js';
import type { AgentView } from '../../../web/src/api/types.js';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { agentView, refusal, renderWithQuery, repo, stubApi, T0 } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

function fleetOf(agents: AgentView[], extra: Parameters<typeof stubApi>[0] = {}) {
  const { calls } = stubApi({
    'GET /agents': { body: { agents } },
    'GET /repos': { body: { repos: [repo()] } },
    ...extra,
  });
  const view = renderWithQuery(<FleetView />);
  return { calls, ...view };
}

async function card(id: string): Promise<HTMLElement> {
  return waitFor(() => {
    const el = document.querySelector<HTMLElement>(`[data-testid="agent-card"][data-agent-id="${id}"]`);
    if (!el) throw new Error(`no card for agent ${id}`);
    return el;
  });
}

describe('AgentCard', () => {
  it('shows status, time in status, task, branch, adapter, restarts, CPU, memory and the last output', async () => {
    const agent = agentView();
    fleetOf([agent]);
    const el = await card('abc234');
    const c = within(el);
    expect(el.dataset.status).toBe('working');
    expect(c.getByText('working', { selector: '.status' })).toBeTruthy();
    const since = el.querySelector('time');
    expect(since?.getAttribute('datetime')).toBe(agent.statusSince);
    expect(since?.textContent).toMatch(/^(89|90|91) s$|^1 min$/);
    const link = c.getByRole('link', { name: 'Fix the login redirect' });
    expect(link.getAttribute('href')).toBe('/agents/abc234');
    const branch = c.getByText(agent.branch);
    expect(branch.getAttribute('title')).toBe(agent.branch);
    expect(branch.className).toContain('mono');
    expect(c.getByText('claude-code')).toBeTruthy();
    expect(c.getByText('Restarts').nextElementSibling?.textContent).toBe('2');
    expect(c.getByText('12% CPU')).toBeTruthy();
    expect(c.getByText('340 MB')).toBeTruthy();
    expect(c.getByRole('img', { name: 'CPU over the last 4 samples, now 12% CPU' })).toBeTruthy();
    expect(c.getByRole('img', { name: 'Memory over the last 3 samples, now 340 MB' })).toBeTruthy();
    const output = c.getByText('Running npm test -- login.spec.ts');
    expect(output.closest('p')?.getAttribute('title')).toBe('Running npm test -- login.spec.ts');
    for (const name of ['Stop', 'Restart', 'Remove', 'Send message', 'Copy attach command'])
      expect(c.getByRole('button', { name })).toBeTruthy();
    // Not waiting: no decision to make, nothing shouting for attention.
    expect(c.queryByRole('button', { name: 'Approve' })).toBeNull();
    expect(c.queryByText(/Waiting for your/)).toBeNull();
  });

  it('a card without a task title still links to its agent by id', async () => {
    fleetOf([
      agentView({ taskTitle: null, cpuPercent: null, rssBytes: null, cpuHistory: [], rssHistory: [] }),
    ]);
    const c = within(await card('abc234'));
    expect(c.getByRole('link', { name: 'Open agent abc234' }).getAttribute('href')).toBe('/agents/abc234');
    expect(c.getByText('— CPU')).toBeTruthy();
    expect(c.getByRole('img', { name: 'CPU: no samples yet' })).toBeTruthy();
  });

  it('a needs_permission card stands out, and Approve POSTs to the approve route', async () => {
    const waiting = agentView({ status: 'needs_permission' });
    const { calls } = fleetOf([waiting], {
      'POST /agents/abc234/approve': { body: { ...waiting, status: 'working' } },
    });
    const el = await card('abc234');
    const c = within(el);
    expect(el.className).toContain('agent-card-waiting');
    expect(c.getByText('Waiting for your approval')).toBeTruthy();
    expect(c.getByRole('button', { name: 'Deny' })).toBeTruthy();
    await userEvent.click(c.getByRole('button', { name: 'Approve' }));
    await waitFor(() => expect(el.dataset.status).toBe('working'));
    expect(calls.filter((x) => x.method === 'POST').map((x) => x.path)).toEqual(['/agents/abc234/approve']);
    // The decision is made: the buttons for it are gone.
    expect(c.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('a needs_input card says it waits for an answer and shows the question, without approve/deny', async () => {
    fleetOf([
      agentView({ status: 'needs_input', statusDetail: 'asks: Should the docs go in README.md or docs/?' }),
    ]);
    const c = within(await card('abc234'));
    expect(c.getByText('Waiting for your answer')).toBeTruthy();
    expect(c.getByText('Should the docs go in README.md or docs/?')).toBeTruthy();
    expect(c.queryByRole('button', { name: 'Approve' })).toBeNull();
  });

  it('a needs_permission card shows exactly what Approve would allow, with the diff of an edit', async () => {
    fleetOf([
      agentView({
        status: 'needs_permission',
        pendingPermission: {
          tool: 'Edit',
          subject: '/w/src/app.ts',
          diff: '--- /w/src/app.ts\n+++ /w/src/app.ts\n@@\n-const port = 80;\n+const port = 8080;',
          input: {},
          requestedAt: T0,
        },
      }),
    ]);
    const c = within(await card('abc234'));
    expect(c.getByText('Waiting for your approval')).toBeTruthy();
    expect(c.getByText('Edit')).toBeTruthy();
    expect(c.getByText('/w/src/app.ts')).toBeTruthy();
    expect(c.getByText(/\+const port = 8080;/)).toBeTruthy();
  });

  it('a finished turn is not a wait: "Turn done — your move" and the last message, not counted as needing you', async () => {
    fleetOf([
      agentView({ status: 'idle', lastMessage: 'Done: the login redirect keeps ?next=. All tests pass.' }),
    ]);
    const c = within(await card('abc234'));
    expect(c.getByText('Turn done — your move')).toBeTruthy();
    expect(c.getByText(/Done: the login redirect keeps/)).toBeTruthy();
    expect(c.queryByText(/Waiting for your/)).toBeNull();
    expect((await card('abc234')).className).not.toContain('agent-card-waiting');
  });

  it("a refused action shows the API's message and hint on the card", async () => {
    fleetOf([agentView({ status: 'needs_permission' })], {
      'POST /agents/abc234/deny': refusal(
        409,
        'CONFLICT',
        'agent abc234: no permission dialog is open',
        'look at it: flotilla attach abc234',
      ),
    });
    const c = within(await card('abc234'));
    await userEvent.click(c.getByRole('button', { name: 'Deny' }));
    const alert = await c.findByRole('alert');
    expect(alert.textContent).toContain('agent abc234: no permission dialog is open');
    expect(alert.textContent).toContain('look at it: flotilla attach abc234');
    expect((c.getByRole('button', { name: 'Deny' }) as HTMLButtonElement).disabled).toBe(false);
  });

  it('disables the buttons while an action runs', async () => {
    let release: (() => void) | undefined;
    const agent = agentView();
    const { calls } = stubApi({
      'GET /agents': { body: { agents: [agent] } },
      'GET /repos': { body: { repos: [repo()] } },
    });
    const pending = new Promise<void>((r) => {
      release = r;
    });
    const realFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (init.method === 'POST') await pending;
      return realFetch(url, init);
    });
    renderWithQuery(<FleetView />);
    const c = within(await card('abc234'));
    await userEvent.click(c.getByRole('button', { name: 'Stop' }));
    await waitFor(() =>
      expect((c.getByRole('button', { name: 'Stop' }) as HTMLButtonElement).disabled).toBe(true),
    );
    expect((c.getByRole('button', { name: 'Restart' }) as HTMLButtonElement).disabled).toBe(true);
    expect(c.getByRole('button', { name: 'Stop' }).getAttribute('aria-busy')).toBe('true');
    release?.();
    await waitFor(() =>
      expect(c.getByRole('alert').textContent).toContain('no route POST /agents/abc234/stop'),
    );
    expect(calls.some((x) => x.method === 'POST' && x.path === '/agents/abc234/stop')).toBe(true);
  });

  it('a finished agent cannot be stopped or sent a message, but can be restarted', async () => {
    const { client } = fleetOf([agentView({ status: 'crashed', exitCode: 137 })]);
    await waitFor(() => expect(client.getQueryData(keys.agents)).toBeDefined());
    const c = within(await card('abc234'));
    expect((c.getByRole('button', { name: 'Stop' }) as HTMLButtonElement).disabled).toBe(true);
    expect((c.getByRole('button', { name: 'Send message' }) as HTMLButtonElement).disabled).toBe(true);
    expect((c.getByRole('button', { name: 'Restart' }) as HTMLButtonElement).disabled).toBe(false);
    expect(c.getByText('Exit code').nextElementSibling?.textContent).toBe('137');
  });
});
