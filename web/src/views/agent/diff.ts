/**
 * Splits a worktree's unified diff (one text for all files, as `GET /worktrees/:id/diff` sends
 * it) into one piece per file, and classifies lines for colouring. Pure, so it is unit-tested.
 */

/** The kind of a diff line; the +/− prefix stays in the text, so colour is never the only cue. */
export type DiffLineKind = 'add' | 'del' | 'hunk' | 'meta' | 'context';

export interface DiffFilePart {
  /** The path as the header names it (the new side, `b/…`). */
  path: string;
  text: string;
}

const HEADER = /^diff --git /m;

/** The new-side path of a `diff --git a/x b/y` header, unquoting git's C-style quoting. */
export function headerPath(header: string): string {
  const rest = header.replace(/^diff --git /, '');
  const quoted = rest.match(/"b\/((?:[^"\\]|\\.)*)"$/);
  if (quoted?.[1] !== undefined) return quoted[1].replace(/\\(.)/g, '$1');
  // Unquoted: `a/<p> b/<p>`; when both sides are equal the split is in the middle.
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3)) return rest.slice(half + 3);
  const at = rest.lastIndexOf(' b/');
  return at === -1 ? rest : rest.slice(at + 3);
}

/** One part per `diff --git` header, in order; text before the first header is dropped. */
export function splitDiff(diff: string): DiffFilePart[] {
  const parts: DiffFilePart[] = [];
  const starts: number[] = [];
  const re = new RegExp(HEADER.source, 'gm');
  for (let m = re.exec(diff); m; m = re.exec(diff)) starts.push(m.index);
  for (const [i, start] of starts.entries()) {
    const end = starts[i + 1] ?? diff.length;
    const text = diff.slice(start, end).replace(/\n$/, '');
    const header = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
    parts.push({ path: headerPath(header), text });
  }
  return parts;
}

/** Finds the part of each listed file: by path, then by old path (a rename's header). */
export function partsByPath(
  parts: readonly DiffFilePart[],
  files: readonly { path: string; oldPath?: string }[],
): Map<string, string> {
  const byPath = new Map(parts.map((p) => [p.path, p.text]));
  const out = new Map<string, string>();
  for (const f of files) {
    const text = byPath.get(f.path) ?? (f.oldPath ? byPath.get(f.oldPath) : undefined);
    if (text !== undefined) out.set(f.path, text);
  }
  return out;
}

export function lineKind(line: string, inHunk: boolean): DiffLineKind {
  if (line.startsWith('@@')) return 'hunk';
  if (!inHunk) return 'meta';
  if (line.startsWith('+')) return 'add';
  if (line.startsWith('-')) return 'del';
  if (line.startsWith('\\')) return 'meta';
  return 'context';
}

/** Lines of one file's part with their kinds (`---`/`+++` headers are meta, not changes). */
export function classify(text: string): { text: string; kind: DiffLineKind }[] {
  let inHunk = false;
  return text.split('\n').map((line) => {
    if (line.startsWith('@@')) inHunk = true;
    else if (line.startsWith('diff --git ')) inHunk = false;
    return { text: line, kind: lineKind(line, inHunk) };
  });
}
