import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import {
  configRows,
  configValue,
  formatOrigin,
  isSecretKey,
  REDACTED,
  redactConfig,
  validateConfigFiles,
} from '../../../src/config/show.js';
import { FlotillaError } from '../../../src/domain/errors.js';
import { useTempDir } from './helpers.js';

describe('config show', () => {
  const tmp = useTempDir();

  it('lists every leaf with its value and origin, secrets redacted', () => {
    const repo = join(tmp.dir, 'repo');
    tmp.write(
      'repo/flotilla.yaml',
      'worktrees:\n  base_ref: develop\nagents:\n  codex:\n    env:\n      OPENAI_API_KEY: sk-live-123\n',
    );
    const loaded = loadConfig({ repoRoot: repo, env: { ...tmp.env, FLOTILLA_SERVER__PORT: '0' }, cwd: repo });
    const rows = configRows(loaded, { cwd: repo });
    const row = (path: string) => rows.find((r) => r.path === path);

    expect(row('worktrees.base_ref')).toMatchObject({
      value: 'develop',
      text: 'develop',
      originText: 'repo flotilla.yaml:2',
    });
    expect(row('limits.max_concurrent')).toMatchObject({ value: 4, text: '4', originText: 'default' });
    expect(row('server.port')).toMatchObject({ value: 0, originText: 'env FLOTILLA_SERVER__PORT' });
    expect(row('worktrees.copy')).toMatchObject({
      text: '[".env",".env.*",".envrc"]',
      originText: 'default',
    });
    expect(row('worktrees.root')?.text).toBe('null');
    expect(row('agents.claude-code.env')).toMatchObject({ value: {}, text: '{}' });
    expect(row('agents.codex.env.OPENAI_API_KEY')).toMatchObject({ value: REDACTED, secret: true });
    expect(JSON.stringify(rows)).not.toContain('sk-live-123');
    expect(rows.map((r) => r.path)).toContain('hooks.timeout_seconds');
    expect(rows.some((r) => r.path.startsWith('integrations'))).toBe(false);

    const json = JSON.stringify(redactConfig(loaded.config));
    expect(json).not.toContain('sk-live-123');
    expect(json).toContain('"base_ref":"develop"');
  });

  it('gets one value or section, and suggests on a typo', () => {
    const loaded = loadConfig({ env: tmp.env });
    expect(configValue(loaded, 'limits.max_concurrent')).toEqual({ value: 4, origin: { kind: 'default' } });
    expect(configValue(loaded, 'restart.backoff').value).toEqual({
      initial_ms: 1000,
      max_ms: 60000,
      factor: 2,
    });
    expect(() => configValue(loaded, 'limits.max_concurent')).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        message: expect.stringContaining("did you mean 'max_concurrent'"),
      }),
    );
    expect(() => configValue(loaded, 'agents.codx.command')).toThrow(
      expect.objectContaining({
        message: "unknown config key 'agents.codx.command' (did you mean 'codex'?)",
      }),
    );
    expect(() => configValue(loaded, 'nope')).toThrow(FlotillaError);
  });

  it('recognises secret-looking key names only', () => {
    for (const secret of [
      'a.token',
      'x.GITHUB_TOKEN',
      'client_secret',
      'db.password',
      'env.ANTHROPIC_API_KEY',
      'env.AWS_SECRET_ACCESS_KEY',
      'env.STRIPE_KEY',
      'env.DB_PASSWORD_HASH',
      'env.SLACK_BOT_TOKEN',
      'env.private-key',
    ])
      expect(isSecretKey(secret), secret).toBe(true);
    for (const plain of [
      'integrations.github.token_env',
      'integrations.notify.slack.webhook_url_env',
      'server.tls.key',
      'server.port',
      'env.AWS_ACCESS_KEY_ID',
      'env.KEYBOARD',
    ])
      expect(isSecretKey(plain), plain).toBe(false);
  });

  it('redacts every secret-looking env name and the password of any URL, in rows, JSON and get', () => {
    const repo = join(tmp.dir, 'repo');
    tmp.write(
      'repo/flotilla.yaml',
      [
        'agents:',
        '  claude-code:',
        '    env:',
        '      AWS_SECRET_ACCESS_KEY: wJalrXUtnFEMI-aws',
        '      AWS_ACCESS_KEY_ID: AKIAEXAMPLE',
        '      STRIPE_KEY: sk-stripe-1',
        '      NPM_TOKEN: npm-tok-1',
        '      DB_PASSWORD_FILE_CONTENT: pw-1',
        '      MY_SECRET_THING: s3cr3t-1',
        '      DATABASE_URL: postgres://app:hunter2@db.internal:5432/app',
        '      MIRROR: see https://bob:p@ss:w0rd@git.example/x and https://open.example/y',
        '      EDITOR: vim',
        'worktrees:',
        '  setup: curl -fsS https://me:jira-pass@acme.atlassian.net/setup.sh | sh',
        '',
      ].join('\n'),
    );
    const loaded = loadConfig({ repoRoot: repo, env: tmp.env, cwd: repo });
    const secrets = [
      'wJalrXUtnFEMI-aws',
      'sk-stripe-1',
      'npm-tok-1',
      'pw-1',
      's3cr3t-1',
      'hunter2',
      'p@ss:w0rd',
      'jira-pass',
    ];
    const rows = JSON.stringify(configRows(loaded));
    const json = JSON.stringify(redactConfig(loaded.config));
    const got = JSON.stringify(configValue(loaded, 'agents.claude-code.env'));
    for (const text of [rows, json, got]) {
      for (const secret of secrets) expect(text, secret).not.toContain(secret);
      expect(text).toContain('postgres://app:<redacted>@db.internal:5432/app');
      expect(text).toContain('https://bob:<redacted>@git.example/x and https://open.example/y');
    }
    expect(json).toContain('"EDITOR":"vim"');
    expect(got).toContain('"EDITOR":"vim"');
    // An access key id is an identifier, not a secret; the row of a secret says so.
    expect(json).toContain('AKIAEXAMPLE');
    const env = (loaded.config.agents['claude-code']?.env ?? {}) as Record<string, string>;
    expect(Object.keys(redactConfig(env))).toEqual(Object.keys(env));
    expect(configRows(loaded).find((r) => r.path.endsWith('AWS_SECRET_ACCESS_KEY'))?.secret).toBe(true);
    expect(JSON.stringify(configValue(loaded, 'worktrees.setup').value)).toBe(
      '"curl -fsS https://me:<redacted>@acme.atlassian.net/setup.sh | sh"',
    );
  });

  it('formats origins for humans', () => {
    expect(formatOrigin({ kind: 'default' })).toBe('default');
    expect(formatOrigin({ kind: 'user', file: '/x/config.yaml', line: 3 }, '/y')).toBe(
      'user /x/config.yaml:3',
    );
    expect(formatOrigin({ kind: 'flag', flag: '--port' })).toBe('flag --port');
  });
});

