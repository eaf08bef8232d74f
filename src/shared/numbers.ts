// Rounding of report figures: money (USD) to 1e-6, percentages to 1e-4 of a percent. One place, so
// every output rounds the same way.

/** USD (or a ratio) rounded to 1e-6, the report's unit. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** part / whole as a percent rounded to 1e-4; `ifZero` when whole is 0. */
export function percentOf<T>(part: number, whole: number, ifZero: T): number | T {
  return whole === 0 ? ifZero : Math.round((part / whole) * 100 * 1e4) / 1e4;
}

/**
 * Add x to an exact running sum of finite floats, kept as non-overlapping partials (Shewchuk's
 * algorithm, as Python's math.fsum): no rounding error accumulates, so sums taken in any order or
 * in parts and then added (addExact of the other's partials) have the same exactValue, bit for bit.
 */
export function addExact(partials: number[], x: number): void {
  let i = 0;
  for (let j = 0; j < partials.length; j++) {
    let y = partials[j]!;
    if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  partials.length = i;
  partials.push(x);
}

/** The exact sum the partials hold, correctly rounded to a float (math.fsum's last step). */
export function exactValue(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // round half to even across the partials below: the next one decides the direction
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
