import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerminalPanel } from '../../../web/src/views/agent/TerminalPanel.js';
import { configView, renderWithStream, stubApi } from './harness.js';

afterEach(() => {
  // Unmount first (no globals: Testing Library cannot register its own cleanup), so no query
  // of a finished test refetches through the real fetch.
  cleanup();
  vi.unstubAllGlobals();
});

const AGENT = 'k7m2qp';

/** Waits for xterm to load (lazily) and render its rows. */
async function rows(): Promise<HTMLElement> {
  const terminal = await screen.findByTestId('terminal');
  let found: HTMLElement | null = null;
  await waitFor(() => {
    found = terminal.querySelector<HTMLElement>('.xterm-rows');
    expect(found).not.toBeNull();
  });
  return found as unknown as HTMLElement;
}

/** Types one key into xterm's input textarea the way a browser delivers it. */
function typeKey(key: string) {
  const area = document.querySelector<HTMLTextAreaElement>('.xterm-helper-textarea');
  if (!area) throw new Error('xterm has no input textarea');
  // keydown carries the key's code (upper case for letters). A browser sends no keypress after
  // a keydown xterm handled (it calls preventDefault), so none is simulated.
  const keyCode = key.toUpperCase().charCodeAt(0);
  fireEvent.keyDown(area, { key, keyCode, which: keyCode });
}

describe('TerminalPanel', () => {
  it('opens the terminal, draws the screen and its output, and closes it on unmount', async () => {
    stubApi({ '/config': { body: configView(false) } });
    const { socket, swap } = renderWithStream(<TerminalPanel agentId={AGENT} />);
    const text = await rows();
    act(() => socket.goLive());
    await waitFor(() =>
      expect(socket.sentOfType('terminal.open')).toEqual([{ type: 'terminal.open', agentId: AGENT }]),
    );
    act(() => socket.serve({ type: 'terminal.screen', agentId: AGENT, data: 'old screen\n' }));
    act(() =>
      socket.serve({ type: 'terminal.screen', agentId: AGENT, data: '$ npm test\nrunning 12 tests\n' }),
    );
    act(() => socket.serve({ type: 'terminal.output', agentId: AGENT, data: '\r\n12 passed' }));
    // Frames for another agent are not ours.
    act(() => socket.serve({ type: 'terminal.output', agentId: 'other1', data: 'NOT MINE' }));
    await waitFor(() => expect(text.textContent).toContain('12 passed'));
    expect(text.textContent).toContain('$ npm test');
    expect(text.textContent).toContain('running 12 tests');
    // A screen replaces what was there.
    expect(text.textContent).not.toContain('old screen');
    expect(text.textContent).not.toContain('NOT MINE');
    swap(<p>elsewhere</p>);
    expect(socket.sentOfType('terminal.close')).toEqual([{ type: 'terminal.close', agentId: AGENT }]);
  });

  it('is read-only when server.terminal_input is off: says so and sends no input', async () => {
    const { fetchMock } = stubApi({ '/config': { body: configView(false) } });
    const { socket } = renderWithStream(<TerminalPanel agentId={AGENT} />);
    await rows();
    act(() => socket.goLive());
    // The answer is in (not merely "still loading, so read-only for now").
    await waitFor(() => expect(fetchMock).toHaveBeenCalled());
    await act(() => fetchMock.mock.results[0]?.value);
    expect(screen.getByTestId('terminal-mode').textContent).toBe(
      'Read-only: set server.terminal_input: true to type here',
    );
    expect(screen.getByTestId('terminal').getAttribute('data-readonly')).toBe('true');
    typeKey('x');
    typeKey('y');
    await new Promise((r) => setTimeout(r, 20));
    expect(socket.sentOfType('terminal.input')).toEqual([]);
  });

  it('sends typed keys when server.terminal_input is on', async () => {
    stubApi({ '/config': { body: configView(true) } });
    const { socket } = renderWithStream(<TerminalPanel agentId={AGENT} />);
    await rows();
    act(() => socket.goLive());
    await waitFor(() => expect(screen.getByTestId('terminal').getAttribute('data-readonly')).toBe('false'));
    expect(screen.getByTestId('terminal-mode').textContent).not.toContain('Read-only');
    typeKey('x');
    await waitFor(() =>
      expect(socket.sentOfType('terminal.input')).toEqual([
        { type: 'terminal.input', agentId: AGENT, data: 'x' },
      ]),
    );
  });
});
