// Sweep renderers on a hand-built report: escaping per format, the cheapest marked, chart figures.
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { buildSweepReport, type SweepReport } from '../../src/report/sweep/model.js';
import { type Format, renderWith } from '../../src/report/formats.js';
import { SWEEP_RENDERERS } from '../../src/report/sweep/render.js';

const renderSweep = (s: SweepReport, f: Format): string => renderWith(SWEEP_RENDERERS, s, f);
import type { Report } from '../../src/report/model.js';

const rep = (requests: number, baseline: number, final: number, ok: boolean): Report =>
  ({
    requests,
    pricing: { version: '2026-11-01' },
    baseline: { cost: baseline },
    final: {
      cost: final,
      saving: baseline - final,
      savingPct: Math.round(((baseline - final) / baseline) * 1e6) / 1e4,
      successRate: ok ? 0.99 : 0.9,
      costPerSuccess: final / requests,
    },
    checks: [{ name: 'quality.floor', ok }],
  }) as unknown as Report;

function sweep(): SweepReport {
  // two axes: x = a (2 values), lines = b (2 values); the name and a value try to break each format
  const pts = [
    ['1', '=cmd|x', rep(100, 10, 4, false)],
    ['1', '<b>', rep(100, 10, 3, true)],
    ['2', '=cmd|x', rep(100, 10, 2, true)],
    ['2', '<b>', rep(100, 10, 5, true)],
  ] as const;
  return buildSweepReport({
    scenario: '<script>alert(1)</script> | x',
    seed: 3,
    version: '9.9.9',
    axes: [
      { path: 'a', values: ['1', '2'] },
      { path: 'b', values: ['=cmd|x', '<b>'] },
    ],
    qualityFloor: 0.95,
    points: pts.map(([a, b, report]) => ({
      assignments: [
        { path: 'a', value: a },
        { path: 'b', value: b },
      ],
      report,
    })),
    cheapest: 2, // $2, passes
  });
}

describe('sweep report model', () => {
  it('one row per point; the chart groups by the second variable; axis ends on a round tick', () => {
    const s = sweep();
    expect(s.runs.map((r) => [r.finalCost, r.checksOk, r.cheapest])).toEqual([
      [4, false, false],
      [3, true, false],
      [2, true, true],
      [5, true, false],
    ]);
    expect(s.chart.series.map((x) => x.label)).toEqual(['b==cmd|x', 'b=<b>']);
    expect(s.chart.series[0]!.points.map((p) => [p.x, p.cost])).toEqual([
      [0, 4],
      [1, 2],
    ]);
    // max $5: niceTicks(5) = 0, 2, 4 (step 2 for 5/4 = 1.25), then one more tick 6 so $5 fits under the axis
    expect(s.chart.ticks.map((t) => t.usd)).toEqual([0, 2, 4, 6]);
    expect(s.chart.scaleUsd).toBe(6);
    expect(s.chart.series[1]!.points[1]!.frac).toBe(0.833333); // 5 / 6
    expect(s.notes).toEqual([]); // same volume everywhere
  });
});

describe('sweep renderers', () => {
  const s = sweep();
  it('csv: formula-looking values are inert, the row count and cheapest column round-trip', () => {
    const out = renderSweep(s, 'csv');
    expect(out).toContain("'=cmd|x");
    const rows = parse(out, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(4);
    expect(rows.map((r) => r.cheapest)).toEqual(['false', 'false', 'true', 'false']);
    expect(rows[0]!.failedChecks).toBe('quality.floor');
  });

  it('md: pipes and HTML are escaped; the cheapest row is bold', () => {
    const out = renderSweep(s, 'md');
    expect(out).toContain('&lt;script&gt;');
    expect(out).not.toContain('<script>');
    expect(out).toContain('| **3** | **2** | **=cmd\\|x** |');
  });

  it('html: everything escaped, no script, no external reference; the cheapest point ringed', () => {
    const out = renderSweep(s, 'html');
    expect(out).not.toContain('<script>');
    expect(out).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(out).not.toMatch(/(src|href)=|https?:\/\//);
    expect(out.match(/<polyline /g)).toHaveLength(2);
    expect(out.match(/r="7"/g)).toHaveLength(1);
  });

  it('table and json: the headline names the cheapest; json round-trips the model; rendering twice is identical', () => {
    const t = renderSweep(s, 'table');
    expect(t).toContain(
      'cheapest configuration meeting the quality floor 95.00% and its checks: #3 a=2, b==cmd|x — final $2.00',
    );
    expect(JSON.parse(renderSweep(s, 'json'))).toEqual(s);
    for (const f of ['table', 'md', 'csv', 'html', 'json'] as const)
      expect(renderSweep(sweep(), f)).toBe(renderSweep(sweep(), f));
  });

  it('none passing: said plainly', () => {
    const none = { ...s, cheapest: null, runs: s.runs.map((r) => ({ ...r, cheapest: false })) };
    expect(renderSweep(none, 'table')).toContain(
      'no configuration of the 4 meets the quality floor 95.00% and its checks',
    );
  });
});
