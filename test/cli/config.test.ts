import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

describe('flotilla config (real binary)', () => {
  let sb: Sandbox;
  beforeEach(() => {
    sb = makeSandbox();
  });
  afterEach(() => sb.cleanup());

  const writeRepoConfig = (text: string) => writeFileSync(join(sb.repo, 'flotilla.yaml'), text);

  it('show --origin names the layer of every value: default, user file, repo file, env', async () => {
    mkdirSync(join(sb.home, '.config', 'flotilla'), { recursive: true });
    writeFileSync(join(sb.home, '.config', 'flotilla', 'config.yaml'), 'tmux:\n  socket: mine\n');
    writeRepoConfig('limits:\n  max_concurrent: 2\n');
    const r = await sb.flotilla(['config', 'show', '--origin'], {
      env: { FLOTILLA_RESTART__POLICY: 'always' },
    });
    expect(r.code, r.stderr).toBe(0);
    const line = (key: string) => r.stdout.split('\n').find((l) => l.startsWith(`${key} `)) ?? '';
    expect(line('limits.max_concurrent')).toMatch(/\b2\b.*flotilla\.yaml:2/);
    expect(line('tmux.socket')).toMatch(/mine.*config\.yaml:2/);
    expect(line('restart.policy')).toMatch(/always.*FLOTILLA_RESTART__POLICY/);
    expect(line('server.host')).toMatch(/127\.0\.0\.1.*default/);
    const json = await sb.flotilla(['config', 'show', '--json']);
    expect(JSON.parse(json.stdout).limits.max_concurrent).toBe(2);
  });

  it('broken YAML: names file, line and column; exit 5', async () => {
    writeRepoConfig('limits:\n  max_concurrent: [1, 2\n');
    const r = await sb.flotilla(['config', 'show']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/flotilla\.yaml:\d+:\d+/);
  });

  it('unknown key: file, line, key path and a did-you-mean', async () => {
    writeRepoConfig('limts:\n  max_concurrent: 2\n');
    const r = await sb.flotilla(['config', 'validate']);
    expect(r.code).toBe(5);
    expect(r.stdout + r.stderr).toMatch(/flotilla\.yaml:1:1/);
    expect(r.stdout + r.stderr).toContain("did you mean 'limits'");
  });

  it('wrong type: the key path and what was expected', async () => {
    writeRepoConfig('limits:\n  max_concurrent: many\n');
    const r = await sb.flotilla(['config', 'show']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/flotilla\.yaml:2:\d+: limits\.max_concurrent: expected .*"many"/);
  });

  it('unknown FLOTILLA_ variable is refused with a suggestion', async () => {
    const r = await sb.flotilla(['config', 'show'], { env: { FLOTILLA_LIMTS__MAX_CONCURRENT: '3' } });
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('FLOTILLA_LIMTS__MAX_CONCURRENT');
  });

  it('validate passes on the starter file written by init', async () => {
    expect((await sb.flotilla(['init'])).code).toBe(0);
    const r = await sb.flotilla(['config', 'validate']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ flotilla\.yaml/);
  });

  it('path lists the files and the state dir', async () => {
    const r = await sb.flotilla(['config', 'path', '--json']);
    expect(r.code).toBe(0);
    const entries = JSON.parse(r.stdout) as { name: string; path: string }[];
    expect(entries.find((e) => e.name === 'state')?.path).toBe(sb.stateDir);
    expect(entries.find((e) => e.name === 'repo')?.path).toBe(join(sb.repo, 'flotilla.yaml'));
  });
});
