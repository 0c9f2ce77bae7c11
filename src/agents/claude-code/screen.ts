import { type DialogOptions, decisionKeys, findOptions, firstYes, oneTimeYes } from '../dialog.js';
import { shorten } from '../json.js';
import { isRule, screenLines } from '../pane.js';
import { questionAsked } from '../question.js';
import type { StatusSignal } from '../types.js';

/**
 * Reading Claude Code's TUI from a pane capture. Footers and option lists change between
 * versions, so every status rests on more than one clue: the input box (a `❯` line between two
 * rules), the footer (`? for shortcuts`, `esc to interrupt`), the spinner line above the box
 * (`✢ Orchestrating…`, `✻ API error · Retrying in 36s · attempt 7/10`), and numbered option
 * lists with a `❯` cursor (unnumbered in 2.1.33x's first-run dialogs). Screens of 2.1.197 and
 * 2.1.332 are in test/fixtures/claude-code/.
 */

/** Which dialog is open. `other` is a choice Flotilla does not know how to answer. */
export type ClaudeDialogKind = 'permission' | 'trust' | 'api-key' | 'bypass' | 'other';

/** A dialog on screen: its kind, its options and a one-line description. */
export interface ClaudeDialog {
  kind: ClaudeDialogKind;
  options: DialogOptions;
  detail: string;
}

/** Everything the classifier reads off one screen. */
export interface ClaudeScreen {
  /** Line index of the last input-box line, or -1. */
  inputBox: number;
  /** Text typed into that box and not yet sent. */
  typed: string;
  dialog: ClaudeDialog | null;
  /** Spinner or footer text saying a turn is running, or null. */
  busy: string | null;
  /** The TUI has exited ("Resume this session with: claude --resume <id>"). */
  exited: boolean;
  /** The idle footer is visible. */
  shortcutsFooter: boolean;
}

const SPINNER_RE = /^\s*[·✢✳✶✻✽*]\s+(?<text>\S.*)$/u;
const PROMPT_RE = /^\s*(?:[│|]\s*)?[❯>](?:[\s\u00a0](?<typed>.*))?$/u;

/** Parse the parts of Claude Code's screen that tell its state. */
export function readClaudeScreen(screen: string): ClaudeScreen {
  const lines = screenLines(screen);
  const inputBox = findInputBox(lines);
  const typed = inputBox >= 0 ? (PROMPT_RE.exec(lines[inputBox] ?? '')?.groups?.typed ?? '').trim() : '';
  const below = inputBox >= 0 ? lines.slice(inputBox + 1) : lines.slice(-4);
  const exited = below.some((l) => /Resume this session with|claude (?:--resume|-r) [0-9a-f-]{36}/.test(l));
  const options = findOptions(lines);
  const dialog = options !== null && options.firstLine > inputBox ? describeDialog(lines, options) : null;
  return {
    inputBox,
    typed,
    dialog,
    busy: findBusy(lines, inputBox),
    exited,
    shortcutsFooter: below.slice(-4).some((l) => /\? for shortcuts/.test(l)),
  };
}

/** The last `❯` line that sits right under a rule (or a box top) with a rule somewhere below it. */
function findInputBox(lines: readonly string[]): number {
  for (let i = lines.length - 1; i > 0; i--) {
    if (!PROMPT_RE.test(lines[i] ?? '')) continue;
    const above = lines[i - 1] ?? '';
    if (!isRule(above) && !/^\s*╭/.test(above)) continue;
    const closed = lines.slice(i + 1, i + 12).some((l) => isRule(l) || /^\s*╰/.test(l));
    if (closed) return i;
  }
  return -1;
}

/** Spinner text above the box or "esc to interrupt" in the footer; null when idle. */
function findBusy(lines: readonly string[], inputBox: number): string | null {
  const footer = inputBox >= 0 ? lines.slice(inputBox + 1) : lines.slice(-3);
  const above = inputBox >= 0 ? lines.slice(Math.max(0, inputBox - 6), inputBox) : lines.slice(-8);
  for (const line of [...above].reverse()) {
    const text = SPINNER_RE.exec(line)?.groups?.text;
    if (text !== undefined && (text.includes('…') || /Retrying in \d+|esc to interrupt/i.test(text))) {
      // "Thinking… (12s · ↑ 1.2k tokens · esc to interrupt)": the counters change every frame.
      return text.replace(/\s*\([^()]*\)\s*$/, '');
    }
  }
  if (footer.some((l) => /esc to interrupt/i.test(l))) return 'esc to interrupt';
  return null;
}

function describeDialog(lines: readonly string[], options: DialogOptions): ClaudeDialog {
  const bodyStart = lastRuleBefore(lines, options.firstLine);
  const body = lines.slice(Math.max(bodyStart + 1, options.firstLine - 30), options.firstLine);
  const text = body.join('\n');
  const texts = options.options.map((o) => o.text);
  if (
    /Quick safety check|trust (?:this folder|the files in this folder)/i.test(text) ||
    texts.some((t) => /trust this folder/i.test(t))
  ) {
    return { kind: 'trust', options, detail: 'trust dialog: is this a folder you trust?' };
  }
  if (/Detected a custom API key|use this API key\?/i.test(text)) {
    return {
      kind: 'api-key',
      options,
      detail:
        'Claude Code asks whether to use the API key in ANTHROPIC_API_KEY: answer it in `flotilla attach <agent>`',
    };
  }
  if (/Bypass Permissions mode/i.test(text)) {
    return { kind: 'bypass', options, detail: 'bypass permissions mode warning' };
  }
  const hasYes = oneTimeYes(options.options) !== null;
  const hasNo = texts.some((t) => /^no\b/i.test(t));
  const question = body.find((l) => /^\s*(?:Do you want to|Would you like to)\b.*\?\s*$/.test(l));
  if (hasYes && hasNo && (question !== undefined || /requires approval|permission/i.test(text))) {
    return { kind: 'permission', options, detail: permissionDetail(body, question) };
  }
  const first = body.find((l) => l.trim() !== '') ?? texts[0] ?? '';
  return { kind: 'other', options, detail: shorten(`dialog: ${first.trim()}`) };
}

