import type { Command } from 'commander';
import { FlotillaError } from '../../domain/errors.js';
import type { Runner } from '../context.js';
import { findRepoRoot } from '../context.js';
import { paint, table } from '../output.js';

export function registerConfigCommands(program: Command, run: Runner): void {
  const config = program
    .command('config')
    .description('show, check and locate the configuration')
    .addHelpText(
      'after',
      '\nLayers, later wins: defaults < user file < repo flotilla.yaml < FLOTILLA_* env vars < flags.\nReference: docs/configuration.md',
    );

  config
    .command('show')
    .description('print the effective configuration')
    .option('--origin', 'say where each value came from (default, file:line, env var, flag)')
    .option('--json', 'print JSON')
    .action((opts: { origin?: boolean; json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const loaded = await ctx.config();
        const { configRows, redactConfig } = await import('../../config/show.js');
        if (opts.json) {
          if (!opts.origin) return ctx.json(redactConfig(loaded.config));
          return ctx.json(
            configRows(loaded, { cwd: ctx.cwd }).map(({ path, value, origin }) => ({ path, value, origin })),
          );
        }
        const rows = configRows(loaded, { cwd: ctx.cwd });
        if (opts.origin) {
          ctx.out(
            table(
              rows,
              [
                { header: 'KEY', value: (r) => r.path },
                { header: 'VALUE', value: (r) => r.text, max: 60 },
                {
                  header: 'ORIGIN',
                  value: (r) =>
                    r.origin.kind === 'default' ? paint(ctx.style, 'dim', r.originText) : r.originText,
                },
              ],
              ctx.style,
            ),
          );
        } else {
          const { stringify } = await import('yaml');
          ctx.out(stringify(redactConfig(loaded.config)).trimEnd());
        }
      }),
    );

  config
    .command('validate')
    .description('check the user file, the repo file and FLOTILLA_* variables (or the given files)')
    .argument('[files...]', 'check these files instead, each on its own')
    .option('--json', 'print JSON')
    .action((files: string[], opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { validateConfigFiles, displayPath } = await import('../../config/show.js');
        const result = validateConfigFiles({
          repoRoot: findRepoRoot(ctx.cwd),
          env: ctx.env,
          cwd: ctx.cwd,
          ...(files.length > 0 ? { files, userConfigFile: null, repoConfigFile: null } : {}),
        });
        const shown = files.length > 0 ? result.sources.filter((s) => s.kind === 'file') : result.sources;
        if (opts.json) {
          ctx.json({ ok: result.ok, sources: shown });
        } else {
          for (const s of shown) {
            const name = s.file
              ? displayPath(s.file, ctx.cwd)
              : s.kind === 'env'
                ? 'environment (FLOTILLA_*)'
                : s.kind;
            if (!s.exists)
              ctx.out(`${paint(ctx.style, 'dim', '-')} ${name} ${paint(ctx.style, 'dim', '(not present)')}`);
            else if (s.ok) ctx.out(`${paint(ctx.style, 'green', '✓')} ${name}`);
            else {
              ctx.out(`${paint(ctx.style, 'red', '✗')} ${name}`);
              for (const m of s.messages) ctx.out(`    ${m}`);
            }
          }
        }
        if (!result.ok) {
          const count = result.sources.reduce((n, s) => n + s.problems.length, 0);
          throw new FlotillaError(
            'CONFIG_INVALID',
            `the configuration has ${count} problem${count === 1 ? '' : 's'} (listed above)`,
            {
              hint: 'fix them, then run `flotilla config validate` again; docs/configuration.md lists every key',
            },
          );
        }
      }),
    );

  config
    .command('path')
    .description('print where the config files and the state dir are')
    .option('--json', 'print JSON')
    .action((opts: { json?: boolean }, cmd: Command) =>
      run(cmd, async (ctx) => {
        const { existsSync } = await import('node:fs');
        const { join } = await import('node:path');
        const root = findRepoRoot(ctx.cwd);
        const entries = [
          { name: 'user', path: ctx.paths.userConfigFile },
          ...(root ? [{ name: 'repo', path: join(root, 'flotilla.yaml') }] : []),
          { name: 'state', path: ctx.paths.home },
          { name: 'database', path: ctx.paths.dbFile },
          { name: 'logs', path: ctx.paths.logDir },
        ].map((e) => ({ ...e, exists: existsSync(e.path) }));
        if (opts.json) return ctx.json(entries);
        ctx.out(
          table(
            entries,
            [
              { header: 'WHAT', value: (e) => e.name },
              { header: 'PATH', value: (e) => e.path },
              { header: 'EXISTS', value: (e) => (e.exists ? 'yes' : paint(ctx.style, 'dim', 'no')) },
            ],
            ctx.style,
          ),
        );
      }),
    );
}
