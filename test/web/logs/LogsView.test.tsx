import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogsView } from '../../../web/src/views/logs/LogsView.js';
import { renderWithStream } from '../agent/harness.js';
import { agentView, stubApi } from '../fixtures.js';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal';
const line = (seq: number, level: Level, msg: string, agentId: string | null = null) => ({
  seq,
  ts: new Date(Date.UTC(2026, 10, 25, 9, 0, 0, seq)).toISOString(),
  level,
  source: 'daemon',
  agentId,
  msg,
});

const TAIL = [
  line(100, 'debug', 'tick: 3 agents live'),
  line(200, 'info', 'agent started', 'k7m2qp'),
  line(300, 'warn', 'agent stuck: no activity for 10 min', 'k7m2qp'),
  line(400, 'error', 'restart failed: worktree is gone', 'p9x4rt'),
  line(500, 'info', 'GET /api/v1/agents 200 (Redirect check)'),
];

// happy-dom lays nothing out: give the scrolling list a viewport so the virtualizer has rows to show.
const clientHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight');
const clientWidth = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientWidth');
const scrollHeight = Object.getOwnPropertyDescriptor(Element.prototype, 'scrollHeight');
beforeAll(() => {
  const sized = (size: number) =>
    function (this: HTMLElement) {
      return this.getAttribute('data-testid') === 'log-list' ? size : 0;
    };
  Object.defineProperty(HTMLElement.prototype, 'clientHeight', { configurable: true, get: sized(400) });
  Object.defineProperty(HTMLElement.prototype, 'clientWidth', { configurable: true, get: sized(800) });
  // The list's content is as tall as the virtualizer says (the height of its inner <ul>).
  Object.defineProperty(HTMLElement.prototype, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      const inner = this.firstElementChild as HTMLElement | null;
      return this.getAttribute('data-testid') === 'log-list'
        ? Number.parseFloat(inner?.style.height ?? '') || 0
        : 0;
    },
  });
});
afterAll(() => {
  if (clientHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', clientHeight);
  if (clientWidth) Object.defineProperty(HTMLElement.prototype, 'clientWidth', clientWidth);
  Reflect.deleteProperty(HTMLElement.prototype, 'scrollHeight');
  if (scrollHeight) Object.defineProperty(Element.prototype, 'scrollHeight', scrollHeight);
});
beforeEach(() => window.history.replaceState(null, '', '/logs'));
afterEach(() => {
  // Unmount first (no globals: Testing Library cannot register its own cleanup), so no query
  // of a finished test refetches through the real fetch.
  cleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const agents = { body: { agents: [agentView({ id: 'k7m2qp' })] } };
const texts = () => screen.queryAllByTestId('log-line').map((l) => l.querySelector('.log-msg')?.textContent);

describe('LogsView', () => {
  it('loads the tail, then follows the source live', async () => {
    const { calls } = stubApi({ '/agents': agents, '/logs': { body: { source: 'daemon', lines: TAIL } } });
    const { socket } = renderWithStream(<LogsView />);
    await waitFor(() => expect(texts()).toHaveLength(5));
    expect(calls.map((c) => c.path)).toContain('/logs?source=daemon&tail=5000');
    const first = screen.getAllByTestId('log-line')[1] as HTMLElement;
    expect(first.querySelector('.log-level')?.textContent).toBe('INFO');
    expect(first.querySelector('.log-agent')?.textContent).toBe('k7m2qp');
    // The agent's id leads to its page.
    expect(first.querySelector('.log-agent a')?.getAttribute('href')).toBe('/agents/k7m2qp');
    act(() => socket.goLive());
    expect(socket.sentOfType('logs.follow')).toEqual([{ type: 'logs.follow', source: 'daemon' }]);
    act(() =>
      socket.serve({ type: 'logs.lines', source: 'daemon', lines: [line(600, 'info', 'agent k7m2qp idle')] }),
    );
    // Someone else's follow: not ours.
    act(() => socket.serve({ type: 'logs.lines', source: 'p9x4rt', lines: [line(1, 'info', 'NOT OURS')] }));
    await waitFor(() => expect(texts()).toContain('agent k7m2qp idle'));
    expect(texts()).not.toContain('NOT OURS');
    expect(screen.getByTestId('log-count').textContent).toBe('6 of 6 lines');
  });

  it('filters by minimum level and by search, highlighting and counting matches', async () => {
    stubApi({ '/agents': agents, '/logs': { body: { source: 'daemon', lines: TAIL } } });
    renderWithStream(<LogsView />);
    await waitFor(() => expect(texts()).toHaveLength(5));
    fireEvent.change(screen.getByLabelText('Minimum level'), { target: { value: 'warn' } });
    await waitFor(() =>
      expect(texts()).toEqual(['agent stuck: no activity for 10 min', 'restart failed: worktree is gone']),
    );
    fireEvent.change(screen.getByLabelText('Minimum level'), { target: { value: 'trace' } });
    fireEvent.change(screen.getByLabelText('Search'), { target: { value: 'AGENT' } });
    await waitFor(() => expect(screen.getByTestId('log-matches').textContent).toBe('4 matches'));
    expect(texts()).toEqual([
      'tick: 3 agents live',
      'agent started',
      'agent stuck: no activity for 10 min',
      'GET /api/v1/agents 200 (Redirect check)',
    ]);
    // Highlighted in the line's own case.
    expect([...document.querySelectorAll('.log-msg mark')].map((m) => m.textContent)).toEqual([
      'agent',
      'agent',
      'agent',
      'agent',
    ]);
    // The agent filter lists the agents seen in the daemon's lines.
    const agentSelect = screen.getByLabelText('Agent') as HTMLSelectElement;
    expect([...agentSelect.options].map((o) => o.value)).toEqual(['', 'k7m2qp', 'p9x4rt']);
    fireEvent.change(agentSelect, { target: { value: 'k7m2qp' } });
    await waitFor(() => expect(screen.getByTestId('log-matches').textContent).toBe('2 matches'));
  });

  it('renders only a window of rows for 100,000 lines, and drops the oldest past the cap', async () => {
    const many = Array.from({ length: 100_000 }, (_, i) =>
      line(i, i % 7 === 0 ? 'warn' : 'info', `line ${i}`),
    );
    stubApi({ '/agents': agents, '/logs': { body: { source: 'daemon', lines: many } } });
    const { socket } = renderWithStream(<LogsView />);
    await waitFor(() => expect(screen.getByTestId('log-count').textContent).toBe('100,000 of 100,000 lines'));
    const rows = screen.getAllByTestId('log-line');
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    // Following: the list was scrolled to the end. happy-dom fires no scroll event for that
    // (a browser does), so one is sent for the virtualizer to read the new position.
    const list = screen.getByTestId('log-list');
    await waitFor(() => expect(list.scrollTop).toBeGreaterThan(1_000_000));
    fireEvent.scroll(list);
    await waitFor(() => expect(texts()).toContain('line 99999'));
    act(() => socket.goLive());
    act(() =>
      socket.serve({
        type: 'logs.lines',
        source: 'daemon',
        lines: Array.from({ length: 10 }, (_, i) => line(100_000 + i, 'info', `new ${i}`)),
      }),
    );
    await waitFor(() => expect(screen.getByTestId('log-dropped').textContent).toContain('10'));
    expect(screen.getByTestId('log-count').textContent).toBe('100,000 of 100,000 lines');
    await waitFor(() => expect(list.scrollTop).toBeGreaterThan(1_000_000));
    fireEvent.scroll(list);
    await waitFor(() => expect(texts()).toContain('new 9'));
    expect(screen.getAllByTestId('log-line').length).toBeLessThan(100);
  });

  it('counts new lines while paused and jumps back to them', async () => {
    stubApi({ '/agents': agents, '/logs': { body: { source: 'daemon', lines: TAIL } } });
    const { socket } = renderWithStream(<LogsView />);
    await waitFor(() => expect(texts()).toHaveLength(5));
    act(() => socket.goLive());
    fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
    act(() =>
      socket.serve({
        type: 'logs.lines',
        source: 'daemon',
        lines: [line(600, 'info', 'one'), line(700, 'info', 'two')],
      }),
    );
    const jump = await screen.findByRole('button', { name: 'Jump to latest (2 new)' });
    fireEvent.click(jump);
    expect(screen.queryByRole('button', { name: /Jump to latest/ })).toBeNull();
    expect(screen.getByRole('button', { name: 'Pause' })).toBeTruthy();
  });

  it('downloads the filtered lines as a .log file', async () => {
    stubApi({ '/agents': agents, '/logs': { body: { source: 'daemon', lines: TAIL } } });
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((b) => {
      blobs.push(b as Blob);
      return 'blob:flotilla-test';
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const names: string[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      names.push(this.download);
    });
    renderWithStream(<LogsView />);
    await waitFor(() => expect(texts()).toHaveLength(5));
    fireEvent.change(screen.getByLabelText('Minimum level'), { target: { value: 'warn' } });
    await waitFor(() => expect(texts()).toHaveLength(2));
    fireEvent.click(screen.getByRole('button', { name: 'Download' }));
    expect(blobs).toHaveLength(1);
    expect(await (blobs[0] as Blob).text()).toBe(
      [
        `${TAIL[2]?.ts} WARN  [k7m2qp] agent stuck: no activity for 10 min`,
        `${TAIL[3]?.ts} ERROR [p9x4rt] restart failed: worktree is gone`,
        '',
      ].join('\n'),
    );
    expect(names[0]).toMatch(/^flotilla-daemon-\d{4}-\d\d-\d\dT[\d-]+Z\.log$/);
  });

  it("keeps the source in the URL: an agent's conversation by default, its output lines as a toggle", async () => {
    stubApi({
      '/agents': agents,
      '/agents/k7m2qp/conversation': {
        body: {
          agentId: 'k7m2qp',
          source: 'transcript',
          entries: [
            { seq: 0, kind: 'prompt', role: 'user', ts: null, text: 'Fix the login redirect' },
            { seq: 1, kind: 'text', role: 'assistant', ts: null, text: 'Fixed it.' },
          ],
          total: 2,
        },
      },
      '/logs': (_call, url) => ({
        body: {
          source: url.searchParams.get('source'),
          lines:
            url.searchParams.get('source') === 'daemon'
              ? TAIL
              : [{ seq: 0, ts: null, level: 'info', source: 'k7m2qp', agentId: 'k7m2qp', msg: '> npm test' }],
        },
      }),
    });
    const { socket } = renderWithStream(<LogsView />);
    await waitFor(() => expect(texts()).toHaveLength(5));
    act(() => socket.goLive());
    const picker = screen.getByLabelText('Source') as HTMLSelectElement;
    await waitFor(() =>
      expect([...picker.options].map((o) => o.text)).toContain('Fix the login redirect (k7m2qp)'),
    );
    fireEvent.change(picker, { target: { value: 'k7m2qp' } });
    const conversation = await screen.findByTestId('conversation');
    await waitFor(() => expect(within(conversation).getByText('Fixed it.')).toBeTruthy());
    expect(window.location.search).toBe('?source=k7m2qp');
    expect(socket.sentOfType('logs.unfollow')).toEqual([{ type: 'logs.unfollow', source: 'daemon' }]);
    expect(socket.sentOfType('conversation.follow')).toEqual([
      { type: 'conversation.follow', agentId: 'k7m2qp', after: 1 },
    ]);

    fireEvent.click(screen.getByRole('radio', { name: 'Output lines' }));
    await waitFor(() => expect(texts()).toEqual(['> npm test']));
    expect(window.location.search).toBe('?source=k7m2qp&view=lines');
    expect(socket.sentOfType('conversation.unfollow')).toEqual([
      { type: 'conversation.unfollow', agentId: 'k7m2qp' },
    ]);
    expect(socket.sentOfType('logs.follow')).toContainEqual({ type: 'logs.follow', source: 'k7m2qp' });
    // Pane lines have no time and no agent column.
    expect(within(screen.getByTestId('log-list')).queryByText('k7m2qp')).toBeNull();
  });

  it('says when the source is unknown, and when there are no lines yet', async () => {
    window.history.replaceState(null, '', '/logs?source=zzzzzz&view=lines');
    stubApi({
      '/agents': agents,
      '/logs': { status: 404, body: { error: { code: 'NOT_FOUND', message: "no agent 'zzzzzz'" } } },
      '/agents/zzzzzz/conversation': {
        status: 404,
        body: { error: { code: 'NOT_FOUND', message: "no agent 'zzzzzz'" } },
      },
    });
    const first = renderWithStream(<LogsView />);
    expect(await screen.findByText('Unknown log source "zzzzzz"')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain("no agent 'zzzzzz'");
    first.unmount();

    window.history.replaceState(null, '', '/logs?source=zzzzzz');
    const second = renderWithStream(<LogsView />);
    expect(await screen.findByText('No agent "zzzzzz"')).toBeTruthy();
    second.unmount();

    window.history.replaceState(null, '', '/logs?source=daemon');
    stubApi({ '/agents': agents, '/logs': { body: { source: 'daemon', lines: [] } } });
    renderWithStream(<LogsView />);
    expect(await screen.findByText('No log lines yet')).toBeTruthy();
  });
});
