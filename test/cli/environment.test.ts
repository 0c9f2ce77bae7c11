import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

describe('environment failures (real binary)', () => {
  let sb: Sandbox;
  afterEach(() => sb.cleanup());

  it('an unwritable state dir gets a clear error naming FLOTILLA_HOME', async () => {
    sb = makeSandbox();
    // A path below a regular file can never be created, even by root (chmod would not stop root).
    const blocker = join(sb.dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const r = await sb.flotilla(['task', 'list'], { env: { FLOTILLA_HOME: join(blocker, 'state') } });
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/state dir/i);
    expect(r.stderr).toContain('FLOTILLA_HOME');
  });

  it('a database written by a newer Flotilla is refused and left unchanged', async () => {
    sb = makeSandbox();
    expect((await sb.flotilla(['init'])).code).toBe(0);
    expect((await sb.flotilla(['daemon', 'stop'])).code).toBe(0);
    const file = join(sb.stateDir, 'flotilla.db');
    const db = new Database(file);
    const version = (db.pragma('user_version', { simple: true }) as number) + 50;
    db.pragma(`user_version = ${version}`);
    db.close();
    const r = await sb.flotilla(['task', 'list']);
    expect(r.code).toBe(6);
    expect(r.stderr).toMatch(/newer Flotilla/);
    expect(r.stderr).toContain('hint:');
    const after = new Database(file, { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(version);
    after.close();
  });

  it('doctor prints one line per check and a fix for each failure', async () => {
    sb = makeSandbox();
    const r = await sb.flotilla(['doctor', '--json'], {
      env: { FLOTILLA_AGENTS__CLAUDE_CODE__COMMAND: 'no-such-claude' },
    });
    const report = JSON.parse(r.stdout) as {
      ok: boolean;
      checks: { name: string; status: string; fix?: string }[];
    };
    const byName = new Map(report.checks.map((c) => [c.name, c]));
    expect(byName.get('git')?.status).toBe('ok');
    expect(byName.get('tmux')?.status).toBe('ok');
    expect(byName.get('database')?.status).toBe('ok');
    expect(byName.get('config')?.status).toBe('ok');
    expect(byName.get('agent claude-code')?.status).toBe('fail');
    expect(byName.get('agent claude-code')?.fix).toContain('npm install -g @anthropic-ai/claude-code');
    expect(report.ok).toBe(false);
    expect(r.code).toBe(1);
    const human = await sb.flotilla(['doctor'], {
      env: { FLOTILLA_AGENTS__CLAUDE_CODE__COMMAND: 'no-such-claude' },
    });
    expect(human.stdout).toMatch(/^✓ git\s+\d/m);
    expect(human.stdout).toMatch(/^✗ agent claude-code/m);
    expect(human.stdout).toMatch(/fix: npm install -g @anthropic-ai\/claude-code/);
  });

  it('version and --help work without a state dir', async () => {
    sb = makeSandbox();
    const v = await sb.flotilla(['version', '--json']);
    expect(JSON.parse(v.stdout).flotilla).toMatch(/^\d+\.\d+\.\d+/);
    const help = await sb.flotilla(['--help']);
    expect(help.code).toBe(0);
    for (const cmd of ['init', 'task', 'config', 'doctor', 'daemon', 'serve'])
      expect(help.stdout).toContain(cmd);
  });
});

describe('output to a closed pipe', () => {
  it('a reader that closes the pipe early (`| head`) ends the command quietly, exit 0', async () => {
    const { spawn } = await import('node:child_process');
    const { BIN } = await import('../helpers/cli.js');
    // Closing our end before the child writes makes every write of its fail with EPIPE.
    const child = spawn(process.execPath, [BIN, '--help'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(stderr).not.toMatch(/EPIPE|Unhandled/);
    expect(code).toBe(0);
  });
});
