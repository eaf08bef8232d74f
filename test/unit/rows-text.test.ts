// The cells `replay --rows` writes for every call, written the fast way: the same text as the
// plain way they replaced (a BigInt division for the cost, a pattern over every number, two
// patterns over every string), over random values and the edges.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { usdText } from '../../src/report/rows.js';
import { csvCell, csvQuote, plainNumber } from '../../src/shared/csv.js';

/** the cost text as it was written before: integer part by division, fraction by remainder */
function usdTextByDivision(atto: bigint): string {
  const int = atto / 10n ** 18n;
  const frac = (atto % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
}

/** plainNumber as it was, without the fast path for safe integers */
function plainNumberByPattern(x: number): string {
  if (!Number.isFinite(x)) return '';
  const s = String(x);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
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

/** csvQuote as it was: two patterns */
const csvQuoteTwice = (s: string, edges = false): string =>
  /[",\r\n]/.test(s) || (edges && /^\s|\s$/.test(s)) ? `"${s.replace(/"/g, '""')}"` : s;

describe('--rows cells', () => {
  it('the cost: the same decimal text as by division (property and edges)', () => {
    for (const v of [0n, 1n, 10n ** 18n, 10n ** 18n - 1n, 10n ** 18n + 1n, 5n * 10n ** 17n, 12345678901234567890123n])
      expect(usdText(v)).toBe(usdTextByDivision(v));
    expect(usdText(1_500_000_000_000_000n)).toBe('0.0015');
    expect(usdText(2n * 10n ** 18n)).toBe('2');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 30n }), (v) => {
        expect(usdText(v)).toBe(usdTextByDivision(v));
      }),
      { numRuns: 2000 },
    );
  });

  it('numbers: the same text as by the pattern (property and edges)', () => {
    for (const x of [
      0,
      -0,
      1,
      -1,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      2 ** 53,
      1e21,
      1.5e21,
      5e-324,
      0.1,
      NaN,
      Infinity,
      -Infinity,
    ])
      expect(plainNumber(x)).toBe(plainNumberByPattern(x));
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.maxSafeInteger()), (x) => {
        expect(plainNumber(x)).toBe(plainNumberByPattern(x));
      }),
      { numRuns: 2000 },
    );
  });

  it('strings: quoted exactly when they were (property and edges)', () => {
    for (const s of ['', 'a', ' a', 'a ', 'a,b', 'a"b', 'a\nb', 'a\rb', '\ta', 'a\t', '=1', '-1', '@x'])
      for (const edges of [false, true]) expect(csvQuote(s, edges)).toBe(csvQuoteTwice(s, edges));
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r', '\t', '=', 'é') }),
        fc.boolean(),
        (s, edges) => {
          expect(csvQuote(s, edges)).toBe(csvQuoteTwice(s, edges));
        },
      ),
      { numRuns: 2000 },
    );
    expect(csvCell('=SUM(A1)')).toBe("'=SUM(A1)");
  });
});
