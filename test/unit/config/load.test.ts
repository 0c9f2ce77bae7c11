import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/schema.js';
import { useTempDir } from './helpers.js';

const USER = 'home/.config/flotilla/config.yaml';

describe('loadConfig layers', () => {
  const tmp = useTempDir();

  it('gives the defaults, all with a default origin, when nothing is set', () => {
    const loaded = loadConfig({ repoRoot: join(tmp.dir, 'repo'), env: tmp.env });
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.config.limits.max_concurrent).toBe(4);
    expect(loaded.config.server).toMatchObject({ host: '127.0.0.1', port: 7433, terminal_input: false });
    expect(loaded.config.agents['claude-code']).toMatchObject({ adapter: 'claude-code', command: 'claude' });
    expect(loaded.files).toEqual([]);
    expect(loaded.origins.get('limits.max_concurrent')).toEqual({ kind: 'default' });
    expect([...loaded.origins.values()].every((o) => o.kind === 'default')).toBe(true);
  });

  it('lets each layer override the one before and records where each value came from', () => {
    const userFile = tmp.write(
      USER,
      'limits:\n  max_concurrent: 2\n  action: stop\nserver:\n  port: 8000\nworktrees:\n  setup: make\n',
    );
    const repoFile = tmp.write('repo/flotilla.yaml', '# repo settings\nworktrees:\n  setup: npm ci\n');
    const env = { ...tmp.env, FLOTILLA_SERVER__PORT: '9000', FLOTILLA_LOG__LEVEL: 'debug' };
    const loaded = loadConfig({
      repoRoot: join(tmp.dir, 'repo'),
      env,
      flags: { 'log.level': 'warn' },
      flagNames: { 'log.level': '--log-level' },
    });

    expect(loaded.files).toEqual([userFile, repoFile]);
    expect(loaded.config.limits.action).toBe('stop');
    expect(loaded.origins.get('limits.action')).toEqual({ kind: 'user', file: userFile, line: 3 });
    expect(loaded.config.limits.max_concurrent).toBe(2);
    expect(loaded.config.worktrees.setup).toBe('npm ci');
    expect(loaded.origins.get('worktrees.setup')).toEqual({ kind: 'repo', file: repoFile, line: 3 });
    expect(loaded.config.server.port).toBe(9000);
    expect(loaded.origins.get('server.port')).toEqual({ kind: 'env', variable: 'FLOTILLA_SERVER__PORT' });
    expect(loaded.config.log.level).toBe('warn');
    expect(loaded.origins.get('log.level')).toEqual({ kind: 'flag', flag: '--log-level' });
    expect(loaded.origins.get('limits.stuck_after_seconds')).toEqual({ kind: 'default' });
  });

  it('merges an agent entry with its built-in defaults and keeps the other built-ins', () => {
    const repoFile = tmp.write(
      'repo/flotilla.yaml',
      'agents:\n  claude-code:\n    command: /opt/claude\n  mine:\n    adapter: custom\n    command: my-cli\n',
    );
    tmp.write(USER, 'agents:\n  claude-code:\n    args: [--verbose]\n    env:\n      A: "1"\n');
    const env = { ...tmp.env, FLOTILLA_AGENTS__CLAUDE_CODE__ENV__B: '2' };
    const { config, origins } = loadConfig({ repoRoot: join(tmp.dir, 'repo'), env });

    expect(config.agents['claude-code']).toEqual({
      adapter: 'claude-code',
      command: '/opt/claude',
      args: ['--verbose'],
      env: { A: '1', B: '2' },
      mode: 'interactive',
      permission_mode: 'default',
      skip_first_run_dialogs: true,
      auto_commit: true,
    });
    expect(Object.keys(config.agents)).toEqual(['claude-code', 'codex', 'gemini', 'aider', 'mine']);
    expect(config.agents.mine).toMatchObject({ adapter: 'custom', command: 'my-cli', mode: 'interactive' });
    expect(origins.get('agents.claude-code.command')).toEqual({ kind: 'repo', file: repoFile, line: 3 });
    expect(origins.get('agents.claude-code.env.A')?.kind).toBe('user');
    expect(origins.get('agents.claude-code.env.B')).toEqual({
      kind: 'env',
      variable: 'FLOTILLA_AGENTS__CLAUDE_CODE__ENV__B',
    });
    expect(origins.get('agents.claude-code.mode')).toEqual({ kind: 'default' });
    expect(origins.get('agents.codex.command')).toEqual({ kind: 'default' });
  });

  it('supports YAML anchors and merge keys, e.g. to share an agent setup', () => {
    tmp.write(
      'repo/flotilla.yaml',
      'agents:\n  fast: &base\n    adapter: claude-code\n    args: [--model, haiku]\n  careful:\n    <<: *base\n    permission_mode: plan\n',
    );
    const { config } = loadConfig({ repoRoot: join(tmp.dir, 'repo'), env: tmp.env });
    expect(config.agents.careful).toMatchObject({
      adapter: 'claude-code',
      command: 'claude',
      args: ['--model', 'haiku'],
      permission_mode: 'plan',
    });
  });

  it('replaces lists rather than appending to them', () => {
    tmp.write(USER, 'worktrees:\n  copy: [.env, secrets.json]\n');
    tmp.write('repo/flotilla.yaml', 'worktrees:\n  copy: [.env.local]\n');
    const { config } = loadConfig({ repoRoot: join(tmp.dir, 'repo'), env: tmp.env });
    expect(config.worktrees.copy).toEqual(['.env.local']);
  });

  it('treats an empty or comment-only file as setting nothing', () => {
    const file = tmp.write('repo/flotilla.yaml', '# nothing yet\n');
    const loaded = loadConfig({ repoRoot: join(tmp.dir, 'repo'), env: tmp.env });
    expect(loaded.config).toEqual(defaultConfig());
    expect(loaded.files).toEqual([file]);
  });

  it('honours FLOTILLA_CONFIG and an explicit userConfigFile', () => {
    const other = tmp.write('elsewhere.yaml', 'tmux:\n  socket: other\n');
    expect(loadConfig({ env: { ...tmp.env, FLOTILLA_CONFIG: other } }).config.tmux.socket).toBe('other');
    expect(loadConfig({ env: tmp.env, userConfigFile: other }).config.tmux.socket).toBe('other');
    tmp.write(USER, 'tmux:\n  socket: mine\n');
    expect(loadConfig({ env: tmp.env, userConfigFile: null }).config.tmux.socket).toBe('flotilla');
  });
});

