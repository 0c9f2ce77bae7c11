/**
 * Human output: aligned tables, colour only on a TTY (and never with NO_COLOR or --no-color),
 * relative times. Machine output is `--json`, printed by the command itself.
 */

export interface Style {
  color: boolean;
}

const CODES = {
  bold: [1, 22],
  dim: [2, 22],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
} as const;
export type ColorName = keyof typeof CODES;

export function paint(style: Style, color: ColorName, text: string): string {
  if (!style.color) return text;
  const [open, close] = CODES[color];
  return `\u001b[${open}m${text}\u001b[${close}m`;
}

/** Colour is on when stdout is a TTY, NO_COLOR is unset (https://no-color.org) and --no-color was not given. */
export function detectColor(
  stream: NodeJS.WriteStream,
  env: NodeJS.ProcessEnv,
  flag: boolean | undefined,
): boolean {
  if (flag === false) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return Boolean(stream.isTTY);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI escapes is the point
const ANSI = /\u001b\[[0-9;]*m/g;
export const visibleLength = (s: string): number => [...s.replace(ANSI, '')].length;

export interface Column<T> {
  header: string;
  value: (row: T) => string;
  align?: 'left' | 'right';
  /** Truncate to this many visible characters (with …). */
  max?: number;
}

function truncate(s: string, max: number | undefined): string {
  if (max === undefined) return s;
  const chars = [...s];
  return chars.length <= max ? s : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** Render rows as an aligned table with a header line. Returns the text without a trailing newline. */
export function table<T>(rows: readonly T[], columns: readonly Column<T>[], style: Style): string {
  const cells = rows.map((row) => columns.map((c) => truncate(oneLine(c.value(row)), c.max)));
  const widths = columns.map((c, i) =>
    Math.max(visibleLength(c.header), ...cells.map((r) => visibleLength(r[i] ?? ''))),
  );
  const pad = (text: string, i: number) => {
    const gap = ' '.repeat((widths[i] ?? 0) - visibleLength(text));
    return columns[i]?.align === 'right' ? gap + text : text + gap;
  };
  const last = columns.length - 1;
  const line = (r: string[]) =>
    r
      .map((t, i) => (i === last && columns[i]?.align !== 'right' ? t : pad(t, i)))
      .join('  ')
      .trimEnd();
  const header = paint(style, 'bold', line(columns.map((c) => c.header)));
  return [header, ...cells.map(line)].join('\n');
}

export const oneLine = (s: string): string => s.replace(/\s*\n\s*/g, ' ⏎ ');

/** "3s", "5m", "2h", "4d" — compact ages for tables. */
export function age(fromIso: string, now: number = Date.now()): string {
  const secs = Math.max(0, Math.round((now - Date.parse(fromIso)) / 1000));
  if (secs < 60) return `${secs}s`;
  const mins = Math.floor(secs / 60);
  if (mins < 60) return `${mins}m`;
  const hours = Math.floor(mins / 60);
  if (hours < 48) return `${hours}h`;
  return `${Math.floor(hours / 24)}d`;
}

/** Key/value block for `show` commands. */
export function keyValues(pairs: ReadonlyArray<readonly [string, string]>, style: Style): string {
  const width = Math.max(...pairs.map(([k]) => k.length));
  return pairs.map(([k, v]) => `${paint(style, 'dim', `${k}:`.padEnd(width + 1))} ${v}`).join('\n');
}
