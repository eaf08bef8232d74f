// Staleness of the pricing table (issue 6): judged against --as-of or the traffic period, never the clock.
import { describe, expect, it } from 'vitest';
import { dateOfMs, daysBetween, parseStaleAfter, stalenessWarning } from '../../src/pricing/staleness.js';
import { runCli } from '../helpers/cli.js';

const book = { version: '2024-12-01', effective: '2024-12-01', file: 'pricing/2024-12-01.yaml' };

describe('staleness', () => {
  it('counts whole UTC days', () => {
    expect(daysBetween('2024-12-01', '2025-03-31')).toBe(120); // 30 (Dec) + 31 (Jan) + 28 (Feb) + 31 (Mar, to the 31st)
    expect(daysBetween('2024-12-01', '2024-11-30')).toBe(-1);
    expect(dateOfMs(Date.UTC(2025, 3, 1, 23, 59))).toBe('2025-04-01');
  });
  it('warns only strictly past N days', () => {
    expect(stalenessWarning(book, '2025-03-31', 120)).toBeUndefined(); // exactly 120 days: not stale
    const w = stalenessWarning(book, '2025-04-01', 120)!; // 121 days
    expect(w.code).toBe('PRICING_STALE');
    expect(w.severity).toBe('warning');
    expect(w.message).toContain('121 days older than 2025-04-01');
    expect(w.where).toBe('pricing/2024-12-01.yaml');
  });
  it('no reference date -> no check (never the wall clock)', () => {
    expect(stalenessWarning(book, undefined, 0)).toBeUndefined();
  });
  it('--stale-after parsing', () => {
    expect(parseStaleAfter(undefined)).toBe(120);
    expect(parseStaleAfter('30')).toBe(30);
    expect(parseStaleAfter('-1')).toBeUndefined();
    expect(parseStaleAfter('ten')).toBeUndefined();
  });
  it('estimate --as-of warns on stderr with the code and still succeeds; --stale-after raises the bar', async () => {
    // the newest bundled table on or before 2024-12-15 is 2024-12-01; on 2024-12-15 it is 14 days old
    const fresh = await runCli([
      'estimate',
      '--as-of',
      '2024-12-15',
      '--model',
      'gpt-4o',
      '--requests',
      '1000',
      '--stale-after',
      '13',
    ]);
    expect(fresh.code).toBe(0);
    expect(fresh.stderr).toContain('warning[PRICING_STALE]');
    expect(fresh.stderr).toContain('is 14 days older than 2024-12-15');
    const ok = await runCli([
      'estimate',
      '--as-of',
      '2024-12-15',
      '--model',
      'gpt-4o',
      '--requests',
      '1000',
      '--stale-after',
      '14',
    ]);
    expect(ok.stderr).not.toContain('PRICING_STALE');
  });
});

import { stalenessForRun } from '../../src/pricing/staleness.js';
describe('staleness for a run', () => {
  it('uses --as-of first, else the date of the last request', () => {
    const end = Date.UTC(2025, 3, 1, 12); // 2025-04-01: 121 days after 2024-12-01
    expect(stalenessForRun(book, { endMs: end })!.message).toContain(
      '121 days older than 2025-04-01 (end of the traffic period)',
    );
    expect(stalenessForRun(book, { asOf: '2024-12-15', endMs: end })).toBeUndefined();
    expect(stalenessForRun(book, { endMs: null })).toBeUndefined();
  });
});
