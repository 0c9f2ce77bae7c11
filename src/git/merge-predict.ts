import { FlotillaError } from '../domain/errors.js';
import {
  type ConflictFile,
  conflictFiles,
  MAX_CONFLICT_FILE_BYTES,
  MAX_FILES_WITH_HUNKS,
} from './conflict-hunks.js';
import { git, gitReason } from './exec.js';
import { resolveRef } from './repo.js';

/**
 * "Would this branch land cleanly?" answered without touching any worktree or index:
 * `git merge-tree --write-tree` (git ≥ 2.38) merges in memory and writes the result — conflict
 * markers included — as a tree object, so the hunks are read from that tree. The objects it
 * writes are unreferenced and go with git's next gc.
 */

export interface MergePrediction {
  clean: boolean;
  conflicts: ConflictFile[];
}

/** The raw in-memory merge: the tree it wrote and, when not clean, the conflicting paths. */
export interface TreeMerge {
  /** Tree of the merge result; with conflicts, files carry the markers. */
  tree: string;
  clean: boolean;
  conflicts: ConflictFile[];
}

export async function predictMerge(repoPath: string, base: string, branch: string): Promise<MergePrediction> {
  const { clean, conflicts } = await mergeTrees(repoPath, base, branch);
  return { clean, conflicts };
}

/** Merge `branch` into `base` in memory (no worktree, no index, no ref moved). */
export async function mergeTrees(repoPath: string, base: string, branch: string): Promise<TreeMerge> {
  // Resolved first for a clear NOT_FOUND; merged by the names given, which label the markers.
  await Promise.all([resolveRef(repoPath, base), resolveRef(repoPath, branch)]);
  const result = await git(repoPath, ['merge-tree', '--write-tree', '--name-only', '-z', base, branch], {
    allowFailure: true,
  });
  if (result.code !== 0 && result.code !== 1) {
    if (result.code === 129 || /write-tree|name-only/.test(result.stderr)) {
      throw new FlotillaError(
        'TOOL_MISSING',
        'this git is too old to merge in memory: landing needs git ≥ 2.38',
        {
          hint: 'upgrade git (git --version shows the one on PATH)',
        },
      );
    }
    if (/unrelated histories/.test(result.stderr)) {
      throw new FlotillaError(
        'CONFLICT',
        `${branch} and ${base} share no history: there is nothing to merge onto`,
        {
          hint: 'land only branches that were started from the base branch',
        },
      );
    }
    throw new FlotillaError(
      'PROCESS_FAILED',
      `git merge-tree ${base} ${branch} failed: ${gitReason(result)}`,
    );
  }
  const parsed = parseMergeTreeZ(result.stdout);
  if (result.code === 0) return { tree: parsed.tree, clean: true, conflicts: [] };
  const conflicts = await conflictFiles(
    parsed.paths,
    treeReader(repoPath, parsed.tree, parsed.paths),
    parsed.reasons,
  );
  return { tree: parsed.tree, clean: false, conflicts };
}

/**
 * Parse `merge-tree --write-tree --name-only -z`: "<tree>\0", then (on conflict) "<path>\0"…
 * "\0", then messages as "<n>\0<path>\0…<type>\0<message>\0". Messages are kept per conflicting
 * path; "Auto-merging" notes are not reasons.
 */
export function parseMergeTreeZ(out: string): {
  tree: string;
  paths: string[];
  reasons: Map<string, string[]>;
} {
  const tokens = out.split('\0');
  const tree = tokens[0]?.trim() ?? '';
  const paths: string[] = [];
  let i = 1;
  while (i < tokens.length && tokens[i] !== '') paths.push(tokens[i++] as string);
  i++;
  const conflicting = new Set(paths);
  const reasons = new Map<string, string[]>();
  while (i < tokens.length) {
    const n = Number(tokens[i]);
    if (!Number.isInteger(n) || n < 0 || tokens[i] === '') break;
    const about = tokens.slice(i + 1, i + 1 + n);
    const type = tokens[i + 1 + n] ?? '';
    const message = (tokens[i + 2 + n] ?? '').trim();
    i += n + 3;
    if (type === 'Auto-merging' || message === '') continue;
    for (const path of about) {
      if (!conflicting.has(path)) continue;
      const list = reasons.get(path) ?? [];
      if (!list.includes(message)) list.push(message);
      reasons.set(path, list);
    }
  }
  return { tree, paths, reasons };
}

/** Reads conflicting files out of the merged tree, skipping links, submodules and big files. */
function treeReader(repoPath: string, tree: string, paths: readonly string[]) {
  let entries: Promise<Map<string, { oid: string; size: number }>> | null = null;
  const list = async () => {
    const out = await git(repoPath, [
      '--literal-pathspecs',
      'ls-tree',
      '-z',
      '-l',
      '--full-tree',
      tree,
      '--',
      ...paths.slice(0, MAX_FILES_WITH_HUNKS),
    ]);
    const map = new Map<string, { oid: string; size: number }>();
    for (const record of out.stdout.split('\0')) {
      const m = /^100\d{3} blob ([0-9a-f]+) +(\d+)\t(.*)$/s.exec(record);
      if (m) map.set(m[3] as string, { oid: m[1] as string, size: Number(m[2]) });
    }
    return map;
  };
  return async (path: string): Promise<string | null> => {
    entries ??= list();
    const entry = (await entries).get(path);
    if (!entry || entry.size > MAX_CONFLICT_FILE_BYTES) return null;
    const blob = await git(repoPath, ['cat-file', 'blob', entry.oid], { allowFailure: true });
    return blob.code === 0 ? blob.stdout : null;
  };
}
