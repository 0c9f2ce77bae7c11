/**
 * The terminal's colours from the page's theme variables, so it follows light/dark (including
 * the user's own toggle) instead of xterm's fixed black. Pure DOM reads; xterm-free.
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
  brightWhite: string;
}

/**
 * The colour a theme variable resolves to. The variables are `light-dark()` pairs, which only
 * a colour property resolves (a custom property keeps the text), so a hidden probe element
 * takes the colour and the computed style reads it back as `rgb(…)`.
 */
function cssVar(probe: HTMLElement, name: string, fallback: string): string {
  probe.style.color = '';
  probe.style.color = `var(${name})`;
  const v = getComputedStyle(probe).color.trim();
  return v || fallback;
}

export function terminalColours(root: Element = document.documentElement): TerminalColours {
  const probe = document.createElement('span');
  probe.hidden = true;
  root.appendChild(probe);
  try {
    return coloursFrom(probe);
  } finally {
    probe.remove();
  }
}

function coloursFrom(s: HTMLElement): TerminalColours {
  const bg = cssVar(s, '--surface', '#ffffff');
  const fg = cssVar(s, '--text', '#1b1f24');
  const muted = cssVar(s, '--muted', '#57606a');
  return {
    background: bg,
    foreground: fg,
    cursor: fg,
    cursorAccent: bg,
    selectionBackground: cssVar(s, '--info-bg', '#ddf4ff'),
    selectionForeground: cssVar(s, '--info', '#0550ae'),
    // "black" and "white" are relative to a dark terminal; mapped to text/muted they stay
    // readable on either background.
    black: fg,
    red: cssVar(s, '--alert', '#a40e26'),
    green: cssVar(s, '--ok', '#116329'),
    yellow: cssVar(s, '--warn', '#7d4e00'),
    blue: cssVar(s, '--accent', '#0b5fcc'),
    magenta: cssVar(s, '--alert', '#a40e26'),
    cyan: cssVar(s, '--info', '#0550ae'),
    white: muted,
    brightBlack: muted,
    brightWhite: fg,
  };
}

/** Calls `onChange` when the theme may have changed: the toggle (data-theme) or the system. */
export function watchTheme(onChange: () => void): () => void {
  const observer = new MutationObserver(onChange);
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme'] });
  const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
  media?.addEventListener('change', onChange);
  return () => {
    observer.disconnect();
    media?.removeEventListener('change', onChange);
  };
}
