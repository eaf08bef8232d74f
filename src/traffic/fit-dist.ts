// Pure helpers of `llmcost fit`: a sample as an empirical distribution, Zipf popularity from
// counts, and the arrival curve (hour of day, day of week) from start times over the covered period.
import type { Dist } from './distributions.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Growable Float64Array: a sample kept as numbers, not as boxed values in an array. */
export class Sample {
  private a = new Float64Array(64);
  length = 0;
  push(v: number): void {
    if (this.length === this.a.length) {
      const b = new Float64Array(this.a.length * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.length++] = v;
  }
  pushAll(s: Sample): void {
    for (let i = 0; i < s.length; i++) this.push(s.a[i]!);
  }
  sorted(): Float64Array {
    return this.a.slice(0, this.length).sort();
  }
  sum(): number {
    let t = 0;
    for (let i = 0; i < this.length; i++) t += this.a[i]!;
    return t;
  }
}

/**
 * A sample as `fixed` (one value) or `empirical` with at most `maxPoints` values: exact counts when
 * it has that few distinct values, else equal-count bins each standing at its mean, so the
 * distribution's mean is the sample's (to the rounding of `decimals`) and its tail is kept bin by bin.
 */
export function empiricalOf(sample: Sample, maxPoints = 48, decimals = 0): Dist | number {
  const s = sample.sorted();
  const f = 10 ** decimals;
  const round = (x: number): number => Math.round(x * f) / f;
  if (!s.length) return 0;
  const values: number[] = [];
  const weights: number[] = [];
  const add = (v: number, w: number): void => {
    if (values.length && values[values.length - 1] === v) weights[weights.length - 1]! += w;
    else {
      values.push(v);
      weights.push(w);
    }
  };
  let distinct = 1;
  for (let i = 1; i < s.length && distinct <= maxPoints; i++) if (s[i] !== s[i - 1]) distinct++;
  if (distinct <= maxPoints) {
    for (let i = 0; i < s.length; i++) add(round(s[i]!), 1);
  } else {
    for (let b = 0; b < maxPoints; b++) {
      const from = Math.floor((b * s.length) / maxPoints);
      const to = Math.floor(((b + 1) * s.length) / maxPoints);
      if (to <= from) continue;
      let t = 0;
      for (let i = from; i < to; i++) t += s[i]!;
      add(round(t / (to - from)), to - from);
    }
  }
  if (values.length === 1) return values[0]!;
  return { empirical: { values, weights } };
}

/**
 * Zipf exponent of popularity counts (least squares of log count on log rank): 0 = every key
 * equally popular, 1 = the classic 1/rank. Clamped to 0..3.
 */
export function zipfExponent(counts: number[]): number {
  const c = [...counts].filter((x) => x > 0).sort((a, b) => b - a);
  if (c.length < 2) return 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < c.length; i++) {
    const x = Math.log(i + 1);
    const y = Math.log(c[i]!);
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const n = c.length;
  const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
  return Math.min(3, Math.max(0, Math.round(-slope * 1000) / 1000));
}

/** Arrival curve of a period: 24 hour-of-day weights and 7 day-of-week weights (Monday first), or flat. */
export interface ArrivalShape {
  diurnal: number[] | 'flat';
  weekly: number[] | 'flat';
}

/**
 * Weights from start times over [startMs, endMs): a weight is the starts seen in that hour of day
 * (day of week) divided by how long the period covers it, so a log that starts at 08:13 does not
 * read as a quiet morning. Hours the period never covers take the mean of the covered ones. A period
 * under 3 hours has no diurnal shape to speak of, under 7 days no weekly one: those stay flat.
 */
export function arrivalShape(starts: Sample, startMs: number, endMs: number): ArrivalShape {
  const span = endMs - startMs;
  const hourCover = new Float64Array(24);
  const dayCover = new Float64Array(7);
  for (let t = startMs; t < endMs; ) {
    const next = Math.min((Math.floor(t / HOUR_MS) + 1) * HOUR_MS, endMs);
    const hour = Math.floor((t % DAY_MS) / HOUR_MS);
    hourCover[hour]! += (next - t) / HOUR_MS;
    dayCover[dow(t)]! += (next - t) / HOUR_MS;
    t = next;
  }
  const hourN = new Float64Array(24);
  const dayN = new Float64Array(7);
  const s = starts.sorted();
  for (const t of s) {
    hourN[Math.floor((t % DAY_MS) / HOUR_MS)]!++;
    dayN[dow(t)]!++;
  }
  return {
    diurnal: span >= 3 * HOUR_MS ? weightsOf(hourN, hourCover) : 'flat',
    weekly: span >= 7 * DAY_MS ? weightsOf(dayN, dayCover) : 'flat',
  };
}

function dow(t: number): number {
  return (new Date(t).getUTCDay() + 6) % 7;
}

/** rates (count / cover), uncovered slots at the mean rate, scaled to mean 1, 3 significant digits */
function weightsOf(n: Float64Array, cover: Float64Array): number[] | 'flat' {
  const rates: (number | undefined)[] = Array.from(n, (c, i) => (cover[i]! > 0 ? c / cover[i]! : undefined));
  const known = rates.filter((r): r is number => r !== undefined);
  const mean = known.reduce((a, b) => a + b, 0) / known.length;
  if (!(mean > 0)) return 'flat';
  const w = rates.map((r) => Number(((r ?? mean) / mean).toPrecision(3)));
  return w.every((x) => x === w[0]) ? 'flat' : w;
}
