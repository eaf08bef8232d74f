// report/format.ts writes numbers without Intl (its first call costs ~25 ms of start-up): the text
// must be exactly what toLocaleString('en-US') writes, for every double.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { int, num, usd } from '../../src/report/format.js';

const doubles = fc.oneof(
  fc.double(),
  fc.double({ min: -1e7, max: 1e7 }),
  fc.integer().map((n) => n / 1000),
  fc.integer().map((n) => n + 0.5),
  fc.integer().map((n) => n / 200), // ties at two decimals, e.g. 0.125
  fc.constantFrom(0, -0, 0.005, 0.015, 1.005, 999.995, 999_999.5, 1e21, -1e21, 1e20 + 0.5, 5e-324, NaN, Infinity),
);

describe('number formatting without Intl', () => {
  it('int(x) is Math.round(x).toLocaleString("en-US")', () => {
    fc.assert(
      fc.property(doubles, (x) => int(x) === Math.round(x).toLocaleString('en-US')),
      { numRuns: 5000 },
    );
  });

  it('num(x, d) is x.toLocaleString("en-US", { maximumFractionDigits: d })', () => {
    fc.assert(
      fc.property(doubles, fc.integer({ min: 0, max: 8 }), (x, d) => {
        expect(num(x, d)).toBe(x.toLocaleString('en-US', { maximumFractionDigits: d }));
      }),
      { numRuns: 5000 },
    );
  });

  it('usd(x) writes the amount as toLocaleString("en-US") with 2, 4 or 6 fixed digits', () => {
    fc.assert(
      fc.property(doubles, (x) => {
        if (Number.isNaN(x)) return;
        const a = Math.abs(x);
        const digits = a > 0 && a < 0.01 ? 6 : a > 0 && a < 1 ? 4 : 2;
        const intl = a.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
        expect(usd(x)).toBe(`${x < 0 ? '-' : ''}$${intl}`);
      }),
      { numRuns: 5000 },
    );
  });
});
