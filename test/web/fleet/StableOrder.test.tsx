import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../../web/src/api/queries.js';
import type { AgentView } from '../../../web/src/api/types.js';
import { FleetView } from '../../../web/src/views/fleet/FleetView.js';
import { arrangeAs, RELEASE_DELAY_MS } from '../../../web/src/views/fleet/useStableLayout.js';
import { agentView, renderWithQuery, repo, stubApi } from '../fixtures.js';

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
  localStorage.clear();
});

const cardIds = (container: ParentNode = document) =>
  [...container.querySelectorAll<HTMLElement>('[data-testid="agent-card"]')].map(
    (e) => e.dataset.agentId ?? '',
  );

/** Three working agents in start order; the last one is about to ask for permission. */
const fleet: AgentView[] = [
  agentView({ id: 'aaa333', status: 'working', createdAt: '2026-11-25T09:00:00.000Z' }),
  agentView({ id: 'bbb333', status: 'working', createdAt: '2026-11-25T09:01:00.000Z' }),
  agentView({ id: 'ccc333', status: 'working', createdAt: '2026-11-25T09:02:00.000Z' }),
];

async function renderFleet() {
  stubApi({ 'GET /agents': { body: { agents: fleet } }, 'GET /repos': { body: { repos: [repo()] } } });
  const rendered = renderWithQuery(<FleetView />);
  await waitFor(() => expect(cardIds()).toEqual(['aaa333', 'bbb333', 'ccc333']));
  const setStatus = (id: string, status: AgentView['status']) =>
    act(() => {
      rendered.client.setQueryData<AgentView[]>(keys.agents, (list) =>
        list?.map((a) => (a.id === id ? { ...a, status, statusSince: new Date().toISOString() } : a)),
      );
    });
  return { ...rendered, setStatus, region: () => document.querySelector('.fleet') as HTMLElement };
}

describe('the fleet keeps its order while it is being used', () => {
  it('a card under the pointer stays put when another starts waiting, and moves after the pointer leaves', async () => {
    const { setStatus, region } = await renderFleet();
    const underPointer = screen.getAllByTestId('agent-card')[0] as HTMLElement;
    fireEvent.pointerEnter(region());
    setStatus('ccc333', 'needs_permission');
    // The card's own contents are live; only the positions hold.
    await waitFor(() =>
      expect(document.querySelector('[data-agent-id="ccc333"]')?.textContent).toMatch(/permission/i),
    );
    expect(cardIds()).toEqual(['aaa333', 'bbb333', 'ccc333']);
    expect(screen.getAllByTestId('agent-card')[0], 'the same element under the pointer').toBe(underPointer);
    expect(region().dataset.orderHeld).toBe('true');

    fireEvent.pointerLeave(region());
    await waitFor(() => expect(cardIds()).toEqual(['ccc333', 'aaa333', 'bbb333']), { timeout: 3_000 });
    await waitFor(() =>
      expect(screen.getByTestId('fleet-order-announcer').textContent).toBe(
        'The fleet is in its new order: agents waiting for you first.',
      ),
    );
    expect(region().dataset.orderHeld).toBe('false');
  });

  it('holds while focus is inside (keyboard users), and applies the order when focus leaves', async () => {
    const { setStatus, region } = await renderFleet();
    const outside = document.createElement('button');
    document.body.appendChild(outside);
    const firstLink = screen.getAllByTestId('agent-card')[0]?.querySelector('a, button') as HTMLElement;
    act(() => firstLink.focus());
    setStatus('bbb333', 'needs_input');
    await waitFor(() => expect(region().dataset.orderHeld).toBe('true'));
    expect(cardIds()).toEqual(['aaa333', 'bbb333', 'ccc333']);
    expect(document.activeElement).toBe(firstLink);
    act(() => outside.focus());
    await waitFor(() => expect(cardIds()).toEqual(['bbb333', 'aaa333', 'ccc333']), { timeout: 3_000 });
    outside.remove();
  });

  it('a pointer passing out and straight back in changes nothing', async () => {
    const { setStatus, region } = await renderFleet();
    fireEvent.pointerEnter(region());
    setStatus('ccc333', 'needs_permission');
    fireEvent.pointerLeave(region());
    fireEvent.pointerEnter(region());
    // Longer than the release delay: still held, because the pointer came back.
    await new Promise((r) => setTimeout(r, RELEASE_DELAY_MS + 300));
    expect(cardIds()).toEqual(['aaa333', 'bbb333', 'ccc333']);
  });

  it('with nobody using the fleet, a status change reorders at once (no hold)', async () => {
    const { setStatus } = await renderFleet();
    setStatus('ccc333', 'needs_permission');
    await waitFor(() => expect(cardIds()).toEqual(['ccc333', 'aaa333', 'bbb333']));
  });

  it('arrangeAs keeps held positions, drops removed agents and appends new ones to their section', () => {
    const a = agentView({ id: 'aaa333' });
    const b = agentView({ id: 'bbb333', status: 'stopped' });
    const n = agentView({ id: 'new333' });
    const out = arrangeAs(
      { live: ['gone33', 'bbb333', 'aaa333'], finished: [] },
      { live: [n, a], finished: [b] },
    );
    expect(out.live.map((x) => x.id)).toEqual(['bbb333', 'aaa333', 'new333']);
    expect(out.finished.map((x) => x.id)).toEqual([]);
  });
});
