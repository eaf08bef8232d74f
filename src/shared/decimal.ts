// Exact decimals: a YAML number or string such as 0.35 or "2500.5" read as digits, never as a
// binary float, so ratios and amounts stay exact (0.35 is 35/100, not 0.34999...).

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** A non-negative finite number as plain decimal digits (shortest round-trip form, exponents expanded). */
export function numberToDecimal(n: number, maxDecimals = 12): string | null {
  if (!Number.isFinite(n) || n < 0) return null;
  const s = String(n);
  if (!/e/i.test(s)) return s;
  return n.toFixed(maxDecimals).replace(/\.?0+$/, '');
}

/** The digits of a plain non-negative decimal ("3.50" -> ["3", "50"]), or null. */
export function decimalParts(text: string | number): { int: string; frac: string } | null {
  const s = typeof text === 'number' ? numberToDecimal(text) : text.trim();
  if (s === null) return null;
  const m = DECIMAL.exec(s);
  return m ? { int: m[1]!, frac: m[2] ?? '' } : null;
}

/** A ratio as an exact fraction from a decimal string ("0.5" -> 1/2 as 5/10). */
export function parseRatio(text: string | number): { num: bigint; den: bigint } | null {
  const d = decimalParts(text);
  return d ? { num: BigInt(d.int + d.frac), den: 10n ** BigInt(d.frac.length) } : null;
}

/**
 * A decimal option (number or string) as plain decimal text, or null when it is not a non-negative
 * decimal with at most `maxDecimals` decimals. With `minDecimals`, trailing zeros are trimmed down
 * to that many (money: 2500 -> "2500.00", "0.100" -> "0.10").
 */
export function decimalText(v: string | number, maxDecimals = 12, minDecimals = 0): string | null {
  const d = decimalParts(v);
  if (!d || d.frac.length > maxDecimals) return null;
  const frac = minDecimals > 0 ? d.frac.replace(/0+$/, '').padEnd(minDecimals, '0') : d.frac;
  return frac ? `${d.int.replace(/^0+(?=\d)/, '')}.${frac}` : d.int.replace(/^0+(?=\d)/, '');
}
