/**
 * Restart policy, as Erlang/OTP supervisors have it: a policy says which deaths are restarted,
 * exponential backoff spaces the restarts, and an intensity limit (at most N restarts in T
 * seconds) stops a crash loop for good instead of burning CPU and tokens forever. Pure: the
 * caller supplies the clock and the history of restarts.
 */

export type RestartPolicy = 'never' | 'on-failure' | 'always';

/** The `restart` section of the config. */
export interface RestartConfig {
  policy: RestartPolicy;
  backoff: { initial_ms: number; max_ms: number; factor: number };
  intensity: { max_restarts: number; window_seconds: number };
  /** The wait before resuming an agent stopped by a rate limit whose reset is unknown. */
  rate_limit?: { initial_ms: number; max_ms: number };
}

/** How an agent process ended. */
export interface AgentExit {
  /** Exit code of a normal exit; null after a signal death or when unknown. */
  code: number | null;
  /** Signal number (or name) that killed it, when known. */
  signal: number | string | null;
  /** The whole tmux session disappeared (tmux server killed, session killed by hand). */
  vanished?: boolean;
}

/** `clean`: exited 0 by itself. `failure`: anything else the agent did not choose. `stopped`: by a user. */
export type ExitKind = 'clean' | 'failure' | 'stopped';

export type RestartDecision =
  | { action: 'restart'; delayMs: number; attempt: number }
  | { action: 'none'; reason: string }
  | { action: 'give-up'; reason: string };

export function exitKind(exit: AgentExit, stoppedByUser = false): ExitKind {
  if (stoppedByUser) return 'stopped';
  if (exit.vanished) return 'failure';
  return exit.code === 0 && exit.signal === null ? 'clean' : 'failure';
}

/** "exited with 3", "killed by signal 9", "its tmux session vanished", "exited (status unknown)". */
export function describeExit(exit: AgentExit): string {
  if (exit.vanished) return 'its tmux session vanished';
  if (exit.signal !== null) return `killed by signal ${exit.signal}`;
  if (exit.code !== null) return `exited with ${exit.code}`;
  return 'exited (status unknown)';
}

/** Restarts (epoch ms) that still count against the intensity limit at `now`. */
export function recentRestarts(history: readonly number[], windowSeconds: number, now: number): number[] {
  const since = now - windowSeconds * 1_000;
  return history.filter((t) => t > since && t <= now);
}

/** Delay before restart number `attempt` (0-based) of a burst: initial × factor^attempt, capped. */
export function backoffDelay(backoff: RestartConfig['backoff'], attempt: number): number {
  const raw = backoff.initial_ms * backoff.factor ** Math.max(0, attempt);
  return Math.round(Math.min(backoff.max_ms, Number.isFinite(raw) ? raw : backoff.max_ms));
}

/**
 * What to do about an agent that ended as `kind`, given when it was restarted before. A user's
 * stop is never undone; a clean exit is restarted only under `always`; a failure under
 * `on-failure` and `always`. The backoff grows with the restarts inside the intensity window,
 * so a calm period resets it.
 */
export function decideRestart(
  config: RestartConfig,
  kind: ExitKind,
  history: readonly number[],
  now: number,
): RestartDecision {
  if (kind === 'stopped') return { action: 'none', reason: 'stopped by the user' };
  if (config.policy === 'never') return { action: 'none', reason: 'restart policy is never' };
  if (kind === 'clean' && config.policy !== 'always') {
    return { action: 'none', reason: 'it exited cleanly and the restart policy is on-failure' };
  }
  const { max_restarts, window_seconds } = config.intensity;
  const recent = recentRestarts(history, window_seconds, now);
  if (recent.length >= max_restarts) {
    return {
      action: 'give-up',
      reason:
        max_restarts === 0
          ? 'restart.intensity.max_restarts is 0'
          : `restarted ${recent.length} time${recent.length === 1 ? '' : 's'} within ${window_seconds} s (restart.intensity allows ${max_restarts}); not restarting again`,
    };
  }
  return {
    action: 'restart',
    delayMs: backoffDelay(config.backoff, recent.length),
    attempt: recent.length + 1,
  };
}
