/** setTimeout cannot wait longer than this (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One agent's pending wakeups, owned by the lifecycle: a restart waiting out its backoff and a
 * usage-limit resume (its time too, since nothing overrides a limit being waited out). The
 * store keeps the times across a daemon restart (store.supervision); this keeps the timers.
 */
export class Wakeups {
  #restartTimer: NodeJS.Timeout | null = null;
  #resumeTimer: NodeJS.Timeout | null = null;
  #resumeAt: number | null = null;

  /** Usage-limit resume time (epoch ms), or null. */
  get resumeAt(): number | null {
    return this.#resumeAt;
  }

  /** A resume is scheduled after `now`. */
  resumePending(now: number): boolean {
    return this.#resumeAt !== null && this.#resumeAt > now;
  }

  get pending(): boolean {
    return this.#restartTimer !== null || this.#resumeTimer !== null || this.#resumeAt !== null;
  }

  /** Calls `fire` in `waitMs`, or `rearm` when the wait is longer than a timer can be. */
  armRestart(waitMs: number, fire: () => void, rearm: () => void): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = timer(waitMs, () => {
      this.#restartTimer = null;
      (waitMs > MAX_TIMER_MS ? rearm : fire)();
    });
  }

  /** Records the resume time and calls `fire` then (or `rearm`, as armRestart). */
  armResume(at: number, waitMs: number, fire: () => void, rearm: () => void): void {
    this.#resumeAt = at;
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    this.#resumeTimer = timer(waitMs, () => {
      this.#resumeTimer = null;
      (waitMs > MAX_TIMER_MS ? rearm : fire)();
    });
  }

  /** The resume is happening now. */
  resumed(): void {
    this.#resumeAt = null;
  }

  /** Cancels both timers; `forget` also drops the resume time (a stop, a restart). */
  cancel(forget = true): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    if (this.#resumeTimer) clearTimeout(this.#resumeTimer);
    this.#restartTimer = null;
    this.#resumeTimer = null;
    if (forget) this.#resumeAt = null;
  }
}

function timer(waitMs: number, fn: () => void): NodeJS.Timeout {
  const t = setTimeout(fn, Math.min(Math.max(0, waitMs), MAX_TIMER_MS));
  t.unref();
  return t;
}
