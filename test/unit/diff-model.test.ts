// The cost review model (report/diff/model.ts) on hand-built reports: every delta by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildDiffReport, change, type DiffLimits, diffChecks } from '../../src/report/diff/model.js';
import { REPORT_SCHEMA, type Report, type StageFigures } from '../../src/report/model.js';

function stage(cost: number, parts: Partial<StageFigures['breakdown']> = {}, tokens = {}): StageFigures {
  return {
    cost,
    breakdown: {
      input: 0,
      cacheRead: 0,
      cacheWrite: 0,
      cacheWrite1h: 0,
      output: 0,
      reasoning: 0,
      audio: 0,
      image: 0,
      storage: 0,
      fees: 0,
      fixed: 0,
      ...parts,
    },
    tokens: {
      input: 0,
      cacheRead: 0,
      cacheWrite5m: 0,
      cacheWrite1h: 0,
      output: 0,
      reasoning: 0,
      audioInput: 0,
      audioOutput: 0,
      imageInput: 0,
      storageTokenHours: 0,
      webSearchCalls: 0,
      ...tokens,
    },
    calls: 0,
    successes: 0,
    successRate: 1,
    costPerSuccess: null,
  };
}

function report(o: {
  baseline: number;
  steps: [string, number][];
  final: StageFigures;
  models: [string, number][];
  by?: Report['by'];
}): Report {
  let prev = o.baseline;
  return {
    schema: REPORT_SCHEMA,
    tool: { name: 'llmcost', version: 't' },
    command: 'simulate',
    scenario: 's',
    pricing: { version: '2026-11-01', effective: '2026-11-01' },
    seed: 1,
    requests: 10,
    rows: { read: 10, priced: 10, rejected: 0 },
    period: { startMs: 0, endMs: 1, days: 1 },
    baseline: stage(o.baseline),
    steps: o.steps.map(([label, cost]) => {
      const saving = Math.round((prev - cost) * 1e6) / 1e6;
      prev = cost;
      return { ...stage(cost), strategy: label, label, saving, savingPct: 0 };
    }),
    final: { ...o.final, saving: 0, savingPct: 0 },
    fixed: [],
    models: o.models.map(([model, finalCost]) => ({ model, baselineCost: finalCost, finalCost })),
    ...(o.by ? { by: o.by } : {}),
    checks: [],
    warnings: [],
  };
}

const NO_LIMIT: DiffLimits = { maxIncreasePct: null, maxIncreaseUsd: null };

describe('change', () => {
  it('computes the delta on micro-USD (no float residue) and the percent of base', () => {
    expect(change(0.1, 0.3)).toEqual({ base: 0.1, head: 0.3, delta: 0.2, deltaPct: 200 });
    expect(change(12, 11.25)).toEqual({ base: 12, head: 11.25, delta: -0.75, deltaPct: -6.25 });
    expect(change(0, 5).deltaPct).toBeNull();
    expect(change(3, 3).delta).toBe(0);
  });

  it('is antisymmetric and exact on amounts of 1e-6 USD', () => {
    const usd = fc.integer({ min: 0, max: 1e12 }).map((m) => m / 1e6);
    fc.assert(
      fc.property(usd, usd, (a, b) => {
        const ab = change(a, b);
        const ba = change(b, a);
        expect(ab.delta).toBe(-ba.delta || 0);
        expect(Math.round(ab.base * 1e6) + Math.round(ab.delta * 1e6)).toBe(Math.round(ab.head * 1e6));
      }),
    );
  });
});

describe('diffChecks', () => {
  it('a percentage limit: exactly at the limit passes, a micro-dollar above fails', () => {
    expect(diffChecks(change(100, 105), { ...NO_LIMIT, maxIncreasePct: 5 })[0]!.ok).toBe(true);
    expect(diffChecks(change(100, 105.000001), { ...NO_LIMIT, maxIncreasePct: 5 })[0]!.ok).toBe(false);
    expect(diffChecks(change(100, 50), { ...NO_LIMIT, maxIncreasePct: 0 })[0]!.ok).toBe(true);
  });

  it('a USD limit, and a percentage of a $0 base (no percentage holds a rise from $0)', () => {
    expect(diffChecks(change(1, 51), { ...NO_LIMIT, maxIncreaseUsd: 50 })[0]).toMatchObject({ ok: true, actual: 50 });
    expect(diffChecks(change(1, 51.01), { ...NO_LIMIT, maxIncreaseUsd: 50 })[0]!.ok).toBe(false);
    const zero = diffChecks(change(0, 0.01), { ...NO_LIMIT, maxIncreasePct: 1000 })[0]!;
    expect(zero).toMatchObject({ ok: false, actual: null });
    expect(zero.message).toMatch(/rises from \$0/);
    expect(diffChecks(change(0, 0), { ...NO_LIMIT, maxIncreasePct: 0 })[0]!.ok).toBe(true);
  });

  it('both limits: each is a check of its own; no limit, no check', () => {
    const c = diffChecks(change(100, 110), { maxIncreasePct: 5, maxIncreaseUsd: 20 });
    expect(c.map((x) => [x.name, x.ok])).toEqual([
      ['max-increase-pct', false],
      ['max-increase-usd', true],
    ]);
    expect(diffChecks(change(1, 2), NO_LIMIT)).toEqual([]);
  });
});

