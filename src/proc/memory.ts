import { readFileSync } from 'node:fs';
import { freemem } from 'node:os';

/**
 * Memory the machine can give new processes, in MiB: the kernel's MemAvailable (free plus what
 * the page cache would give back), which is what matters before starting another agent; `free`
 * alone reads as nearly nothing on any busy Linux box. Elsewhere, the OS's free memory.
 */
export function availableMemoryMb(): number {
  try {
    const line = readFileSync('/proc/meminfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('MemAvailable:'));
    const kb = Number(line?.split(/\s+/)[1]);
    if (Number.isFinite(kb) && kb > 0) return Math.floor(kb / 1024);
  } catch {}
  return Math.floor(freemem() / (1024 * 1024));
}
