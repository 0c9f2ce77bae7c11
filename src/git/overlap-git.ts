import { FlotillaError } from '../domain/errors.js';
import { git, gitReason } from './exec.js';
import { type FileChange, type MergeOutcome, parseMergeTreeStdin, parseRawPatch } from './overlap-parse.js';

/**
 * The git processes of conflict prediction (overlap.ts), batched where git can: every side's
 * diff through one `diff-tree --stdin`, every pair's merge through one `merge-tree --stdin`.
 */

const DIFF_ARGS = [
  'diff-tree',
  '-r',
  '-z',
  '--raw',
  '-p',
  '-U0',
  '--no-renames',
  '--no-ext-diff',
  '--no-textconv',
];

export async function mergeBase(repoPath: string, a: string, b: string): Promise<string> {
  const r = await git(repoPath, ['merge-base', a, b], { allowFailure: true });
  if (r.code !== 0) {
    throw new FlotillaError(
      'PROCESS_FAILED',
      `no merge-base of ${a.slice(0, 12)} and ${b.slice(0, 12)}: ${gitReason(r)}`,
    );
  }
  return r.stdout.trim();
}

export async function diffCommits(
  repoPath: string,
  from: string,
  to: string,
): Promise<Map<string, FileChange>> {
  const r = await git(repoPath, [...DIFF_ARGS, from, to], { allowFailure: true });
  if (r.code !== 0) throw new FlotillaError('PROCESS_FAILED', `git diff-tree failed: ${gitReason(r)}`);
  return parseRawPatch(r.stdout);
}

/**
 * Several diffs through one `diff-tree --stdin`: a line `<to> <from>` diffs `from` → `to`, and
 * each diff opens with `<to>\0` (`--always`: even an empty one), which splits the output.
 */
export async function diffMany(
  repoPath: string,
  pairs: readonly { from: string; to: string }[],
): Promise<Map<string, FileChange>[]> {
  if (pairs.length <= 1) return Promise.all(pairs.map((p) => diffCommits(repoPath, p.from, p.to)));
  const r = await git(repoPath, [...DIFF_ARGS, '--stdin', '--always'], {
    allowFailure: true,
    input: pairs.map((p) => `${p.to} ${p.from}\n`).join(''),
  });
  if (r.code !== 0) throw new FlotillaError('PROCESS_FAILED', `git diff-tree failed: ${gitReason(r)}`);
  const starts: number[] = [];
  let at = 0;
  for (const p of pairs) {
    const i = r.stdout.indexOf(`${p.to}\0`, at);
    if (i < 0)
      throw new FlotillaError('PROCESS_FAILED', `git diff-tree --stdin left out ${p.to.slice(0, 12)}`);
    starts.push(i);
    at = i + p.to.length + 1;
  }
  return pairs.map((p, k) =>
    parseRawPatch(r.stdout.slice((starts[k] as number) + p.to.length + 1, starts[k + 1] ?? r.stdout.length)),
  );
}

/** Each merge's outcome, through one `merge-tree --stdin`; one by one if that process fails. */
export async function mergeTrees(
  repoPath: string,
  pairs: readonly (readonly [string, string])[],
): Promise<MergeOutcome[]> {
  if (pairs.length === 0) return [];
  const args = ['merge-tree', '--write-tree', '--name-only', '--no-messages'];
  const batch = await git(repoPath, [...args, '--stdin'], {
    allowFailure: true,
    input: pairs.map(([a, b]) => `${a} ${b}\n`).join(''),
  });
  const parsed = batch.code === 0 ? parseMergeTreeStdin(batch.stdout) : [];
  if (parsed.length === pairs.length) return parsed;
  return mapLimit(pairs, 2, async ([a, b]) => {
    const r = await git(repoPath, [...args, '-z', a, b], { allowFailure: true });
    if (r.code !== 0 && r.code !== 1) {
      throw new FlotillaError('PROCESS_FAILED', `git merge-tree failed: ${gitReason(r)}`, {
        hint: 'conflict prediction needs git 2.38 or newer (merge-tree --write-tree)',
      });
    }
    const [, ...files] = r.stdout.split('\0').filter((t) => t !== '');
    return { conflicts: r.code === 1, files };
  });
}

/** Runs `fn` over `items`, at most `limit` at a time, results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
