// Conflict prediction: 20 live branches (each a worktree with a few commits on shared files,
// some pairs conflicting, a quarter with uncommitted changes too) on a 20,000-file repo. A full
// recompute (a fresh tracker: every worktree read, every side diffed, every pair merged) against
// one `git merge-tree --write-tree` per pair run back to back by a shell loop, in the same run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { median, report } from './lib.js';
import { fillRepo, makeBenchSandbox } from './sandbox.js';

const BRANCHES = 20;
const SHARED_FILES = 5;
const SHARED_LINES = 200;
const ROUNDS = 3;

/** A shared file's 200 lines, with `edits` (line number → text) applied. */
const sharedText = (f, edits = {}) =>
  `${Array.from({ length: SHARED_LINES }, (_, i) => edits[i + 1] ?? `export const s${f}_${i + 1} = ${i + 1};`).join('\n')}\n`;

export async function benchConflicts() {
  const sb = makeBenchSandbox('conflicts');
  const git = await import('../dist/git/index.js');
  // The tracker's git runs with this process's environment: no user or system config.
  const saved = {
    GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL,
    GIT_CONFIG_NOSYSTEM: process.env.GIT_CONFIG_NOSYSTEM,
  };
  Object.assign(process.env, { GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' });
  let stopListening = () => {};
  let tracker = null;
  try {
    fillRepo(sb, 20_000);
    mkdirSync(join(sb.repo, 'shared'));
    for (let f = 0; f < SHARED_FILES; f++) writeFileSync(join(sb.repo, 'shared', `s${f}.ts`), sharedText(f));
    sb.git(['add', 'shared']);
    sb.git(['commit', '-q', '-m', 'shared files']);

    // Branch i works in shared file i % 5: branches 0 and 5 (and 10, 15) change the same lines
    // there and conflict; every branch also touches lines of its own in s0.ts (overlapping files,
    // apart lines) and adds a file of its own. Three commits each; every fourth one is dirty.
    const worktrees = [];
    for (let i = 0; i < BRANCHES; i++) {
      const path = join(sb.dir, 'wt', `b${i}`);
      const branch = `flotilla/b${i}`;
      sb.git(['worktree', 'add', '-q', '-b', branch, path, 'main']);
      const f = i % SHARED_FILES;
      const commit = (files, message) => {
        for (const [rel, text] of Object.entries(files)) {
          mkdirSync(join(path, rel, '..'), { recursive: true });
          writeFileSync(join(path, rel), text);
        }
        sb.git(['add', '--', ...Object.keys(files)], path);
        sb.git(['commit', '-q', '-m', message], path);
      };
      const hot = { 50: `export const hot = ${i};`, 51: `export const hotToo = ${i};` };
      commit({ [`shared/s${f}.ts`]: sharedText(f, hot) }, `b${i}: the hot lines of s${f}`);
      const mine = { [100 + i * 4]: `export const mine${i} = true;` };
      commit(
        { 'shared/s0.ts': sharedText(0, { ...(f === 0 ? hot : {}), ...mine }) },
        `b${i}: a line of its own in s0`,
      );
      commit({ [`own/b${i}.ts`]: `export const b${i} = ${i};\n` }, `b${i}: a file of its own`);
      if (i % 4 === 3) writeFileSync(join(path, `own/b${i}.ts`), `export const b${i} = ${i * 10}; // wip\n`);
      worktrees.push({ id: `b${i}`, path, branch });
    }
    execFileSync('sync');
    // As an agent's own `git status` leaves it: an index written a second after its files, so
    // no entry is "racily clean" (git would re-read and hash those on every look, for ever, since
    // the prediction reads with --no-optional-locks and never writes the index back).
    await new Promise((r) => setTimeout(r, 1_100));
    for (const w of worktrees) sb.git(['status', '--porcelain'], w.path);

    const pairs = [];
    for (let i = 0; i < BRANCHES; i++) for (let j = i + 1; j < BRANCHES; j++) pairs.push([i, j]);
    const loop = () => {
      const t0 = performance.now();
      execFileSync(
        'sh',
        [
          '-c',
          'repo=$1; shift; while [ $# -gt 0 ]; do git -C "$repo" merge-tree --write-tree "$1" "$2" >/dev/null; [ $? -le 1 ] || exit 1; shift 2; done',
          'baseline',
          sb.repo,
          ...pairs.flatMap(([i, j]) => [`flotilla/b${i}`, `flotilla/b${j}`]),
        ],
        { env: sb.env, stdio: 'ignore' },
      );
      return performance.now() - t0;
    };
    // Time spent in each git subcommand (summed over the processes, which overlap).
    const spent = new Map();
    stopListening = git.onGitCall((call) => {
      const sub = call.args.find(
        (a, i) => !['-C', '-c'].includes(call.args[i - 1] ?? '') && !a.startsWith('-'),
      );
      spent.set(sub, (spent.get(sub) ?? 0) + call.durationMs);
    });
    // A full recompute: every side read, diffed and merged again (cached results forgotten). The
    // tracker's index copies stay, as in a running daemon; the first compute of a new tracker,
    // which makes them, is reported on its own.
    tracker = new git.OverlapTracker(sb.repo);
    const full = async () => {
      tracker.forget();
      spent.clear();
      const t0 = performance.now();
      const result = await tracker.compute('main', worktrees);
      return { ms: performance.now() - t0, result, spent: new Map(spent) };
    };
    const cold = async () => {
      const fresh = new git.OverlapTracker(sb.repo);
      const t0 = performance.now();
      await fresh.compute('main', worktrees);
      const ms = performance.now() - t0;
      await fresh.close();
      return ms;
    };

    // Warm both once (page cache, git's own start-up), then alternate.
    loop();
    const warm = await full();
    const conflicting = warm.result.pairs.filter((p) => p.conflicts).length;
    if (warm.result.errors.length > 0)
      throw new Error(`sides not read: ${JSON.stringify(warm.result.errors)}`);
    const loops = [];
    const fulls = [];
    let last = warm;
    for (let r = 0; r < ROUNDS; r++) {
      loops.push(loop());
      last = await full();
      fulls.push(last.ms);
    }
    report({
      name: `conflicts: full recompute, ${BRANCHES} branches`,
      value: median(fulls),
      unit: 'ms',
      baselineName: `${pairs.length}× git merge-tree loop`,
      baseline: median(loops),
      target: 1.5,
    });
    console.log(
      `  (${warm.result.pairs.length} of ${pairs.length} pairs share files, ${conflicting} would conflict; ` +
        `${worktrees.filter((_, i) => i % 4 === 3).length} worktrees dirty; git time by command, summed: ` +
        `${[...last.spent].map(([k, ms]) => `${k} ${Math.round(ms)}`).join(', ')} ms)`,
    );

    const colds = [];
    for (let r = 0; r < ROUNDS; r++) colds.push(await cold());
    report({
      name: '  first compute of a new tracker (cold)',
      value: median(colds),
      unit: 'ms',
      baselineName: `${pairs.length}× git merge-tree loop`,
      baseline: median(loops),
    });

    // Incremental: one agent commits; only its side and its 19 pairs are redone.
    await tracker.compute('main', worktrees);
    const t0 = performance.now();
    const idle = await tracker.compute('main', worktrees);
    const nothing = performance.now() - t0;
    const one = worktrees[0];
    writeFileSync(join(one.path, 'own', 'late.ts'), 'export const late = 1;\n');
    sb.git(['add', 'own/late.ts'], one.path);
    sb.git(['commit', '-q', '-m', 'one more commit'], one.path);
    const t1 = performance.now();
    const after = await tracker.compute('main', worktrees);
    const incremental = performance.now() - t1;
    report({
      name: 'conflicts: recompute after one commit',
      value: incremental,
      unit: 'ms',
      baselineName: `${pairs.length}× git merge-tree loop`,
      baseline: median(loops),
    });
    console.log(
      `  (redone: ${after.recomputed.sides} side, ${after.recomputed.pairs} pairs; ` +
        `with nothing changed: ${nothing.toFixed(0)} ms, ${idle.recomputed.pairs} pairs)`,
    );
  } finally {
    stopListening();
    await tracker?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    sb.cleanup();
  }
}
