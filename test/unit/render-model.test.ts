// The presentation figures (report.chart) that renderers draw from: hand-computed expectations.
import { describe, expect, it } from 'vitest';
import { chartOf, niceTicks } from '../../src/report/model.js';
import { rowsLine } from '../../src/report/renderers/common.js';
import { handReport } from '../golden/fixture.js';

describe('chartOf', () => {
  const ch = chartOf(handReport());
  it('scales the waterfall to the largest cumulative cost (the baseline, $10)', () => {
    expect(ch.scaleUsd).toBe(10);
    expect(ch.waterfall.map((b) => [b.kind, b.prevFrac, b.costFrac])).toEqual([
      ['baseline', 0, 1], // 10/10
      ['step', 1, 0.4], // from 10/10 down to 4/10
      ['step', 0.4, 0.5], // from 4/10 up to 5/10: an increase
      ['final', 0, 0.5], // 5/10
    ]);
    expect(ch.waterfall[2]!.saving).toBe(-1);
  });
  it('axis ticks: 10/4 = 2.5 rounds up to a step of 5 -> 0, 5, 10', () => {
    expect(ch.ticks).toEqual([
      { usd: 0, frac: 0 },
      { usd: 5, frac: 0.5 },
      { usd: 10, frac: 1 },
    ]);
    expect(niceTicks(1100.9)).toEqual([0, 500, 1000]); // 1100.9/4 = 275 -> step 500
    expect(niceTicks(0.3474)).toEqual([0, 0.1, 0.2, 0.3]); // 0.087 -> step 0.1
    expect(niceTicks(0)).toEqual([0]);
  });
  it('breakdown shares and fractions per stage', () => {
    const base = ch.stages[0]!.parts;
    expect(base.find((p) => p.key === 'input')).toMatchObject({ usd: 8, sharePct: 80, frac: 0.8 }); // 8/10
    const cache = ch.stages[1]!.parts;
    expect(cache.find((p) => p.key === 'cacheRead')).toMatchObject({ usd: 1, sharePct: 25, frac: 0.1 }); // 1/4 of the stage, 1/10 of the axis
    expect(ch.classes.find((k) => k.key === 'input')).toMatchObject({
      baseline: 8,
      final: 2,
      change: -6,
      baselineSharePct: 80,
      finalSharePct: 40,
    }); // 2/5
  });
  it('models: saving and % of the model baseline; null % for a model new in the final', () => {
    expect(ch.models).toEqual([
      { model: 'a', label: 'a', baselineCost: 10, finalCost: 4, saving: 6, savingPct: 60 },
      { model: 'b', label: 'b', baselineCost: 0, finalCost: 1, saving: -1, savingPct: null },
    ]);
  });
  it('attribution: top 10, "and 2 more" summed, shares of the dimension total', () => {
    const t = ch.by[0]!;
    // costs 12..1 sum to 78; baselines 24..2 sum to 156
    expect(t.total).toEqual({ cost: 78, baselineCost: 156, requests: 12 });
    expect(t.top).toHaveLength(10);
    expect(t.top[0]).toEqual({ key: 't0', cost: 12, baselineCost: 24, requests: 1, sharePct: 15.3846, changePct: -50 }); // 12/78 = 15.3846%
    expect(t.more).toEqual({ count: 2, cost: 3, baselineCost: 6, requests: 2 }); // t10 + t11 = 2 + 1, 4 + 2
  });
});

describe('rowsLine', () => {
  const line = (rows: ReturnType<typeof handReport>['rows']): string => rowsLine(rows);
  it('says rows outside a sample apart from records that are not billed calls (skipped counts both)', () => {
    expect(line({ read: 100, priced: 90, rejected: 0 })).toBe('rows: 100 read · 90 priced · 0 rejected');
    expect(line({ read: 100, priced: 90, rejected: 2, skipped: 8 })).toBe(
      'rows: 100 read · 90 priced · 2 rejected · 8 skipped (not billed calls)',
    );
    expect(line({ read: 1000, priced: 10, rejected: 0, skipped: 990, unsampled: 985 })).toBe(
      'rows: 1,000 read · 10 priced · 0 rejected · 985 outside the sample · 5 skipped (not billed calls)',
    );
    expect(line({ read: 1000, priced: 10, rejected: 0, skipped: 990, unsampled: 990 })).toBe(
      'rows: 1,000 read · 10 priced · 0 rejected · 990 outside the sample',
    );
  });
});
