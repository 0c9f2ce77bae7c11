import { type DialogOption, type DialogOptions, findOptions } from '../dialog.js';
import { shorten } from '../json.js';
import { screenLines } from '../pane.js';
import { questionAsked } from '../question.js';
import type { SeenDialog } from '../screen-plan.js';
import type { StatusSignal } from '../types.js';

/**
 * Reading the Gemini CLI TUI, from real captures of gemini-cli 0.61.0
 * (test/fixtures/gemini/screens-0.61.0):
 * - approval: a box "? Shell <command>", "Allow execution of [Shell]?", then inside the box
 *   "● 1. Allow once" / "2. Allow for this session" / "3. No, suggest changes (esc)". The
 *   options are not "Yes…", and every line carries the box border `│`, so the shared reader
 *   sees them only once the border is stripped;
 * - waiting: the input line " >   Type your message or @path/to/file" (placeholder) with
 *   "? for shortcuts" above the rule; the model's messages are "✦ text" lines;
 * - a refused call leaves "ℹ Request cancelled." above the input line;
 * - on exit: "To resume this session: gemini --resume <session id>".
 * - working: "(esc to cancel, Ns)" on the spinner line — from the docs; the scripted model
 *   answers too fast to capture it (UNCERTAIN).
 */

const pane = (status: StatusSignal['status'], detail: string): StatusSignal => ({
  status,
  source: 'pane',
  detail,
});

/** A screen line without the approval box's borders (`│ … │`, nested too). */
function unboxed(line: string): string {
  return line.replace(/^(\s*│)+/, '').replace(/(│\s*)+$/, '');
}

/** "Allow once" approves this call only; "Allow for this session" would approve more. */
export function geminiOnceYes(options: readonly DialogOption[]): number | null {
  const i = options.findIndex((o) => /^(?:allow once|yes, allow once|yes)\b/i.test(o.text));
  return i >= 0 ? i : null;
}

export function geminiNo(options: readonly DialogOption[]): number | null {
  const i = options.findIndex((o) => /^no\b/i.test(o.text));
  return i >= 0 ? i : null;
}

function isApproval(dialog: DialogOptions | null): dialog is DialogOptions {
  return dialog !== null && geminiOnceYes(dialog.options) !== null && geminiNo(dialog.options) !== null;
}

/** The approval list in its box; its identity is the tool line ("? Shell <command>"). */
export function readGeminiApproval(screen: string): SeenDialog | null {
  const lines = screenLines(screen).slice(-30).map(unboxed);
  const options = findOptions(lines);
  if (!isApproval(options)) return null;
  const above = lines.slice(Math.max(0, options.firstLine - 10), options.firstLine);
  const tool = above
    .find((l) => /^\s*\?\s+\S/.test(l))
    ?.trim()
    .replace(/^\?\s+/, '');
  return { options, identity: shorten((tool ?? above.join(' ').trim()) || 'approval requested') };
}

const INPUT_RE = /^\s*>\s/;
const PLACEHOLDER_RE = /^\s*>\s+Type your message/;

/** The input box's text ('' when it shows its placeholder), or null when there is none. */
export function geminiTyped(screen: string): string | null {
  const lines = screenLines(screen);
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 8); i--) {
    const line = lines[i] ?? '';
    if (!INPUT_RE.test(line)) continue;
    return PLACEHOLDER_RE.test(line) ? '' : line.replace(INPUT_RE, '').trim();
  }
  return null;
}

/** Classify a Gemini CLI screen; null when nothing certain shows. */
export function geminiStatusFromPane(screen: string): StatusSignal | null {
  const approval = readGeminiApproval(screen);
  if (approval !== null) return pane('needs_permission', approval.identity);
  const lines = screenLines(screen);
  if (lines.slice(-10).some((l) => /esc to cancel/i.test(l))) return pane('working', 'working');
  let input = -1;
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 8); i--) {
    if (INPUT_RE.test(lines[i] ?? '')) {
      input = i;
      break;
    }
  }
  if (input < 0) return null;
  if (!PLACEHOLDER_RE.test(lines[input] ?? '')) {
    const typed = (lines[input] ?? '').replace(INPUT_RE, '').trim();
    return pane('needs_input', shorten(`unsent text in the input box: ${typed}`));
  }
  const above = lines
    .slice(0, input)
    .filter((l) => l.trim() !== '' && !/^\s*(?:─+|\? for shortcuts|Shift\+Tab.*)\s*$/.test(l));
  const last = above.at(-1) ?? '';
  if (/Request cancelled/.test(last)) return pane('needs_input', 'asks: what should Gemini do instead?');
  const message = /^✦\s+(.*)$/.exec(last)?.[1] ?? null;
  const question = questionAsked(message);
  return question === null
    ? pane('idle', 'waiting for the next message')
    : pane('needs_input', shorten(`asks: ${question}`));
}

const SESSION_RE =
  /(?:gemini (?:--resume|-r)|Session ID:?)\s+([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

export function geminiSessionIdFromPane(screen: string): string | null {
  return [...screen.matchAll(SESSION_RE)].at(-1)?.[1] ?? null;
}
