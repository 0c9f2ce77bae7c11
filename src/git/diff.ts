import { lstat, readFile, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { git, gitReason } from './exec.js';
import { assertRefArgument } from './repo.js';

/**
 * A worktree's changes against its base, for the API and the web view: unified diff text plus
 * per-file stats. Untracked files are part of an agent's work even before it commits them, so
 * they are shown as new files; their diff is written here rather than by staging them, which
 * would touch the agent's index.
 */

/** Lines added/removed in one file. */
export interface FileDiffStat {
  path: string;
  /** Set when git detected a rename. */
  oldPath?: string;
  insertions: number;
  deletions: number;
  binary: boolean;
  /** Not yet known to git (new, uncommitted, not ignored). */
  untracked: boolean;
}

/** The diff of a worktree against a base. */
export interface WorktreeDiff {
  base: string;
  files: FileDiffStat[];
  /** Unified diff text (tracked changes from git, then untracked files as new files). */
  diff: string;
}

/** Untracked files larger than this are listed but their content is not shown. */
const MAX_UNTRACKED_BYTES = 512 * 1024;
const MAX_UNTRACKED_FILES = 500;

/** Parse `git diff --numstat -z`; binary files count as changed with 0 lines. */
export function parseNumstat(out: string): FileDiffStat[] {
  const files: FileDiffStat[] = [];
  const tokens = out.split('\0');
  for (let i = 0; i < tokens.length; i++) {
    const m = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(tokens[i] as string);
    if (!m) continue;
    const binary = m[1] === '-';
    const entry = { insertions: binary ? 0 : Number(m[1]), deletions: binary ? 0 : Number(m[2]), binary };
    if (m[3] === '') {
      // A rename under -z: "<ins>\t<del>\t\0<old>\0<new>\0".
      files.push({ ...entry, oldPath: tokens[i + 1] ?? '', path: tokens[i + 2] ?? '', untracked: false });
      i += 2;
    } else {
      files.push({ ...entry, path: m[3] as string, untracked: false });
    }
  }
  return files;
}

export interface DiffOptions {
  /** Show untracked, non-ignored files as new files. Default true. */
  includeUntracked?: boolean;
}

export async function diffAgainstBase(
  path: string,
  base: string,
  options: DiffOptions = {},
): Promise<WorktreeDiff> {
  assertRefArgument(base);
  const flags = ['--no-color', '--no-ext-diff', '--no-textconv'];
  const quiet = { allowFailure: true, noOptionalLocks: true };
  const [numstat, patch, others] = await Promise.all([
    git(path, ['diff', '--numstat', '-z', ...flags, base, '--'], quiet),
    git(path, ['diff', ...flags, base, '--'], quiet),
    options.includeUntracked === false
      ? null
      : git(path, ['ls-files', '--others', '--exclude-standard', '-z'], quiet),
  ]);
  for (const r of [numstat, patch, others]) {
    if (r && r.code !== 0) {
      throw new FlotillaError('NOT_FOUND', `cannot diff ${path} against '${base}': ${gitReason(r)}`, {
        hint: 'check that the worktree exists and the base ref was not deleted',
      });
    }
  }
  const files = parseNumstat(numstat.stdout);
  let diff = patch.stdout;
  const untracked = (others?.stdout ?? '').split('\0').filter((p) => p !== '');
  for (const [i, rel] of untracked.entries()) {
    const shown = i < MAX_UNTRACKED_FILES ? await newFileDiff(path, rel) : null;
    files.push({
      path: rel,
      insertions: shown?.lines ?? 0,
      deletions: 0,
      binary: shown?.binary ?? false,
      untracked: true,
    });
    if (shown) diff += shown.text;
  }
  return { base, files, diff };
}

/** A git-style "new file" diff for one untracked file. */
async function newFileDiff(
  root: string,
  rel: string,
): Promise<{ text: string; lines: number; binary: boolean }> {
  const abs = join(root, rel);
  const st = await lstat(abs);
  const mode = st.isSymbolicLink() ? '120000' : st.mode & 0o111 ? '100755' : '100644';
  const header = `diff --git a/${rel} b/${rel}\nnew file mode ${mode}\n`;
  let content: Buffer;
  if (st.isSymbolicLink()) content = Buffer.from(await readlink(abs));
  else if (st.size > MAX_UNTRACKED_BYTES)
    return { text: `${header}(new file of ${st.size} bytes, not shown)\n`, lines: 0, binary: true };
  else content = await readFile(abs);
  if (content.length === 0) return { text: header, lines: 0, binary: false };
  if (content.includes(0)) {
    return { text: `${header}Binary files /dev/null and b/${rel} differ\n`, lines: 0, binary: true };
  }
  const text = content.toString('utf8');
  const noEol = !text.endsWith('\n');
  const lines = (noEol ? text : text.slice(0, -1)).split('\n');
  const range = lines.length === 1 ? '+1' : `+1,${lines.length}`;
  const body = lines.map((l) => `+${l}\n`).join('') + (noEol ? '\\ No newline at end of file\n' : '');
  return {
    text: `${header}--- /dev/null\n+++ b/${rel}\n@@ -0,0 ${range} @@\n${body}`,
    lines: lines.length,
    binary: false,
  };
}
