import { FlotillaError } from '../domain/errors.js';
import type { DialogOption, DialogOptions } from './dialog.js';

/**
 * Actions on an agent's screen are protocols, not key lists. A TUI reads keys as they come and
 * redraws between them; keys sent in one burst confirm whatever was highlighted before the
 * cursor moved (measured with Claude Code 2.1.197: `Down Down Enter` in one send-keys ran the
 * command the user meant to refuse). So each step is one input plus the change it must cause;
 * the supervisor's runner (supervisor/screen-protocol.ts) sends one input, reads the screen
 * until the change is there, and stops — sending nothing more — when the screen shows anything
 * else. Adapters build plans; they stay pure and never send anything themselves.
 */

/** What a step's check says about one screen. */
export type StepCheck = true | 'wait' | { unexpected: string };

/** One input and the change it must cause on screen. */
export interface ScreenStep {
  /** A tmux key name (`Down`, `Enter`, `Tab`), or text typed literally (pasted when multi-line). */
  input: { key: string } | { text: string };
  /** What the step does, for error messages: "move the cursor to 'No'". */
  what: string;
  /**
   * Reads a screen captured after the input (`before`: the last one read before it): true once
   * the expected change shows, 'wait' while the TUI has not redrawn yet, `{unexpected}` (what
   * is on screen instead) to stop.
   */
  expect(screen: string, before: string): StepCheck;
}

/** The steps of one action and, for the caller's answer, what it chose ("Yes", "No"). */
export interface ScreenPlan {
  steps: ScreenStep[];
  chosen: string;
}

/** An answer to a permission dialog, as the user gave it. */
export type DialogAnswer =
  | {
      decision: 'approve' /** "Yes, and don't ask again for …" instead of a one-time yes. */;
      always?: boolean;
    }
  | {
      decision: 'deny' /** Told to the model with the refusal ("No, and tell Claude …"). */;
      message?: string;
    };

/** A dialog as read off one screen: its options and what identifies it (the command it asks about). */
export interface SeenDialog {
  options: DialogOptions;
  identity: string;
}

/**
 * Steps that move a dialog's cursor from where it is to `target`, one key each. Every key must
 * move the cursor exactly one option while the same dialog (same identity, same option texts)
 * stays open; anything else stops the protocol before a confirming key is sent.
 */
export function cursorSteps(
  read: (screen: string) => SeenDialog | null,
  seen: SeenDialog,
  target: number,
): ScreenStep[] {
  const steps: ScreenStep[] = [];
  const texts = seen.options.options.map((o) => o.text);
  const key = target > seen.options.cursor ? 'Down' : 'Up';
  const delta = target > seen.options.cursor ? 1 : -1;
  for (let at = seen.options.cursor; at !== target; at += delta) {
    const from = at;
    const to = at + delta;
    steps.push({
      input: { key },
      what: `move the cursor to '${texts[to]}'`,
      expect: (screen) => {
        const now = read(screen);
        const same = sameDialog(seen, now, texts);
        if (same !== true) return same;
        const cursor = (now as SeenDialog).options.cursor;
        if (cursor === to) return true;
        if (cursor === from) return 'wait';
        return { unexpected: `the cursor is on '${texts[cursor]}' instead of '${texts[to]}'` };
      },
    });
  }
  return steps;
}

/** True when `now` is the dialog first `seen`, else what differs. */
export function sameDialog(seen: SeenDialog, now: SeenDialog | null, texts?: readonly string[]): StepCheck {
  if (now === null) return { unexpected: 'the dialog closed' };
  if (now.identity !== seen.identity) return { unexpected: `another dialog is open: ${now.identity}` };
  const want = texts ?? seen.options.options.map((o) => o.text);
  const got = now.options.options.map((o) => o.text);
  if (got.length !== want.length || got.some((t, i) => t !== want[i])) {
    return { unexpected: `the dialog's options changed to: ${got.join(' / ')}` };
  }
  return true;
}

/** A check after the confirming key: the dialog first `seen` is gone (another may have opened). */
export function dialogGone(read: (screen: string) => SeenDialog | null, seen: SeenDialog) {
  return (screen: string): boolean => {
    const now = read(screen);
    return now === null || now.identity !== seen.identity;
  };
}

