import { describe, expect, it } from 'vitest';
import { ConfigSchema, defaultConfig } from '../../../src/config/schema.js';
import { starterConfigYaml } from '../../../src/config/starter.js';
import { parseYamlConfig } from '../../../src/config/yaml-file.js';

/** Uncomments every `# key: value` line, as a user editing the file would. */
const uncommentAll = (text: string) =>
  text
    .split('\n')
    .map((line) => line.replace(/^# ( *[a-z][a-z0-9_-]*:(?: .*)?)$/, '$1'))
    .join('\n');

describe('starterConfigYaml', () => {
  const text = starterConfigYaml();

  it('parses to an empty configuration, which validates to the defaults', () => {
    const parsed = parseYamlConfig('flotilla.yaml', text);
    expect(parsed.problems).toEqual([]);
    expect(parsed.data).toEqual({});
    expect(ConfigSchema.parse(parsed.data)).toEqual(defaultConfig());
  });

  it('shows the defaults: uncommenting every key line changes nothing but the example agent', () => {
    const uncommented = uncommentAll(text);
    expect(uncommented).toContain('\nlimits:\n');
    const parsed = parseYamlConfig('flotilla.yaml', uncommented);
    expect(parsed.problems).toEqual([]);
    const config = ConfigSchema.parse(parsed.data);
    const { 'my-agent': example, ...agents } = config.agents;
    expect(example).toMatchObject({ adapter: 'custom', command: 'my-agent-cli', args: ['--yes'] });
    expect({ ...config, agents }).toEqual(defaultConfig());
  });

  it('explains each key it shows and points to the docs and the validator', () => {
    expect(text).toContain('# limits:\n#   # Most agents running at once');
    expect(text).toContain('#   max_concurrent: 4\n');
    expect(text).toContain('docs/configuration.md');
    expect(text).toContain('flotilla config validate');
    expect(text.split('\n').every((line) => line === '' || line.startsWith('#'))).toBe(true);
    expect(Math.max(...text.split('\n').map((l) => l.length))).toBeLessThanOrEqual(110);
  });
});
