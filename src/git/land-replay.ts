import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git, gitReason } from './exec.js';

/**
 * `git rebase --merge --onto <base> <base> <tip>` without a worktree, for a landing that has no
 * verify command to run: checking out a scratch worktree is nearly all a landing costs on a big
 * repository, and the landing only needs the commit. git 2.39 has neither `git replay` nor
 * `merge-tree --merge-base`, so each pick is `merge-tree --write-tree` of a throwaway commit
 * (the tree built so far, with the picked commit's parent as its parent: that parent becomes
 * the one merge base, exactly the cherry-pick's) and the picked commit, then a commit object
 * written with the original author line and message, committed by the landing identity.
 *
 * It follows the rebase rule for rule (what rebase does is the contract, and the tests compare
 * the two commit for commit): commits whose patch the base already has are skipped, a pick
 * whose parent is the tip so far is reused as is (so a branch on top of the base comes back
 * unchanged), a commit that becomes empty is dropped, one that started empty is kept. Wherever
 * it could not promise the rebase's result, it says so and the caller rebases in a worktree:
 * merge commits, conflicts, merges that involve more than a plain content merge, attributes
 * that steer a content merge, config that changes how rebase writes commits, data that is not
 * UTF-8.
 */

export type Replay = { ok: true; commit: string } | { ok: false; why: string };

interface RawCommit {
  tree: string;
  parents: string[];
  /** The author line after "author ", byte for byte as rebase copies it. */
  author: string;
  /** The message as rebase takes it: from the first non-blank line. */
  message: string;
  encoded: boolean;
}

interface Pick {
  sha: string;
  parent: string;
  /** `git rev-list --cherry-mark`: the base already has an equivalent patch. */
  patchSame: boolean;
}

/** Config that makes rebase write commits differently from what is built here. */
const CONFIG_KEYS = /^(commit\.(gpgsign|cleanup)|i18n\.commitencoding|merge\.renormalize|pull\.twohead)$/;
const THROWAWAY_IDENT = 'Flotilla <flotilla@localhost> 0 +0000';
const LONG = 10 * 60_000;

export async function replayInMemory(
  repoPath: string,
  base: string,
  tip: string,
  env: NodeJS.ProcessEnv,
): Promise<Replay> {
  // rebase's own todo list: the right side of base...tip, oldest first, patch-equivalents marked.
  const listed = await git(
    repoPath,
    [
      'rev-list',
      '--cherry-mark',
      '--right-only',
      '--parents',
      '--reverse',
      '--topo-order',
      `${base}...${tip}`,
      '--',
    ],
    { env, timeoutMs: LONG },
  );
  const picks: Pick[] = [];
  for (const line of listed.stdout.split('\n').filter((l) => l !== '')) {
    const [marked = '', ...parents] = line.split(' ');
    // A merge drops out of a rebase without --rebase-merges, and a root has no cherry-pick base.
    if (parents.length !== 1) return { ok: false, why: `${marked.slice(1)} is a merge or a root commit` };
    picks.push({ sha: marked.slice(1), parent: parents[0] as string, patchSame: marked.startsWith('=') });
  }
  // A branch on top of the base: rebase fast-forwards, every commit kept as it is.
  if (picks[0]?.parent === base) return { ok: true, commit: tip };

  const [config, objects, committer, gitDir] = await Promise.all([
    git(repoPath, ['config', '-z', '--get-regexp', CONFIG_KEYS.source], { env, allowFailure: true }),
    readCommits(repoPath, [base, ...new Set(picks.flatMap((p) => [p.parent, p.sha]))], env),
    git(repoPath, ['var', 'GIT_COMMITTER_IDENT'], { env }),
    git(repoPath, ['rev-parse', '--absolute-git-dir'], { env }),
  ]);
  const steering = steeringConfig(config.stdout);
  if (steering) return { ok: false, why: `${steering} is set` };
  if (objects === null) return { ok: false, why: 'a commit is not UTF-8' };

  // merge-tree reads .gitattributes relative to where it runs: an empty directory keeps the
  // user's checkout out of it (the rebase would read the scratch worktree's, checked below).
  const empty = await mkdtemp(join(tmpdir(), 'flotilla-replay-'));
  try {
    const replay = new Replayer(repoPath, gitDir.stdout.trim(), empty, env);
    let current = base;
    let currentTree = objects.get(base)?.tree as string;
    for (const pick of picks) {
      const commit = objects.get(pick.sha) as RawCommit;
      const startedEmpty = commit.tree === objects.get(pick.parent)?.tree;
      if (pick.patchSame && !startedEmpty) continue;
      if (commit.encoded) return { ok: false, why: `${pick.sha} has an encoding header` };
      const merged = await replay.pick(currentTree, pick);
      if (!merged.ok) return merged;
      if (merged.tree === currentTree && !startedEmpty) continue; // became empty: dropped
      current = await replay.write(
        `tree ${merged.tree}\nparent ${current}\nauthor ${commit.author}\ncommitter ${committer.stdout.trim()}\n\n${commit.message}`,
      );
      currentTree = merged.tree;
    }
    return { ok: true, commit: current };
  } finally {
    await rm(empty, { recursive: true, force: true });
  }
}

