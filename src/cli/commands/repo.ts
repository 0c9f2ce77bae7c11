import type { Command } from 'commander';
import type { Runner } from '../context.js';
import { clientFor } from '../context.js';
import { age, paint, table } from '../output.js';

export function registerRepoCommands(program: Command, run: Runner): void {
  const repo = program.command('repo').description('registered repositories (add one with `flotilla init`)');
  repo
    .command('list')
    .alias('ls')
    .description('list registered repos')
    .option('--json', 'print JSON: {repos}')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const repos = await (await clientFor(ctx)).listRepos();
        if (opts.json) return ctx.json({ repos });
        if (repos.length === 0) return ctx.out('No repos yet. Register one: cd your-repo && flotilla init');
        ctx.out(
          table(
            repos,
            [
              { header: 'ID', value: (r) => paint(ctx.style, 'cyan', r.id) },
              { header: 'NAME', value: (r) => r.name },
              { header: 'BRANCH', value: (r) => r.defaultBranch },
              { header: 'PATH', value: (r) => r.path },
              { header: 'AGE', value: (r) => age(r.createdAt), align: 'right' },
            ],
            ctx.style,
          ),
        );
      }),
    );
}
