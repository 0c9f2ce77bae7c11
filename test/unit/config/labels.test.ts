import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadOptions, loadConfig } from '../../../src/config/load.js';
import { displayPath } from '../../../src/config/origin.js';
import { createFlotilla } from '../../../src/core/flotilla.js';
import type { FlotillaError } from '../../../src/domain/errors.js';
import { thrownFlotillaError, useTempDir } from './helpers.js';

/**
 * What a config error says about where the bad value came from, and what to do: a repo's file
 * named so that a reader elsewhere (an API client, with several repos) knows which; the library's
 * `config` option not dressed up as a command-line flag; one hint per problem, never two joined.
 */
const invalid = (opts: LoadOptions): FlotillaError =>
  thrownFlotillaError(() => loadConfig(opts), 'CONFIG_INVALID');

describe('config error labels and hints', () => {
  const tmp = useTempDir();
  const repo = () => join(tmp.dir, 'repo');
  const USER = 'home/.config/flotilla/config.yaml';

  it('names a repo file by its whole path when told not to shorten it (the daemon)', () => {
    tmp.write('repo/flotilla.yaml', 'worktrees:\n  setup: make\nlimits:\n  max_concurrent: 3\n');
    const short = invalid({ repoRoot: repo(), env: tmp.env, cwd: repo() });
    expect(short.message).toMatch(/^flotilla\.yaml:4:3: limits\.max_concurrent: /);

    const err = invalid({ repoRoot: repo(), env: tmp.env, cwd: repo(), showPathsFrom: null });
    const file = displayPath(join(repo(), 'flotilla.yaml'), null);
    expect(file).toContain(repo().replace(/^.*\//, ''));
    expect(err.message.startsWith(`${file}:4:3: limits.max_concurrent: a daemon setting`)).toBe(true);
    expect(err.issues[0]?.message).toBe(err.message);
  });

  it('one hint per problem: the specific one alone, not followed by the generic one', () => {
    tmp.write('repo/flotilla.yaml', 'limits:\n  max_concurrent: 3\n');
    const daemonKey = invalid({ repoRoot: repo(), env: tmp.env, cwd: repo() });
    expect(daemonKey.hint).toMatch(
      /^move it to .*config\.yaml or set FLOTILLA_LIMITS__MAX_CONCURRENT, then run flotilla daemon restart$/,
    );

    tmp.write('repo/flotilla.yaml', '');
    tmp.write(USER, 'integrations:\n  github:\n    repo: a/b\n');
    const planned = invalid({ repoRoot: repo(), env: tmp.env, cwd: repo() });
    expect(planned.message).toContain('integrations.github.repo: not yet supported');
    expect(planned.hint).toBe('remove it');

    // No specific hint (a YAML syntax error): the generic one, which names a real command.
    tmp.write(USER, 'limits: [\n');
    const syntax = invalid({ repoRoot: repo(), env: tmp.env, cwd: repo() });
    expect(syntax.hint).toBe('fix the file, then run `flotilla config validate` to check it');
  });

  it("labels createFlotilla's config option as such, not as a --flag", async () => {
    const home = join(tmp.dir, 'state');
    const err = await createFlotilla({
      home,
      env: { ...tmp.env, FLOTILLA_CONFIG: join(tmp.dir, 'none.yaml') },
      config: { 'limits.max_concurent': 2 },
    }).then(
      () => {
        throw new Error('createFlotilla accepted an unknown key');
      },
      (e: unknown) => e as FlotillaError,
    );
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toMatch(
      /^createFlotilla config: limits\.max_concurent: .*\(did you mean 'max_concurrent'\?\)$/,
    );
    expect(err.message).not.toContain('--');
    expect(err.hint).toBe("fix 'limits.max_concurent' in createFlotilla config");
    // Refused before anything was made.
    expect(existsSync(home)).toBe(false);
  });

  it('a command-line flag is still named as the flag the user typed', () => {
    const err = invalid({
      env: tmp.env,
      userConfigFile: null,
      flags: { 'server.port': 'many' },
      flagNames: { 'server.port': '--port' },
    });
    expect(err.message).toMatch(/^--port: server\.port: /);
    expect(err.hint).toBe('fix the --port option');
  });
});
