import { FlotillaError } from '../../domain/errors.js';
import { firstNo, oneTimeYes } from '../dialog.js';
import { screenLines } from '../pane.js';
import {
  answerTarget,
  cursorSteps,
  type DialogAnswer,
  dialogGone,
  type ScreenPlan,
  type ScreenStep,
  type SeenDialog,
  type StepCheck,
  sameDialog,
} from '../screen-plan.js';
import { type ClaudeDialog, readClaudeScreen } from './screen.js';

/**
 * Claude Code's screen actions, as measured on 2.1.197 (captures in test/fixtures/claude-code/):
 * - Permission dialog: `❯ 1. Yes / 2. Yes, and don't ask again for … / 3. No`. Enter confirms the
 *   highlighted option. Tab on "No" turns it into "No, and tell Claude what to do differently",
 *   an input: typed text shows as "No, <text>", and Enter sends the refusal with that text as the
 *   tool result ("…To tell you how to proceed, the user said: <text>"); the turn goes on. A plain
 *   "No" ends the turn: "⎿ Interrupted · What should Claude do instead?".
 * - Prompt box: text typed into the `❯` line; a multi-line paste shows "[Pasted text #1 +3 lines]";
 *   Enter submits and empties the box.
 */

/** The refusal marks Claude Code draws under the tool call once "No" is confirmed. */
const REFUSED_RE =
  /Tool use rejected|Not run · rejected|Interrupted\s*·\s*What should Claude do instead|User rejected/i;

const readPermission = (screen: string): SeenDialog | null => {
  const dialog = readClaudeScreen(screen).dialog;
  return dialog === null ? null : { options: dialog.options, identity: dialog.detail };
};

/** Why a dialog that is not a tool permission (trust, API key, a chooser) is not answered here. */
function refuseAnswer(dialog: ClaudeDialog, attach: string): never {
  throw new FlotillaError(
    'CONFLICT',
    `the open dialog is not a tool permission (${dialog.detail}); approve and deny answer only those`,
    { hint: `answer it yourself: ${attach}` },
  );
}

/** The plan that answers the permission dialog on `screen` as the user said. */
export function claudeAnswerPlan(
  screen: string,
  answer: DialogAnswer,
  attachHint: string,
): ScreenPlan | null {
  const dialog = readClaudeScreen(screen).dialog;
  if (dialog === null) return null;
  if (dialog.kind !== 'permission') refuseAnswer(dialog, attachHint);
  const seen: SeenDialog = { options: dialog.options, identity: dialog.detail };
  const options = dialog.options.options;
  const target = answerTarget(options, answer, { yes: oneTimeYes, no: firstNo }, attachHint);
  const chosen = options[target]?.text ?? '';
  const steps = cursorSteps(readPermission, seen, target);
  const message = answer.decision === 'deny' ? answer.message : undefined;
  const texts = options.map((o) => o.text);
  if (message !== undefined) steps.push(...messageSteps(seen, target, texts, message));
  const gone = dialogGone(readPermission, seen);
  steps.push({
    input: { key: 'Enter' },
    what: `confirm '${message === undefined ? chosen : `No, ${message}`}'`,
    expect: (s) => {
      if (!gone(s)) return 'wait';
      // The refused command must not run: Claude Code marks the call rejected at once.
      if (answer.decision === 'deny' && !REFUSED_RE.test(s)) return 'wait';
      return true;
    },
  });
  return { steps, chosen: message === undefined ? chosen : `No, ${message}` };
}

/** Tab turns "No" into an input; the message is typed into it and must show there before Enter. */
function messageSteps(seen: SeenDialog, target: number, texts: string[], message: string): ScreenStep[] {
  const optionText = (s: string) => readPermission(s)?.options.options[target]?.text ?? '';
  const others = (s: string): true | { unexpected: string } => {
    const now = readPermission(s);
    const masked = texts.map((t, i) => (i === target ? (now?.options.options[i]?.text ?? t) : t));
    const same = sameDialog(seen, now, masked);
    return same === true || same === 'wait' ? true : same;
  };
  const typedPrefix = squash(message).slice(0, 24);
  return [
    {
      input: { key: 'Tab' },
      what: `open the "tell Claude what to do differently" field of '${texts[target]}'`,
      expect: (s) => {
        const same = others(s);
        if (same !== true) return same;
        if (readPermission(s)?.options.cursor !== target) return { unexpected: 'the cursor left "No"' };
        return /^no,\s*and tell/i.test(optionText(s)) ? true : 'wait';
      },
    },
    {
      input: { text: message },
      what: 'type the message for Claude',
      expect: (s) => {
        const same = others(s);
        if (same !== true) return same;
        // A long message wraps onto the lines below the option: look at the screen's text.
        const flat = squash(screenLines(s).join(' '));
        return flat.includes(`No, ${typedPrefix}`) ? true : 'wait';
      },
    },
  ];
}

