import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox } from '../helpers/cli.js';

/**
 * The memory floor (limits.min_free_memory_mb): below it no agent starts, by `start`, `up` or the
 * dispatcher, and `up` and `ps` say so; `start --force` still starts one. The floor is set above
 * any machine's memory, so the refusal is real: the session count proves nothing started.
 */
let sb: Sandbox | undefined;
const socket = `flt-mem-${process.pid}`;

afterEach(() => {
  sb?.cleanup();
  spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  sb = undefined;
});

const sessions = () =>
  (
    spawnSync('tmux', ['-L', socket, 'list-sessions', '-F', '#{session_name}'], { encoding: 'utf8' })
      .stdout ?? ''
  )
    .split('\n')
    .filter(Boolean);

describe('memory floor', () => {
  it('start and up refuse below it and say so, ps says so, start --force starts anyway', async () => {
    const s = makeSandbox();
    sb = s;
    const dir = join(s.home, '.config', 'flotilla');
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'config.yaml'),
      [
        'agent: sleeper',
        'agents:',
        '  sleeper: {adapter: custom, command: sleep, args: ["600"], prompt_via: none}',
        `tmux: {socket: ${socket}}`,
        'limits: {min_free_memory_mb: 100000000}',
        '',
      ].join('\n'),
    );
    expect((await s.flotilla(['init', '--no-config-file'])).code).toBe(0);
    const task = JSON.parse((await s.flotilla(['task', 'add', 'Work', '--json'])).stdout) as { id: string };

    const start = await s.flotilla(['start', task.id]);
    expect(start.code).toBe(4);
    expect(start.stderr).toMatch(
      /MiB of memory available, below limits\.min_free_memory_mb \(100000000 MiB\)/,
    );
    expect(start.stderr).toContain(`flotilla start ${task.id} --force`);
    const up = await s.flotilla(['up']);
    expect(up.stdout).toContain('skipped');
    expect(up.stderr).toContain('low memory');
    expect(sessions()).toEqual([]);

    const ps = await s.flotilla(['ps']);
    expect(ps.stderr).toContain('low memory');

    const forced = await s.flotilla(['start', task.id, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(sessions()).toHaveLength(1);
  }, 60_000);
});