class Replayer {
  constructor(
    private readonly repoPath: string,
    private readonly gitDir: string,
    private readonly empty: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** The cherry-pick of `pick` onto a tree: merge base its parent, as the sequencer merges. */
  async pick(
    currentTree: string,
    pick: Pick,
  ): Promise<{ ok: true; tree: string } | { ok: false; why: string }> {
    const ours = await this.write(
      `tree ${currentTree}\nparent ${pick.parent}\nauthor ${THROWAWAY_IDENT}\ncommitter ${THROWAWAY_IDENT}\n\nreplay\n`,
    );
    const merged = await git(
      this.empty,
      [
        '--git-dir',
        this.gitDir,
        '--work-tree',
        this.empty,
        'merge-tree',
        '--write-tree',
        '--messages',
        '-z',
        ours,
        pick.sha,
      ],
      { env: this.env, allowFailure: true, timeoutMs: LONG },
    );
    if (merged.code === 1) return { ok: false, why: `${pick.sha} conflicts` };
    if (merged.code !== 0) return { ok: false, why: `merge-tree failed: ${gitReason(merged)}` };
    const [tree = '', ...rest] = merged.stdout.split('\0');
    const merges = contentMerges(rest);
    if (merges === null) return { ok: false, why: `${pick.sha} merges more than file contents` };
    if (merges.length > 0 && (await this.attributesSteer(currentTree, merges))) {
      return { ok: false, why: `attributes steer the merge of ${merges.join(', ')}` };
    }
    return { ok: true, tree };
  }

  /** Writes a commit object exactly as given. */
  async write(text: string): Promise<string> {
    const out = await git(this.repoPath, ['hash-object', '-t', 'commit', '-w', '--stdin'], {
      env: this.env,
      input: text,
    });
    return out.stdout.trim();
  }

  /**
   * The rebase merges file contents with the attributes of the tree it is on (its worktree's
   * .gitattributes); merge-tree here sees none of them. Any merge driver or marker size set
   * for a merged path, from anywhere: leave it to the rebase.
   */
  private async attributesSteer(tree: string, paths: string[]): Promise<boolean> {
    const env = { ...this.env, GIT_INDEX_FILE: join(this.empty, 'index') };
    // A split index would leave shared index files in the repository for this throwaway one.
    await git(this.repoPath, ['-c', 'core.splitIndex=false', 'read-tree', tree], { env, timeoutMs: LONG });
    const attrs = await git(
      this.repoPath,
      ['check-attr', '--cached', '-z', 'merge', 'conflict-marker-size', '--', ...paths],
      { env },
    );
    const fields = attrs.stdout.split('\0');
    for (let i = 2; i < fields.length; i += 3) if (fields[i] !== 'unspecified') return true;
    return false;
  }
}

/**
 * merge-tree's -z messages after a clean merge: `<n>\0<path>…\0<type>\0<text>\0` each. Returns
 * the paths whose contents were merged, or null for anything else (a rename applied by
 * directory, a submodule fast-forward…).
 */
function contentMerges(fields: string[]): string[] | null {
  const paths: string[] = [];
  let i = fields[0] === '' ? 1 : 0; // the empty field that ends the (empty) conflict list
  while (i < fields.length && fields[i] !== '') {
    const n = Number(fields[i]);
    const named = fields.slice(i + 1, i + 1 + n);
    const type = fields[i + 1 + n];
    if (!Number.isInteger(n) || n < 1 || type !== 'Auto-merging') return null;
    paths.push(...named);
    i += n + 3;
  }
  return paths;
}

/** The first key of CONFIG_KEYS whose value changes how rebase writes commits, if any. */
function steeringConfig(out: string): string | null {
  for (const entry of out.split('\0').filter((e) => e !== '')) {
    const nl = entry.indexOf('\n');
    const key = nl === -1 ? entry : entry.slice(0, nl);
    const value =
      nl === -1
        ? 'true'
        : entry
            .slice(nl + 1)
            .trim()
            .toLowerCase();
    const off = ['false', 'no', 'off', '0'].includes(value);
    if (key === 'i18n.commitencoding' ? !['utf-8', 'utf8'].includes(value) : !off) return key;
  }
  return null;
}

/** The commits, parsed from `git cat-file --batch`; null when one is not valid UTF-8 (or not a commit). */
async function readCommits(
  repoPath: string,
  shas: string[],
  env: NodeJS.ProcessEnv,
): Promise<Map<string, RawCommit> | null> {
  const out = await git(repoPath, ['cat-file', '--batch'], {
    env,
    input: `${shas.join('\n')}\n`,
    timeoutMs: LONG,
  });
  // Sizes are in bytes: only a lossless decoding can be cut by them (and written back).
  if (out.stdout.includes('\uFFFD')) return null;
  const bytes = Buffer.from(out.stdout, 'utf8');
  const commits = new Map<string, RawCommit>();
  let at = 0;
  for (const sha of shas) {
    const eol = bytes.indexOf(0x0a, at);
    const [, type, size] = bytes.toString('utf8', at, eol).split(' ');
    if (eol === -1 || type !== 'commit') return null;
    const body = bytes.toString('utf8', eol + 1, eol + 1 + Number(size));
    at = eol + 1 + Number(size) + 1;
    commits.set(sha, parseCommit(body));
  }
  return commits;
}

function parseCommit(raw: string): RawCommit {
  const split = raw.indexOf('\n\n');
  const header = split === -1 ? raw : raw.slice(0, split);
  const commit: RawCommit = { tree: '', parents: [], author: '', message: '', encoded: false };
  for (const line of header.split('\n')) {
    const space = line.indexOf(' ');
    const [key, value] = [line.slice(0, space), line.slice(space + 1)];
    if (key === 'tree') commit.tree = value;
    else if (key === 'parent') commit.parents.push(value);
    else if (key === 'author') commit.author = value;
    else if (key === 'encoding') commit.encoded = true;
  }
  commit.message = split === -1 ? '' : skipBlankLines(raw.slice(split + 2));
  return commit;
}

/** git's skip_blank_lines: the sequencer takes a message from its first non-blank line. */
function skipBlankLines(message: string): string {
  let at = 0;
  while (at < message.length) {
    const nl = message.indexOf('\n', at);
    const end = nl === -1 ? message.length : nl + 1;
    if (!/^[ \t\n\v\f\r]*$/.test(message.slice(at, end))) break; // C's isspace, not JS's trim
    at = end;
  }
  return message.slice(at);
}
