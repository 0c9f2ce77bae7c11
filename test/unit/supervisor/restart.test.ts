import { describe, expect, it } from 'vitest';
import {
  backoffDelay,
  decideRestart,
  describeExit,
  exitKind,
  type RestartConfig,
  recentRestarts,
} from '../../../src/supervisor/restart.js';

const config = (policy: RestartConfig['policy'], max = 3, window = 60): RestartConfig => ({
  policy,
  backoff: { initial_ms: 1_000, max_ms: 10_000, factor: 2 },
  intensity: { max_restarts: max, window_seconds: window },
});

describe('exit classification', () => {
  it('tells a clean exit from a failure and a user stop', () => {
    expect(exitKind({ code: 0, signal: null })).toBe('clean');
    expect(exitKind({ code: 1, signal: null })).toBe('failure');
    expect(exitKind({ code: null, signal: 9 })).toBe('failure');
    expect(exitKind({ code: null, signal: null, vanished: true })).toBe('failure');
    expect(exitKind({ code: 0, signal: null }, true)).toBe('stopped');
  });

  it('describes how the agent ended', () => {
    expect(describeExit({ code: 3, signal: null })).toBe('exited with 3');
    expect(describeExit({ code: null, signal: 9 })).toBe('killed by signal 9');
    expect(describeExit({ code: null, signal: null, vanished: true })).toBe('its tmux session vanished');
    expect(describeExit({ code: null, signal: null })).toBe('exited (status unknown)');
  });
});

describe('backoff', () => {
  it('grows by the factor and stops at the maximum', () => {
    const b = config('always').backoff;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(b, n))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
  });

  it('survives absurd attempt numbers', () => {
    expect(backoffDelay({ initial_ms: 1, max_ms: 500, factor: 10 }, 10_000)).toBe(500);
  });
});

describe('decideRestart', () => {
  const now = 1_000_000;

  it('never undoes a stop by the user, whatever the policy', () => {
    for (const p of ['never', 'on-failure', 'always'] as const) {
      expect(decideRestart(config(p), 'stopped', [], now).action).toBe('none');
    }
  });

  it('restarts failures under on-failure and always, clean exits only under always', () => {
    expect(decideRestart(config('never'), 'failure', [], now).action).toBe('none');
    expect(decideRestart(config('on-failure'), 'failure', [], now)).toEqual({
      action: 'restart',
      delayMs: 1_000,
      attempt: 1,
    });
    expect(decideRestart(config('on-failure'), 'clean', [], now).action).toBe('none');
    expect(decideRestart(config('always'), 'clean', [], now).action).toBe('restart');
  });

  it('backs off with each restart inside the window and resets after a calm period', () => {
    const history = [now - 30_000, now - 20_000];
    expect(decideRestart(config('on-failure'), 'failure', history, now)).toEqual({
      action: 'restart',
      delayMs: 4_000,
      attempt: 3,
    });
    const old = [now - 200_000, now - 100_000];
    expect(decideRestart(config('on-failure'), 'failure', old, now)).toEqual({
      action: 'restart',
      delayMs: 1_000,
      attempt: 1,
    });
  });

  it('gives up for good at the intensity limit and says why', () => {
    const history = [now - 50_000, now - 40_000, now - 1_000];
    const d = decideRestart(config('on-failure', 3, 60), 'failure', history, now);
    expect(d.action).toBe('give-up');
    expect(d.action === 'give-up' && d.reason).toMatch(/restarted 3 times within 60 s.*allows 3/);
  });

  it('max_restarts 0 means no restart at all', () => {
    const d = decideRestart(config('always', 0), 'failure', [], now);
    expect(d).toEqual({ action: 'give-up', reason: 'restart.intensity.max_restarts is 0' });
  });

  it('counts only restarts inside the window', () => {
    expect(recentRestarts([1, 50_000, 99_000, 100_001], 60, 100_000)).toEqual([50_000, 99_000]);
  });
});
