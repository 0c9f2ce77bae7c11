import type { Command } from 'commander';
import type { ConflictFile, ConflictPair, RepoConflicts } from '../../domain/conflicts.js';
import type { Runner } from '../context.js';
import { clientFor } from '../context.js';
import { paint, type Style } from '../output.js';

/** Hunk pairs shown per file; the rest are counted. */
const SHOWN_HUNKS = 3;

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const span = ([start, end]: readonly [number, number]) => (start === end ? `${start}` : `${start}–${end}`);

/** `shared.txt  conflict  lines 2 ↔ 2, 5–7 ↔ 6`: one file of a pair. */
function fileLine(f: ConflictFile, s: Style): string {
  const verdict = f.conflicts ? paint(s, 'red', 'conflict') : paint(s, 'yellow', 'overlap');
  const hunks = f.overlappingHunks.slice(0, SHOWN_HUNKS).map((h) => `${span(h.a)} ↔ ${span(h.b)}`);
  const more = f.overlappingHunks.length - hunks.length;
  const lines =
    hunks.length > 0
      ? `lines ${hunks.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`
      : f.conflicts
        ? 'conflicts when merged'
        : 'same file, different lines';
  return `      ${f.path}  ${verdict}  ${lines}`;
}

/** `conflict  a1b2c3 ↔ d4e5f6  (flotilla/x ↔ flotilla/y)  1 file`: one pair. */
function pairLine(p: ConflictPair, s: Style): string {
  const verdict = p.conflicts ? paint(s, 'red', 'conflict') : paint(s, 'yellow', 'overlap ');
  const who = `${paint(s, 'cyan', p.a.agentId)} ↔ ${paint(s, 'cyan', p.b.agentId)}`;
  return `  ${verdict}  ${who}  (${p.a.branch} ↔ ${p.b.branch})  ${plural(p.files.length, 'file')}`;
}

/** One repo's prediction, for people: a summary line, then each pair with its files. */
export function conflictLines(r: RepoConflicts, s: Style): string[] {
  const head = `${paint(s, 'bold', r.repo)}`;
  if (r.agents.length === 0 && r.errors.length === 0) return [`${head}: no live agents`];
  const conflicting = r.pairs.filter((p) => p.conflicts).length;
  const base = r.baseCommit ? ` @ ${r.baseCommit.slice(0, 7)}` : '';
  const summary =
    r.pairs.length === 0
      ? 'no shared work'
      : `${plural(r.pairs.length, 'pair')} share work${conflicting > 0 ? `, ${conflicting} would conflict` : ''}`;
  const lines = [
    `${head}: ${plural(r.agents.length, 'live agent')}, ${summary} (against ${r.baseBranch}${base})`,
  ];
  const ordered = [...r.pairs].sort((x, y) => Number(y.conflicts) - Number(x.conflicts));
  for (const p of ordered) lines.push(pairLine(p, s), ...p.files.map((f) => fileLine(f, s)));
  for (const e of r.errors) lines.push(`  ${paint(s, 'red', 'unread')}  agent ${e.agentId}: ${e.message}`);
  return lines;
}

export function registerConflictsCommand(program: Command, run: Runner): void {
  program
    .command('conflicts')
    .description(
      "which live agents' work (branches and uncommitted changes) touches the same files and lines, and which would conflict if merged",
    )
    .option('--repo <name>', 'only this repo (name or id)')
    .option('--json', 'print JSON: {repos: [{repo, agents, pairs: [{a, b, files, conflicts}], errors}]}')
    .action((opts: { repo?: string; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { repos } = await (await clientFor(ctx)).conflicts(opts.repo);
        if (opts.json) return ctx.json({ repos });
        if (repos.length === 0) return ctx.out('No repos registered. `flotilla init` registers one.');
        for (const r of repos) ctx.out(conflictLines(r, ctx.style).join('\n'));
      }),
    );
}
