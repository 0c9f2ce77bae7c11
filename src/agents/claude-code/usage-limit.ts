import { isRule } from '../pane.js';
import { findLimitReset } from '../reset-time.js';

/**
 * Claude Code's usage-limit messages. Seen in the wild and in the 2.1.197 binary:
 * "Claude usage limit reached. Your limit will reset at 3pm (Europe/Berlin).",
 * "5-hour limit reached ∙ resets 4am", "You've hit your session limit · resets 4:30pm (UTC)",
 * "You've hit your weekly limit · resets Nov 27, 4am (Europe/Berlin)", and the raw API form
 * "Claude AI usage limit reached|1795575600" (epoch seconds).
 */

const TRIGGER = /usage limit reached|limit reached|hit your (?:[\w'’-]+ ){0,3}limit|out of (?:extra )?usage/i;

/** Look-alikes that do not stop the agent: fast-mode cooldowns, context size, spend caps. */
const EXCLUDE =
  /fast limit|fast mode|context limit|nesting limit|spend limit|size limit|recursion limit|export limit|close to/i;

const EPOCH_RE = /(limit reached)\|(\d{10}|\d{13})\b/gi;

/** A prompt echoed in the transcript ("❯ continue"): not the input box, not a dialog option. */
const ECHO_RE = /^\s*❯\s+(?!\d+\.\s)\S/u;

/**
 * Only what follows the last prompt the user (or Flotilla) sent: a limit message above it
 * belongs to a turn that is over — after a resume the TUI redraws the old exchange, and
 * "resets 4am" read again at 5am would otherwise mean tomorrow.
 */
function sinceLastPrompt(text: string): string {
  const lines = text.split('\n');
  let start = 0;
  lines.forEach((line, i) => {
    if (ECHO_RE.test(line) && !isRule(lines[i - 1] ?? '')) start = i + 1;
  });
  return lines.slice(start).join('\n');
}

/** The reset time of the last usage-limit message in `text` (after the last sent prompt), or null. */
export function detectClaudeUsageLimit(text: string, now: Date): Date | null {
  const normalized = sinceLastPrompt(text).replace(EPOCH_RE, (_m, head: string, epoch: string) => {
    const ms = epoch.length === 10 ? Number(epoch) * 1000 : Number(epoch);
    return `${head}, resets at ${new Date(ms).toISOString()}`;
  });
  return findLimitReset(normalized, now, TRIGGER, EXCLUDE);
}
