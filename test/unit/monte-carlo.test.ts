import { describe, expect, it } from 'vitest';
import { band, nearestRank } from '../../src/engine/stats.js';
import { runSeed, summariseRuns } from '../../src/app/monte-carlo.js';
import type { Report } from '../../src/report/model.js';

describe('nearest-rank percentiles', () => {
  it('20 values 1..20: p5 = rank ceil(1) = 1, p50 = rank 10, p95 = rank 19', () => {
    const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // any order: 20, 19, ..., 1
    expect(band(xs)).toEqual({ p5: 1, p50: 10, p95: 19 });
  });

  it('10 values: p5 = rank ceil(0.5) = 1 (the minimum), p50 = rank 5, p95 = rank ceil(9.5) = 10 (the maximum)', () => {
    expect(band([7, 3, 9, 1, 5, 2, 8, 6, 4, 10])).toEqual({ p5: 1, p50: 5, p95: 10 });
  });

  it('3 values: p50 = rank ceil(1.5) = 2', () => {
    expect(band([0.3, 0.1, 0.2])).toEqual({ p5: 0.1, p50: 0.2, p95: 0.3 });
  });

  it('one value is every percentile; p0 and p100 are the ends; float noise does not skip a rank', () => {
    expect(band([42])).toEqual({ p5: 42, p50: 42, p95: 42 });
    expect(nearestRank([5, 1, 3], 0)).toBe(1);
    expect(nearestRank([5, 1, 3], 100)).toBe(5);
    // 0.07 x 100 = 7.000000000000001 in floating point; the rank is still 7
    expect(
      nearestRank(
        Array.from({ length: 100 }, (_, i) => i + 1),
        7,
      ),
    ).toBe(7);
  });

  it('does not reorder its input; refuses an empty list', () => {
    const xs = [3, 1, 2];
    nearestRank(xs, 50);
    expect(xs).toEqual([3, 1, 2]);
    expect(() => nearestRank([], 50)).toThrow(/empty/);
  });
});

describe('summariseRuns', () => {
  // Only the fields the summary reads; figures by hand.
  const rep = (baseline: number, step: number, final: number, successRate: number): Report =>
    ({
      requests: 100,
      baseline: { cost: baseline },
      steps: [
        {
          strategy: 'route',
          label: 'cheap',
          cost: step,
          saving: baseline - step,
          savingPct: ((baseline - step) / baseline) * 100,
        },
      ],
      final: { cost: final, saving: baseline - final, savingPct: ((baseline - final) / baseline) * 100, successRate },
    }) as unknown as Report;

  it('bands each figure over the runs independently', () => {
    const mc = summariseRuns([rep(10, 4, 4, 0.9), rep(12, 6, 6, 0.95), rep(8, 2, 2, 0.99)], [5, 7]);
    expect(mc.runs).toBe(3);
    expect(mc.seeds).toEqual([5, 7]);
    expect(mc.baseline).toEqual({ p5: 8, p50: 10, p95: 12 });
    expect(mc.steps[0]).toMatchObject({
      label: 'cheap',
      cost: { p5: 2, p50: 4, p95: 6 },
      saving: { p5: 6, p50: 6, p95: 6 },
    }); // 10-4, 12-6, 8-2 all save 6
    expect(mc.final).toEqual({ p5: 2, p50: 4, p95: 6 });
    expect(mc.savingPct).toEqual({ p5: 50, p50: 60, p95: 75 }); // 6/12, 6/10, 6/8
    expect(mc.successRate).toEqual({ p5: 0.9, p50: 0.95, p95: 0.99 });
  });

  it('seeds are seed + r, wrapped to 32 bits', () => {
    expect(runSeed(1, 0)).toBe(1);
    expect(runSeed(1, 9)).toBe(10);
    expect(runSeed(2 ** 32 - 1, 1)).toBe(0);
  });
});
