/**
 * Labels as the dialog reads them: typed as one line, split on commas and spaces, and checked
 * by the same rules as the server's LabelSchema (src/domain/task.ts) so a bad label is shown
 * next to the field before anything is sent. The server stays the judge; this is a courtesy.
 */

const LABEL = /^[\p{L}\p{N}][\p{L}\p{N}._:/-]*$/u;
const LABEL_MAX = 64;

/** The labels in a comma/space separated line, without duplicates, in the order typed. */
export function parseLabels(text: string): string[] {
  const seen = new Set<string>();
  for (const part of text.split(/[\s,]+/)) if (part !== '') seen.add(part);
  return [...seen];
}

/** What is wrong with the labels, one sentence per bad label (empty when all are good). */
export function labelProblems(labels: readonly string[]): string[] {
  const problems: string[] = [];
  for (const label of labels) {
    if (label.length > LABEL_MAX)
      problems.push(`“${label.slice(0, 20)}…” is longer than ${LABEL_MAX} characters`);
    else if (!LABEL.test(label))
      problems.push(`“${label}”: a label is letters, digits and . _ : / - (starting with a letter or digit)`);
  }
  return problems;
}

/** Same members, in any order. */
export function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((x) => set.has(x));
}