const squash = (s: string) => s.replace(/\s+/g, ' ').trim();

/**
 * The plan that types `text` into Claude Code's prompt box and submits it. Refused while a
 * dialog is open (Enter would confirm its highlighted option: a "send" approved a command) or
 * while the box holds text the user typed and did not send.
 */
export function claudeSendPlan(
  screen: string,
  text: string,
  hints: { attach: string; answer: string },
): ScreenPlan {
  const s = readClaudeScreen(screen);
  if (s.dialog !== null) {
    const answerable = s.dialog.kind === 'permission';
    throw new FlotillaError('DIALOG_OPEN', `a dialog is open (${s.dialog.detail}); nothing was sent`, {
      hint: answerable ? hints.answer : `answer it yourself: ${hints.attach}`,
    });
  }
  if (s.exited) {
    throw new FlotillaError('CONFLICT', 'Claude Code has exited; nothing was sent', { hint: hints.attach });
  }
  if (s.inputBox < 0) {
    throw new FlotillaError('CONFLICT', 'Claude Code shows no prompt box yet; nothing was sent', {
      hint: `try again in a moment, or look: ${hints.attach}`,
    });
  }
  if (s.typed !== '') {
    throw new FlotillaError(
      'CONFLICT',
      `the prompt box holds text nobody sent yet ('${s.typed.slice(0, 60)}'); nothing was sent`,
      { hint: `send or clear it in the agent's terminal: ${hints.attach}` },
    );
  }
  const tail = squash(text).replace(/\s/g, '').slice(-16);
  const typing = typingSteps(text);
  const last = typing.pop() as ScreenStep;
  // The last piece also checks the message's end is in the box: nothing was lost on the way.
  typing.push({ ...last, expect: (sc, before) => lastTyped(last, sc, before, tail) });
  const submit: ScreenStep = {
    input: { key: 'Enter' },
    what: 'submit the message',
    // Submitted: the box is empty again (a dialog may open at once for the next tool call).
    expect: (sc) => {
      const now = readClaudeScreen(sc);
      return now.dialog !== null || now.typed === '' ? true : 'wait';
    },
  };
  return { chosen: 'sent', steps: [...typing, submit] };
}

/**
 * The message typed as a person would: lines joined by Ctrl+J (Claude Code's newline in the
 * prompt box, 2.1.197 and 2.1.332 alike), each line in pieces of at most TYPE_CHUNK characters,
 * each piece seen on screen before the next. Sent in one burst, or as a bracketed paste, Claude
 * Code takes the text for a paste: it shows "[Pasted text #1]", and 2.1.332 sends the model
 * `<pasted_content id=…>` around the user's words instead of the words themselves (measured).
 */
function typingSteps(text: string): ScreenStep[] {
  const steps: ScreenStep[] = [];
  text.split('\n').forEach((line, n) => {
    if (n > 0)
      steps.push({ input: { key: 'C-j' }, what: 'start a new line in the prompt box', expect: changedBox });
    for (let i = 0; i < line.length; i += TYPE_CHUNK) {
      steps.push({
        input: { text: line.slice(i, i + TYPE_CHUNK) },
        what: 'type the message into the prompt box',
        expect: changedBox,
      });
    }
  });
  return steps;
}

/** Characters typed per send: far below what Claude Code takes for a paste. */
const TYPE_CHUNK = 100;

/** The prompt box changed (and no dialog opened): the piece was taken. */
function changedBox(screen: string, before: string): StepCheck {
  const now = readClaudeScreen(screen);
  if (now.dialog !== null) return { unexpected: `a dialog opened: ${now.dialog.detail}` };
  return screen !== before && now.inputBox >= 0 ? true : 'wait';
}

/** The last typing step also checks that the message's end shows in the box. */
function lastTyped(step: ScreenStep, screen: string, before: string, tail: string): StepCheck {
  const changed = step.expect(screen, before);
  if (changed !== true) return changed;
  return screenLines(screen).join('').replace(/\s/g, '').includes(tail) ? true : 'wait';
}
