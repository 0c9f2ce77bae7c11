/**
 * The live terminal itself: xterm.js fed by the stream's terminal channel. Its own module, only
 * ever loaded through lazy() from TerminalPanel, so xterm stays out of every other chunk.
 * The DOM renderer (xterm's default) is kept on purpose: no canvas/webgl, and tests can read
 * the rows as text.
 *
 * The terminal always has the agent pane's own size (each `terminal.screen` says it): the live
 * output is raw bytes whose cursor movements assume exactly that many columns and rows, so a
 * terminal fitted to the panel instead would wrap the screen and scatter the output. What
 * adapts to the panel is the font size; when even the smallest font is too wide, the panel
 * scrolls sideways rather than wrapping.
 */
import { type IDisposable, Terminal } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef } from 'react';
import type { ServerMessage } from '../../api/types.js';
import { useStream } from '../../stream/context.js';
import { withDrawableGlyphs } from './terminalGlyphs.js';
import { MINIMUM_CONTRAST, TERMINAL_COLOURS } from './terminalTheme.js';

type ScreenFrame = Extract<ServerMessage, { type: 'terminal.screen' }>;

/** Font sizes (px) the terminal may use: below 9 is unreadable, above 15 wastes the panel. */
const MIN_FONT = 9;
const MAX_FONT = 15;
/** Until the first screen says otherwise. */
const DEFAULT_FONT = 13;
/** Size at which a character's width is measured (large, so rounding does not skew the ratio). */
const REFERENCE_FONT = 100;

/** capture-pane separates lines with bare \n; a terminal needs \r\n to return to column 0. */
function screenText(data: string): string {
  return data.replace(/\r?\n$/, '').replace(/\r?\n/g, '\r\n');
}

/**
 * Everything that redraws the pane from a screen frame, in-band so it runs in order with the
 * output around it (write() is asynchronous, reset() would not be): RIS for a blank terminal,
 * the rows, no attributes left over from the last row, then the pane's cursor where tmux has
 * it, since the output that follows moves it relative to there.
 */
export function screenWrite(frame: Pick<ScreenFrame, 'data' | 'cursor'>): string {
  const { x, y, visible } = frame.cursor;
  return `\x1bc${withDrawableGlyphs(screenText(frame.data))}\x1b[0m\x1b[${y + 1};${x + 1}H${visible ? '' : '\x1b[?25l'}`;
}

/** Width of one cell per px of font size, measured once per font family. */
const cellRatios = new Map<string, number>();
function cellRatio(host: HTMLElement, fontFamily: string): number {
  const known = cellRatios.get(fontFamily);
  if (known !== undefined) return known;
  const probe = document.createElement('span');
  probe.style.cssText = `position:absolute;visibility:hidden;white-space:pre;font-family:${fontFamily};font-size:${REFERENCE_FONT}px`;
  probe.textContent = 'W'.repeat(32);
  host.appendChild(probe);
  const ratio = probe.getBoundingClientRect().width / 32 / REFERENCE_FONT;
  probe.remove();
  // No layout (a test DOM, a hidden panel): nothing learnt, ask again next time.
  if (ratio > 0) cellRatios.set(fontFamily, ratio);
  return ratio;
}

/** The largest font size (in half pixels) at which `cols` columns fit `width`, clamped. */
export function fittingFontSize(width: number, cols: number, ratio: number): number {
  if (!(width > 0) || !(ratio > 0) || cols < 1) return DEFAULT_FONT;
  // Rounded down, so the rows never overflow the panel by a fraction of a pixel. xterm's
  // scrollbar needs no room: it overlays the rows' right edge, and only while hovered.
  const size = Math.floor((width / (cols * ratio)) * 2) / 2;
  return Math.min(MAX_FONT, Math.max(MIN_FONT, size));
}

export default function XTermView({ agentId, input }: { agentId: string; input: boolean }) {
  const container = useRef<HTMLDivElement>(null);
  const termRef = useRef<Terminal | null>(null);
  const stream = useStream();

  useEffect(() => {
    const el = container.current;
    if (!el) return;
    const mono = getComputedStyle(document.documentElement).getPropertyValue('--mono').trim();
    const fontFamily = mono || 'monospace';
    const term = new Terminal({
      disableStdin: true,
      convertEol: false,
      cursorBlink: false,
      scrollback: 5_000,
      fontSize: DEFAULT_FONT,
      fontFamily,
      // Dark whatever the page's theme: the agents' palettes assume a dark terminal.
      theme: { ...TERMINAL_COLOURS },
      minimumContrastRatio: MINIMUM_CONTRAST,
    });
    term.open(el);
    termRef.current = term;
    // Test hooks (and a hint when inspecting): the size the terminal has, i.e. the pane's.
    const mark = () => {
      el.dataset.cols = String(term.cols);
      el.dataset.rows = String(term.rows);
    };
    mark();
    const fitFont = () => {
      // A panel with no width (hidden, not laid out yet) says nothing about the font.
      if (el.clientWidth <= 0) return;
      const size = fittingFontSize(el.clientWidth, term.cols, cellRatio(el, fontFamily));
      if (term.options.fontSize !== size) term.options.fontSize = size;
    };
    // The observer only picks the font size now: the pane's size, not the panel's, sets cols/rows.
    const resize = typeof ResizeObserver === 'function' ? new ResizeObserver(fitFont) : null;
    resize?.observe(el);
    const offFrame = stream.onFrame((frame) => {
      if (frame.type === 'terminal.screen' && frame.agentId === agentId) {
        // A screen is the whole pane as it is now, at the pane's size: take that size first.
        if (term.cols !== frame.cols || term.rows !== frame.rows) {
          term.resize(frame.cols, frame.rows);
          mark();
          fitFont();
        }
        term.write(screenWrite(frame));
      } else if (frame.type === 'terminal.output' && frame.agentId === agentId) {
        term.write(withDrawableGlyphs(frame.data));
      }
    });
    stream.openTerminal(agentId);
    return () => {
      offFrame();
      stream.closeTerminal(agentId);
      resize?.disconnect();
      termRef.current = null;
      term.dispose();
    };
  }, [agentId, stream]);

  // Input is switched on its own so a late config answer does not reopen the terminal.
  useEffect(() => {
    const term = termRef.current;
    if (!term) return;
    term.options.disableStdin = !input;
    let sub: IDisposable | null = null;
    if (input) sub = term.onData((d) => stream.terminalInput(agentId, d));
    return () => sub?.dispose();
  }, [agentId, input, stream]);

  return (
    // The frame around it (TerminalPanel's section) names the terminal; this box only scrolls.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a pane wider than the panel scrolls sideways, and a scrollable region must take focus to be scrolled by keyboard (WCAG 2.1.1)
    <div ref={container} className="xterm-host" data-testid="xterm-host" tabIndex={0} />
  );
}
