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
  return rngOf(next, (label) => createRng(`${s0}:${String(label)}`));
}

/** The Rng interface over a uniform source `next` and a way to derive a child stream. */
function rngOf(next: () => number, fork: Rng['fork']): Rng {
  return {
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
    fork,
  };
}

/** murmur3's 32-bit finaliser: every input bit flips about half the output bits */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key of a stream of per-request draws: one per (seed, strategy position, label). */
export function drawStream(seed: number, label: string): number {
  return fnv1a32(`${seed}:${label}`);
}

/**
 * Draw k of one request in a stream, uniform in [0, 1): a pure function of the stream and the
 * request's identity (its id and source line), never of how many requests came before it. So a
 * request gets the same draws in a one-thread run, in any part of a split run and in a sample.
 */
export function requestDraw(stream: number, id: string, line: number | undefined, k = 0): number {
  let h = stream ^ 0x9e3779b9;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h = fmix32(h ^ Math.imul((line ?? 0) | 0, 0x27d4eb2d));
  h = fmix32(h ^ Math.imul(k + 1, 0x165667b1));
  return h / 4294967296;
}

/** An Rng whose n-th draw is requestDraw(stream, id, line, n): for strategies that draw several numbers per request. */
export function requestRng(stream: number, id: string, line: number | undefined): Rng {
  let k = 0;
  return rngOf(
    () => requestDraw(stream, id, line, k++),
    (label) => requestRng(fnv1a32(`${stream}:${String(label)}`), id, line),
  );
}
