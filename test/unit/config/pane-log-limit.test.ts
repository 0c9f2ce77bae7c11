import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { FlotillaError } from '../../../src/domain/errors.js';
import { useTempDir } from './helpers.js';

describe('limits.pane_log_max_mb', () => {
  const tmp = useTempDir();
  // A daemon key: set in the user file (the daemon's), with messages relative to its directory.
  const load = (yaml: string, env: NodeJS.ProcessEnv = {}) => {
    const file = tmp.write('home/.config/flotilla/config.yaml', yaml);
    return loadConfig({ repoRoot: `${tmp.dir}/repo`, cwd: dirname(file), env: { ...tmp.env, ...env } });
  };

  it('defaults to 32 MiB and takes fractions from a file or the environment', () => {
    expect(load('').config.limits.pane_log_max_mb).toBe(32);
    expect(load('limits:\n  pane_log_max_mb: 0.5\n').config.limits.pane_log_max_mb).toBe(0.5);
    const fromEnv = load('', { FLOTILLA_LIMITS__PANE_LOG_MAX_MB: '4' });
    expect(fromEnv.config.limits.pane_log_max_mb).toBe(4);
  });

  it.each([
    ['0', 'expected a number from 0.01 to 1000000, got 0'],
    ['-1', 'expected a number from 0.01 to 1000000, got -1'],
    ['lots', 'expected a number from 0.01 to 1000000, got "lots"'],
  ])('rejects %s with the file, line, key and the accepted range', (value, expected) => {
    let error: unknown;
    try {
      load(`limits:\n  pane_log_max_mb: ${value}\n`);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(FlotillaError);
    expect((error as FlotillaError).code).toBe('CONFIG_INVALID');
    expect((error as FlotillaError).message).toBe(`config.yaml:2:3: limits.pane_log_max_mb: ${expected}`);
  });
});
