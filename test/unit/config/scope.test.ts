import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../../../src/config/keys.js';
import { evaluateConfig, type LoadOptions, loadConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { repoScoped } from '../../../src/config/scope.js';
import { configValue, validateConfigFiles } from '../../../src/config/show.js';
import { FlotillaError } from '../../../src/domain/errors.js';
import { useTempDir } from './helpers.js';

const USER = 'home/.config/flotilla/config.yaml';

/** The problems of one evaluation, as printed. */
function messages(opts: LoadOptions): string[] {
  return evaluateConfig(opts).problems.map((p) => `${p.path}: ${p.message}`);
}

describe('config scope', () => {
  const tmp = useTempDir();
  const repo = () => join(tmp.dir, 'repo');
  const opts = (extra: Partial<LoadOptions> = {}): LoadOptions => ({
    repoRoot: repo(),
    env: tmp.env,
    cwd: repo(),
    ...extra,
  });

  it('gives every key a scope; the repo keys are the agents, where worktrees live and start, dispatch and landing', () => {
    for (const key of configKeys()) expect(['repo', 'daemon'], key.path).toContain(key.scope);
    const repoKeys = configKeys()
      .filter((k) => k.scope === 'repo')
      .map((k) => k.path);
    expect(repoKeys.filter((p) => !p.startsWith('agents.<name>.'))).toEqual([
      'agent',
      'worktrees.root',
      'worktrees.copy',
      'worktrees.setup',
      'worktrees.base_ref',
      'scheduler.auto',
      'scheduler.max_per_repo',
      'landing.strategy',
      'landing.verify',
      'landing.verify_timeout_seconds',
      'landing.max_attempts',
      'landing.mode',
      'landing.remove_worktree',
    ]);
    expect(repoKeys).toContain('agents.<name>.env');
    const daemon = (path: string) => configKeys().find((k) => k.path === path)?.scope;
    for (const path of [
      'limits.max_concurrent',
      'limits.min_free_memory_mb',
      'restart.policy',
      'worktrees.port_range_start',
      'worktrees.port_block_size',
      'tmux.history_limit',
      'server.port',
    ])
      expect(daemon(path), path).toBe('daemon');
  });

  it('refuses a daemon key in a repo file, at its line, saying where it belongs', () => {
    const userFile = join(tmp.dir, USER);
    tmp.write(
      'repo/flotilla.yaml',
      'worktrees:\n  setup: make\n  port_block_size: 20\nlimits:\n  max_concurrent: 8\n',
    );
    let error: unknown;
    try {
      loadConfig(opts());
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlotillaError);
    const err = error as FlotillaError;
    expect(err.code).toBe('CONFIG_INVALID');
    expect(err.message).toBe(
      "flotilla.yaml:3:3: worktrees.port_block_size: a daemon setting, which a repo's flotilla.yaml cannot set: one daemon serves every repo and reads it from its own config (and 1 more problem)",
    );
    expect(err.issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^flotilla\.yaml:3:3: worktrees\.port_block_size: a daemon setting/),
      expect.stringMatching(/^flotilla\.yaml:5:3: limits\.max_concurrent: a daemon setting/),
    ]);
    expect(err.hint).toContain(`move it to ${userFile}`);
    expect(err.hint).toContain('or set FLOTILLA_WORKTREES__PORT_BLOCK_SIZE');
    expect(err.hint).toContain('flotilla daemon restart');
    // The same keys in the user file, or from a variable, are the daemon's: fine.
    tmp.write('repo/flotilla.yaml', 'worktrees:\n  setup: make\n');
    tmp.write(USER, 'worktrees:\n  port_block_size: 20\nlimits:\n  max_concurrent: 8\n');
    const loaded = loadConfig(opts({ env: { ...tmp.env, FLOTILLA_RESTART__POLICY: 'never' } }));
    expect(loaded.config.worktrees).toMatchObject({ setup: 'make', port_block_size: 20 });
    expect(loaded.config.limits.max_concurrent).toBe(8);
    expect(loaded.config.restart.policy).toBe('never');
  });

  it('refuses a whole daemon section in a repo file key by key, and reports it in config validate', () => {
    tmp.write('repo/flotilla.yaml', 'agent: codex\nserver:\n  port: 9000\n  tls:\n    cert: c.pem\n');
    expect(messages(opts())).toEqual([
      expect.stringMatching(/^server\.port: a daemon setting/),
      expect.stringMatching(/^server\.tls\.cert: a daemon setting/),
    ]);
    const result = validateConfigFiles(opts());
    const repoSource = result.sources.find((s) => s.kind === 'repo');
    expect(repoSource?.messages).toEqual([
      expect.stringMatching(/^flotilla\.yaml:3:3: server\.port: a daemon setting/),
      expect.stringMatching(/^flotilla\.yaml:5:5: server\.tls\.cert: a daemon setting/),
    ]);
  });

  it('checks a named file as a repo file only when it is a flotilla.yaml', () => {
    const user = tmp.write('mine/config.yaml', 'limits:\n  max_concurrent: 3\n');
    const repoFile = tmp.write('other/flotilla.yaml', 'limits:\n  max_concurrent: 3\n');
    const result = validateConfigFiles({ env: tmp.env, cwd: tmp.dir, files: [user, repoFile] });
    expect(result.sources.filter((s) => s.kind === 'file').map((s) => s.ok)).toEqual([true, false]);
  });

  it('refuses planned integration keys in files, variables and flags, and in config get', () => {
    tmp.write(USER, 'integrations:\n  github:\n    enabled: true\n    repo: acme/app\n');
    tmp.write('repo/flotilla.yaml', 'integrations:\n  notify:\n    slack:\n      webhook_url_env: SLACK\n');
    const problems = evaluateConfig(opts()).problems;
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'integrations.github.enabled: not yet supported: GitHub issues as tasks are planned, and this key has no effect yet',
      'integrations.github.repo: not yet supported: GitHub issues as tasks are planned, and this key has no effect yet',
      'integrations.notify.slack.webhook_url_env: not yet supported: Slack, Discord and webhook notifications are planned, and this key has no effect yet',
    ]);
    expect(problems.map((p) => ('line' in p.origin ? p.origin.line : null))).toEqual([3, 4, 4]);
    expect(problems[2]?.hint).toBe('remove it; to hear about agents now, use hooks.on_status');

    tmp.write(USER, '');
    tmp.write('repo/flotilla.yaml', '');
    expect(messages(opts({ env: { ...tmp.env, FLOTILLA_INTEGRATIONS__JIRA__ENABLED: 'true' } }))).toEqual([
      'integrations.jira.enabled: not yet supported: Jira issues as tasks are planned, and this key has no effect yet',
    ]);
    expect(messages(opts({ flags: { 'integrations.github.label': 'x' } }))).toEqual([
      'integrations.github.label: not yet supported: GitHub issues as tasks are planned, and this key has no effect yet',
    ]);
    const loaded = loadConfig(opts());
    expect(loaded.config).not.toHaveProperty('integrations');
    expect(() => configValue(loaded, 'integrations.github.enabled')).toThrow(
      "config key 'integrations.github.enabled' is not yet supported",
    );
  });

  it('takes the daemon keys of a repo config from the daemon, and the repo keys from the repo', () => {
    const daemon = defaultConfig();
    daemon.limits.max_concurrent = 9;
    daemon.worktrees.port_block_size = 5;
    daemon.worktrees.setup = 'daemon-setup';
    const forRepo = defaultConfig();
    forRepo.limits.max_concurrent = 2;
    forRepo.worktrees.port_block_size = 50;
    forRepo.worktrees.setup = 'npm ci';
    forRepo.agent = 'codex';
    const merged = repoScoped(forRepo, daemon);
    expect(merged.limits.max_concurrent).toBe(9);
    expect(merged.worktrees).toMatchObject({ port_block_size: 5, setup: 'npm ci' });
    expect(merged.agent).toBe('codex');
    expect(forRepo.limits.max_concurrent).toBe(2);
  });
});
