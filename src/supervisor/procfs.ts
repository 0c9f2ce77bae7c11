import { type ProcStat, pageBytes } from '../proc/index.js';

/**
 * Resources of an agent's process tree (read by src/proc/stat.ts): CPU % between two samples
 * and resident memory.
 */

/** Linux reports CPU times in USER_HZ, which is 100 on every architecture Node runs on. */
export const CLOCK_TICKS_PER_SECOND = 100;

/** One measurement of an agent's tree. */
export interface ResourceSample {
  /** Epoch ms. */
  at: number;
  /** Percent of one core since the previous sample (null for the first one). */
  cpuPercent: number | null;
  rssBytes: number;
  processes: number;
}

/**
 * CPU % needs two readings: this remembers each process's ticks (keyed by pid and start time,
 * so a reused pid starts from zero) and turns the next reading into a rate.
 */
export class CpuMeter {
  private last = new Map<string, number>();
  private lastAt: number | null = null;

  sample(tree: readonly ProcStat[], at: number): ResourceSample {
    const now = new Map<string, number>();
    let ticks = 0;
    for (const p of tree) {
      const key = `${p.pid}:${p.startTime}`;
      now.set(key, p.cpuTicks);
      // A process new since the last reading counts from zero; one that exited drops out.
      ticks += Math.max(0, p.cpuTicks - (this.last.get(key) ?? (this.lastAt === null ? p.cpuTicks : 0)));
    }
    const elapsed = this.lastAt === null ? 0 : (at - this.lastAt) / 1_000;
    const cpuPercent = elapsed > 0 ? (ticks / CLOCK_TICKS_PER_SECOND / elapsed) * 100 : null;
    this.last = now;
    this.lastAt = at;
    const rssBytes = tree.reduce((sum, p) => sum + p.rssPages, 0) * pageBytes();
    return {
      at,
      cpuPercent: cpuPercent === null ? null : Math.round(cpuPercent * 10) / 10,
      rssBytes,
      processes: tree.length,
    };
  }
}
