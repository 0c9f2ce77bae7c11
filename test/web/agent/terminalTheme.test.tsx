import { cleanup, screen, waitFor } from '@testing-library/react';
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TerminalPanel } from '../../../web/src/views/agent/TerminalPanel.js';
import { withDrawableGlyphs } from '../../../web/src/views/agent/terminalGlyphs.js';
import { contrast, MINIMUM_CONTRAST, TERMINAL_COLOURS } from '../../../web/src/views/agent/terminalTheme.js';
import { configView, renderWithStream, stubApi } from './harness.js';

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/** Claude Code's dark-theme truecolours (its theme file): the text it draws on the terminal. */
const CLAUDE_DARK = {
  claude: '#d77757',
  text: '#ffffff',
  secondaryText: '#999999',
  permission: '#b1b9f9',
  success: '#4eba65',
  error: '#ff6b80',
  warning: '#ffc107',
  suggestion: '#b1b9f9',
};

describe('the terminal palette', () => {
  it('is dark, and every text colour (ANSI and Claude Code’s own) reads at WCAG AA on it', () => {
    const bg = TERMINAL_COLOURS.background;
    expect(contrast(bg, '#000000'), 'a dark background').toBeLessThan(1.3);
    const { background, black, cursorAccent, selectionBackground, selectionForeground, ...text } =
      TERMINAL_COLOURS;
    const low = Object.entries({ ...text, ...CLAUDE_DARK })
      .map(([name, colour]) => ({ name, ratio: contrast(colour, bg) }))
      .filter((c) => c.ratio < MINIMUM_CONTRAST);
    expect(low, 'colours under 4.5:1 on the terminal background').toEqual([]);
    expect(contrast(selectionForeground, selectionBackground)).toBeGreaterThanOrEqual(MINIMUM_CONTRAST);
  });
});

describe('glyphs the fonts lack', () => {
  it('⎿ ⏺ ⏵ become one-cell look-alikes; escape sequences and other text are untouched', () => {
    const line = '\x1b[38;2;153;153;153m  ⎿  Read 12 lines\x1b[0m ⏺ Done ⏵⏵ accept edits on · ✻';
    expect(withDrawableGlyphs(line)).toBe(
      '\x1b[38;2;153;153;153m  └  Read 12 lines\x1b[0m ● Done ▸▸ accept edits on · ✻',
    );
  });

  it('the terminal draws └ where Claude Code sent ⎿, on the dark background', async () => {
    stubApi({ '/config': { body: configView(false) } });
    const { socket } = renderWithStream(<TerminalPanel agentId="k7m2qp" />);
    const terminal = await screen.findByTestId('terminal');
    await waitFor(() => expect(terminal.querySelector('.xterm-rows')).not.toBeNull());
    act(() => socket.goLive());
    act(() =>
      socket.serve({
        type: 'terminal.screen',
        agentId: 'k7m2qp',
        data: '⏺ Bash(ls)\n  ⎿  README.md\n',
        cols: 40,
        rows: 4,
        cursor: { x: 0, y: 2, visible: true },
      }),
    );
    await waitFor(() => expect(terminal.querySelector('.xterm-rows')?.textContent).toContain('└  README.md'));
    expect(terminal.querySelector('.xterm-rows')?.textContent).toContain('● Bash(ls)');
    expect(terminal.querySelector('.xterm-rows')?.textContent).not.toContain('⎿');
  });
});
