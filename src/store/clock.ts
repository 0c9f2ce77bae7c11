/**
 * Timestamps for rows. Strictly increasing within a process, so rows made in the same
 * millisecond (a batch import) still sort by creation; lists order by `created_at` because
 * insertion order has no portable column. Drift ahead of the wall clock is bounded by the
 * number of rows written per millisecond.
 */
let last = 0;

export function storeNow(): string {
  const now = Date.now();
  last = now > last ? now : last + 1;
  return new Date(last).toISOString();
}
