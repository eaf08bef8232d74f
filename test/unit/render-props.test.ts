// Properties of the escaping every renderer relies on, over arbitrary strings (fast-check).
import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { htmlEscape as esc, mdEscape } from '../../src/report/text.js';
import { csvLines } from '../../src/shared/csv.js';

const text = fc.string({ unit: 'binary', maxLength: 40 });

describe('escaping properties', () => {
  it('csv: any text cell parses back (RFC 4180) to itself, with an apostrophe before a formula start', () => {
    fc.assert(
      fc.property(text, text, fc.double({ noNaN: true, noDefaultInfinity: true }), (a, b, x) => {
        const parsed = parse(csvLines([[a, x, b]]), { relax_column_count: false }) as string[][];
        const expectText = (s: string): string => (/^[=+\-@\t\r]/.test(s) ? `'${s}` : s);
        expect(parsed).toHaveLength(1);
        expect(parsed[0]![0]).toBe(expectText(a));
        expect(parsed[0]![2]).toBe(expectText(b));
        expect(Number(parsed[0]![1])).toBe(x === 0 ? 0 : x); // a number stays a number (-0 reads as 0)
      }),
      { numRuns: 300 },
    );
  });
  it('markdown: escaped text never contains a bare pipe, a tag opener or a line break', () => {
    fc.assert(
      fc.property(text, (s) => {
        const e = mdEscape(s);
        expect(e.replace(/\\\\/g, '').replace(/\\\|/g, '')).not.toContain('|');
        expect(e).not.toMatch(/[<>\r\n]/);
      }),
      { numRuns: 300 },
    );
  });
  it('html: escaped text contains no markup characters', () => {
    fc.assert(
      fc.property(text, (s) => {
        expect(esc(s)).not.toMatch(/[<>"']/);
      }),
      { numRuns: 300 },
    );
  });
});
