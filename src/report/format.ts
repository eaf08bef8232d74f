// All money and number formatting lives here (Infracost habit): renderers call these, nothing else.

/** $1,234.56 for >= $1; more digits for small amounts so they do not round to $0.00. */
export function usd(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'unknown';
  const neg = x < 0;
  const a = Math.abs(x);
  let digits = 2;
  if (a > 0 && a < 0.01) digits = 6;
  else if (a > 0 && a < 1) digits = 4;
  const s = a.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return `${neg ? '-' : ''}$${s}`;
}

/** Signed saving, e.g. "-$12.30" shown as a reduction. */
export function usdDelta(x: number): string {
  if (x === 0) return '$0.00';
  return x > 0 ? `-${usd(x)}` : `+${usd(-x)}`;
}

export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  return `${x.toFixed(digits)}%`;
}

export function int(x: number): string {
  return Math.round(x).toLocaleString('en-US');
}

export function num(x: number, digits = 2): string {
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** USD per 1M tokens from a decimal string, e.g. "$3.00" */
export function perM(s: string | undefined): string {
  return s === undefined ? '-' : `$${s}`;
}
