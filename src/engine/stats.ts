// Percentiles for Monte Carlo bands. Nearest-rank definition (no interpolation), so every band
// value is a figure some run actually produced: p-th percentile of n sorted values is the value
// at 1-based rank ceil(p/100 x n) (rank 1 for p = 0). With n = 1 every percentile is that value.
// Also the bootstrap bands of a sampled run (sampleBands).
import type { Rng } from './rng.js';

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

const E_INVERSE = Math.exp(-1);

/** Poisson(1) draw (Knuth: multiply uniforms until below e^-1); small, since the mean is 1. */
function poisson1(rng: Rng): number {
  const limit = E_INVERSE;
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

export interface SampleBand {
  low: number;
  high: number;
}

/**
 * Confidence bands for totals estimated from a key-consistent sample: `units[u][s]` is the cost
 * (USD) of kept unit u at stage s; the estimate of stage s is scale x sum over u. Each resample
 * weights every kept unit by a Poisson(1) draw (the bootstrap of Bernoulli sampling: each unit of
 * the population was kept independently), and the band is the nearest-rank (1-level)/2 and
 * (1+level)/2 percentiles of the resampled estimates. Returned per stage, plus the saving (stage 0
 * minus the last stage) and the saving in percent of stage 0. Seeded: the same inputs give the same band.
 */
export function sampleBands(
  units: readonly (readonly number[])[],
  scale: number,
  rng: Rng,
  /** added to every estimate of stage s (costs that are not sampled: one-time fixed costs) */
  offsets: readonly number[] = [],
  resamples = 1000,
  level = 0.95,
): { stages: SampleBand[]; saving: SampleBand; savingPct: SampleBand } {
  const stages = units[0]?.length ?? 0;
  const est: number[][] = Array.from({ length: stages }, () => []);
  const saving: number[] = [];
  const savingPct: number[] = [];
  const sums = new Float64Array(stages);
  // the units' costs in one typed array, unit by unit (the same sums, in the same order, as over the rows)
  const costs = new Float64Array(units.length * stages);
  units.forEach((u, i) => {
    for (let s = 0; s < stages; s++) costs[i * stages + s] = u[s]!;
  });
  for (let b = 0; b < resamples; b++) {
    sums.fill(0);
    for (let i = 0, at = 0; i < units.length; i++, at += stages) {
      const w = poisson1(rng);
      if (w === 0) continue;
      for (let s = 0; s < stages; s++) sums[s]! += w * costs[at + s]!;
    }
    for (let s = 0; s < stages; s++) est[s]!.push(sums[s]! * scale + (offsets[s] ?? 0));
    if (stages) {
      const base = sums[0]! * scale + (offsets[0] ?? 0);
      const last = sums[stages - 1]! * scale + (offsets[stages - 1] ?? 0);
      saving.push(base - last);
      savingPct.push(base > 0 ? ((base - last) / base) * 100 : 0);
    }
  }
  const lo = ((1 - level) / 2) * 100;
  const hi = ((1 + level) / 2) * 100;
  const bandOf = (v: number[]): SampleBand =>
    v.length ? { low: nearestRank(v, lo), high: nearestRank(v, hi) } : { low: 0, high: 0 };
  return { stages: est.map(bandOf), saving: bandOf(saving), savingPct: bandOf(savingPct) };
}