describe('validateConfigFiles', () => {
  const tmp = useTempDir();

  it('reports each source with its own problems, and missing files as fine', () => {
    const repo = join(tmp.dir, 'repo');
    const repoFile = tmp.write('repo/flotilla.yaml', 'agents:\n  codex:\n    mode: explode\n');
    const result = validateConfigFiles({
      repoRoot: repo,
      env: { ...tmp.env, FLOTILLA_TMUX__SOKET: 'x' },
      cwd: repo,
    });
    expect(result.ok).toBe(false);
    expect(result.sources.map((s) => [s.kind, s.exists, s.ok, s.problems.length])).toEqual([
      ['user', false, true, 0],
      ['repo', true, false, 1],
      ['env', true, false, 1],
    ]);
    expect(result.sources[1]?.file).toBe(repoFile);
    expect(result.sources[1]?.messages).toEqual([
      'flotilla.yaml:3:5: agents.codex.mode: expected one of interactive, headless, got "explode"',
    ]);
    expect(result.sources[2]?.messages[0]).toContain('did you mean FLOTILLA_TMUX__SOCKET?');
  });

  it('checks named files on their own, and fails on a missing one', () => {
    const good = tmp.write('good.yaml', 'limits:\n  max_concurrent: 3\n');
    const bad = tmp.write('bad.yaml', 'limits: [\n');
    const result = validateConfigFiles({ env: tmp.env, files: [good, bad, join(tmp.dir, 'none.yaml')] });
    const files = result.sources.filter((s) => s.kind === 'file');
    expect(files.map((s) => [s.ok, s.exists])).toEqual([
      [true, true],
      [false, true],
      [false, false],
    ]);
    expect(files[1]?.messages[0]).toMatch(/bad\.yaml:\d+:\d+: /);
    expect(files[2]?.messages[0]).toMatch(/none\.yaml: no such file$/);
    expect(result.ok).toBe(false);
  });
});
