import type { Command } from 'commander';
import { FlotillaError } from '../../domain/errors.js';
import type { Runner } from '../context.js';
import { clientFor } from '../context.js';
import { paint, table } from '../output.js';

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function registerWorktreeCommands(program: Command, run: Runner): void {
  const wt = program.command('worktree').alias('wt').description("list and clean up agents' worktrees");

  wt.command('list')
    .alias('ls')
    .description('worktrees with branch, dirty state, ahead/behind their base and diff stat')
    .option('-a, --all', 'include removed worktrees')
    .option('--json', 'print JSON: {worktrees}')
    .action((opts: { all?: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { worktrees } = await (await clientFor(ctx)).listWorktrees(Boolean(opts.all));
        if (opts.json) return ctx.json({ worktrees });
        if (worktrees.length === 0)
          return ctx.out('No worktrees. `flotilla start <task>` creates one per task.');
        const s = ctx.style;
        ctx.out(
          table(
            worktrees,
            [
              { header: 'TASK', value: (w) => paint(s, 'cyan', w.taskId) },
              { header: 'BRANCH', value: (w) => w.branch, max: 48 },
              {
                header: 'STATE',
                value: (w) =>
                  w.removedAt
                    ? paint(s, 'dim', 'removed')
                    : !w.status?.exists
                      ? paint(s, 'red', 'missing')
                      : w.status.dirty
                        ? paint(s, 'yellow', `dirty (${w.status.modified + w.status.untracked})`)
                        : paint(s, 'green', 'clean'),
              },
              { header: 'AHEAD', value: (w) => String(w.status?.ahead ?? '-'), align: 'right' },
              { header: 'BEHIND', value: (w) => String(w.status?.behind ?? '-'), align: 'right' },
              {
                header: 'DIFF',
                value: (w) =>
                  w.status
                    ? `${plural(w.status.diffStat.files, 'file')} ${paint(s, 'green', `+${w.status.diffStat.insertions}`)} ${paint(s, 'red', `-${w.status.diffStat.deletions}`)}`
                    : '-',
              },
              { header: 'AGENT', value: (w) => w.agentId ?? '-' },
              { header: 'PORT', value: (w) => String(w.portBase), align: 'right' },
              { header: 'PATH', value: (w) => w.path },
            ],
            s,
          ),
        );
      }),
    );

  wt.command('clean')
    .description(
      'remove worktrees no agent is using — never ones with uncommitted or unmerged work unless --force',
    )
    .option(
      '--merged',
      'only worktrees whose branch is merged into the default branch (their branches are deleted)',
    )
    .option(
      '--force',
      'also remove dirty or unmerged worktrees (uncommitted changes are lost; unmerged branches are kept)',
    )
    .option('-n, --dry-run', 'say what would be removed, change nothing')
    .option('--json', 'print JSON: {removed, refused, skipped}')
    .action((opts: { merged?: boolean; force?: boolean; dryRun?: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await (await clientFor(ctx)).cleanWorktrees({
          merged: Boolean(opts.merged),
          force: Boolean(opts.force),
          dryRun: Boolean(opts.dryRun),
        });
        if (opts.json) ctx.json(r);
        else {
          // A dry run says, line for line, what the same command without --dry-run does.
          const [removedVerb, keptVerb, discardedVerb] = r.dryRun
            ? ['would remove', 'would keep', 'would discard:']
            : ['removed', 'kept', 'discarded:'];
          for (const x of r.removed) {
            ctx.out(
              `${paint(ctx.style, 'green', removedVerb)} ${x.path}${x.branchDeleted ? ` and branch ${x.branch}` : ` (branch ${x.branch} kept)`}`,
            );
            if (x.discarded.length > 0)
              ctx.out(`  ${paint(ctx.style, 'red', discardedVerb)} ${x.discarded.join(', ')}`);
          }
          for (const x of r.refused) ctx.out(`${paint(ctx.style, 'red', keptVerb)} ${x.path}: ${x.reason}`);
          for (const x of r.skipped) ctx.info(`skipped ${x.path}: ${x.reason}`);
          if (r.removed.length + r.refused.length + r.skipped.length === 0) ctx.out('Nothing to clean.');
          if (r.dryRun) ctx.info('dry run: nothing was changed.');
        }
        // A dry run reports; it does not fail for what the real run would refuse.
        if (r.refused.length > 0 && !r.dryRun) {
          throw new FlotillaError(
            'CONFLICT',
            `${r.refused.length} worktree(s) kept because they hold work that is not merged`,
            {
              hint: 'merge or commit that work first, or pass --force (unmerged branches are kept even then)',
            },
          );
        }
      }),
    );

  wt.command('prune')
    .description('forget worktrees whose directory is gone (git worktree prune, for every repo)')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const r = await (await clientFor(ctx)).pruneWorktrees();
        if (opts.json) return ctx.json(r);
        let any = false;
        for (const repo of r.repos) {
          for (const p of repo.pruned) {
            any = true;
            ctx.out(
              `${paint(ctx.style, 'green', 'forgot')} ${p.path}${p.branch ? ` (branch ${p.branch} kept)` : ''}  ${paint(ctx.style, 'dim', repo.repo)}`,
            );
          }
          for (const p of repo.lockedStale) {
            any = true;
            ctx.out(
              `${paint(ctx.style, 'yellow', 'locked')} ${p.path} is gone but locked; git keeps it until: git worktree unlock ${p.path}`,
            );
          }
        }
        if (!any) ctx.out('Nothing to prune: every worktree git knows of still has its directory.');
      }),
    );
}
