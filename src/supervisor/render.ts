/**
 * An agent's raw terminal output as the lines a person saw: the bytes of its pane log are
 * played into a headless terminal emulator (@xterm/headless, ADR 0014) of the pane's size, so
 * cursor moves, redraws and spinner frames resolve the way they did on screen, and what is left
 * is the scrollback plus the final screen, as text.
 */
import xterm from '@xterm/headless';

const { Terminal } = xterm;

/** Lines of scrollback the emulator keeps (older ones are gone, as in a real terminal). */
const SCROLLBACK = 20_000;

export interface RenderOptions {
  cols: number;
  rows: number;
}

/** The rendered lines of `data` (trailing blanks trimmed, runs of blank lines kept to one). */
export function renderTerminal(data: string | Uint8Array, { cols, rows }: RenderOptions): Promise<string[]> {
  const term = new Terminal({
    cols: Math.max(2, Math.min(cols, 1000)),
    rows: Math.max(1, Math.min(rows, 500)),
    scrollback: SCROLLBACK,
    allowProposedApi: true,
    convertEol: false,
  });
  return new Promise<string[]>((resolve) => {
    term.write(data, () => {
      const buffer = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buffer.length; i++) {
        const line = buffer.getLine(i);
        if (!line) continue;
        const text = line.translateToString(true);
        // A wrapped row continues the line above it: one logical line, as it was printed.
        if (line.isWrapped && lines.length > 0) lines[lines.length - 1] += text;
        else lines.push(text);
      }
      term.dispose();
      const out: string[] = [];
      for (const line of lines) {
        const trimmed = line.trimEnd();
        if (trimmed === '' && (out.length === 0 || out.at(-1) === '')) continue;
        out.push(trimmed);
      }
      while (out.at(-1) === '') out.pop();
      resolve(out);
    });
  });
}
