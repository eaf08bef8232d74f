// addExact/exactValue: the exact sum of floats, correctly rounded, whatever the order and however it
// is cut into parts (a log read in byte ranges sums its cost_usd so). The reference is the exact
// sum in BigInt (every double is a whole multiple of 2^-1074), rounded to a double by Number().
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addExact, exactValue } from '../../src/shared/numbers.js';

const SCALE = 1074n;

/** x * 2^1074 as a BigInt (exact: x is a whole multiple of 2^-1074) */
function scaled(x: number): bigint {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x);
  const bits = v.getBigUint64(0);
  const sign = bits >> 63n ? -1n : 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  // value = m * 2^(e - 1075 + 1074) with m the 53-bit significand
  const m = exp === 0 ? frac : frac | (1n << 52n);
  const e = BigInt(Math.max(exp, 1) - 1);
  return sign * (m << e);
}

/** the double nearest to s * 2^-1074 (ties to even), for sums of moderate size */
function unscaled(s: bigint): number {
  // Number(bigint) rounds to nearest, ties to even; shifting first keeps it finite, and the
  // 2^-k factors are exact powers of two
  const neg = s < 0n;
  let a = neg ? -s : s;
  let shift = SCALE;
  // keep 64 more bits than a double holds, plus a sticky bit, so the one rounding is Number()'s
  const len = BigInt(a.toString(2).length);
  if (len > 120n && shift > 0n) {
    const drop = len - 120n < shift ? len - 120n : shift;
    const sticky = a & ((1n << drop) - 1n) ? 1n : 0n;
    a = (a >> drop) | sticky;
    shift -= drop;
  }
  let x = Number(a);
  while (shift > 0n) {
    const k = shift > 1000n ? 1000n : shift;
    x *= 2 ** -Number(k);
    shift -= k;
  }
  return neg ? -x : x;
}

const value = fc.oneof(
  fc.double({ min: -1e6, max: 1e6, noNaN: true }),
  fc.constantFrom(0.1, 0.2, 0.3, 1e-9, 1e16, -1e16, 2 ** -30, 3.0000000000000004),
);

describe('exact sums', () => {
  it('equal the exact sum, correctly rounded', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), (xs) => {
        const parts: number[] = [];
        for (const x of xs) addExact(parts, x);
        const exact = unscaled(xs.reduce((s, x) => s + scaled(x), 0n));
        // (+ 0: -0 and 0 are one sum)
        expect(exactValue(parts) + 0).toBe(exact + 0);
      }),
    );
  });

  it('are the same in any order and in parts added together', () => {
    fc.assert(
      fc.property(fc.array(value, { maxLength: 60 }), fc.nat(), (xs, cut) => {
        const whole: number[] = [];
        for (const x of xs) addExact(whole, x);
        const k = xs.length ? cut % xs.length : 0;
        const a: number[] = [];
        const b: number[] = [];
        for (const x of xs.slice(0, k)) addExact(a, x);
        for (const x of [...xs.slice(k)].reverse()) addExact(b, x);
        for (const p of b) addExact(a, p);
        expect(exactValue(a) + 0).toBe(exactValue(whole) + 0);
      }),
    );
  });

  it('a case a running sum gets wrong', () => {
    const xs = [0.1, 0.2, 0.3];
    const parts: number[] = [];
    for (const x of xs) addExact(parts, x);
    expect(0.1 + 0.2 + 0.3).toBe(0.6000000000000001);
    expect(exactValue(parts)).toBe(0.6);
    expect(exactValue([])).toBe(0);
  });
});