describe('buildDiffReport', () => {
  const base = report({
    baseline: 10,
    steps: [
      ['route', 8],
      ['cache', 6],
    ],
    final: stage(6, { input: 4, output: 2 }, { input: 4000, output: 100 }),
    models: [
      ['big', 5],
      ['small', 1],
    ],
    by: {
      tenant: [
        { key: 'a', cost: 4, baselineCost: 6, requests: 5 },
        { key: 'b', cost: 2, baselineCost: 4, requests: 5 },
      ],
    },
  });
  const head = report({
    baseline: 12,
    steps: [
      ['cache', 9],
      ['batch', 7.5],
    ],
    final: stage(
      7.5,
      { input: 5, cacheWrite: 0.5, output: 2 },
      { input: 5000, cacheWrite5m: 60, cacheWrite1h: 40, output: 100 },
    ),
    models: [
      ['big', 7.5],
      ['new', 0],
    ],
    by: {
      tenant: [
        { key: 'a', cost: 4.5, baselineCost: 6, requests: 5 },
        { key: 'c', cost: 3, baselineCost: 6, requests: 5 },
      ],
    },
  });
  const r = buildDiffReport({
    base: { file: 'base.yaml', report: base },
    head: { file: 'head.yaml', report: head },
    sameTraffic: false,
    limits: { maxIncreasePct: 20, maxIncreaseUsd: null },
    version: 't',
  });

  it('totals: baseline and final before and after', () => {
    expect(r.baseline).toEqual({ base: 10, head: 12, delta: 2, deltaPct: 20 });
    expect(r.final).toEqual({ base: 6, head: 7.5, delta: 1.5, deltaPct: 25 });
    expect(r.checks[0]).toMatchObject({ name: 'max-increase-pct', ok: false, actual: 25, limit: 20 });
    expect(r.ok).toBe(false);
  });

  it("steps matched by label: BASE's order, then HEAD's new ones; a missing step saves 0", () => {
    expect(r.steps).toEqual([
      { label: 'route', strategy: 'route', base: { cost: 8, saving: 2 }, head: null, savingDelta: -2 },
      { label: 'cache', strategy: 'cache', base: { cost: 6, saving: 2 }, head: { cost: 9, saving: 3 }, savingDelta: 1 },
      { label: 'batch', strategy: 'batch', base: null, head: { cost: 7.5, saving: 1.5 }, savingDelta: 1.5 },
    ]);
  });

  it('models and attribution keys: a key one side lacks costs 0 there; largest |delta| first', () => {
    expect(r.models.map((m) => [m.key, m.base, m.head, m.delta])).toEqual([
      ['big', 5, 7.5, 2.5],
      ['small', 1, 0, -1],
      ['new', 0, 0, 0],
    ]);
    expect(r.by[0]!.rows.map((x) => [x.key, x.base, x.head, x.delta, x.deltaPct])).toEqual([
      ['c', 0, 3, 3, null],
      ['b', 2, 0, -2, -100],
      ['a', 4, 4.5, 0.5, 12.5],
    ]);
    expect(r.by[0]!.more).toBeNull();
  });

  it('bill classes: money and the tokens billed (cache write = 5-minute writes; 1h its own class)', () => {
    const c = Object.fromEntries(r.classes.map((x) => [x.key, x]));
    expect(c.input).toMatchObject({ base: 4, head: 5, delta: 1, tokens: { base: 4000, head: 5000, delta: 1000 } });
    expect(c.cacheWrite).toMatchObject({ base: 0, head: 0.5, deltaPct: null, tokens: { base: 0, head: 60 } });
    expect(c.fixed!.tokens).toBeNull();
    // a class neither side has (no 1h money, audio, fees) is not listed; the core ones always are
    expect(Object.keys(c)).toEqual(['input', 'cacheRead', 'cacheWrite', 'output', 'storage', 'fixed']);
  });

  it('the same report on both sides: every delta is 0 and every check passes', () => {
    const same = buildDiffReport({
      base: { file: 'a', report: base },
      head: { file: 'a', report: base },
      sameTraffic: true,
      limits: { maxIncreasePct: 0, maxIncreaseUsd: 0 },
      version: 't',
    });
    expect(same.ok).toBe(true);
    for (const x of [same.baseline, same.final, ...same.models, ...same.classes, ...same.by[0]!.rows])
      expect(x.delta).toBe(0);
    expect(same.steps.every((s) => s.savingDelta === 0)).toBe(true);
  });
});