describe('loadConfig environment variables and flags', () => {
  const tmp = useTempDir();

  it('types env values as YAML: numbers, booleans, lists, maps and null', () => {
    const env = {
      ...tmp.env,
      FLOTILLA_LIMITS__MAX_CONCURRENT: '8',
      FLOTILLA_LIMITS__CPU_PERCENT: '150.5',
      FLOTILLA_SERVER__PORT: '0',
      FLOTILLA_SERVER__TERMINAL_INPUT: 'true',
      FLOTILLA_SERVER__ALLOWED_HOSTS: '[a.example, b.example]',
      FLOTILLA_RESTART__BACKOFF: '{initial_ms: 500, max_ms: 800}',
      FLOTILLA_RESTART__BACKOFF__MAX_MS: '900',
      FLOTILLA_WORKTREES__ROOT: 'null',
    };
    const { config } = loadConfig({ env });
    expect(config.limits.max_concurrent).toBe(8);
    expect(config.limits.cpu_percent).toBe(150.5);
    expect(config.server.port).toBe(0);
    expect(config.server.terminal_input).toBe(true);
    expect(config.server.allowed_hosts).toEqual(['a.example', 'b.example']);
    // The more specific variable refines the section one, whatever their order in the environment.
    expect(config.restart.backoff).toEqual({ initial_ms: 500, max_ms: 900, factor: 2 });
    expect(config.worktrees.root).toBeNull();
  });

  it('takes text values verbatim, even when they would be YAML of another type', () => {
    const env = {
      ...tmp.env,
      FLOTILLA_WORKTREES__SETUP: 'npm ci: --quiet && make # all',
      FLOTILLA_WORKTREES__BASE_REF: 'true',
      FLOTILLA_AGENT: 'codex',
    };
    const { config, origins } = loadConfig({ env });
    expect(config.worktrees.setup).toBe('npm ci: --quiet && make # all');
    expect(config.worktrees.base_ref).toBe('true');
    expect(config.agent).toBe('codex');
    expect(origins.get('agent')).toEqual({ kind: 'env', variable: 'FLOTILLA_AGENT' });
  });

  it('maps underscores in agent names back to dashes and defines new agents', () => {
    const env = {
      ...tmp.env,
      FLOTILLA_AGENTS__CLAUDE_CODE__COMMAND: '/opt/claude',
      FLOTILLA_AGENTS__MY_BOT__ADAPTER: 'custom',
      FLOTILLA_AGENTS__MY_BOT__COMMAND: 'bot',
      FLOTILLA_AGENTS__MY_BOT__ENV__SOME__VAR: 'x',
    };
    const { config } = loadConfig({ env });
    expect(config.agents['claude-code']?.command).toBe('/opt/claude');
    expect(config.agents['my-bot']).toMatchObject({
      adapter: 'custom',
      command: 'bot',
      env: { SOME__VAR: 'x' },
    });
  });

  it('ignores FLOTILLA_ variables that are not configuration, and empty ones', () => {
    const env = {
      ...tmp.env,
      FLOTILLA_HOME: '/somewhere',
      FLOTILLA_AGENT_ID: 'abc234',
      FLOTILLA_PORT_BASE: '20010',
      FLOTILLA_SERVER__PORT: '',
    };
    const { config, origins } = loadConfig({ env });
    expect(config).toEqual(defaultConfig());
    expect(origins.get('server.port')).toEqual({ kind: 'default' });
  });

  it('takes flags above env vars, typed values as-is and strings as env values', () => {
    const env = { ...tmp.env, FLOTILLA_SERVER__PORT: '9000', FLOTILLA_LIMITS__MAX_CONCURRENT: '2' };
    const { config, origins } = loadConfig({
      env,
      flags: { 'server.port': 1234, 'limits.max_concurrent': '6', 'server.host': undefined },
    });
    expect(config.server.port).toBe(1234);
    expect(config.limits.max_concurrent).toBe(6);
    expect(config.server.host).toBe('127.0.0.1');
    expect(origins.get('server.port')).toEqual({ kind: 'flag', flag: '--server.port' });
  });

  it('expands ~ and resolves relative paths against the file that set them', () => {
    const repo = join(tmp.dir, 'repo');
    tmp.write('repo/flotilla.yaml', 'worktrees:\n  root: ../trees\n');
    const userFile = tmp.write(USER, 'server:\n  tls:\n    cert: ~/c.pem\n    key: k.pem\n');
    const { config } = loadConfig({ repoRoot: repo, env: tmp.env });
    expect(config.worktrees.root).toBe(join(tmp.dir, 'trees'));
    expect(config.server.tls).toEqual({
      cert: join(tmp.dir, 'home', 'c.pem'),
      key: join(dirname(userFile), 'k.pem'),
    });

    const fromEnv = loadConfig({ env: { ...tmp.env, FLOTILLA_WORKTREES__ROOT: 'wt' }, cwd: '/work/x' });
    expect(fromEnv.config.worktrees.root).toBe('/work/x/wt');
  });
});
