// Token and time distributions for the profile generator: a strict schema (exactly one kind per
// value; a bare number means `fixed`) and a sampler that draws from a seeded Rng.
import { z } from 'zod';
import type { Rng } from '../engine/rng.js';

const nonNeg = z.number().nonnegative();
/** z-score of the 95th percentile of a standard normal */
const Z95 = 1.6448536269514722;

const distObject = z
  .strictObject({
    fixed: nonNeg.optional(),
    uniform: z
      .strictObject({ min: nonNeg, max: nonNeg })
      .refine((u) => u.max >= u.min, { message: 'uniform needs max >= min' })
      .optional(),
    normal: z.strictObject({ mean: nonNeg, sd: nonNeg }).optional(),
    lognormal: z
      .strictObject({ mean: z.number().positive(), p95: z.number().positive() })
      .refine((l) => l.p95 > l.mean, { message: 'lognormal needs p95 > mean' })
      .refine((l) => Math.log(l.p95 / l.mean) <= (Z95 * Z95) / 2, {
        message:
          'lognormal p95/mean must be at most 3.87 (no lognormal has a heavier p95 for that mean); use an empirical histogram for heavier tails',
      })
      .optional(),
    empirical: z
      .strictObject({ values: z.array(nonNeg).min(1), weights: z.array(nonNeg).optional() })
      .refine((e) => e.weights === undefined || e.weights.length === e.values.length, {
        message: 'empirical weights must have one weight per value',
      })
      .refine((e) => e.weights === undefined || e.weights.some((w) => w > 0), {
        message: 'empirical weights must not all be 0',
      })
      .optional(),
  })
  .refine((d) => Object.values(d).filter((v) => v !== undefined).length === 1, {
    message:
      'give exactly one of fixed, uniform {min, max}, normal {mean, sd}, lognormal {mean, p95}, empirical {values, weights}',
  });

/** A distribution: a number (fixed) or one of {fixed}, {uniform}, {normal}, {lognormal}, {empirical}. */
export const distSchema = z.preprocess((v) => (typeof v === 'number' ? { fixed: v } : v), distObject);
/** the object form alone (the loader uses it for did-you-mean inside a distribution) */
export const distObjectSchema = distObject;
/** profile keys whose value is a distribution */
export const DIST_KEYS = ['input_tokens', 'output_tokens', 'turns', 'think_time_s', 'retry_delay_s'] as const;
export type Dist = z.infer<typeof distObject>;

export interface Sampler {
  /** one draw (real-valued, >= 0) */
  draw(rng: Rng): number;
  /** expected value of a draw */
  mean: number;
}

/** sigma of a lognormal with the given mean and 95th percentile (the lighter-tailed root). */
export function lognormalSigma(mean: number, p95: number): number {
  // mean = exp(mu + s^2/2), p95 = exp(mu + Z95 s)  =>  s^2/2 - Z95 s + ln(p95/mean) = 0
  const c = Math.log(p95 / mean);
  return Z95 - Math.sqrt(Math.max(0, Z95 * Z95 - 2 * c));
}

export function sampler(d: Dist): Sampler {
  if (d.fixed !== undefined) {
    const v = d.fixed;
    return { draw: () => v, mean: v };
  }
  if (d.uniform) {
    const { min, max } = d.uniform;
    return { draw: (r) => min + (max - min) * r.next(), mean: (min + max) / 2 };
  }
  if (d.normal) {
    const { mean, sd } = d.normal;
    // truncated at 0 by clamping: token counts and delays cannot be negative
    return { draw: (r) => Math.max(0, mean + sd * r.normal()), mean };
  }
  if (d.lognormal) {
    const { mean, p95 } = d.lognormal;
    const sigma = lognormalSigma(mean, p95);
    const mu = Math.log(mean) - (sigma * sigma) / 2;
    return { draw: (r) => Math.exp(mu + sigma * r.normal()), mean };
  }
  const e = d.empirical!;
  const weights = e.weights ?? e.values.map(() => 1);
  const total = weights.reduce((s, w) => s + w, 0);
  const cum: number[] = [];
  let acc = 0;
  for (const w of weights) cum.push((acc += w / total));
  const mean = e.values.reduce((s, v, i) => s + v * (weights[i]! / total), 0);
  return {
    draw: (r) => {
      const u = r.next();
      let i = 0;
      while (i < cum.length - 1 && u >= cum[i]!) i++;
      return e.values[i]!;
    },
    mean,
  };
}

/**
 * Integer sampler (tokens, turns): rounded draws, at least `min` and at most `max` (a normal or
 * lognormal tail is unbounded; the profile's checks keep the stated values below `max`).
 */
export function intSampler(d: Dist, min = 0, max = Infinity): Sampler {
  if (d.uniform) {
    // whole numbers min..max inclusive, each equally likely (turns 1..6 like a die)
    const lo = Math.max(min, Math.ceil(d.uniform.min));
    const hi = Math.min(max, Math.max(lo, Math.floor(d.uniform.max)));
    return { draw: (r) => lo + r.int(hi - lo + 1), mean: (lo + hi) / 2 };
  }
  const s = sampler(d);
  return {
    draw: (r) => Math.min(max, Math.max(min, Math.round(s.draw(r)))),
    mean: Math.min(max, Math.max(min, s.mean)),
  };
}

/**
 * The largest value a distribution states (fixed, uniform max, the largest empirical value, a
 * normal's mean + 3 sd, a lognormal's p95): what a bound is checked against.
 */
export function statedMax(d: Dist): number {
  if (d.fixed !== undefined) return d.fixed;
  if (d.uniform) return d.uniform.max;
  if (d.normal) return d.normal.mean + 3 * d.normal.sd;
  if (d.lognormal) return d.lognormal.p95;
  return Math.max(...d.empirical!.values);
}
