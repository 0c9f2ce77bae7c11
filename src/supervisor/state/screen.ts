import { PaneDebouncer } from '../../agents/pane.js';
import type { StatusSignal } from '../../agents/types.js';

/**
 * What the pane watch (pane-watch.ts) knows of one agent's screen: tmux's activity clock as last
 * seen, when it last looked, whether a look is due, the last hook's time (hooks win over the
 * screen), the debounced classification and the last meaningful line. Written only through
 * these methods; pane-watch.ts decides, the others (hooks, user actions, relaunch) only ask
 * for a fresh look.
 */
export class ScreenState {
  #windowActivity = 0;
  #lastCaptureAt = 0;
  #captureDue = true;
  #lastHookAt = 0;
  #lastHookSignal: { at: number; status: StatusSignal['status'] } | null = null;
  #firstRunSeenAt: number | null = null;
  #lastOutput: string | null = null;
  /** Pane classifications count only once seen steadily. */
  readonly debouncer = new PaneDebouncer();

  /** tmux's window_activity as last seen (s; 0 = never seen). */
  get windowActivity(): number {
    return this.#windowActivity;
  }
  get lastCaptureAt(): number {
    return this.#lastCaptureAt;
  }
  /** A capture is due (activity, a hook or an action since the last one). */
  get captureDue(): boolean {
    return this.#captureDue;
  }
  get lastHookAt(): number {
    return this.#lastHookAt;
  }
  /** The last status a hook said, and when (null = none yet). */
  get lastHookSignal(): { at: number; status: StatusSignal['status'] } | null {
    return this.#lastHookSignal;
  }
  /** The last meaningful line of the latest capture (plain text, ≤200 chars), or null. */
  get lastOutput(): string | null {
    return this.#lastOutput;
  }

  /** tmux's activity clock as seen now; true when it moved since (a look is then due). */
  sawActivity(activity: number): boolean {
    if (activity === this.#windowActivity) return false;
    const moved = this.#windowActivity !== 0;
    this.#windowActivity = activity;
    this.#captureDue = true;
    return moved;
  }

  /** Adopted after a daemon restart: tmux's clock as it is now is the starting point. */
  adopt(activity: number): void {
    this.#windowActivity = activity;
  }

  /** Look at the screen at the next tick. */
  lookSoon(): void {
    this.#captureDue = true;
  }

  /**
   * A hook arrived: hooks win over what the screen seemed to say, and the screen is looked at
   * again (a TUI's last redraw often lands in the same second as earlier output).
   */
  hookArrived(at: number, signal?: StatusSignal | null): void {
    this.#lastHookAt = at;
    this.#captureDue = true;
    if (signal) {
      this.#lastHookSignal = { at, status: signal.status };
      this.debouncer.reset(signal);
    }
  }

  /** The status is known from elsewhere (a user action, a relaunch): start reading afresh. */
  restart(signal?: StatusSignal): void {
    this.debouncer.reset(signal);
    this.#captureDue = true;
  }

  /** A capture was made at `at`; `lastLine` is its last meaningful line, if any. */
  captured(at: number, lastLine: string | null): void {
    this.#lastCaptureAt = at;
    this.#captureDue = false;
    this.#lastOutput = lastLine ?? this.#lastOutput;
  }

  /** How long a first-run dialog has been on screen (0 when first seen now). */
  firstRunShownFor(at: number): number {
    this.#firstRunSeenAt ??= at;
    return at - this.#firstRunSeenAt;
  }
}
