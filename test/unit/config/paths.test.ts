import { chmodSync, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureStateDir, expandHome, resolvePaths, writeSecretFile } from '../../../src/config/paths.js';
import type { FlotillaError } from '../../../src/domain/errors.js';
import { thrownFlotillaError, useTempDir } from './helpers.js';

const isRoot = process.getuid?.() === 0;
const mode = (path: string) => statSync(path).mode & 0o777;

const stateDirError = (fn: () => void): FlotillaError => thrownFlotillaError(fn, 'STATE_DIR_UNWRITABLE');

describe('resolvePaths', () => {
  it('follows XDG defaults under HOME', () => {
    expect(resolvePaths({ HOME: '/h' })).toEqual({
      home: '/h/.local/share/flotilla',
      userConfigFile: '/h/.config/flotilla/config.yaml',
      dbFile: '/h/.local/share/flotilla/flotilla.db',
      logDir: '/h/.local/share/flotilla/logs',
      agentsDir: '/h/.local/share/flotilla/agents',
      tokenFile: '/h/.local/share/flotilla/token',
    });
  });

  it('uses XDG_DATA_HOME and XDG_CONFIG_HOME when absolute, and ignores relative ones as the spec says', () => {
    const paths = resolvePaths({ HOME: '/h', XDG_DATA_HOME: '/data', XDG_CONFIG_HOME: '/conf' });
    expect(paths.home).toBe('/data/flotilla');
    expect(paths.userConfigFile).toBe('/conf/flotilla/config.yaml');
    const relative = resolvePaths({ HOME: '/h', XDG_DATA_HOME: 'data', XDG_CONFIG_HOME: '' });
    expect(relative.home).toBe('/h/.local/share/flotilla');
    expect(relative.userConfigFile).toBe('/h/.config/flotilla/config.yaml');
  });

  it('lets FLOTILLA_HOME and FLOTILLA_CONFIG win, with ~ expanded', () => {
    const paths = resolvePaths({ HOME: '/h', FLOTILLA_HOME: '~/fl', FLOTILLA_CONFIG: '/etc/fl.yaml' });
    expect(paths.home).toBe('/h/fl');
    expect(paths.tokenFile).toBe('/h/fl/token');
    expect(paths.userConfigFile).toBe('/etc/fl.yaml');
    expect(expandHome('~', { HOME: '/h' })).toBe('/h');
    expect(expandHome('~user/x', { HOME: '/h' })).toBe('~user/x');
  });
});

describe('ensureStateDir', () => {
  const tmp = useTempDir();

  it('creates the state dir and its subdirectories with mode 0700', () => {
    const paths = resolvePaths({ HOME: tmp.dir, FLOTILLA_HOME: join(tmp.dir, 'a', 'state') });
    ensureStateDir(paths);
    for (const dir of [join(tmp.dir, 'a'), paths.home, paths.logDir, paths.agentsDir])
      expect(mode(dir)).toBe(0o700);
    expect(readdirSync(paths.home).sort()).toEqual(['agents', 'logs']);
    ensureStateDir(paths); // idempotent
  });

  it('explains how to fix a state dir that a file is in the way of', () => {
    const file = tmp.write('plain-file', 'x');
    const paths = resolvePaths({ HOME: tmp.dir, FLOTILLA_HOME: join(file, 'state') });
    const err = stateDirError(() => ensureStateDir(paths));
    expect(err.message).toBe(
      `cannot use the state directory ${paths.home}: a file is in the way (the path or one of its parents is not a directory)`,
    );
    expect(err.hint).toContain('FLOTILLA_HOME');
  });

  it.skipIf(isRoot)(
    'explains how to fix a read-only state dir (skipped as root: root writes through chmod)',
    () => {
      const home = join(tmp.dir, 'ro');
      const paths = resolvePaths({ HOME: tmp.dir, FLOTILLA_HOME: home });
      ensureStateDir(paths);
      chmodSync(home, 0o500);
      try {
        const err = stateDirError(() => ensureStateDir(paths));
        expect(err.message).toContain('permission denied');
        expect(err.hint).toContain(`chmod u+rwx '${home}'`);
      } finally {
        chmodSync(home, 0o700);
      }
    },
  );
});

describe('writeSecretFile', () => {
  const tmp = useTempDir();

  it('writes a file with mode 0600, replacing any previous one, leaving no temp file', () => {
    const file = join(tmp.dir, 'state', 'token');
    writeSecretFile(file, 'first');
    expect(readFileSync(file, 'utf8')).toBe('first');
    expect(mode(file)).toBe(0o600);
    expect(mode(join(tmp.dir, 'state'))).toBe(0o700);

    chmodSync(file, 0o644);
    writeSecretFile(file, 'second');
    expect(readFileSync(file, 'utf8')).toBe('second');
    expect(mode(file)).toBe(0o600);
    expect(readdirSync(join(tmp.dir, 'state'))).toEqual(['token']);
  });

  it('fails with STATE_DIR_UNWRITABLE and leaves nothing behind when the dir cannot exist', () => {
    const file = tmp.write('plain-file', 'x');
    stateDirError(() => writeSecretFile(join(file, 'token'), 'secret'));
    expect(existsSync(join(file, 'token'))).toBe(false);
  });
});
