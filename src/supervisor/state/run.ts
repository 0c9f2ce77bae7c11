import type { RunEnd } from '../../agents/run-end.js';

/**
 * One agent's current launch, owned by the lifecycle (launch, relaunch, stop, death): which
 * launch this is (a liveness observation made before it is stale), whether a user is stopping
 * it, the prompt still to type, how it ended, and what it said last. Written only through these
 * methods.
 */
export class RunState {
  #generation = 0;
  #stopping = false;
  #pendingPrompt: string | null = null;
  #lastWords = '';
  #diedWaiting = false;
  #runEnd: RunEnd | null = null;
  #unknownResets = 0;

  /** Bumped on every (re)launch. */
  get generation(): number {
    return this.#generation;
  }
  /** The agent is being stopped by a user: its death is a stop, not a crash. */
  get stopping(): boolean {
    return this.#stopping;
  }
  /** The last lines the agent showed before its latest death (for a useful error). */
  get lastWords(): string {
    return this.#lastWords;
  }
  /** The agent was waiting for its user when it died: a restart must not start a turn for them. */
  get diedWaiting(): boolean {
    return this.#diedWaiting;
  }
  /** How this launch's run ended (a stream result, a StopFailure hook), once known. */
  get runEnd(): RunEnd | null {
    return this.#runEnd;
  }

  /** A new launch: a new generation, its `send-keys` prompt (or null), no end yet. */
  launched(pendingPrompt: string | null): void {
    this.#generation++;
    this.#pendingPrompt = pendingPrompt;
    this.#runEnd = null;
  }

  /** A relaunch has begun: observations of the old process are stale from now on. */
  relaunching(): void {
    this.#generation++;
    this.#runEnd = null;
  }

  /** The relaunched agent's `send-keys` prompt (or null), typed once it is ready. */
  relaunched(pendingPrompt: string | null): void {
    this.#pendingPrompt = pendingPrompt;
  }

  /** The prompt to type now that the agent is ready, once. */
  takePendingPrompt(): string | null {
    const text = this.#pendingPrompt;
    this.#pendingPrompt = null;
    return text;
  }

  /** Runs a user's stop: a death meanwhile is that stop, not a crash. */
  async whileStopping<T>(fn: () => Promise<T>): Promise<T> {
    this.#stopping = true;
    try {
      return await fn();
    } finally {
      this.#stopping = false;
    }
  }

  saidLast(text: string): void {
    this.#lastWords = text;
  }

  died(waiting: boolean): void {
    this.#diedWaiting = waiting;
  }

  ended(runEnd: RunEnd): void {
    this.#runEnd = runEnd;
    if (runEnd.outcome === 'success') this.#unknownResets = 0;
  }

  /** Counts a rate-limit wait with no known reset; returns how many came before it. */
  unknownReset(): number {
    return this.#unknownResets++;
  }
}
