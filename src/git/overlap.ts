import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlotillaError } from '../domain/errors.js';
import { git } from './exec.js';
import { diffCommits, diffMany, mapLimit, mergeBase, mergeTrees } from './overlap-git.js';
import { type FileChange, type GapRange, type Hunk, lineSpan, mapRange, touches } from './overlap-parse.js';
import { assertRefArgument } from './repo.js';
import { snapshotWorktree } from './worktree-snapshot.js';

export { lineSpan, type MergeOutcome } from './overlap-parse.js';
export { snapshotWorktree, type WorktreeSnapshot } from './worktree-snapshot.js';

/**
 * Conflict prediction across live work: for every pair of live worktrees of a repo, which files
 * both changed, which of their hunks overlap, and whether merging them would conflict.
 *
 * Each side is one commit: its HEAD, or a snapshot of HEAD plus its uncommitted changes
 * (worktree-snapshot.ts). A side's changes are its diff against its fork point (the merge-base
 * with the base branch); overlapping hunks are compared in the fork point's lines, carried
 * across when two sides forked from different commits. Whether a pair conflicts is git's own
 * answer: all the pairs that need it go through one `git merge-tree --write-tree --stdin`.
 *
 * Incremental: every result is cached under the commits it depends on (a side's diff under its
 * commit and fork point, a pair under both), so a recompute redoes only what touches a side
 * that changed. A tracker serves one repo; callers run one `compute` at a time per tracker, and
 * `close` it when done (it keeps a copy of each worktree's index in a temp dir).
 */

/** A live worktree to compare; `id` is the caller's name for it (an agent id). */
export interface LiveWorktree {
  id: string;
  path: string;
  branch: string;
}

/** One side as it was compared. */
export interface OverlapSide {
  id: string;
  branch: string;
  /** The commit compared: HEAD, or the snapshot of the uncommitted changes. */
  commit: string;
  dirty: boolean;
  /** The merge-base with the base branch. */
  forkPoint: string;
  /** Changed paths, against the fork point. */
  files: string[];
}

/** Two hunks, one per side, that overlap; lines of each side's own version of the file. */
export interface HunkOverlap {
  a: [number, number];
  b: [number, number];
}

/** A file both sides changed, or that merging them leaves conflicted. */
export interface FileOverlap {
  path: string;
  overlappingHunks: HunkOverlap[];
  conflicts: boolean;
}

/** A pair with something in common (pairs sharing nothing are left out). */
export interface PairOverlap {
  a: string;
  b: string;
  files: FileOverlap[];
  conflicts: boolean;
}

/** The prediction for a repo at one moment. */
export interface OverlapReport {
  /** The base branch's commit the sides were compared against. */
  baseCommit: string;
  sides: OverlapSide[];
  pairs: PairOverlap[];
  /** Sides that could not be read (gone, broken): left out of every pair. */
  errors: { id: string; message: string }[];
  /** What this compute did not find in its cache. */
  recomputed: { sides: number; pairs: number };
}

/**
 * Worktrees read at once. Reading one is mostly `git status` stat-ing every tracked file: a few
 * at a time keep both cores busy while a process starts or waits; more only queue on the disk.
 */
const READ_CONCURRENCY = 3;

/** At most this many overlapping hunk pairs are listed per file. */
const MAX_HUNK_PAIRS = 50;

interface SideChanges {
  forkPoint: string;
  files: Map<string, FileChange>;
}

interface PairResult {
  files: FileOverlap[];
  conflicts: boolean;
}

/** The prediction for one repo, with its caches. */
export class OverlapTracker {
  private forkPoints = new Map<string, string>();
  private changes = new Map<string, SideChanges>();
  private forkDiffs = new Map<string, Map<string, FileChange>>();
  private pairs = new Map<string, PairResult>();
  /** Where the worktrees' index copies live; made on first use. */
  private cacheDir: Promise<string> | null = null;
  private closed = false;
  /** The index copies made, by worktree path. */
  private copies = new Map<string, string>();

  constructor(private readonly repoPath: string) {}

  /**
   * Drops every cached result, keeping the index copies: the next compute redoes every side and
   * every pair, as the first one after a daemon restart does once the copies are made.
   */
  forget(): void {
    this.forkPoints.clear();
    this.changes.clear();
    this.forkDiffs.clear();
    this.pairs.clear();
  }

