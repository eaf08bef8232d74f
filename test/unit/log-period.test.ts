import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.js';
import {
  DEFAULT_TIMESTAMP_RANGE,
  dayOf,
  outOfRange,
  PeriodSpread,
  parseTimestampRange,
} from '../../src/traffic/logs/period.js';
import { newLogStats, readLog } from '../../src/traffic/logs/read.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 2);

describe('plausible timestamps', () => {
  it('parses FROM..UNTIL (UTC dates, UNTIL excluded) and refuses anything else at its flag', () => {
    expect(parseTimestampRange('2010-01-01..2030-06-01', '--timestamp-range')).toEqual({
      fromMs: Date.UTC(2010, 0, 1),
      untilMs: Date.UTC(2030, 5, 1),
      text: '2010-01-01..2030-06-01',
    });
    for (const bad of [
      '2030-01-01..2020-01-01',
      '2020-01-01..2020-01-01',
      '2020-01-01',
      '2020-02-30..2021-01-01',
      'x..y',
    ])
      expect(() => parseTimestampRange(bad, '--timestamp-range')).toThrow(UserError);
  });

  it('the default range holds every real date and refuses 1970, 2001 (1e12) and 2361', () => {
    const r = DEFAULT_TIMESTAMP_RANGE;
    expect(outOfRange(T0, r)).toBeUndefined();
    expect(outOfRange(Date.UTC(2015, 0, 1), r)).toBeUndefined();
    expect(outOfRange(Date.UTC(2100, 0, 1) - 1, r)).toBeUndefined();
    expect(outOfRange(Date.UTC(2100, 0, 1), r)).toMatch(/^is 2100-01-01, outside 2015-01-01\.\.2100-01-01/);
    expect(outOfRange(0, r)).toMatch(/^is 1970-01-01/);
    expect(outOfRange(1e12, r)).toMatch(/^is 2001-09-09/);
    expect(dayOf(1e20)).toBe('year 3168810751'); // 1e20 ms / 3.15576e10 ms per year + 1970
  });

  it('relative-time traces (Mooncake counts ms from 0) are not checked', async () => {
    const stats = newLogStats();
    let n = 0;
    for await (const b of readLog(
      { file: join(import.meta.dirname, '../fixtures/logs/mooncake-head.jsonl'), preset: 'mooncake', model: 'm' },
      stats,
    ))
      n += b.length;
    expect(stats.rejected).toBe(0);
    expect(n).toBe(stats.priced);
    expect(stats.startMs).toBeLessThan(DAY);
  });
});

describe('a period stretched by a few rows', () => {
  const spreadOf = (times: number[]): PeriodSpread => {
    const s = new PeriodSpread();
    times.forEach((t, i) => s.add(t, i + 2));
    return s;
  };

  it('warns, naming the extremes, when one stray row makes the period >10x the bulk', () => {
    const times = Array.from({ length: 500 }, (_, i) => T0 + i * 60_000);
    times.push(Date.UTC(2099, 5, 1));
    const w = spreadOf(times).warning('log.csv');
    expect(w).toMatch(/2026-11-02 \.\. 2099-06-01 \(26,509 days\)/);
    expect(w).toMatch(/98% of the rows fall within 2026-11-02 \.\. 2026-11-02 \(1 day\)/);
    expect(w).toMatch(/Earliest row: log\.csv:2; latest: log\.csv:502/);
  });

  it('is silent for an evenly spread month, a short log, and a log of one day', () => {
    expect(spreadOf(Array.from({ length: 3000 }, (_, i) => T0 + i * 15 * 60_000)).warning('l')).toBeUndefined();
    expect(spreadOf([T0]).warning('l')).toBeUndefined();
    expect(spreadOf([T0, T0 + DAY / 2, T0 + DAY]).warning('l')).toBeUndefined();
  });

  it('samples a bounded number of rows, the same way on every run', () => {
    const times = Array.from({ length: 50_000 }, (_, i) => T0 + (i % 1000) * 60_000);
    times[25_000] = Date.UTC(2090, 0, 1);
    const a = spreadOf(times).warning('l');
    expect(a).toBeDefined();
    expect(spreadOf(times).warning('l')).toBe(a);
  });
});
