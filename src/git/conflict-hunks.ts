/**
 * The conflicting parts of files, for showing a person (or an agent asked to fix them) what
 * clashed without sending whole files: each hunk is the text from a `<<<<<<<` line to its
 * `>>>>>>>` line, clipped so one huge conflict cannot flood a page or a prompt.
 */

/** One conflicting file and its conflict hunks (markers included, each clipped). */
export interface ConflictFile {
  path: string;
  hunks: string[];
  /**
   * git's own words about this file ("CONFLICT (modify/delete): a.txt deleted in main and
   * modified in …"): the only explanation for conflicts that leave no markers (delete/modify,
   * binary, file/directory). Absent when git said nothing we could attribute to the file.
   */
  reasons?: string[];
  /** Hunks beyond the per-file limit that were left out. */
  omittedHunks?: number;
}

export const MAX_HUNKS_PER_FILE = 10;
export const MAX_HUNK_LINES = 80;
export const MAX_HUNK_BYTES = 8 * 1024;
/** Files bigger than this are listed with no hunks: reading them costs more than it tells. */
export const MAX_CONFLICT_FILE_BYTES = 1024 * 1024;
/** Beyond this many conflicting files the rest are listed by path only. */
export const MAX_FILES_WITH_HUNKS = 50;

/**
 * The conflict hunks of a file's text. Markers are matched by length, so a file whose content
 * itself holds 7-character markers (git then writes longer ones) still splits correctly.
 */
export function conflictHunks(text: string): { hunks: string[]; omitted: number } {
  const lines = text.split('\n');
  const hunks: string[] = [];
  let omitted = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = /^(<{7,})(?: |$)/.exec(lines[i] as string);
    if (!open) continue;
    const size = (open[1] as string).length;
    const close = new RegExp(`^>{${size}}(?: |$)`);
    let end = i + 1;
    while (end < lines.length && !close.test(lines[end] as string)) end++;
    if (hunks.length < MAX_HUNKS_PER_FILE) hunks.push(clip(lines.slice(i, end + 1)));
    else omitted++;
    i = end;
  }
  return { hunks, omitted };
}

function clip(lines: string[]): string {
  let kept = lines.slice(0, MAX_HUNK_LINES);
  let text = kept.join('\n');
  if (Buffer.byteLength(text) > MAX_HUNK_BYTES) {
    // Cut on a character boundary, then drop the partial last line.
    text = Buffer.from(text)
      .subarray(0, MAX_HUNK_BYTES)
      .toString('utf8')
      .replace(/\uFFFD?$/, '');
    kept = text.split('\n').slice(0, -1);
    text = kept.join('\n');
  }
  const dropped = lines.length - kept.length;
  return dropped > 0 ? `${text}\n… (${dropped} more lines)` : text;
}

/**
 * The ConflictFile of each path, reading at most MAX_FILES_WITH_HUNKS of them through `read`
 * (null: unreadable, too big or gone — listed with no hunks).
 */
export async function conflictFiles(
  paths: readonly string[],
  read: (path: string) => Promise<string | null>,
  reasons: ReadonlyMap<string, string[]> = new Map(),
): Promise<ConflictFile[]> {
  const texts: (string | null)[] = paths.map(() => null);
  // A few reads at a time: each may be a git process, and the machine is shared.
  const wanted = paths.slice(0, MAX_FILES_WITH_HUNKS);
  for (let i = 0; i < wanted.length; i += 4) {
    const batch = wanted.slice(i, i + 4);
    const read4 = await Promise.all(batch.map((p) => read(p)));
    read4.forEach((text, j) => {
      texts[i + j] = text;
    });
  }
  return paths.map((path, i) => {
    const text = texts[i] ?? null;
    // A NUL means binary: git left the file without markers.
    const found = text === null || text.includes('\0') ? { hunks: [], omitted: 0 } : conflictHunks(text);
    const file: ConflictFile = { path, hunks: found.hunks };
    const why = reasons.get(path);
    if (why && why.length > 0) file.reasons = why;
    if (found.omitted > 0) file.omittedHunks = found.omitted;
    return file;
  });
}
