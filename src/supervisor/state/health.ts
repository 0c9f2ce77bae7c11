import { CpuMeter, type ResourceSample } from '../procfs.js';

/** Resource samples kept per agent: 10 minutes at one every 5 s. */
export const SAMPLES_KEPT = 120;

/**
 * What the health monitor (health.ts) knows of one agent: its last sign of life (stuck
 * detection), the warnings already given in the current episode, a vanished worktree, and its
 * resource samples. Written only through these methods.
 */
export class HealthState {
  #lastActivityAt: number;
  readonly #warned = new Set<string>();
  #worktreeMissing: string | null = null;
  #cpuOver = 0;
  readonly #meter = new CpuMeter();
  readonly #samples: ResourceSample[] = [];

  constructor(now: number) {
    this.#lastActivityAt = now;
  }

  /** Last sign of life: a hook line, pane output, a status change (epoch ms). */
  get lastActivityAt(): number {
    return this.#lastActivityAt;
  }
  /** Set while the agent's worktree directory is gone: what to tell the user. */
  get worktreeMissing(): string | null {
    return this.#worktreeMissing;
  }
  /** Recent samples, oldest first (a copy). */
  get samples(): ResourceSample[] {
    return [...this.#samples];
  }

  /** A sign of life: resets stuck detection. */
  touch(at: number): void {
    this.#lastActivityAt = at;
    this.#warned.delete('stuck');
  }

  /** Activity that does not end a stuck episode by itself (a status change, stream lines). */
  active(at: number): void {
    this.#lastActivityAt = at;
  }

  /** A new launch: alive now, no warning given yet. */
  newEpisode(at: number): void {
    this.#lastActivityAt = at;
    this.#warned.clear();
  }

  /** True the first time `check` is warned about in this episode. */
  warnOnce(check: string): boolean {
    if (this.#warned.has(check)) return false;
    this.#warned.add(check);
    return true;
  }

  warned(check: string): boolean {
    return this.#warned.has(check);
  }

  /** The condition is over: a later one is warned about again. */
  clearWarning(check: string): void {
    this.#warned.delete(check);
  }

  setWorktreeMissing(message: string | null): void {
    this.#worktreeMissing = message;
  }

  /** Measures the agent's process tree now and keeps the sample. */
  sample(tree: Parameters<CpuMeter['sample']>[0], at: number): ResourceSample {
    const sample = this.#meter.sample(tree, at);
    this.#samples.push(sample);
    if (this.#samples.length > SAMPLES_KEPT) this.#samples.splice(0, this.#samples.length - SAMPLES_KEPT);
    return sample;
  }

  /** Counts consecutive samples over the CPU limit; returns the count (0 once under). */
  countCpuOver(over: boolean): number {
    this.#cpuOver = over ? this.#cpuOver + 1 : 0;
    return this.#cpuOver;
  }
}
