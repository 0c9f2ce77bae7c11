import type { ScreenPlan, ScreenStep } from '../agents/screen-plan.js';
import { FlotillaError } from '../domain/errors.js';

/**
 * Runs a screen plan (agents/screen-plan.ts) against a live pane: one input, then the screen is
 * read until the step's expected change shows, then the next input. When the screen shows
 * anything else, or nothing changes in time, the run stops at once — no further key is sent —
 * and the error says which step failed, what was already sent and what the screen showed.
 */

/** The tmux calls a protocol needs. */
export interface ScreenIo {
  capture(): Promise<string>;
  key(key: string): Promise<void>;
  /** Literal text; multi-line text arrives as one bracketed paste. */
  text(text: string): Promise<void>;
}

export interface ProtocolOptions {
  /** How long one step may take to show its change. Claude Code redraws within ~100 ms. */
  stepTimeoutMs?: number;
  pollMs?: number;
  /** How long the screen must keep showing something unexpected before the run stops. */
  settleMs?: number;
  /** Named in errors: "flotilla attach <id>". */
  attachHint: string;
}

/** Runs every step of `plan`, or throws DIALOG_CHANGED having sent nothing after the failed step. */
export async function runScreenPlan(io: ScreenIo, plan: ScreenPlan, options: ProtocolOptions): Promise<void> {
  const stepTimeoutMs = options.stepTimeoutMs ?? 3_000;
  const pollMs = options.pollMs ?? 30;
  const settleMs = options.settleMs ?? 200;
  const sent: string[] = [];
  let before = await io.capture();
  for (const step of plan.steps) {
    if ('key' in step.input) await io.key(step.input.key);
    else await io.text(step.input.text);
    sent.push(describeInput(step));
    const deadline = Date.now() + stepTimeoutMs;
    let screen = '';
    /** When the screen first showed something unexpected, in this run of unexpected reads. */
    let unexpectedSince: number | null = null;
    for (;;) {
      screen = await io.capture();
      const check = step.expect(screen, before);
      if (check === true) break;
      if (check !== 'wait') {
        // A capture can land in the middle of a redraw (Gemini CLI under load: the dialog's box
        // drawn without its options, read as "the dialog closed"). Only a screen that stays
        // unexpected stops the run; nothing is sent meanwhile either way.
        unexpectedSince ??= Date.now();
        if (Date.now() - unexpectedSince >= settleMs || Date.now() >= deadline)
          throw changed(step, check.unexpected, sent, screen, options.attachHint);
      } else unexpectedSince = null;
      if (Date.now() >= deadline) {
        throw changed(
          step,
          `the screen did not change as expected within ${stepTimeoutMs} ms`,
          sent,
          screen,
          options.attachHint,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    before = screen;
  }
}

function describeInput(step: ScreenStep): string {
  return 'key' in step.input ? step.input.key : `text (${step.input.text.length} characters)`;
}

function changed(
  step: ScreenStep,
  why: string,
  sent: string[],
  screen: string,
  attachHint: string,
): FlotillaError {
  return new FlotillaError(
    'DIALOG_CHANGED',
    `stopped at "${step.what}": ${why}. Sent so far: ${sent.join(', ')}; nothing more was sent. The screen ends with:\n${screenTail(screen)}`,
    { hint: `look at the agent's screen: ${attachHint}` },
  );
}

/** The last non-blank lines of a screen, trimmed: enough to see which dialog or prompt was there. */
function screenTail(screen: string, lines = 8): string {
  return screen
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(-lines)
    .join('\n');
}
