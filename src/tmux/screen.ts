/**
 * The agent pane's size and cursor, read in the same tmux call as its screen. A terminal that
 * redraws the screen elsewhere (the web dashboard's xterm) needs all three: the pane's raw
 * output positions the cursor for a pane of exactly this size, relative to exactly this cursor.
 */

/** The pane's size in character cells. */
export interface PaneSize {
  cols: number;
  rows: number;
}

/** The pane's visible screen (`capture-pane -e`: colours and attributes kept) and its state. */
export interface PaneScreen extends PaneSize {
  /** One line per pane row, separated by `\n`, escapes kept. */
  data: string;
  /** Where the cursor is (0-based cell) and whether the program shows it. */
  cursor: { x: number; y: number; visible: boolean };
}

export const SIZE_FORMAT = '#{pane_width} #{pane_height}';
/** Printed (display-message -p) on the line before the capture, in the same tmux command list. */
export const SCREEN_FORMAT = '#{pane_width} #{pane_height} #{cursor_x} #{cursor_y} #{cursor_flag}';

const cell = (s: string | undefined, min: number): number | null => {
  if (s === undefined || !/^\d+$/.test(s)) return null;
  const n = Number(s);
  return n >= min ? n : null;
};

/** `SIZE_FORMAT` output; null when it is not two positive integers. */
export function parsePaneSize(line: string): PaneSize | null {
  const [w, h] = line.trim().split(' ');
  const cols = cell(w, 1);
  const rows = cell(h, 1);
  return cols === null || rows === null ? null : { cols, rows };
}

/**
 * `display-message -p SCREEN_FORMAT ; capture-pane -p -e` output: the first line is the state,
 * the rest the screen. Null when the first line is not what SCREEN_FORMAT prints.
 */
export function parsePaneScreen(stdout: string): PaneScreen | null {
  const nl = stdout.indexOf('\n');
  if (nl < 0) return null;
  const [w, h, x, y, flag] = stdout.slice(0, nl).trim().split(' ');
  const cols = cell(w, 1);
  const rows = cell(h, 1);
  const cx = cell(x, 0);
  const cy = cell(y, 0);
  if (cols === null || rows === null || cx === null || cy === null) return null;
  const lines = stdout.slice(nl + 1).split('\n');
  if (lines.at(-1) === '') lines.pop();
  return {
    data: lines.join('\n'),
    cols,
    rows,
    cursor: { x: Math.min(cx, cols - 1), y: Math.min(cy, rows - 1), visible: flag !== '0' },
  };
}