  /** Removes the index copies. */
  async close(): Promise<void> {
    this.closed = true;
    const dir = await this.cacheDir?.catch(() => null);
    this.cacheDir = null;
    if (dir) await rm(dir, { recursive: true, force: true });
  }

  /** This tracker's copy of a worktree's index. */
  private async indexCopy(worktreePath: string): Promise<string> {
    // A compute still running when the tracker is closed must not make the temp dir again.
    if (this.closed) throw new FlotillaError('PROCESS_FAILED', 'conflict prediction was stopped');
    this.cacheDir ??= mkdtemp(join(tmpdir(), 'flotilla-overlap-'));
    const name = createHash('sha256').update(worktreePath).digest('hex').slice(0, 24);
    const file = join(await this.cacheDir, `${name}.index`);
    this.copies.set(worktreePath, file);
    return file;
  }

  async compute(base: string, worktrees: readonly LiveWorktree[]): Promise<OverlapReport> {
    assertRefArgument(base);
    const baseRev = await git(this.repoPath, ['rev-parse', '--verify', '--quiet', `${base}^{commit}`], {
      allowFailure: true,
    });
    if (baseRev.code !== 0) {
      throw new FlotillaError('NOT_FOUND', `base '${base}' is not a commit in ${this.repoPath}`, {
        hint: `check it exists: git -C ${this.repoPath} branch`,
      });
    }
    const baseCommit = baseRev.stdout.trim();
    const used = { forks: new Set<string>(), changes: new Set<string>(), forkDiffs: new Set<string>() };
    const recomputed = { sides: 0, pairs: 0 };

    const errors: OverlapReport['errors'] = [];
    const read = await mapLimit(worktrees, READ_CONCURRENCY, async (w) => {
      try {
        const { commit, dirty } = await this.sideCommit(w);
        const forkKey = `${baseCommit}:${commit}`;
        used.forks.add(forkKey);
        let forkPoint = this.forkPoints.get(forkKey);
        if (forkPoint === undefined) {
          forkPoint = await mergeBase(this.repoPath, baseCommit, commit);
          this.forkPoints.set(forkKey, forkPoint);
        }
        return { w, commit, dirty, forkPoint, changeKey: `${forkPoint}:${commit}` };
      } catch (err) {
        errors.push({ id: w.id, message: err instanceof Error ? err.message : String(err) });
        return null;
      }
    });
    // The sides' diffs that are not cached, all from one git process.
    const toDiff = new Map<string, { from: string; to: string }>();
    for (const r of read) {
      if (r === null) continue;
      used.changes.add(r.changeKey);
      if (!this.changes.has(r.changeKey)) toDiff.set(r.changeKey, { from: r.forkPoint, to: r.commit });
    }
    const diffs = await diffMany(this.repoPath, [...toDiff.values()]);
    for (const [i, [key, { from }]] of [...toDiff].entries()) {
      this.changes.set(key, { forkPoint: from, files: diffs[i] as Map<string, FileChange> });
      recomputed.sides++;
    }
    const sides = read
      .filter((r) => r !== null)
      .map((r) => ({ ...r, changes: this.changes.get(r.changeKey) as SideChanges }));

    // Pairs not in the cache: overlap from the diffs, conflicts from one merge-tree process.
    const pairKeys: string[] = [];
    const missing: { key: string; a: (typeof sides)[number]; b: (typeof sides)[number] }[] = [];
    for (let i = 0; i < sides.length; i++) {
      for (let j = i + 1; j < sides.length; j++) {
        const a = sides[i] as (typeof sides)[number];
        const b = sides[j] as (typeof sides)[number];
        const key = `${a.commit}@${a.changes.forkPoint}|${b.commit}@${b.changes.forkPoint}`;
        pairKeys.push(key);
        if (!this.pairs.has(key)) missing.push({ key, a, b });
      }
    }
    const merges = await mergeTrees(
      this.repoPath,
      missing.map((p) => [p.a.commit, p.b.commit] as const),
    );
    for (const [k, p] of missing.entries()) {
      const merge = merges[k] as { conflicts: boolean; files: string[] };
      const files = await this.overlap(p.a.changes, p.b.changes, used.forkDiffs);
      const conflicted = new Set(merge.files);
      for (const f of files) f.conflicts = conflicted.has(f.path);
      for (const path of conflicted) {
        if (!files.some((f) => f.path === path)) files.push({ path, overlappingHunks: [], conflicts: true });
      }
      files.sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0));
      this.pairs.set(p.key, { files, conflicts: merge.conflicts });
      recomputed.pairs++;
    }

    const pairs: PairOverlap[] = [];
    let k = 0;
    for (let i = 0; i < sides.length; i++) {
      for (let j = i + 1; j < sides.length; j++) {
        const result = this.pairs.get(pairKeys[k++] as string) as PairResult;
        if (result.files.length === 0 && !result.conflicts) continue;
        pairs.push({
          a: (sides[i] as (typeof sides)[number]).w.id,
          b: (sides[j] as (typeof sides)[number]).w.id,
          files: result.files.map((f) => ({
            ...f,
            overlappingHunks: f.overlappingHunks.map((h) => ({ ...h })),
          })),
          conflicts: result.conflicts,
        });
      }
    }
    // Keep only what this compute used: the caches hold one generation, so they stay bounded.
    const live = new Set(worktrees.map((w) => w.path));
    for (const [path, file] of this.copies) {
      if (live.has(path)) continue;
      this.copies.delete(path);
      await rm(file, { force: true });
    }
    const keep = new Set(pairKeys);
    this.pairs = new Map([...this.pairs].filter(([key]) => keep.has(key)));
    this.forkPoints = new Map([...this.forkPoints].filter(([key]) => used.forks.has(key)));
    this.changes = new Map([...this.changes].filter(([key]) => used.changes.has(key)));
    this.forkDiffs = new Map([...this.forkDiffs].filter(([key]) => used.forkDiffs.has(key)));

    return {
      baseCommit,
      sides: sides.map((s) => ({
        id: s.w.id,
        branch: s.w.branch,
        commit: s.commit,
        dirty: s.dirty,
        forkPoint: s.changes.forkPoint,
        files: [...s.changes.files.keys()],
      })),
      pairs,
      errors,
      recomputed,
    };
  }

  /** The worktree's snapshot; its branch's tip when the directory is gone (committed work still counts). */
  private async sideCommit(w: LiveWorktree): Promise<{ commit: string; dirty: boolean }> {
    try {
      const snap = await snapshotWorktree(w.path, await this.indexCopy(w.path));
      return { commit: snap.commit, dirty: snap.dirty };
    } catch (err) {
      assertRefArgument(w.branch);
      const tip = await git(
        this.repoPath,
        ['rev-parse', '--verify', '--quiet', `refs/heads/${w.branch}^{commit}`],
        {
          allowFailure: true,
        },
      );
      if (tip.code !== 0) throw err;
      return { commit: tip.stdout.trim(), dirty: false };
    }
  }

  /** Files both sides changed, with their touching hunks in the fork point's lines. */
  private async overlap(a: SideChanges, b: SideChanges, usedForkDiffs: Set<string>): Promise<FileOverlap[]> {
    const out: FileOverlap[] = [];
    let across: Map<string, FileChange> | undefined;
    for (const [path, fa] of a.files) {
      const fb = b.files.get(path);
      if (!fb) continue;
      let aRanges: GapRange[] = fa.hunks.map((h) => h.base);
      if (a.forkPoint !== b.forkPoint) {
        // Different fork points: carry a's ranges into b's fork point through the diff between them.
        if (across === undefined) across = await this.forkDiff(a.forkPoint, b.forkPoint, usedForkDiffs);
        const moved: readonly Hunk[] = across.get(path)?.hunks ?? [];
        aRanges = aRanges.map((r) => mapRange(r, moved));
      }
      const overlappingHunks: HunkOverlap[] = [];
      for (const [i, ha] of fa.hunks.entries()) {
        for (const hb of fb.hunks) {
          if (overlappingHunks.length < MAX_HUNK_PAIRS && touches(aRanges[i] as GapRange, hb.base)) {
            overlappingHunks.push({ a: lineSpan(ha.side), b: lineSpan(hb.side) });
          }
        }
      }
      out.push({ path, overlappingHunks, conflicts: false });
    }
    return out;
  }

  private async forkDiff(from: string, to: string, used: Set<string>): Promise<Map<string, FileChange>> {
    const key = `${from}:${to}`;
    used.add(key);
    let d = this.forkDiffs.get(key);
    if (d === undefined) {
      d = await diffCommits(this.repoPath, from, to);
      this.forkDiffs.set(key, d);
    }
    return d;
  }
}
