import { FlotillaError } from '../domain/errors.js';

/**
 * Text a user sends to an agent is text, never keystrokes. Typed into a terminal, an ESC byte
 * is the Escape key (it interrupts Claude Code), ETX is Ctrl+C (SIGINT), a lone CR is Enter (one
 * message became two prompts) and a tab is the Tab key. So control characters are refused with
 * their position, and line breaks are normalised to LF: the agent's adapter delivers a
 * multi-line message as one message (Claude Code: Ctrl+J between lines).
 */

/** C0 controls but LF, DEL, and the C1 range. CR is normalised before this runs. */
function firstControl(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f)) return i;
  }
  return -1;
}

const NAMES: Record<number, string> = {
  0: 'NUL',
  3: 'Ctrl+C (ETX)',
  4: 'Ctrl+D (EOT)',
  8: 'backspace',
  9: 'a tab (the Tab key in a prompt box; use spaces)',
  26: 'Ctrl+Z (SUB)',
  27: 'ESC',
  127: 'DEL',
};

export interface MessageTextOptions {
  /** What the text is, in errors: "message", "deny message". */
  label: string;
  /** Whether line breaks are allowed (the message still arrives as one message). */
  multiline: boolean;
  /** Shown as the hint for keys the user really meant to press. */
  attachHint: string;
}

/** The text as it will be delivered (line breaks as LF), or an INVALID_INPUT error naming the problem. */
export function checkMessageText(text: string, options: MessageTextOptions): string {
  const normalised = text.replace(/\r\n?/g, '\n');
  if (normalised.trim() === '') {
    throw new FlotillaError('INVALID_INPUT', `the ${options.label} is empty`, {
      hint: 'give the text to send as an argument',
    });
  }
  const at = firstControl(normalised);
  if (at >= 0) {
    const code = normalised.charCodeAt(at);
    const name = NAMES[code] ?? 'a control character';
    const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
    throw new FlotillaError(
      'INVALID_INPUT',
      `the ${options.label} contains ${name} (${hex}) at position ${at + 1}: only text is sent, never keys`,
      { hint: options.attachHint },
    );
  }
  if (!options.multiline && normalised.includes('\n')) {
    throw new FlotillaError('INVALID_INPUT', `the ${options.label} must be one line`, {
      hint: 'send longer instructions afterwards with: flotilla send <agent> <text>',
    });
  }
  return normalised;
}
