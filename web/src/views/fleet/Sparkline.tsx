/**
 * A tiny line chart of recent samples, drawn as one SVG path (no chart library: a hundred cards
 * each draw two of these every refresh). An empty history draws nothing — a flat line would
 * read as "zero", which is not what "not measured" means.
 */
import { memo } from 'react';

const W = 100;
const H = 24;
/** Keeps the line off the top and bottom edges, where the stroke would be clipped. */
const PAD = 1.5;

/** The path's `d` for values scaled into the box, oldest on the left; null when there is nothing to draw. */
export function sparklinePath(values: readonly number[], max: number): string | null {
  if (values.length === 0) return null;
  const top = Math.max(max, ...values, Number.MIN_VALUE);
  const y = (v: number) => (H - PAD - (Math.max(0, v) / top) * (H - 2 * PAD)).toFixed(2);
  // One sample is a level, not a trend: draw it across the box.
  if (values.length === 1) return `M0 ${y(values[0] as number)} L${W} ${y(values[0] as number)}`;
  const step = W / (values.length - 1);
  return values.map((v, i) => `${i === 0 ? 'M' : 'L'}${(i * step).toFixed(2)} ${y(v)}`).join(' ');
}

/**
 * `label` is the accessible description ("CPU over the last 30 samples: now 12%"); `max` the
 * value the top of the box stands for at least (100 for CPU, so 3% never looks like a spike).
 */
export const Sparkline = memo(function Sparkline({
  values,
  max,
  label,
  className,
}: {
  values: readonly number[];
  max: number;
  label: string;
  className?: string;
}) {
  const d = sparklinePath(values, max);
  return (
    <svg
      className={`sparkline ${className ?? ''}`}
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
      data-samples={values.length}
    >
      <title>{label}</title>
      {d && (
        <>
          <path className="sparkline-area" d={`${d} L${W} ${H} L0 ${H} Z`} />
          <path className="sparkline-line" d={d} vectorEffect="non-scaling-stroke" />
        </>
      )}
    </svg>
  );
});
