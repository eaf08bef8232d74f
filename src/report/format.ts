// All money and number formatting lives here (Infracost habit): renderers call these, nothing else.

/**
 * A display currency (`--currency EUR --fx 0.92`: 1 USD = 0.92 EUR). Money stays USD in every model and
 * in JSON; only these formatters convert: the shown amount is the USD figure times `fx`, rounded half
 * away from zero to the digits shown, written as `EUR 1,234.56`. Absent = USD, written `$1,234.56`.
 */
export type Display = { currency: string; fx: number };

// Intl (toLocaleString) sets up ICU on its first call, ~25 ms: as much as the rest of `estimate`'s
// own start-up. So the en-US text is written here the way ICU writes it: the number's shortest
// round-trip decimal (String(x)), rounded half away from zero to the digits shown, grouped by
// thousands (test/property/format.test.ts compares the two on every kind of double). Intl stays
// for what that does not cover: not finite, or 1e21 and beyond.
const plain = (x: number): boolean => Number.isFinite(x) && Math.abs(x) < 1e21;

/** en-US text of finite |x| < 1e21 with exactly `digits` decimals: "-1,234,567.50". */
function fixedText(x: number, digits: number): string {
  const [mantissa = '0', exp = '0'] = String(Math.abs(x)).split('e');
  const [whole = '0', frac = ''] = mantissa.split('.');
  let all = whole + frac;
  let point = whole.length + Number(exp); // digits before the decimal point
  if (point < 0) {
    all = '0'.repeat(-point) + all;
    point = 0;
  }
  const keep = point + digits;
  const kept = BigInt(all.slice(0, keep).padEnd(keep, '0') || '0') + ((all[keep] ?? '0') >= '5' ? 1n : 0n);
  const t = kept.toString().padStart(digits + 1, '0');
  const intText = t.slice(0, t.length - digits).replace(/\B(?=(\d{3})+$)/g, ',');
  const sign = x < 0 || Object.is(x, -0) ? '-' : '';
  return `${sign}${intText}${digits ? `.${t.slice(t.length - digits)}` : ''}`;
}

function amount(a: number, digits: number): string {
  if (plain(a)) return fixedText(a, digits);
  return a.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const symbol = (d: Display | undefined): string => (d ? `${d.currency} ` : '$');

/** $1,234.56 for >= $1; more digits for small amounts so they do not round to $0.00 (`d`: the display currency). */
export function usd(x: number | null | undefined, d?: Display): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'unknown';
  const v = d ? x * d.fx : x;
  const neg = v < 0;
  const a = Math.abs(v);
  let digits = 2;
  if (a > 0 && a < 0.01) digits = 6;
  else if (a > 0 && a < 1) digits = 4;
  return `${neg ? '-' : ''}${symbol(d)}${amount(a, digits)}`;
}

/** A change with its sign, e.g. "+$12.30", "-$0.0042", "$0.00"; null -> "unknown". */
export function signedUsd(x: number | null, d?: Display): string {
  if (x === null) return 'unknown';
  if (x === 0) return `${symbol(d)}0.00`;
  return x > 0 ? `+${usd(x, d)}` : `-${usd(-x, d)}`;
}

/** A saving shown as the change it makes to the cost: saving 12.30 -> "-$12.30". */
export function usdDelta(saving: number, d?: Display): string {
  return signedUsd(-saving, d);
}

/** The money formatters bound to one display currency (a renderer takes them from its model's `display`). */
export function moneyOf(d: Display | undefined) {
  return {
    usd: (x: number | null | undefined): string => usd(x, d),
    signedUsd: (x: number | null): string => signedUsd(x, d),
    usdDelta: (saving: number): string => usdDelta(saving, d),
    usdTicks: (values: number[]): string[] => usdTicks(values, d),
    cell: (key: string, v: unknown): string => cell(key, v, d),
  };
}

