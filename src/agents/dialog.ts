/**
 * Option dialogs as TUIs draw them: numbered (`❯ 1. Yes`, `  2. No`) or, in Claude Code 2.1.33x's
 * first-run dialogs, unnumbered (`  No, exit` / `❯ Yes, I trust this folder`). Options are found
 * by their text, never assumed by number: Claude Code 2.1.331 inserted "3. Yes, and switch to
 * auto mode", which made "No" option 4.
 */

/** How a permission dialog is answered. Declared here, the lowest of the screen files, so that
 * dialog.ts, screen-plan.ts and types.ts import one another in one direction only. */
export type PermissionDecision = 'approve' | 'deny';

/** One option of a dialog: its number (its position when unnumbered), its text and its line. */
export interface DialogOption {
  n: number;
  text: string;
  line: number;
}

/** The option list nearest the bottom of the screen, and where its cursor is. */
export interface DialogOptions {
  options: DialogOption[];
  /** Index into `options` of the highlighted option. */
  cursor: number;
  firstLine: number;
  lastLine: number;
}

const OPTION_RE = /^\s*(?<cursor>[❯›▶►>●▌])?\s*(?<n>\d{1,2})\.\s+(?<text>\S.*)$/u;
/** Non-option lines tolerated inside a list (wrapped option text). */
const MAX_GAP = 2;

/**
 * The last option list on the screen (numbered or not) that has exactly one highlighted option,
 * or null. Lists without a cursor are transcript text (a markdown list), not a dialog.
 */
export function findOptions(lines: readonly string[]): DialogOptions | null {
  const numbered = findNumbered(lines);
  const plain = findUnnumbered(lines);
  if (numbered === null || plain === null) return numbered ?? plain;
  return plain.firstLine > numbered.lastLine ? plain : numbered;
}

function findNumbered(lines: readonly string[]): DialogOptions | null {
  let best: DialogOptions | null = null;
  let group: { options: DialogOption[]; cursors: number[]; gap: number } | null = null;
  const close = () => {
    if (group !== null && group.options.length >= 2 && group.cursors.length === 1) {
      const first = group.options[0]!;
      const last = group.options[group.options.length - 1]!;
      best = {
        options: group.options,
        cursor: group.cursors[0]!,
        firstLine: first.line,
        lastLine: last.line,
      };
    }
    group = null;
  };
  lines.forEach((line, i) => {
    const m = OPTION_RE.exec(line);
    const n = m ? Number(m.groups?.n) : Number.NaN;
    if (m && n === 1) {
      close();
      group = { options: [], cursors: [], gap: 0 };
    }
    if (m && group !== null && n === group.options.length + 1) {
      if (m.groups?.cursor) group.cursors.push(group.options.length);
      group.options.push({ n, text: cleanText(m.groups?.text ?? ''), line: i });
      group.gap = 0;
      return;
    }
    if (group !== null && (line.trim() === '' || ++group.gap > MAX_GAP)) close();
  });
  close();
  return best;
}

/** A cursor line of an unnumbered list: `❯ Yes, I trust this folder` (not `❯ 1. …`). */
const PLAIN_CURSOR_RE = /^(?<lead>\s*[❯›▶►]\s+)(?<text>(?!\d{1,2}\.\s)\S.*)$/u;
/**
 * The hint line Claude Code draws under a chooser ("Enter to confirm · Esc to cancel"). An
 * unnumbered list must have one right below it: without numbers, a `❯` line with aligned lines
 * around it is also what a multi-line prompt looks like in the transcript.
 */
const CHOOSER_HINT_RE = /Enter to (?:confirm|select)|Esc to (?:cancel|exit|go back)|↑\/↓/i;

/**
 * The last unnumbered list: a cursor line whose siblings start in the cursor text's column
 * (same indent, no glyph), contiguous, followed within two lines by a chooser hint.
 */
function findUnnumbered(lines: readonly string[]): DialogOptions | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = PLAIN_CURSOR_RE.exec(lines[i] ?? '');
    if (!m?.groups) continue;
    const indent = m.groups.lead?.length ?? 0;
    const sibling = (line: string | undefined) =>
      line !== undefined &&
      line.length > indent &&
      /^\s*$/.test(line.slice(0, indent)) &&
      line[indent] !== ' ' &&
      !CHOOSER_HINT_RE.test(line);
    let first = i;
    let last = i;
    while (sibling(lines[first - 1])) first--;
    while (sibling(lines[last + 1])) last++;
    if (last === first) continue;
    const after = lines.slice(last + 1, last + 4).filter((l) => l.trim() !== '');
    if (!after[0] || !CHOOSER_HINT_RE.test(after[0])) continue;
    const options = lines.slice(first, last + 1).map((line, k) => ({
      n: k + 1,
      text: cleanText(line.slice(indent)),
      line: first + k,
    }));
    return { options, cursor: i - first, firstLine: first, lastLine: last };
  }
  return null;
}

/** Option text without a trailing shortcut hint such as "(esc)" or "(y)". */
function cleanText(text: string): string {
  return text.replace(/\s+\([^)]{1,12}\)\s*$/u, '').trim();
}

/** Options that would approve more than this one call: never chosen for a one-time "yes". */
const PERSISTENT_RE = /always|don.t ask|do not ask|and switch|this session|allow all|from now on/i;

/** The option that approves this one time: exactly "Yes", else a "Yes, …" that is not persistent. */
export function oneTimeYes(options: readonly DialogOption[]): number | null {
  const exact = options.findIndex((o) => /^yes[.!]?$/i.test(o.text));
  if (exact >= 0) return exact;
  const other = options.findIndex((o) => /^yes\b/i.test(o.text) && !PERSISTENT_RE.test(o.text));
  return other >= 0 ? other : null;
}

/** The first option starting with "Yes" (first-run dialogs: "Yes, I trust this folder"). */
export function firstYes(options: readonly DialogOption[]): number | null {
  const i = options.findIndex((o) => /^yes\b/i.test(o.text));
  return i >= 0 ? i : null;
}

/** The first option starting with "No" ("No", "No, exit", "No, and tell Claude …"). */
export function firstNo(options: readonly DialogOption[]): number | null {
  const i = options.findIndex((o) => /^no\b/i.test(o.text));
  return i >= 0 ? i : null;
}

/**
 * tmux key names that move the cursor from `from` to `to` and confirm. The caller must send
 * them one per `send-keys` and let the TUI redraw in between: measured with Claude Code 2.1.197,
 * `send-keys Down Enter` in one call confirmed the option the cursor was on before the Down.
 */
export function keysToOption(from: number, to: number): string[] {
  const move = to > from ? 'Down' : 'Up';
  return [...Array.from({ length: Math.abs(to - from) }, () => move), 'Enter'];
}

/** Keys for a yes/no decision on a parsed dialog, or null when the wanted option is missing. */
export function decisionKeys(
  dialog: DialogOptions,
  decision: PermissionDecision,
  approve: (options: readonly DialogOption[]) => number | null = oneTimeYes,
): string[] | null {
  const target = decision === 'approve' ? approve(dialog.options) : firstNo(dialog.options);
  return target === null ? null : keysToOption(dialog.cursor, target);
}

/** A list with a "Yes…" and a "No…" option: an approval question, whatever its wording. */
export function isYesNo(dialog: DialogOptions | null): dialog is DialogOptions {
  return dialog !== null && firstYes(dialog.options) !== null && firstNo(dialog.options) !== null;
}
