import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerminalPanel } from '../../../web/src/views/agent/TerminalPanel.js';
import { fittingFontSize, screenWrite } from '../../../web/src/views/agent/XTermView.js';
import { configView, renderWithStream, stubApi } from './harness.js';

afterEach(() => {
  // Unmount first (no globals: Testing Library cannot register its own cleanup), so no query
  // of a finished test refetches through the real fetch.
  cleanup();
  vi.unstubAllGlobals();
});

const AGENT = 'k7m2qp';

/** A screen frame as the daemon sends it: the pane's rows, size and cursor. */
function screenFrame(
  data: string,
  size: { cols: number; rows: number } = { cols: 80, rows: 24 },
  cursor = { x: 0, y: 0 },
) {
  return { type: 'terminal.screen', agentId: AGENT, data, ...size, cursor: { ...cursor, visible: true } };
}

/** The terminal's row elements (the DOM renderer draws one div per row). */
const rowTexts = (text: HTMLElement) => [...text.children].map((r) => (r.textContent ?? '').trimEnd());

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
    act(() => socket.serve(screenFrame('old screen\n')));
    act(() => socket.serve(screenFrame('$ npm test\nrunning 12 tests\n', undefined, { x: 15, y: 1 })));
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

  it("takes the pane's size from each screen, and its output lands where the pane's cursor is", async () => {
    stubApi({ '/config': { body: configView(false) } });
    const { socket } = renderWithStream(<TerminalPanel agentId={AGENT} />);
    const text = await rows();
    act(() => socket.goLive());
    await waitFor(() => expect(socket.sentOfType('terminal.open')).toHaveLength(1));
    const host = screen.getByTestId('xterm-host');
    // A row as wide as a 120-column pane: on a narrower terminal it would wrap onto two rows.
    const wide = `${'x'.repeat(110)}END`;
    act(() => socket.serve(screenFrame(`${wide}\nab\n`, { cols: 120, rows: 30 }, { x: 2, y: 1 })));
    act(() => socket.serve({ type: 'terminal.output', agentId: AGENT, data: 'Z' }));
    await waitFor(() => expect(rowTexts(text)).toHaveLength(30));
    expect(host.dataset.cols).toBe('120');
    expect(host.dataset.rows).toBe('30');
    await waitFor(() => expect(rowTexts(text)[1]).toBe('abZ'));
    expect(rowTexts(text)[0]).toBe(wide);
    expect(rowTexts(text)[2]).toBe('');

    // The pane was resized: the next screen says so, and the terminal follows.
    act(() => socket.serve(screenFrame('small\n', { cols: 60, rows: 10 })));
    await waitFor(() => expect(rowTexts(text)[0]).toBe('small'));
    expect(rowTexts(text)).toHaveLength(10);
    expect(host.dataset.cols).toBe('60');
    expect(text.textContent).not.toContain('END');
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

describe('fitting the pane into the panel', () => {
  it('picks the largest font (in half pixels) at which every column fits, within 9–15 px', () => {
    // 200 columns of 0.6 px per px of font in 1,150 px: 9.58 → 9.5.
    expect(fittingFontSize(1150, 200, 0.6)).toBe(9.5);
    // Too narrow even at 9 px: 9, and the panel scrolls sideways.
    expect(fittingFontSize(360, 200, 0.6)).toBe(9);
    // Plenty of room: no bigger than 15 px.
    expect(fittingFontSize(3000, 80, 0.6)).toBe(15);
    // Nothing measured (no layout): the default size.
    expect(fittingFontSize(0, 200, 0.6)).toBe(13);
    expect(fittingFontSize(1200, 200, 0)).toBe(13);
  });

  it("redraws from blank and puts the cursor where the pane's is, hidden if the pane hides it", () => {
    expect(screenWrite({ data: 'a\nb\n', cursor: { x: 4, y: 1, visible: false } })).toBe(
      '\x1bca\r\nb\x1b[0m\x1b[2;5H\x1b[?25l',
    );
    expect(screenWrite({ data: 'a', cursor: { x: 0, y: 0, visible: true } })).toBe('\x1bca\x1b[0m\x1b[1;1H');
  });
});
