import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/**
 * `npm install` / `npm ci` must be clean on a supported Node: no install script left to npm's
 * leniency (npm 11 blocks unlisted dependency install scripts by default, and lists them), and no
 * EBADENGINE. Checked against package.json and the lockfile, which is what `npm ci` installs.
 */
interface LockEntry {
  version?: string;
  hasInstallScript?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  engines?: { node?: string } | string[];
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  engines: { node: string };
  allowScripts?: Record<string, boolean>;
};
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockEntry>;
};
const semver = createRequire(import.meta.url)('semver') as {
  satisfies(v: string, range: string): boolean;
  minVersion(range: string): { version: string } | null;
};

/** The package name a lockfile key installs: the part after the last node_modules/. */
const nameOf = (key: string) => key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);

/** An optional package built for another os/cpu is never installed here, so never runs scripts. */
const installedHere = (e: LockEntry) =>
  !(e.os && !e.os.includes(process.platform)) && !(e.cpu && !e.cpu.includes(process.arch));

/** allowScripts keys are `name` or `name@range`; the name is all before the version's `@`. */
const allowedName = (key: string) => key.replace(/(?<=.)@.*$/, '');

describe('npm install is clean on the supported Node', () => {
  it('every dependency with an install script is decided in package.json allowScripts', () => {
    const decided = new Set(Object.keys(pkg.allowScripts ?? {}).map(allowedName));
    const undecided = Object.entries(lock.packages)
      .filter(([key, e]) => key !== '' && e.hasInstallScript && installedHere(e))
      .map(([key, e]) => `${nameOf(key)}@${e.version}`)
      .filter((id) => !decided.has(allowedName(id)));
    // Fix: review the script, then `npm install-scripts approve <pkg> --no-allow-scripts-pin`
    // (or `deny` when the package works without it).
    expect(undecided).toEqual([]);
    // The two Flotilla needs built: the SQLite binding and the Claude Code binary.
    expect(pkg.allowScripts?.['better-sqlite3']).toBe(true);
    expect(pkg.allowScripts?.['@anthropic-ai/claude-code']).toBe(true);
  });

  it('no installed package wants a newer Node than the oldest one package.json supports (EBADENGINE)', () => {
    const oldest = semver.minVersion(pkg.engines.node)?.version;
    expect(oldest).toBeDefined();
    const tooNew = Object.entries(lock.packages)
      .filter(([key, e]) => key !== '' && installedHere(e))
      .filter(([, e]) => {
        const range = Array.isArray(e.engines) ? undefined : e.engines?.node;
        return range !== undefined && !semver.satisfies(oldest as string, range);
      })
      .map(([key, e]) => `${key} wants node ${(e.engines as { node: string }).node}`);
    expect(tooNew).toEqual([]);
  });

  it("this npm's own check finds no install script left unreviewed", () => {
    const help = spawnSync('npm', ['help', 'install-scripts'], { cwd: ROOT, encoding: 'utf8' });
    if (help.status !== 0) return; // an npm without allowScripts runs every script anyway
    const r = spawnSync('npm', ['install-scripts', 'ls'], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, npm_config_update_notifier: 'false' },
    });
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/not yet covered by allowScripts/);
  });
});
