import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { keys } from '../../../web/src/api/queries.js';
import type { AgentView } from '../../../web/src/api/types.js';
import { AttentionWatcher } from '../../../web/src/attention/AttentionWatcher.js';
import { NotifyToggle } from '../../../web/src/attention/NotifyToggle.js';
import { agentView, renderWithQuery, stubApi } from '../fixtures.js';

/** The browser's Notification, scripted: which permission it has and what was shown. */
class FakeNotification {
  static permission: NotificationPermission = 'default';
  static answer: NotificationPermission = 'granted';
  static shown: FakeNotification[] = [];
  static async requestPermission() {
    FakeNotification.permission = FakeNotification.answer;
    return FakeNotification.permission;
  }
  onclick: (() => void) | null = null;
  closed = false;
  constructor(
    readonly title: string,
    readonly options: { body: string; tag: string },
  ) {
    FakeNotification.shown.push(this);
  }
  close() {
    this.closed = true;
  }
}

beforeEach(() => {
  FakeNotification.permission = 'default';
  FakeNotification.answer = 'granted';
  FakeNotification.shown = [];
  localStorage.clear();
  vi.stubGlobal('Notification', FakeNotification);
  window.history.replaceState(null, '', '/logs');
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Until the watcher has seen the first fleet: changes before that are its starting point. */
const loaded = (client: ReturnType<typeof renderWithQuery>['client']) =>
  waitFor(() => expect(client.getQueryData(keys.agents)).toBeDefined());

const setStatus = (
  client: ReturnType<typeof renderWithQuery>['client'],
  id: string,
  status: AgentView['status'],
) =>
  act(() => {
    client.setQueryData<AgentView[]>(keys.agents, (list) =>
      list?.map((a) => (a.id === id ? { ...a, status } : a)),
    );
  });

describe('attention, on every page', () => {
  it('counts waiting agents in the tab title', async () => {
    stubApi({
      'GET /agents': {
        body: { agents: [agentView({ id: 'aaa222', status: 'needs_input' }), agentView({ id: 'bbb222' })] },
      },
    });
    const { client } = renderWithQuery(<AttentionWatcher />);
    await loaded(client);
    await waitFor(() => expect(document.title).toBe('(1) Flotilla — 1 waiting for you'));
    setStatus(client, 'bbb222', 'needs_permission');
    await waitFor(() => expect(document.title).toBe('(2) Flotilla — 2 waiting for you'));
    setStatus(client, 'aaa222', 'working');
    setStatus(client, 'bbb222', 'working');
    await waitFor(() => expect(document.title).toBe('Flotilla'));
  });

  it('notifies, once turned on, when an agent starts waiting while the page is in the background', async () => {
    vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    stubApi({ 'GET /agents': { body: { agents: [agentView({ id: 'bbb222', taskTitle: 'Add export' })] } } });
    const { client } = renderWithQuery(
      <>
        <AttentionWatcher />
        <NotifyToggle />
      </>,
    );
    const bell = await screen.findByRole('button', { name: /Desktop notifications: off/ });
    expect(bell.getAttribute('aria-pressed')).toBe('false');
    await loaded(client);
    // Off: nothing is shown.
    setStatus(client, 'bbb222', 'needs_input');
    await waitFor(() => expect(document.title).toContain('(1)'));
    expect(FakeNotification.shown).toHaveLength(0);
    setStatus(client, 'bbb222', 'working');

    fireEvent.click(bell);
    await waitFor(() =>
      expect(
        screen.getByRole('button', { name: /Desktop notifications: on/ }).getAttribute('aria-pressed'),
      ).toBe('true'),
    );
    setStatus(client, 'bbb222', 'needs_permission');
    await waitFor(() => expect(FakeNotification.shown).toHaveLength(1));
    const shown = FakeNotification.shown[0] as FakeNotification;
    expect(shown.title).toBe('Flotilla: approval needed');
    expect(shown.options).toEqual({
      body: 'Agent bbb222 (Add export) needs your permission',
      tag: 'flotilla-bbb222',
    });
    act(() => shown.onclick?.());
    expect(window.location.pathname).toBe('/agents/bbb222');
    expect(shown.closed).toBe(true);
  });

  it('stays quiet while the page is in front, and says when the browser blocks notifications', async () => {
    vi.spyOn(document, 'hasFocus').mockReturnValue(true);
    localStorage.setItem('flotilla.notify', 'on');
    FakeNotification.permission = 'granted';
    stubApi({ 'GET /agents': { body: { agents: [agentView({ id: 'bbb222' })] } } });
    const { client, unmount } = renderWithQuery(<AttentionWatcher />);
    await loaded(client);
    setStatus(client, 'bbb222', 'needs_permission');
    await waitFor(() => expect(document.title).toContain('(1)'));
    expect(FakeNotification.shown).toHaveLength(0);
    unmount();

    FakeNotification.permission = 'denied';
    renderWithQuery(<NotifyToggle />);
    const bell = screen.getByRole('button', { name: /blocked/ });
    expect((bell as HTMLButtonElement).disabled).toBe(true);
  });
});
