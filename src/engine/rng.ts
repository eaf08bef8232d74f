// One small seeded PRNG for the whole project (sfc32 seeded through splitmix32).
// Math.random is banned in the core: same seed -> same stream -> byte-identical reports.

import { fnv1a32 } from '../shared/hash.js';

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** standard normal (Box-Muller, one value per call) */
  normal(): number;
  /** exponential with the given rate (mean 1/rate) */
  exponential(rate: number): number;
  /** a child stream, independent of this one, derived from a label */
  fork(label: string | number): Rng;
}

function splitmix32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) | 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    t ^= t >>> 15;
    return t >>> 0;
  };
}

export function createRng(seed: number | string): Rng {
  const s0 =
    typeof seed === 'string' ? fnv1a32(seed) : (Math.floor(seed) ^ (Math.floor(seed / 2 ** 32) * 0x9e3779b1)) >>> 0;
  const sm = splitmix32(s0);
  let a = sm();
  let b = sm();
  let c = sm();
  let d = sm();
  const next = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  const rng: Rng = {
    next,
    int: (n) => Math.floor(next() * n),
    normal: () => {
      let u = next();
      while (u <= Number.EPSILON) u = next();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
    },
    exponential: (rate) => {
      let u = next();
      while (u <= Number.EPSILON) u = next();
      return -Math.log(u) / rate;
    },
    fork: (label) => createRng(`${s0}:${String(label)}`),
  };
  return rng;
}
