import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configKeyPaths, configKeys, envVarFor, envVarToPath, lookupPath } from '../../../src/config/keys.js';
import { BUILTIN_AGENT_NAMES, ConfigSchema, defaultConfig } from '../../../src/config/schema.js';
import { closest, didYouMean, editDistance } from '../../../src/config/suggest.js';

describe('ConfigSchema', () => {
  it('has the documented defaults', () => {
    const c = defaultConfig();
    expect(c.agent).toBe('claude-code');
    expect(Object.keys(c.agents)).toEqual(BUILTIN_AGENT_NAMES);
    expect(c.agents.aider).toEqual({
      adapter: 'aider',
      command: 'aider',
      args: [],
      env: {},
      mode: 'interactive',
      permission_mode: 'default',
      skip_first_run_dialogs: true,
      auto_commit: true,
    });
    expect(c.worktrees).toEqual({
      root: null,
      copy: ['.env', '.env.*', '.envrc'],
      setup: null,
      port_block_size: 10,
      port_range_start: 20000,
      base_ref: null,
    });
    expect(c.tmux).toEqual({ socket: 'flotilla', history_limit: 50000, config: null });
    expect(c.limits).toEqual({
      max_concurrent: 4,
      cpu_percent: null,
      memory_mb: null,
      action: 'warn',
      stuck_after_seconds: 900,
      min_free_memory_mb: 512,
      pane_log_max_mb: 32,
    });
    expect(c.scheduler).toEqual({ auto: false, max_per_repo: null });
    expect(c.landing).toEqual({
      strategy: 'rebase',
      verify: null,
      verify_timeout_seconds: 1800,
      max_attempts: 3,
      mode: 'local',
      remove_worktree: true,
    });
    expect(c.restart).toEqual({
      policy: 'on-failure',
      backoff: { initial_ms: 1000, max_ms: 60000, factor: 2 },
      intensity: { max_restarts: 5, window_seconds: 300 },
      rate_limit: { initial_ms: 60000, max_ms: 900000 },
    });
    expect(c.server).toEqual({
      host: '127.0.0.1',
      port: 7433,
      allowed_hosts: [],
      tls: { cert: null, key: null },
      terminal_input: false,
    });
    expect(c).not.toHaveProperty('integrations');
    expect(c.log).toEqual({ level: 'info', max_file_mb: 10, max_files: 5 });
    expect(c.hooks).toEqual({ on_status: null, timeout_seconds: 10 });
  });

  it('gives every call its own default lists', () => {
    const a = defaultConfig();
    a.worktrees.copy.push('x');
    a.agents['claude-code']!.args.push('y');
    expect(defaultConfig().worktrees.copy).not.toContain('x');
    expect(defaultConfig().agents['claude-code']!.args).toEqual([]);
  });

  it('checks cross-field rules: tls pairs, backoff order', () => {
    const issues = (input: unknown) =>
      ConfigSchema.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ server: { tls: { cert: '/c' } } })).toEqual([
      'server.tls.key: set both cert and key, or neither',
    ]);
    expect(issues({ restart: { backoff: { initial_ms: 10, max_ms: 5 } } })).toEqual([
      'restart.backoff.max_ms: max_ms must be at least initial_ms',
    ]);
  });

  it('describes every key', () => {
    for (const key of configKeys()) expect(key.description, key.path).not.toBe('');
  });
});

describe('config keys', () => {
  it('lists the leaf paths, with agent names as a placeholder', () => {
    const paths = configKeyPaths();
    expect(paths).toContain('limits.max_concurrent');
    expect(paths).toContain('agents.<name>.command');
    expect(paths).toContain('agents.<name>.env');
    expect(paths.filter((p) => p.startsWith('integrations'))).toEqual([]);
    expect(paths).not.toContain('limits');
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('maps paths to env vars and back', () => {
    expect(envVarFor('limits.max_concurrent')).toBe('FLOTILLA_LIMITS__MAX_CONCURRENT');
    expect(envVarFor('agents.claude-code.command')).toBe('FLOTILLA_AGENTS__CLAUDE_CODE__COMMAND');
    expect(envVarFor('agents.claude-code.env.MY_VAR')).toBe('FLOTILLA_AGENTS__CLAUDE_CODE__ENV__MY_VAR');
    expect(envVarToPath('FLOTILLA_AGENTS__CLAUDE_CODE__ENV__MY_VAR')).toEqual({
      ok: true,
      segments: ['agents', 'claude-code', 'env', 'MY_VAR'],
    });
    expect(envVarToPath('FLOTILLA_LIMITS__NOPE')).toMatchObject({ ok: false, at: 1 });
  });

  it('round-trips every key for any agent name (property)', () => {
    const agentName = fc.stringMatching(/^[a-z][a-z0-9-]{0,39}$/);
    fc.assert(
      fc.property(agentName, fc.constantFrom(...configKeyPaths()), (name, key) => {
        const path = key.replace('<name>', name);
        const back = envVarToPath(envVarFor(path));
        expect(back).toEqual({ ok: true, segments: path.split('.') });
        expect(lookupPath(path.split('.')).ok).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('suggestions', () => {
  it('finds close typos and nothing for unrelated words', () => {
    expect(editDistance('limts', 'limits')).toBe(1);
    expect(editDistance('limtis', 'limits')).toBe(1);
    expect(closest('sever', ['server', 'limits'])).toBe('server');
    expect(closest('banana', ['server', 'limits'])).toBeUndefined();
    expect(didYouMean('prot', ['port', 'host'])).toBe(" (did you mean 'port'?)");
  });
});
