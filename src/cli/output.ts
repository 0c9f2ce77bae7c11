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

/**
 * Our own colour codes (`paint`): the only escapes human output carries, and only in colour.
 * Everything else that a terminal would act on is shown as a visible escape instead: C0 controls
 * but newline and tab (ESC starts OSC 0 "retitle", OSC 52 "write the clipboard", CSI 2J "clear";
 * CR overwrites a line), DEL, C1 controls (U+009B is a one-byte CSI) and the bidi overrides
 * that make text read other than it is (Trojan Source).
 */
const NEUTRALISE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
  /(\u001b\[(?:1|2|22|3[1-6]|39|90)m)|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Human text made safe for a terminal: `ESC` → `\x1b`, CR → `\r`, U+009B → `\u009b`…;
 * newlines and tabs are kept. Every human line the CLI prints goes through it (the sinks in
 * CliContext and printError, and `table`); `--json` never does, so it stays byte-exact.
 */
export function neutralise(text: string, style: Style = { color: false }): string {
  return text.replace(NEUTRALISE, (match, own: string | undefined) => {
    if (own !== undefined && style.color) return own;
    const code = match.charCodeAt(0);
    if (match.length > 1) return `\\x1b${match.slice(1)}`;
    if (code === 0x0d) return '\\r';
    return code < 0x80
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

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
  // Neutralised before measuring: a visible escape is wider than the control it stands for.
  const cells = rows.map((row) =>
    columns.map((c) => truncate(neutralise(oneLine(c.value(row)), style), c.max)),
  );
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
