/**
 * Does an agent's final message of a turn ask the user something they must answer before work
 * can go on? A turn that ends is either finished ("Done: added the test, all green") or blocked
 * on the user ("Should the docs go in README or docs/?"). Treating both as "waiting for you"
 * buries real questions under finished work, so the rule is deliberately narrow:
 *
 * 1. Only the last paragraph counts (code blocks removed): a question earlier in the message
 *    was answered by the agent itself or is rhetorical.
 * 2. It asks when that paragraph has a sentence ending in "?" (closing quotes, brackets, `*`
 *    and emoji after it allowed) near its end: at most one sentence may follow, a short one or
 *    one in parentheses ("(I only searched this repo.)"). A question the agent answers itself
 *    ("Why did it fail? Because …. I fixed it.") is not one for the user.
 * 3. …unless every such sentence is a courtesy offer of more work after the work is done —
 *    "Would you like me to also add tests?", "Anything else?", "Want me to open a PR next?":
 *    an offer opener together with "also", "else", "more", "next", "further", "as well",
 *    "additionally", "other", "follow-up" or "a PR". An offer without those words ("Should I
 *    use Postgres or SQLite?") is a real question.
 * 4. "Let me know if …" without a question mark is a courtesy, not a question.
 *
 * The rule is checked on a corpus of final messages in test/unit/agents/question.test.ts.
 */

const FENCE_RE = /```[\s\S]*?(?:```|$)/g;
const QUESTION_END_RE = /\?(?:[\s"'”’)\]*_~`»]|\p{Extended_Pictographic}|\uFE0F)*$/u;
const OFFER_OPEN_RE =
  /^(?:(?:would|do|did|shall|should|can|could) (?:you (?:like|want)(?: me)?|i)|want me|need me|anything|is there anything|if you(?:'d| would) like|happy to|let me know)\b/i;
const OFFER_MORE_RE =
  /\b(?:also|else|more|next|further|as well|additionally|another|other|follow[- ]?up|a PR|a pull request|commit (?:this|these|it|them))\b/i;

/** The last paragraph of `message`, code blocks removed, whitespace folded. */
export function lastParagraph(message: string): string {
  const paragraphs = message
    .replace(FENCE_RE, '\n\n')
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '');
  return paragraphs.at(-1) ?? '';
}

/** The sentences of a paragraph (split after . ! ? followed by a space), trimmed. */
function sentences(paragraph: string): string[] {
  return paragraph
    .split(/(?<=[.!?])\s+(?=\S)/u)
    .map((s) => s.replace(/^[-*•>\d.)\s]+/u, '').trim())
    .filter((s) => s !== '');
}

/** What may follow a question that still waits for the user: nothing, or one short aside. */
function trailsOff(after: string[]): boolean {
  if (after.length === 0) return true;
  if (after.length > 1) return false;
  const [aside] = after as [string];
  return aside.startsWith('(') || aside.length < 60;
}

/** The question the message ends on, or null when the turn simply finished. */
export function questionAsked(message: string | null | undefined): string | null {
  if (!message) return null;
  const last = lastParagraph(message);
  const all = sentences(last);
  const questions = all.filter((s, i) => QUESTION_END_RE.test(s) && trailsOff(all.slice(i + 1)));
  if (questions.length === 0) return null;
  const real = questions.filter((q) => !(OFFER_OPEN_RE.test(q) && OFFER_MORE_RE.test(q)));
  return real.length === 0 ? null : real.join(' ');
}
