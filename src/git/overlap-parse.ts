/**
 * Pure parts of conflict prediction (overlap.ts): reading `git diff-tree --raw -z -p -U0` and
 * `git merge-tree --stdin` output, and comparing line ranges. No I/O, so each rule is testable
 * on its own.
 *
 * Positions are *gaps* between lines: gap p lies after line p (gap 0 is the top of the file).
 * A hunk that replaces lines a..a+n-1 covers gaps [a-1, a-1+n]; a pure insertion after line a
 * is the point [a, a]. Two ranges *touch* when they share a gap, which is exactly when git's
 * three-way merge would put them in one conflict region (changes to adjacent lines conflict).
 */

/** A range of gaps, both ends included. */
export type GapRange = readonly [number, number];

/** One hunk of a side's diff against its fork point. */
export interface Hunk {
  /** The lines of the fork point's file it replaces, as gaps. */
  base: GapRange;
  /** The lines of the side's own file it wrote, as gaps. */
  side: GapRange;
}

/** Gaps as the lines a person reads: 1-based, inclusive; a point (lines removed, none added) is [p, p], p the line before it. */
export function lineSpan(range: GapRange): [number, number] {
  return range[0] === range[1] ? [range[0], range[0]] : [range[0] + 1, range[1]];
}

/** One changed file of a side: its hunks (none for a binary file, a mode change, a submodule). */
export interface FileChange {
  path: string;
  hunks: Hunk[];
  /** No line ranges are known for it (binary, or the patch could not be matched): the whole file counts. */
  wholeFile: boolean;
}

const HUNK_HEADER = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/;

/** The gaps of a `-a,b` (or `+c,d`) hunk header range. */
function gaps(start: number, count: number): GapRange {
  return count === 0 ? [start, start] : [start - 1, start - 1 + count];
}

/**
 * Parses `git diff-tree -r -z --raw -p -U0 --no-renames`: the raw records give each path exactly
 * (no quoting), then the patch gives one `diff --git` block per record, in the same order.
 */
export function parseRawPatch(out: string): Map<string, FileChange> {
  const paths: string[] = [];
  let pos = 0;
  while (out[pos] === ':') {
    const metaEnd = out.indexOf('\0', pos);
    const pathEnd = metaEnd < 0 ? -1 : out.indexOf('\0', metaEnd + 1);
    if (pathEnd < 0) break;
    paths.push(out.slice(metaEnd + 1, pathEnd));
    pos = pathEnd + 1;
  }
  if (out[pos] === '\0') pos++;
  const blocks = out
    .slice(pos)
    .split(/^(?=diff --git )/m)
    .filter((b) => b.startsWith('diff --git '));
  const matched = blocks.length === paths.length;
  const files = new Map<string, FileChange>();
  for (const [i, path] of paths.entries()) {
    const block = matched ? (blocks[i] as string) : '';
    const hunks: Hunk[] = [];
    for (const line of block.split('\n')) {
      const m = HUNK_HEADER.exec(line);
      if (!m) continue;
      hunks.push({
        base: gaps(Number(m[1]), m[2] === undefined ? 1 : Number(m[2])),
        side: gaps(Number(m[3]), m[4] === undefined ? 1 : Number(m[4])),
      });
    }
    files.set(path, { path, hunks, wholeFile: hunks.length === 0 });
  }
  return files;
}

/** Whether two gap ranges share a gap (overlap, or changes on adjacent lines). */
export function touches(a: GapRange, b: GapRange): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/**
 * Carries a range of one commit's file into another commit's file, through the hunks of the
 * diff between the two (`base` gaps are the first commit's, `side` gaps the second's). A
 * position inside a changed region widens to the whole region: the result is never narrower.
 */
export function mapRange(range: GapRange, through: readonly Hunk[]): GapRange {
  const map = (p: number, end: 0 | 1): number => {
    let delta = 0;
    for (const h of through) {
      if (p < h.base[0]) break;
      if (p <= h.base[1]) return h.side[end];
      delta = h.side[1] - h.base[1];
    }
    return p + delta;
  };
  return [map(range[0], 0), map(range[1], 1)];
}

/** One merge of `git merge-tree --write-tree --name-only --no-messages --stdin`. */
export interface MergeOutcome {
  conflicts: boolean;
  /** Paths with conflicts (each once). */
  files: string[];
}

/**
 * Parses `--stdin` output: per merge, `<1 clean | 0 conflicted>\0<tree>\0<path>\0…\0` (the empty
 * record closes the conflicted-file list; `--no-messages` drops the messages section).
 */
export function parseMergeTreeStdin(out: string): MergeOutcome[] {
  const tokens = out.split('\0');
  const results: MergeOutcome[] = [];
  let i = 0;
  while (i + 1 < tokens.length && (tokens[i] === '0' || tokens[i] === '1')) {
    const conflicts = tokens[i] === '0';
    i += 2; // status, tree
    const files: string[] = [];
    while (i < tokens.length && tokens[i] !== '') files.push(tokens[i++] as string);
    i++; // the closing empty record
    results.push({ conflicts, files });
  }
  return results;
}
