import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { formatBytes, formatCpu } from '../../../web/src/views/fleet/format.js';
import { Sparkline, sparklinePath } from '../../../web/src/views/fleet/Sparkline.js';

afterEach(cleanup);

/** The y of each point of a path, in order. */
const ys = (d: string) => [...d.matchAll(/[ML][\d.]+ ([\d.]+)/g)].map((m) => Number(m[1]));

describe('Sparkline', () => {
  it('draws one point per sample, oldest on the left, higher values higher up', () => {
    render(<Sparkline values={[10, 50, 90]} max={100} label="CPU over the last 3 samples, now 90% CPU" />);
    const svg = screen.getByRole('img', { name: 'CPU over the last 3 samples, now 90% CPU' });
    const line = svg.querySelector('.sparkline-line');
    const d = line?.getAttribute('d') ?? '';
    expect(d.startsWith('M0.00 ')).toBe(true);
    expect(d).toContain('L100.00 ');
    const [a, b, c] = ys(d) as [number, number, number];
    expect(a).toBeGreaterThan(b);
    expect(b).toBeGreaterThan(c);
  });

  it('scales to at least `max`, so a few percent never looks like a spike', () => {
    const low = ys(sparklinePath([2, 3], 100) ?? '');
    expect(Math.min(...low)).toBeGreaterThan(20); // near the bottom of a 24-high box
    const over = ys(sparklinePath([150, 300], 100) ?? '');
    expect(Math.min(...over)).toBeLessThan(2); // the peak reaches the top, not beyond it
  });

  it('draws nothing for an empty history (not a line at zero) and says so', () => {
    expect(sparklinePath([], 100)).toBeNull();
    const { container } = render(<Sparkline values={[]} max={100} label="CPU: no samples yet" />);
    expect(screen.getByRole('img', { name: 'CPU: no samples yet' })).toBeTruthy();
    expect(container.querySelectorAll('path')).toHaveLength(0);
  });

  it('draws a single sample as a level across the box', () => {
    const d = sparklinePath([40], 100) ?? '';
    const [a, b] = ys(d);
    expect(a).toBe(b);
  });
});

describe('figures', () => {
  it('formats CPU and memory briefly, and unknown as a dash', () => {
    expect(formatCpu(12.4)).toBe('12% CPU');
    expect(formatCpu(3.25)).toBe('3.3% CPU');
    expect(formatCpu(0)).toBe('0% CPU');
    expect(formatCpu(null)).toBe('— CPU');
    expect(formatBytes(340_000_000)).toBe('340 MB');
    expect(formatBytes(1_250_000_000)).toBe('1.3 GB');
    expect(formatBytes(512_000)).toBe('512 kB');
    expect(formatBytes(null)).toBe('— MB');
  });
});
