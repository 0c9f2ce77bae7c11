import { FlotillaError } from '../domain/errors.js';
import type { ScreenPlan } from './screen-plan.js';

/**
 * The send protocol for TUIs with a one-line input box (codex's composer `›`, Gemini CLI's `>`):
 * type the text, see it in the box, then press Enter and see the box empty. Typing and Enter in
 * one burst does not work: codex 0.171 takes keys that arrive together as a paste and turns the
 * Enter into a newline, so the message sat unsent in the composer (measured).
 */

/** What the adapter reads off its screen for the protocol. */
export interface InputBoxReader {
  /** The text in the input box ('' when empty), or null when no input box shows. */
  typed(screen: string): string | null;
  /** The approval dialog's identity when one is open (Enter would answer it), else null. */
  dialog(screen: string): string | null;
}

const squash = (s: string) => s.replace(/\s+/g, '');
const PASTE_SETTLE_MS = 500;

export function inputBoxSendPlan(
  agent: string,
  reader: InputBoxReader,
  screen: string,
  text: string,
  hints: { attach: string; answer: string },
): ScreenPlan {
  const dialog = reader.dialog(screen);
  if (dialog !== null) {
    throw new FlotillaError('DIALOG_OPEN', `a dialog is open (${dialog}); nothing was sent`, {
      hint: hints.answer,
    });
  }
  const typed = reader.typed(screen);
  if (typed === null) {
    throw new FlotillaError('CONFLICT', `${agent} shows no input box; nothing was sent`, {
      hint: `try again in a moment, or look: ${hints.attach}`,
    });
  }
  if (typed !== '') {
    throw new FlotillaError(
      'CONFLICT',
      `the input box holds text nobody sent yet ('${typed.slice(0, 60)}'); nothing was sent`,
      { hint: `send or clear it in the agent's terminal: ${hints.attach}` },
    );
  }
  // The box may wrap or cut a long message: its last characters must show, spaces aside.
  const tail = squash(text).slice(-16);
  // Shown is not enough: both TUIs take an Enter that follows typed keys closely as part of a
  // paste (a newline; gemini 0.61 left 'leave it be' unsent in 1 run of 3). The text must stay
  // in the box for PASTE_SETTLE_MS before Enter goes.
  let shownAt: number | null = null;
  return {
    chosen: 'sent',
    steps: [
      {
        input: { text },
        what: 'type the message',
        expect: (s) => {
          if (!squash(reader.typed(s) ?? '').endsWith(tail)) return 'wait';
          shownAt ??= Date.now();
          return Date.now() - shownAt >= PASTE_SETTLE_MS ? true : 'wait';
        },
      },
      {
        input: { key: 'Enter' },
        what: 'submit the message',
        expect: (s) => {
          const now = reader.typed(s);
          return reader.dialog(s) !== null || now === null || now === '' ? true : 'wait';
        },
      },
    ],
  };
}