/**
 * The plan for agents whose approvals are a numbered option list (codex, gemini): move to the
 * wanted option one key at a time, confirm, and see the list close. They take no message with
 * a refusal: the caller sends one afterwards.
 */
export function optionListPlan(
  read: (screen: string) => SeenDialog | null,
  screen: string,
  answer: DialogAnswer,
  pick: {
    yes: (o: readonly DialogOption[]) => number | null;
    no: (o: readonly DialogOption[]) => number | null;
  },
): ScreenPlan | null {
  const seen = read(screen);
  if (seen === null) return null;
  refuseMessage(answer);
  const options = seen.options.options;
  const target = answerTarget(options, answer, pick);
  const gone = dialogGone(read, seen);
  return {
    chosen: options[target]?.text ?? '',
    steps: [
      ...cursorSteps(read, seen, target),
      {
        input: { key: 'Enter' },
        what: `confirm '${options[target]?.text}'`,
        expect: (s) => (gone(s) ? true : 'wait'),
      },
    ],
  };
}

/**
 * The option an answer chooses: the no, the persistent yes (`always`), or the one-time yes, each
 * found by its text (`pick` knows the agent's wording). Throws CONFLICT naming what the dialog
 * offers when it has no such option: a one-time approve never falls back to "always".
 */
export function answerTarget(
  options: readonly DialogOption[],
  answer: DialogAnswer,
  pick: {
    yes: (o: readonly DialogOption[]) => number | null;
    no: (o: readonly DialogOption[]) => number | null;
  },
  hint?: string,
): number {
  const target =
    answer.decision === 'deny'
      ? pick.no(options)
      : answer.always
        ? options.findIndex((o) => ALWAYS_RE.test(o.text))
        : pick.yes(options);
  if (target !== null && target >= 0) return target;
  const wanted = answer.decision === 'deny' ? '"No"' : answer.always ? `"don't ask again"` : 'one-time "Yes"';
  throw new FlotillaError(
    'CONFLICT',
    `the dialog has no ${wanted} option (it offers: ${options.map((o) => o.text).join(' / ')})`,
    hint === undefined ? {} : { hint },
  );
}

/**
 * The plan for a y/n question answered by a letter and Enter (aider): the letter must show after
 * the question before Enter is pressed, and the question must be gone after it.
 */
export function letterPlan(
  question: (screen: string) => string | null,
  screen: string,
  answer: DialogAnswer,
): ScreenPlan | null {
  const asked = question(screen);
  if (asked === null) return null;
  refuseMessage(answer);
  if (answer.decision === 'approve' && answer.always) {
    throw new FlotillaError('CONFLICT', 'this agent has no "don\'t ask again" answer', {
      hint: 'approve without --always',
    });
  }
  const letter = answer.decision === 'approve' ? 'y' : 'n';
  const lastLine = (s: string) => s.trimEnd().split('\n').at(-1) ?? '';
  return {
    chosen: letter,
    steps: [
      {
        input: { key: letter },
        what: `type '${letter}'`,
        expect: (s) =>
          lastLine(s).trimEnd().endsWith(letter)
            ? true
            : question(s) === asked
              ? 'wait'
              : { unexpected: lastLine(s) },
      },
      { input: { key: 'Enter' }, what: 'confirm', expect: (s) => (question(s) === null ? true : 'wait') },
    ],
  };
}

/**
 * "Yes, and don't ask again for …" / "Yes, and always allow …": a persistent approval of this
 * command — never "Yes, and switch to auto mode" (Claude Code 2.1.331), which approves everything.
 */
export const ALWAYS_RE = /^yes,? (?:and )?(?:don.t ask again|always allow)/i;

function refuseMessage(answer: DialogAnswer): void {
  if (answer.decision === 'deny' && answer.message !== undefined) {
    throw new FlotillaError('INVALID_INPUT', 'this agent takes no message with a refusal', {
      hint: 'deny without --message, then tell it with: flotilla send <agent> <text>',
    });
  }
}
