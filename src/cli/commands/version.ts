import type { Command } from 'commander';
import { flotillaVersion } from '../../core/version.js';
import type { Runner } from '../context.js';

export function registerVersionCommand(program: Command, run: Runner): void {
  program
    .command('version')
    .description('print the version of flotilla, node and the platform')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const info = {
          flotilla: flotillaVersion(),
          node: process.versions.node,
          platform: `${process.platform}-${process.arch}`,
        };
        if (opts.json) return ctx.json(info);
        ctx.out(`flotilla ${info.flotilla} (node ${info.node}, ${info.platform})`);
      }),
    );
}
