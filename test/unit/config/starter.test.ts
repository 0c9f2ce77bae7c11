import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configKeys } from '../../../src/config/keys.js';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigSchema, defaultConfig } from '../../../src/config/schema.js';
import { starterConfigYaml } from '../../../src/config/starter.js';
import { parseYamlConfig } from '../../../src/config/yaml-file.js';
import { useTempDir } from './helpers.js';

/** Uncomments every `# key: value` line, as a user editing the file would. */
const uncommentAll = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/^# ( *[a-z][a-z0-9_-]*:(?: .*)?)$/, '$1'))
    .join('\n');

describe('starterConfigYaml', () => {
  const text = starterConfigYaml();
  const tmp = useTempDir();

  it('parses to an empty configuration, which validates to the defaults', () => {
    const parsed = parseYamlConfig('flotilla.yaml', text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.data).toEqual({});
    expect(ConfigSchema.parse(parsed.data)).toEqual(defaultConfig());
  });

  it('shows the defaults: uncommenting every key line changes nothing but the example agent', () => {
    const uncommented = uncommentAll(text);
    expect(uncommented).toContain('\nworktrees:\n');
    const parsed = parseYamlConfig('flotilla.yaml', uncommented);
    expect(parsed.problems).toEqual([]);
    const config = ConfigSchema.parse(parsed.data);
    const { 'my-agent': example, ...agents } = config.agents;
    expect(example).toMatchObject({ adapter: 'custom', command: 'my-agent-cli', args: ['--yes'] });
    expect({ ...config, agents }).toEqual(defaultConfig());
  });

  it('explains each key it shows and points to the docs and the validator', () => {
    expect(text).toContain('# worktrees:\n#   # Directory that holds the worktrees');
    expect(text).toContain('#   copy: [.env, .env.*, .envrc]\n');
    expect(text).toContain('docs/configuration.md');
    expect(text).toContain('flotilla config validate');
    expect(text.split('\n').every((line) => line === '' || line.startsWith('#'))).toBe(true);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(110);
  });

  it('shows only repo keys, so that uncommenting any line is valid in a repo file', () => {
    const file = join(tmp.dir, 'flotilla.yaml');
    writeFileSync(file, uncommentAll(text));
    const loaded = loadConfig({ repoConfigFile: file, userConfigFile: null, env: {} });
    const fromRepo = [...loaded.origins].filter(([, o]) => o.kind === 'repo').map(([path]) => path);
    expect(fromRepo).toContain('agents.claude-code.command');
    expect(fromRepo).toContain('worktrees.setup');
    for (const path of fromRepo) {
      const key = configKeys().find((k) => k.path === path.replace(/^agents\.[^.]+\./, 'agents.<name>.'));
      expect(key?.scope, path).toBe('repo');
    }
    for (const daemonOnly of ['limits:', 'server:', 'restart:', 'integrations:', 'log:'])
      expect(text).not.toContain(`# ${daemonOnly}`);
  });
});
