import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeSandbox, type Sandbox, waitFor } from '../helpers/cli.js';

/**
 * kill -9 of the real daemon in each step of a landing. The landing is parked at the step
 * (FLOTILLA_TEST_LANDING_HOLD, see core/landing-run.ts) and the daemon killed there; then a
 * daemon without the hold starts. The base is whole (before the landing, or after it for a kill
 * once the base moved), the queue resumes by itself and lands, and no commit is lost: every
 * commit reachable before is reachable after.
 */

const STEPS = ['predict', 'prepare', 'verify', 'advance', 'finish'] as const;
let sb: Sandbox | undefined;
let socket: string | undefined;

afterEach(() => {
  sb?.cleanup();
  if (socket) spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  sb = undefined;
  socket = undefined;
});

const daemonPid = (s: Sandbox) =>
  (JSON.parse(readFileSync(join(s.stateDir, 'daemon.json'), 'utf8')) as { pid: number }).pid;
const revs = (s: Sandbox) => new Set(s.git(['rev-list', '--all']).trim().split('\n'));

describe('a landing survives kill -9 of the daemon in every step', () => {
  for (const step of STEPS) {
    it(`killed in ${step}: the base is whole, the queue resumes and lands, no commit lost`, async () => {
      const s = makeSandbox();
      sb = s;
      socket = `flt-crash-${process.pid}-${step}`;
      const configDir = join(s.home, '.config', 'flotilla');
      mkdirSync(configDir, { recursive: true });
      writeFileSync(
        join(configDir, 'config.yaml'),
        [
          'agent: worker',
          'agents:',
          '  worker:',
          '    adapter: custom',
          '    command: sh',
          `    args: ['-c', 'echo work > work.txt && git add work.txt && git commit -qm work && exec sleep 600']`,
          '    prompt_via: none',
          `tmux: {socket: ${socket}}`,
          'landing:',
          "  verify: 'test -f work.txt'",
          '  remove_worktree: false',
          '',
        ].join('\n'),
      );
      const held = { FLOTILLA_TEST_LANDING_HOLD: step };
      expect((await s.flotilla(['init', '--no-config-file'], { env: held })).code).toBe(0);
      const task = JSON.parse(
        (await s.flotilla(['task', 'add', 'Work', '--json'], { env: held })).stdout,
      ) as { id: string };
      const started = await s.flotilla(['start', task.id, '--json'], { env: held });
      expect(started.code, started.stderr).toBe(0);
      const { worktreePath } = JSON.parse(started.stdout) as { worktreePath: string };
      await waitFor(
        () => s.git(['log', '-1', '--format=%s'], worktreePath).trim() === 'work',
        'the agent to commit',
      );
      const base = s.git(['rev-parse', 'main']).trim();
      const before = revs(s);

      expect((await s.flotilla(['land', task.id], { env: held })).code).toBe(0);
      const landingDir = join(s.stateDir, 'landing');
      await waitFor(
        () => existsSync(landingDir) && readdirSync(landingDir).some((f) => f.endsWith(`.held-${step}`)),
        `the landing parked at ${step}`,
        { timeoutMs: 20_000 },
      );
      process.kill(daemonPid(s), 'SIGKILL');

      // The base is whole: where it was, or (killed after the move) exactly one landing further.
      const after = s.git(['rev-parse', 'main']).trim();
      if (step === 'finish') expect(s.git(['rev-parse', 'main~1']).trim()).toBe(base);
      else expect(after).toBe(base);

      // A daemon without the hold: the queue resumes by itself.
      const list = async () => {
        const r = await s.flotilla(['land', '--list', '--json'], { env: { FLOTILLA_TEST_LANDING_HOLD: '' } });
        return (JSON.parse(r.stdout) as { landings: { state: string; commit: string | null }[] }).landings;
      };
      const landed = await waitFor(
        async () => (await list()).find((l) => l.state === 'landed'),
        'the landing to finish',
        {
          timeoutMs: 30_000,
          intervalMs: 250,
        },
      );
      expect(s.git(['rev-parse', 'main']).trim()).toBe(landed.commit);
      expect(s.git(['rev-parse', 'main~1']).trim()).toBe(base);
      expect(s.git(['show', 'main:work.txt'])).toBe('work\n');
      const task2 = JSON.parse((await s.flotilla(['task', 'show', task.id, '--json'])).stdout) as {
        status: string;
      };
      expect(task2.status).toBe('done');
      const now = revs(s);
      for (const sha of before) expect(now.has(sha), `commit ${sha} lost`).toBe(true);
      // One landing only: the one the crash interrupted, no second copy of the work.
      expect((await list()).filter((l) => l.state === 'landed')).toHaveLength(1);
    }, 90_000);
  }
});
