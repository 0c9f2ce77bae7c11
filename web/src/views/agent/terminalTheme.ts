/**
 * The terminal's colours: dark in both page themes. A terminal is dark, and the agents' own
 * palettes assume it (Claude Code's dark theme draws pale greys and pastel truecolours that
 * vanish on white), so following the page's light theme made their text unreadable. The 16
 * ANSI colours are GitHub's dark terminal palette, each at least WCAG AA (4.5:1) on the
 * background except `black`, which programs use as a background, not as text (checked in
 * test/web/agent/terminalTheme.test.tsx). Pure data; xterm-free.
 */

/** The subset of xterm's ITheme we set (declared here so this file needs no xterm import). */
export interface TerminalColours {
  background: string;
  foreground: string;
  cursor: string;
  cursorAccent: string;
  selectionBackground: string;
  selectionForeground: string;
  black: string;
  red: string;
  green: string;
  yellow: string;
  blue: string;
  magenta: string;
  cyan: string;
  white: string;
  brightBlack: string;
  brightRed: string;
  brightGreen: string;
  brightYellow: string;
  brightBlue: string;
  brightMagenta: string;
  brightCyan: string;
  brightWhite: string;
}

/** Also TerminalPanel.css's `--terminal-bg`: the frame around the rows has the same colour. */
export const TERMINAL_BACKGROUND = '#0d1117';

export const TERMINAL_COLOURS: Readonly<TerminalColours> = {
  background: TERMINAL_BACKGROUND,
  foreground: '#e6edf3',
  cursor: '#e6edf3',
  cursorAccent: TERMINAL_BACKGROUND,
  selectionBackground: '#264f78',
  selectionForeground: '#ffffff',
  black: '#484f58',
  red: '#ff7b72',
  green: '#3fb950',
  yellow: '#d29922',
  blue: '#58a6ff',
  magenta: '#bc8cff',
  cyan: '#39c5cf',
  white: '#b1bac4',
  brightBlack: '#8b949e',
  brightRed: '#ffa198',
  brightGreen: '#56d364',
  brightYellow: '#e3b341',
  brightBlue: '#79c0ff',
  brightMagenta: '#d2a8ff',
  brightCyan: '#56d4dd',
  brightWhite: '#ffffff',
};

/**
 * xterm raises any cell's text colour to at least this contrast with its background. The
 * palette above already meets it; this covers the 24-bit colours agents send themselves
 * (Claude Code's theme is all truecolour) and dim text.
 */
export const MINIMUM_CONTRAST = 4.5;

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1), 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin((n >> 16) & 255) + 0.7152 * lin((n >> 8) & 255) + 0.0722 * lin(n & 255);
}

/** WCAG contrast ratio of two `#rrggbb` colours (1 to 21). */
export function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}
