import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type LoadOptions, loadConfig } from '../../../src/config/load.js';
import type { FlotillaError } from '../../../src/domain/errors.js';
import { thrownFlotillaError, useTempDir } from './helpers.js';

/** Runs loadConfig expecting CONFIG_INVALID, and returns the error. */
const invalid = (opts: LoadOptions): FlotillaError =>
  thrownFlotillaError(() => loadConfig(opts), 'CONFIG_INVALID');

describe('config errors', () => {
  const tmp = useTempDir();
  const repo = () => join(tmp.dir, 'repo');
  // Messages name files relative to the cwd; pin it so they read `flotilla.yaml:…`.
  const opts = (extra: Partial<LoadOptions> = {}): LoadOptions => ({
    repoRoot: repo(),
    env: tmp.env,
    cwd: repo(),
    ...extra,
  });

  it('reports a YAML syntax error with file, line and column, and leaves the file alone', () => {
    const text = 'limits:\n  max_concurrent: 4\n  action: [warn\nserver:\n  port: 1\n';
    const file = tmp.write('repo/flotilla.yaml', text);
    const err = invalid(opts());
    expect(err.message).toMatch(/^flotilla\.yaml:\d+:\d+: /);
    expect(err.message).not.toContain('\n');
    expect(err.hint).toContain('flotilla config validate');
    expect(readFileSync(file, 'utf8')).toBe(text);
  });

  it('reports a duplicate key at its line', () => {
    tmp.write('repo/flotilla.yaml', 'limits:\n  max_concurrent: 4\nlimits:\n  action: stop\n');
    expect(invalid(opts()).message).toMatch(/^flotilla\.yaml:3:1: .*(unique|duplicate)/i);
  });

  // Daemon keys go in the user file (config.yaml); messages are relative to its directory.
  const userOpts = (): LoadOptions => opts({ cwd: join(tmp.dir, 'home', '.config', 'flotilla') });
  const writeUser = (text: string) => tmp.write('home/.config/flotilla/config.yaml', text);

  it('names a wrong type with file:line:col, key path, expectation and the bad value', () => {
    writeUser('# limits\n\nlimits:\n  max_concurrent: many\n');
    const err = invalid(userOpts());
    expect(err.message).toBe(
      'config.yaml:4:3: limits.max_concurrent: expected an integer from 1 to 1000, got "many"',
    );
    expect(err.issues).toEqual([{ path: 'limits.max_concurrent', message: err.message }]);
  });

  it('reports an out-of-range number', () => {
    writeUser('server:\n  port: 70000\n');
    expect(invalid(userOpts()).message).toBe(
      'config.yaml:2:3: server.port: expected an integer from 0 to 65535, got 70000',
    );
  });

  it('lists the valid values of an enum in the message and the hint', () => {
    writeUser('restart:\n  policy: sometimes\n');
    const err = invalid(userOpts());
    expect(err.message).toBe(
      'config.yaml:2:3: restart.policy: expected one of never, on-failure, always, got "sometimes"',
    );
    expect(err.hint).toContain('valid values: never, on-failure, always');
  });

  it('rejects an unknown key with a did-you-mean over its siblings, at its line', () => {
    writeUser('server:\n  port: 1\nlimts:\n  max_concurrent: 2\n');
    const err = invalid(userOpts());
    expect(err.message).toBe("config.yaml:3:1: limts: unknown key 'limts' (did you mean 'limits'?)");
    expect(err.hint).toContain('valid keys at the top level');

    writeUser('limits:\n  max_concurent: 2\n');
    expect(invalid(userOpts()).message).toBe(
      "config.yaml:2:3: limits.max_concurent: unknown key 'max_concurent' (did you mean 'max_concurrent'?)",
    );
    writeUser('');
    tmp.write('repo/flotilla.yaml', 'worktrees:\n  setpu: make\n');
    expect(invalid(opts()).message).toBe(
      "flotilla.yaml:2:3: worktrees.setpu: unknown key 'setpu' (did you mean 'setup'?)",
    );
  });

  it('reports every problem, across files, lowest layer first', () => {
    const user = tmp.write('home/.config/flotilla/config.yaml', 'log:\n  level: loud\n');
    tmp.write(
      'repo/flotilla.yaml',
      'limits:\n  max_concurrent: 0\n  action: explode\nagents:\n  mine:\n    command: x\n  Bad_Name:\n    adapter: custom\n',
    );
    const err = invalid(opts({ env: { ...tmp.env, FLOTILLA_SERVER__PORT: 'abc' } }));
    expect(err.message).toMatch(
      /^.*config\.yaml:2:3: log\.level: expected one of .* \(and 6 more problems\)$/,
    );
    expect(err.issues.map((i) => i.path)).toEqual([
      'log.level',
      'limits.max_concurrent',
      'limits.action',
      'agents.mine.adapter',
      'agents.Bad_Name',
      'agents.Bad_Name.command',
      'server.port',
    ]);
    expect(err.issues[0]?.message).toBe(
      `${user}:2:3: log.level: expected one of trace, debug, info, warn, error, silent, got "loud"`,
    );
    expect(err.issues[3]?.message).toMatch(
      /^flotilla\.yaml:5:3: agents\.mine\.adapter: agent 'mine' needs an adapter/,
    );
    expect(err.issues[4]?.message).toMatch(
      /^flotilla\.yaml:7:3: agents\.Bad_Name: invalid agent name 'Bad_Name'/,
    );
    expect(err.issues[6]?.message).toBe(
      'FLOTILLA_SERVER__PORT: server.port: expected an integer from 0 to 65535, got "abc"',
    );
  });

  it('requires a command for a custom agent, and a known default agent', () => {
    tmp.write('repo/flotilla.yaml', 'agent: mine\nagents:\n  mine:\n    adapter: custom\n');
    const err = invalid(opts());
    expect(err.issues.map((i) => i.path)).toEqual(['agents.mine.command']);

    tmp.write('repo/flotilla.yaml', 'agent: claude\n');
    expect(invalid(opts()).message).toMatch(/^flotilla\.yaml:1:1: agent: unknown agent 'claude'/);
  });

  it('names an unknown config env var with a did-you-mean', () => {
    const err = invalid(opts({ env: { ...tmp.env, FLOTILLA_LIMTS__MAX_CONCURRENT: '8' } }));
    expect(err.message).toBe(
      'FLOTILLA_LIMTS__MAX_CONCURRENT: not a known config variable (did you mean FLOTILLA_LIMITS__MAX_CONCURRENT?)',
    );
    expect(err.hint).toContain('FLOTILLA_LIMTS__MAX_CONCURRENT');

    const lower = invalid(opts({ env: { ...tmp.env, FLOTILLA_limits__max_concurrent: '8' } }));
    expect(lower.message).toContain('did you mean FLOTILLA_LIMITS__MAX_CONCURRENT?');
  });

  it('reports a bad env value and a bad YAML env value by variable', () => {
    const err = invalid(opts({ env: { ...tmp.env, FLOTILLA_SERVER__ALLOWED_HOSTS: '[a, b' } }));
    expect(err.message).toMatch(
      /^FLOTILLA_SERVER__ALLOWED_HOSTS: server\.allowed_hosts: not a valid YAML value/,
    );
    expect(err.hint).toContain('unset FLOTILLA_SERVER__ALLOWED_HOSTS');
  });

  it('rejects an unknown flag path and a bad flag value, naming the flag', () => {
    const unknown = invalid(opts({ flags: { 'server.prot': 1 } }));
    expect(unknown.message).toBe(
      "--server.prot: server.prot: unknown config key 'server.prot': no 'prot' here (did you mean 'port'?)",
    );
    const bad = invalid(opts({ flags: { 'server.port': 'x' }, flagNames: { 'server.port': '--port' } }));
    expect(bad.message).toBe('--port: server.port: expected an integer from 0 to 65535, got "x"');
  });

  it('rejects a file that is not a mapping, and a directory in place of the file', () => {
    tmp.write('repo/flotilla.yaml', '- a\n- b\n');
    expect(invalid(opts()).message).toMatch(/^flotilla\.yaml:1:1: the file must be a mapping of keys/);
    tmp.write('home/.config/flotilla/config.yaml/x', '');
    tmp.write('repo/flotilla.yaml', '');
    expect(invalid(opts()).message).toMatch(/config\.yaml: cannot read: it is a directory/);
  });

  it('does not let a YAML key reach an object prototype', () => {
    tmp.write('repo/flotilla.yaml', '__proto__:\n  polluted: true\nlimits:\n  __proto__:\n    x: 1\n');
    const err = invalid(opts());
    expect(err.issues.map((i) => i.path)).toEqual(['__proto__', 'limits.__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('config errors in maps', () => {
  const tmp = useTempDir();
  it('rejects an env entry whose name is not a variable name', () => {
    tmp.write('repo/flotilla.yaml', 'agents:\n  codex:\n    env:\n      bad-name: x\n');
    const repo = join(tmp.dir, 'repo');
    const err = invalid({ repoRoot: repo, env: tmp.env, cwd: repo });
    expect(err.message).toBe(
      "flotilla.yaml:4:7: agents.codex.env.bad-name: invalid name 'bad-name': expected an environment variable name (letters, digits and _)",
    );
  });
});
