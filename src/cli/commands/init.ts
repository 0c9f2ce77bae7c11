import { existsSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import { FlotillaError } from '../../domain/errors.js';
import type { Runner } from '../context.js';
import { clientFor } from '../context.js';
import { paint } from '../output.js';

export function registerInitCommand(program: Command, run: Runner): void {
  program
    .command('init')
    .description('register the current git repo and write a starter flotilla.yaml')
    .option('--name <name>', 'a short name for the repo (default: its folder name)')
    .option('--no-config-file', 'do not write flotilla.yaml')
    .option('--json', 'print the registered repo as JSON')
    .action((opts: { name?: string; configFile: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { repoToplevel } = await import('../../core/local.js');
        const root = await repoToplevel(ctx.cwd);
        const name = opts.name ?? basename(root);
        if (!/^[\w.-]{1,64}$/.test(name)) {
          throw new FlotillaError('INVALID_INPUT', `'${name}' is not a usable repo name`, {
            hint: 'use letters, digits, dots, dashes and underscores (at most 64), e.g. --name my-app',
          });
        }
        const { repo, created } = await (await clientFor(ctx)).registerRepo(root, opts.name);
        const existing = !created;
        const configFile = join(root, 'flotilla.yaml');
        let wroteConfig = false;
        if (opts.configFile && !existsSync(configFile)) {
          const { starterConfigYaml } = await import('../../config/starter.js');
          // 'wx' so a file created between the check and now is never overwritten.
          writeFileSync(configFile, starterConfigYaml(), { flag: 'wx' });
          wroteConfig = true;
        }
        if (opts.json)
          return ctx.json({
            repo,
            configFile: wroteConfig ? configFile : null,
            alreadyRegistered: !!existing,
          });
        if (existing) {
          ctx.out(`${paint(ctx.style, 'yellow', 'already registered')} ${repo.name} (${repo.path})`);
        } else {
          ctx.out(
            `${paint(ctx.style, 'green', 'registered')} ${repo.name} (${repo.path}), default branch ${repo.defaultBranch}`,
          );
        }
        if (wroteConfig) ctx.out(`wrote ${configFile} (commented; every key is optional)`);
        else if (opts.configFile) ctx.info(`kept the existing ${configFile}`);
        ctx.info('next: flotilla task add "Describe the change" && flotilla task list');
      }),
    );
}
