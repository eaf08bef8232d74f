// The one CSV writer (reports, sweep, estimate, pricing list, --rejects): RFC 4180 quoting, and a
// text cell a spreadsheet would run as a formula (= + - @ TAB CR first) gets a leading apostrophe.
// Numbers are written as plain decimals (never 1e-7), so a negative saving stays a number.

export type CsvCell = string | number | null | undefined;

/** A number for a CSV/JSON-like cell: plain decimal, never exponent notation. */
export function plainNumber(x: number): string {
  // (a safe integer never prints with an exponent: most cells, read without the pattern below)
  if (Number.isSafeInteger(x)) return String(x);
  if (!Number.isFinite(x)) return '';
  const s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  // expand the shortest round-trip form exactly: 5e-324 -> 0.000…5, 1.5e+21 -> 1500000000000000000000
  const digits = m[2]! + (m[3] ?? '');
  const point = 1 + Number(m[4]);
  const body =
    point <= 0
      ? `0.${'0'.repeat(-point)}${digits}`
      : point >= digits.length
        ? digits + '0'.repeat(point - digits.length)
        : `${digits.slice(0, point)}.${digits.slice(point)}`;
  return m[1] + body;
}

/**
 * RFC 4180 quoting of one field: quoted when it holds a quote, a comma or a line break (with
 * `edges`, also leading or trailing whitespace, which spreadsheets trim).
 */
export function csvQuote(s: string, edges = false): string {
  return (edges ? QUOTED_OR_EDGES : QUOTED).test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const QUOTED = /[",\r\n]/;
/** one pattern for both tests: a quote, comma or line break anywhere, or white space at either end */
const QUOTED_OR_EDGES = /[",\r\n]|^\s|\s$/;

/** A cell for a CSV a person opens in a spreadsheet: formula guard, quoting, plain numbers. */
export function csvCell(v: CsvCell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return plainNumber(v);
  return csvQuote(/^[=+\-@\t\r]/.test(v) ? `'${v}` : v, true);
}

/** Rows of cells as CSV lines (no trailing newline). */
export function csvLines(rows: CsvCell[][]): string {
  return rows.map((r) => r.map(csvCell).join(',')).join('\n');
}
