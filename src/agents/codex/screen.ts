import { findOptions, isYesNo } from '../dialog.js';
import { shorten } from '../json.js';
import { screenLines } from '../pane.js';
import { questionAsked } from '../question.js';
import type { SeenDialog } from '../screen-plan.js';
import type { StatusSignal } from '../types.js';

/**
 * Reading the Codex TUI (`codex --no-alt-screen`), from real captures of codex-cli 0.171.0
 * (test/fixtures/codex/screens-0.171.0):
 * - approval: "Would you like to run the following command?", "Reason: …", "$ <command>", then
 *   "› 1. Yes, proceed (y)" / "2. Yes, and don't ask again for commands that start with … (p)" /
 *   "3. No, and tell Codex what to do differently (esc)" and "Press enter to confirm or esc to cancel";
 * - working: "• Working (0s • esc to interrupt)" (the bullet blinks • / ◦);
 * - waiting: the composer "› …" above the footer "? for shortcuts"; the model's messages are
 *   "• text" blocks above it; a refused command leaves "■ Conversation interrupted".
 * - on exit: "To reconnect, run: codex resume <thread id>".
 */

const pane = (status: StatusSignal['status'], detail: string): StatusSignal => ({
  status,
  source: 'pane',
  detail,
});

/** The approval list near the bottom of the screen; its identity is the command it asks about. */
export function readCodexApproval(screen: string): SeenDialog | null {
  const lines = screenLines(screen).slice(-24);
  const options = findOptions(lines);
  if (!isYesNo(options)) return null;
  const above = lines.slice(Math.max(0, options.firstLine - 6), options.firstLine);
  const command = above.find((l) => /^\s*\$ /.test(l))?.trim();
  const identity = command ?? above.join(' ').trim();
  return { options, identity: shorten(identity || 'approval requested') };
}

const WORKING_RE = /^\s*[•◦·]\s+Working\b|esc to interrupt/;
const COMPOSER_RE = /^\s*›\s/;
const PLACEHOLDER_RE =
  /^\s*›\s+(?:Ask Codex to do anything|Find and fix a bug|Explain this codebase|Summarize recent commits|Implement \{feature\}|Write tests for|Improve documentation|Run \/review)/;

/** The last "• text" block above the composer (not a tool line such as "• Ran …"). */
function lastMessage(lines: readonly string[]): string | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const m = /^•\s+(.*)$/.exec(lines[i] ?? '');
    if (!m?.[1]) continue;
    if (/^(?:Ran|Running|Working|Edited|Explored|Read|Searched|Added|Deleted|Updated)\b/.test(m[1]))
      return null;
    const rest = lines.slice(i + 1).filter((l) => /^\s{2}\S/.test(l) && !/^\s+Worked for\b/.test(l));
    return [m[1], ...rest.map((l) => l.trim())].join(' ');
  }
  return null;
}

/** The composer's text ('' when it shows its placeholder), or null when there is no composer. */
export function codexTyped(screen: string): string | null {
  const lines = screenLines(screen);
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 8); i--) {
    const line = lines[i] ?? '';
    if (!COMPOSER_RE.test(line)) continue;
    return PLACEHOLDER_RE.test(line) ? '' : line.replace(COMPOSER_RE, '').trim();
  }
  return null;
}

/** Classify a Codex screen; null when nothing certain shows (or the TUI has exited). */
export function codexStatusFromPane(screen: string): StatusSignal | null {
  const lines = screenLines(screen);
  const approval = readCodexApproval(screen);
  if (approval !== null) return pane('needs_permission', approval.identity);
  const tail = lines.slice(-10);
  if (tail.some((l) => WORKING_RE.test(l))) return pane('working', 'working');
  let composer = -1;
  for (let i = lines.length - 1; i >= Math.max(0, lines.length - 8); i--) {
    if (COMPOSER_RE.test(lines[i] ?? '')) {
      composer = i;
      break;
    }
  }
  if (composer < 0) return null;
  const typed = (lines[composer] ?? '').replace(COMPOSER_RE, '').trim();
  if (
    !PLACEHOLDER_RE.test(lines[composer] ?? '') &&
    typed !== '' &&
    !lines.slice(composer).some((l) => /\? for shortcuts/.test(l))
  ) {
    return pane('needs_input', shorten(`unsent text in the composer: ${typed}`));
  }
  const above = lines.slice(0, composer);
  if (above.slice(-4).some((l) => /Conversation interrupted/.test(l))) {
    return pane('needs_input', 'asks: what should Codex do instead?');
  }
  const question = questionAsked(lastMessage(above));
  return question === null
    ? pane('idle', 'waiting for the next message')
    : pane('needs_input', shorten(`asks: ${question}`));
}

const SESSION_RE = /codex resume ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gi;

/** The thread id codex prints on exit ("codex resume <id>"). */
export function codexSessionIdFromPane(screen: string): string | null {
  return [...screen.matchAll(SESSION_RE)].at(-1)?.[1] ?? null;
}
