// Exact money. Prices are decimal strings in USD per 1M tokens, held as integer pico-USD per 1M
// tokens (1e-12 USD). tokens x (pico-USD per 1M tokens) = atto-USD (1e-18 USD), summed in BigInt.
// Rounding happens once, when a total is turned into a number for the report (1e-6 USD).

import { decimalParts } from '../shared/decimal.js';

export const PICO_PER_USD = 1_000_000_000_000n;
const SCALE_DIGITS = 12;

/** "3.00" -> 3_000_000_000_000n; null if not a plain non-negative decimal with <= 12 decimals. */
export function parseUsd(text: string | number): bigint | null {
  const d = decimalParts(text);
  if (!d || d.frac.length > SCALE_DIGITS) return null;
  return BigInt(d.int) * PICO_PER_USD + BigInt(d.frac.padEnd(SCALE_DIGITS, '0') || '0');
}

/** a * num / den rounded half-up (non-negative values only). */
export function mulDiv(a: bigint, num: bigint, den: bigint): bigint {
  return (a * num * 2n + den) / (den * 2n);
}

/** pico-USD per 1M tokens -> "3.00"-style string with at least 2 decimals. */
export function formatPicoPerM(pico: bigint): string {
  const whole = pico / PICO_PER_USD;
  let frac = (pico % PICO_PER_USD).toString().padStart(SCALE_DIGITS, '0').replace(/0+$/, '');
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return `${whole}.${frac}`;
}

/** Exact atto-USD total -> USD number rounded to 1e-6 (the report's unit). */
export function attoToUsd(atto: bigint): number {
  const neg = atto < 0n;
  const a = neg ? -atto : atto;
  const micro = (a + 500_000_000_000n) / 1_000_000_000_000n; // round half-up to 1e-6 USD
  const usd = Number(micro) / 1e6;
  return neg ? -usd : usd;
}

/** USD decimal (string) -> atto-USD, for fixed costs given in scenarios. */
export function usdToAtto(text: string | number): bigint | null {
  const pico = parseUsd(text);
  return pico === null ? null : pico * 1_000_000n;
}