function lastRuleBefore(lines: readonly string[], index: number): number {
  for (let i = index - 1; i >= 0; i--) if (isRule(lines[i] ?? '')) return i;
  return -1;
}

/** The dashed frame 2.1.332 draws around the command (`╌╌╌…`). */
const FRAME_RE = /^\s*╌{10,}\s*$/u;

/**
 * "Bash command: git add -A && git commit …" from the dialog's header lines. 2.1.197 puts the
 * command right under the title; 2.1.332 puts a "Tip: auto mode…" line and the description
 * first and the command inside a dashed frame, so the framed lines win when there are any.
 */
function permissionDetail(body: readonly string[], question: string | undefined): string {
  const frames = body.flatMap((l, i) => (FRAME_RE.test(l) ? [i] : []));
  const framed =
    frames.length >= 2
      ? body
          .slice((frames[0] ?? 0) + 1, frames[1])
          .map((l) => l.trim())
          .filter((l) => l !== '')
          .join(' ')
      : '';
  const content = body.map((l) => l.trim()).filter((l) => l !== '' && !/^Tip:/i.test(l) && !FRAME_RE.test(l));
  const title = content[0];
  const subject = framed !== '' ? framed : content[1];
  if (
    title !== undefined &&
    subject !== undefined &&
    title !== question?.trim() &&
    subject !== question?.trim()
  ) {
    return shorten(`${title}: ${subject}`);
  }
  return shorten(question?.trim() ?? 'permission dialog');
}

const pane = (status: StatusSignal['status'], detail: string): StatusSignal => ({
  status,
  source: 'pane',
  detail,
});

/** Classify a Claude Code screen; null when it shows nothing certain (or the TUI has exited). */
export function claudeStatusFromPane(screen: string): StatusSignal | null {
  const s = readClaudeScreen(screen);
  if (s.exited) return null;
  if (s.dialog !== null) {
    // Not a tool permission: approve must never accept a key (it changes billing), so it is a question for the user.
    if (s.dialog.kind === 'api-key') return pane('needs_input', s.dialog.detail);
    return s.dialog.kind === 'other'
      ? pane('needs_input', s.dialog.detail)
      : pane('needs_permission', s.dialog.detail);
  }
  // API retries keep the `❯` box on screen: the spinner wins over the box.
  if (s.busy !== null) return pane('working', shorten(s.busy));
  if (s.inputBox >= 0 || s.shortcutsFooter) {
    if (s.typed !== '') return pane('needs_input', shorten(`unsent text in the prompt box: ${s.typed}`));
    // An empty prompt box: asking the user, or simply finished? The same rule as the Stop hook,
    // on the last message drawn above the box; a refused tool call is Claude Code's own question.
    const lines = screenLines(screen);
    const above = s.inputBox >= 0 ? lines.slice(0, s.inputBox) : lines;
    if (above.slice(-8).some((l) => /What should Claude do instead\?/.test(l))) {
      return pane('needs_input', 'asks: what should Claude do instead?');
    }
    const question = questionAsked(lastMessageOnScreen(above));
    return question === null
      ? pane('idle', 'waiting for the next message')
      : pane('needs_input', shorten(`asks: ${question}`));
  }
  return null;
}

/**
 * The text of the last `● ` block above the prompt box (a tool call's block is `● Tool(…)`, its
 * result indented under `⎿`): the agent's last message as drawn, wrapped lines joined.
 */
export function lastMessageOnScreen(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^● (.*)$/u.exec(lines[i] ?? '');
    if (!m) continue;
    if (/^[A-Z][A-Za-z]*\(.*\)$/.test(m[1] ?? '')) return null;
    const body = [m[1] ?? ''];
    for (const next of lines.slice(i + 1)) {
      if (!/^ {2}\S/.test(next) || /^ {2}⎿/.test(next)) break;
      body.push(next.trim());
    }
    return body.join(' ');
  }
  return null;
}

/**
 * The next key towards trusting the folder when the trust dialog is open; null otherwise. One
 * key per call (`Down`, then `Enter` on the next capture): the caller re-captures while the
 * agent is starting, and a `Down Enter` sent in one go confirms the option the cursor was on
 * before the Down — with 2.1.331's order that is "No, exit". The "custom API key" and "bypass
 * permissions" dialogs are left to the user on purpose: accepting either changes billing or
 * safety for every later session (Claude Code records the answer in the user's own files).
 */
export function claudeFirstRunKeys(screen: string): string[] | null {
  const dialog = readClaudeScreen(screen).dialog;
  if (dialog?.kind !== 'trust') return null;
  const keys = decisionKeys(dialog.options, 'approve', firstYes);
  return keys === null ? null : keys.slice(0, 1);
}
