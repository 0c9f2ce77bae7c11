/**
 * Look-alikes for the few symbols Claude Code draws that common monospace fonts lack. Debian's
 * fonts (DejaVu, Liberation: all a Chromium there has) have none of ⎿ ⏺ ⏵ ⏸ ⧉, so xterm drew
 * a box for the tree connector under every tool call and the bullet of every message. Each
 * is replaced, before xterm sees it, by a one-cell box-drawing or geometric character that
 * DejaVu Sans Mono (and any terminal font) has: the same shape, the same width, so the rows
 * stay aligned. A webfont subset would keep the code points, but would ship a font for five
 * glyphs; the terminal is a view of the screen, and copying `└` for `⎿` loses nothing.
 */

const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '\u23bf': '\u2514', // ⎿ → └  (Claude Code: the result under a tool call)
  '\u23be': '\u250c', // ⎾ → ┌
  '\u23fa': '\u25cf', // ⏺ → ●  (each message and tool call)
  '\u23f5': '\u25b8', // ⏵ → ▸  ("⏵⏵ accept edits on")
  '\u23f8': '\u2016', // ⏸ → ‖  ("⏸ plan mode on")
  '\u29c9': '\u2750', // ⧉ → ❐  ("⧉ In file.ts": the IDE selection)
};

const MISSING = new RegExp(`[${Object.keys(LOOK_ALIKES).join('')}]`, 'gu');

/** `data` with each symbol the fonts lack replaced by its look-alike (escape sequences untouched: all are ASCII). */
export function withDrawableGlyphs(data: string): string {
  return data.replace(MISSING, (c) => LOOK_ALIKES[c] ?? c);
}
