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
