// Shared helpers for benchmarks: timing, percentiles, temp dirs, and the ratio line format.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = join(ROOT, 'bin', 'flotilla.js');

export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const idx = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[idx];
}

export const median = (values) => percentile(values, 50);

/** Time a command `runs` times (after `warmup` untimed runs); returns milliseconds per run. */
export function timeCommand(command, args, { runs = 20, warmup = 3, env = process.env, cwd } = {}) {
  const times = [];
  for (let i = 0; i < warmup + runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const ms = performance.now() - t0;
    if (r.status !== 0) {
      throw new Error(
        `${command} ${args.join(' ')} failed (${r.status}): ${r.stderr.toString().slice(0, 500)}`,
      );
    }
    if (i >= warmup) times.push(ms);
  }
  return times;
}

export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), `flotilla-bench-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const fmt = (n) => (Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : 'n/a');

/** One figure next to its baseline, and the ratio against a target. */
export function report({ name, value, unit, baselineName, baseline, target }) {
  const ratio = baseline ? value / baseline : undefined;
  const verdict =
    target === undefined || ratio === undefined ? '' : ratio <= target ? '  ✓' : '  ✗ over target';
  const base = baseline === undefined ? '' : `   baseline ${baselineName}: ${fmt(baseline)} ${unit}`;
  const r =
    ratio === undefined
      ? ''
      : `   ratio ${ratio.toFixed(2)}×${target === undefined ? '' : ` (target ≤ ${target}×)`}`;
  console.log(`${name.padEnd(44)} ${fmt(value).padStart(8)} ${unit}${base}${r}${verdict}`);
}

/** A plain figure against an absolute target (e.g. p99 < 100 ms). */
export function figure({ name, value, unit, target, lowerIsBetter = true }) {
  const ok =
    target === undefined
      ? ''
      : (lowerIsBetter ? value <= target : value >= target)
        ? '  ✓'
        : '  ✗ over target';
  console.log(
    `${name.padEnd(44)} ${fmt(value).padStart(8)} ${unit}${target === undefined ? '' : `   (target ${lowerIsBetter ? '≤' : '≥'} ${target} ${unit})`}${ok}`,
  );
}
