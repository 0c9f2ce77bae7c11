import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

describe('flotilla init', () => {
  let sb: Sandbox;
  afterEach(() => sb.cleanup());

  it('registers the repo and writes a commented starter flotilla.yaml', async () => {
    sb = makeSandbox();
    const r = await sb.flotilla(['init', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { repo: { path: string; defaultBranch: string }; configFile: string };
    expect(out.repo.defaultBranch).toBe('main');
    expect(out.configFile).toBe(join(sb.repo, 'flotilla.yaml'));
    const starter = readFileSync(join(sb.repo, 'flotilla.yaml'), 'utf8');
    expect(starter).toMatch(/^#/m);
    // Only repo keys: the daemon's port, limits or integrations are not this file's to set.
    expect(starter).toContain('# worktrees:');
    for (const daemonKey of ['server:', 'port:', 'limits:', 'integrations:'])
      expect(starter).not.toContain(daemonKey);
    const again = await sb.flotilla(['init']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('already registered');
  });

  it('never overwrites an existing flotilla.yaml', async () => {
    sb = makeSandbox();
    writeFileSync(join(sb.repo, 'flotilla.yaml'), 'limits:\n  max_concurrent: 2\n');
    const r = await sb.flotilla(['init']);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(sb.repo, 'flotilla.yaml'), 'utf8')).toBe('limits:\n  max_concurrent: 2\n');
  });

  it('registers from a subdirectory as the repo root', async () => {
    sb = makeSandbox();
    const sub = join(sb.repo, 'src');
    sb.git(['init', '-q'], sb.repo);
    await import('node:fs').then((fs) => fs.mkdirSync(sub));
    const r = await sb.flotilla(['init', '--json'], { cwd: sub });
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { repo: { path: string } }).repo.path).toBe(sb.repo);
  });

  it('refuses outside a git repo, with a hint, creating nothing', async () => {
    sb = makeSandbox({ repo: false });
    const r = await sb.flotilla(['init'], { cwd: sb.home });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/not inside a git repository/);
    expect(r.stderr).toContain('hint:');
    expect(existsSync(join(sb.home, 'flotilla.yaml'))).toBe(false);
  });

  it('task add outside a registered repo says to run init', async () => {
    sb = makeSandbox();
    const r = await sb.flotilla(['task', 'add', 'x']);
    expect(r.code).toBe(6);
    expect(r.stderr).toContain('flotilla init');
  });
});