/** What a display currency means, said once in each output that uses one. */
export function displayNote(d: Display): string {
  return `money shown in ${d.currency} at 1 USD = ${d.fx} ${d.currency} (given rate); figures are kept in USD`;
}

/** Money in check messages: 6 decimals below $1, else 2 ("$0.020000", "$12.50"); exact enough to compare with a budget. */
export function usdCheck(x: number): string {
  return `$${x.toFixed(x < 1 ? 6 : 2)}`;
}

export function pct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  return `${x.toFixed(digits)}%`;
}

export function int(x: number): string {
  const r = Math.round(x);
  return plain(r) ? fixedText(r, 0) : r.toLocaleString('en-US');
}

/** "1 request", "12,000 requests" (the count as int() shows it, the noun in the singular for 1) */
export function count(n: number, noun: string): string {
  return `${int(n)} ${noun}${Math.round(n) === 1 ? '' : 's'}`;
}

export function num(x: number, digits = 2): string {
  if (plain(x))
    return fixedText(x, digits)
      .replace(/(\.\d*?)0+$/, '$1')
      .replace(/\.$/, '');
  return x.toLocaleString('en-US', { maximumFractionDigits: digits });
}

/** A fraction 0..1 as a percent, e.g. 0.9876 -> "98.8%". */
export function ratioPct(x: number | null | undefined, digits = 1): string {
  return x === null || x === undefined || Number.isNaN(x) ? 'n/a' : pct(x * 100, digits);
}

/** A percent change with its sign, e.g. "+12.5%", "-3.0%", "0.0%". */
export function signedPct(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  const s = pct(Math.abs(x), digits);
  return x > 0 ? `+${s}` : x < 0 && s !== pct(0, digits) ? `-${s}` : s;
}

/** Days as "12.5 days" / "1 day"; null -> "never (no saving)". */
export function days(x: number | null | undefined): string {
  if (x === null || x === undefined) return 'never (no variable saving)';
  return x === 1 ? '1 day' : `${num(x, 2)} days`;
}

/** Date of an epoch-ms timestamp, ISO "YYYY-MM-DD" (UTC). */
export function isoDay(ms: number | null): string {
  return ms === null ? '' : new Date(ms).toISOString().slice(0, 10);
}

/** A span of time in its two largest units, whole: "850 ms", "58 s", "59 min 58 s", "2 h 5 min", "3 d 4 h". */
export function elapsed(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.floor(ms / 1000);
  const [d, h, m] = [Math.floor(s / 86_400), Math.floor(s / 3600) % 24, Math.floor(s / 60) % 60];
  if (d > 0) return h ? `${d} d ${h} h` : `${d} d`;
  if (h > 0) return m ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s % 60 ? `${m} min ${s % 60} s` : `${m} min`;
  return `${s} s`;
}

/** A generic value in a table cell: money/percent by key name (see Report.extras), else plain. */
export function cell(key: string, v: unknown, d?: Display): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') {
    if (/(cost|usd|saving)$/i.test(key)) return usd(v, d);
    if (/pct$/i.test(key)) return pct(v);
    return Number.isInteger(v) ? int(v) : num(v, 6);
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return JSON.stringify(v);
}

/** Axis labels for round tick values, all with the same number of decimals ($0.000, $0.005, $0.010). */
export function usdTicks(values: number[], d?: Display): string[] {
  const step = values.length > 1 ? Math.abs(values[1]! - values[0]!) : Math.abs(values[0] ?? 0);
  const digits = step >= 1 || step === 0 ? 0 : Math.min(6, Math.max(2, Math.ceil(-Math.log10(step) - 1e-9)));
  return values.map((v) => `${symbol(d)}${amount(d ? v * d.fx : v, digits)}`);
}

/** "; overlays: LABEL, ..." after the name of the pricing that applied them, or nothing without overlays */
export const overlaysNote = (overlays: readonly string[] | undefined): string =>
  overlays?.length ? `; overlays: ${overlays.join(', ')}` : '';
