// Percentiles for Monte Carlo bands. Nearest-rank definition (no interpolation), so every band
// value is a figure some run actually produced: p-th percentile of n sorted values is the value
// at 1-based rank ceil(p/100 x n) (rank 1 for p = 0). With n = 1 every percentile is that value.

export interface Band {
  /** 5th percentile (low) */
  p5: number;
  /** median (expected) */
  p50: number;
  /** 95th percentile (high) */
  p95: number;
}

/** Nearest-rank percentile of `values` (any order; not modified). p in 0..100. */
export function nearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('internal: percentile of an empty list');
  if (!(p >= 0 && p <= 100)) throw new Error(`internal: percentile ${p} outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length - 1e-9));
  return sorted[rank - 1]!;
}

/** p5 / p50 / p95 of a list of run figures. */
export function band(values: readonly number[]): Band {
  return { p5: nearestRank(values, 5), p50: nearestRank(values, 50), p95: nearestRank(values, 95) };
}
