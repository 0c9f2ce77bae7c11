import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { configReferenceMarkdown } from '../../../src/config/docs.js';
import { configKeys } from '../../../src/config/keys.js';

const DOC = fileURLToPath(new URL('../../../docs/configuration.md', import.meta.url));

describe('docs/configuration.md', () => {
  const generated = configReferenceMarkdown();

  it('is up to date with the schema (regenerate: npm run build && npm run docs:config)', () => {
    expect(readFileSync(DOC, 'utf8')).toBe(generated);
  });

  it('documents every key with its type, default, env var and description', () => {
    for (const key of configKeys()) {
      const start = generated.indexOf(`### \`${key.path}\`\n`);
      expect(start, key.path).toBeGreaterThan(0);
      const end = generated.indexOf('\n### ', start + 1);
      const section = generated.slice(start, end === -1 ? undefined : end);
      expect(key.description.length, `${key.path} has a description`).toBeGreaterThan(10);
      expect(section).toContain(key.description);
      expect(section).toContain(`- Environment: \`${key.envVar}\``);
      expect(section).toMatch(/- Type: \S/);
      expect(section).toMatch(/- Default: \S/);
    }
    expect(generated).toContain('- Default: `4`\n- Environment: `FLOTILLA_LIMITS__MAX_CONCURRENT`');
  });
});
