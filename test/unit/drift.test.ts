import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { simulationBook, unionThresholds } from '../../src/engine/drift.js';
import { buildDriftReport, checkScenario, driftScenario } from '../../src/report/drift/model.js';
import { runSimulation } from '../../src/engine/run.js';
import type { SimRequest } from '../../src/engine/request.js';
import { parsePricingText } from '../../src/pricing/load.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import type { Strategy } from '../../src/engine/strategy.js';

function load(name: string): PriceBook {
  const file = `test/fixtures/pricing/${name}`;
  const r = parsePricingText(readFileSync(file, 'utf8'), file);
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book;
}
const OLD = load('old.yaml');
const NEW = load('new.yaml');

function req(p: Partial<SimRequest>): SimRequest {
  return {
    id: 'r',
    atMs: 0,
    model: 'big',
    serviceTier: 'standard',
    inputTokens: 0,
    outputTokens: 0,
    historyTokens: 0,
    prefix: [],
    batchable: false,
    status: 'ok',
    tags: {},
    ...p,
  };
}

/** test strategy: requests tagged route=cheap go to 'small' */
const routeCheap: Strategy<Record<string, never>> = {
  name: 'route-cheap',
  summary: 'test',
  options: z.strictObject({}),
  start: () => ({ step: (r) => [r.tags.route === 'cheap' ? { ...r, model: 'small' } : r], flush: () => [] }),
};

const R1 = req({ id: 'r1', inputTokens: 1000, outputTokens: 1000, tags: { route: 'cheap' } });
const R2 = req({ id: 'r2', inputTokens: 150_000 }); // above new threshold 128K, below old 200K
const R3 = req({ id: 'r3', model: 'small', serviceTier: 'batch', inputTokens: 10_000, outputTokens: 2000 });

async function run(reqs: SimRequest[], stages = true) {
  return runSimulation({
    source: [reqs],
    stages: stages ? [{ strategy: routeCheap, options: {}, label: 'route-cheap' }] : [],
    book: simulationBook(OLD, NEW),
    seed: 1,
    thresholds: unionThresholds(OLD, NEW),
  });
}

describe('drift core', () => {
  it('union of thresholds is ascending and distinct', () => {
    expect(unionThresholds(OLD, NEW)).toEqual([128_000, 200_000]);
  });

  it('re-prices the same ledgers under both tables: baseline and final, per model', async () => {
    const d = driftScenario({ scenario: 'a', run: await run([R1, R2, R3]) }, OLD, NEW);
    // baseline old: r1 1000*3+1000*15=18000, r2 150000*3=450000 (base band under old), r3 batch 10000*0.5+2000*2=9000
    //   = 477000 micro-USD; new: r1 1000*3+1000*18=21000, r2 150000*6=900000 (long band under new), r3 10000*0.5+2000*1.8=8600 = 929600
    expect(d.baseline).toEqual({ old: 0.477, new: 0.9296, delta: 0.4526, deltaPct: 94.8847 }); // 452600/477000 = 94.88469..%
    // final: r1 routed to small: 1000*1+1000*4 = 5000 under both -> old 464000, new 913600, delta 449600 = 96.89655..%
    expect(d.final).toEqual({ old: 0.464, new: 0.9136, delta: 0.4496, deltaPct: 96.8966 });
    expect(d.models.map((m) => m.model)).toEqual(['big', 'small']);
    // big final: r2 only: 450000 -> 900000
    expect(d.models[0]!.final).toEqual({ old: 0.45, new: 0.9, delta: 0.45, deltaPct: 100 });
    // small final: r1 5000 both + r3 9000 -> 8600: 14000 -> 13600, -400 = -2.857142..%
    expect(d.models[1]!.final).toEqual({ old: 0.014, new: 0.0136, delta: -0.0004, deltaPct: -2.8571 });
    expect(d.unpriced).toEqual([]);
  });

  it('checks: percent and USD limits decided exactly, over and under', async () => {
    const d = driftScenario({ scenario: 'a', run: await run([R1, R2, R3]) }, OLD, NEW);
    const by = (limits: Parameters<typeof checkScenario>[1]) =>
      checkScenario(d, limits).filter((c) => c.name !== 'priced');
    expect(by({ maxIncreasePct: '5' })[0]!.ok).toBe(false);
    expect(by({ maxIncreasePct: '96.8965' })[0]!.ok).toBe(false); // 96.89655 > 96.8965
    expect(by({ maxIncreasePct: '96.8966' })[0]!.ok).toBe(true); // 96.89655 < 96.8966
    expect(by({ maxIncreaseUsd: '0.4496' })[0]!.ok).toBe(true); // rise equal to the limit is not past it
    expect(by({ maxIncreaseUsd: '0.4495' })[0]!.ok).toBe(false);
  });

  it('a table change that lowers cost passes any limit', async () => {
    const d = driftScenario({ scenario: 'b', run: await run([R3], false) }, OLD, NEW);
    // 9000 -> 8600 micro-USD: -400 = -4.4444%
    expect(d.final).toEqual({ old: 0.009, new: 0.0086, delta: -0.0004, deltaPct: -4.4444 });
    expect(checkScenario(d, { maxIncreasePct: '0', maxIncreaseUsd: '0' }).every((c) => c.ok)).toBe(true);
  });

  it('a model removed from the current table is unpriced (unknown, never $0) and fails the check', async () => {
    const d = driftScenario(
      { scenario: 'c', run: await run([R3, req({ model: 'retired', inputTokens: 1000, outputTokens: 1000 })], false) },
      OLD,
      NEW,
    );
    // retired under old: 1000*10 + 1000*30 = 40000; small 9000 -> total 49000
    expect(d.final).toEqual({ old: 0.049, new: null, delta: null, deltaPct: null });
    expect(d.unpriced).toEqual([
      {
        model: 'retired',
        table: 'current',
        reason: expect.stringContaining("'retired' is not in pricing table 2099-02-01"),
      },
    ]);
    const r = buildDriftReport([d], OLD, NEW, { maxIncreasePct: '5' });
    expect(r.ok).toBe(false);
    expect(r.checks.find((c) => c.name === 'priced')!.message).toContain("'retired'");
    expect(r.total.new).toBeNull();
  });

  it('a renamed model (old id kept as an alias) is the same model under the new name', async () => {
    const d = driftScenario(
      { scenario: 'd', run: await run([req({ model: 'old-name', inputTokens: 1000 })], false) },
      OLD,
      NEW,
    );
    // 1000 * 0.10 = 100 micro-USD under both
    expect(d.models).toEqual([
      {
        model: 'new-name',
        baseline: { old: 0.0001, new: 0.0001, delta: 0, deltaPct: 0 },
        final: { old: 0.0001, new: 0.0001, delta: 0, deltaPct: 0 },
      },
    ]);
  });

  it('a model only the current table knows: old cost unknown, a warning, the check passes', async () => {
    const sim = await runSimulation({
      source: [[req({ model: 'fresh', inputTokens: 1000 })]],
      stages: [],
      book: NEW,
      seed: 1,
      thresholds: unionThresholds(OLD, NEW),
    });
    const d = driftScenario({ scenario: 'e', run: sim }, OLD, NEW);
    expect(d.final).toEqual({ old: null, new: 0.0002, delta: null, deltaPct: null }); // 1000*0.20
    const r = buildDriftReport([d], OLD, NEW, { maxIncreasePct: '5', maxIncreaseUsd: '0' });
    expect(r.ok).toBe(true);
    expect(r.increased).toBe(false);
    expect(r.checks.find((c) => c.name === 'max-increase-pct')!.message).toBe(
      "not checked: the baseline table cannot price 'fresh'",
    );
    expect(r.warnings[0]).toContain("cannot price 'fresh'");
  });

  it('simulationBook holds only real models; the run gets both tables thresholds passed explicitly', async () => {
    const book = simulationBook(OLD, NEW);
    for (const m of book.models.values()) expect(OLD.tryResolve(m.id) ?? NEW.tryResolve(m.id), m.id).toBeDefined();
    const sim = await runSimulation({
      source: [[R2]],
      stages: [],
      book,
      seed: 1,
      thresholds: unionThresholds(OLD, NEW),
    });
    expect(sim.thresholds).toEqual([128_000, 200_000]);
    expect(driftScenario({ scenario: 'h', run: sim }, OLD, NEW).final).toEqual({
      old: 0.45,
      new: 0.9,
      delta: 0.45,
      deltaPct: 100,
    }); // 150000 x $3 -> x $6
  });

  it('refuses a run not bucketed by both tables thresholds (would misprice the band)', async () => {
    const sim = await runSimulation({ source: [[R2]], stages: [], book: NEW, seed: 1 });
    expect(() => driftScenario({ scenario: 'f', run: sim }, OLD, NEW)).toThrow(/thresholds/);
  });

  it('fixed costs are added to both sides (equal), so they only dilute the percentage', async () => {
    const d = driftScenario(
      { scenario: 'g', run: await run([R3], false), fixedUsd: { baseline: '0', final: '0.991' } },
      OLD,
      NEW,
    );
    // final: 9000 + 991000 = 1000000 -> 8600 + 991000 = 999600: -400 = -0.04%
    expect(d.final).toEqual({ old: 1, new: 0.9996, delta: -0.0004, deltaPct: -0.04 });
  });

  it('report totals sum the scenarios and flag an increase', async () => {
    const a = driftScenario({ scenario: 'a', run: await run([R1, R2, R3]) }, OLD, NEW);
    const b = driftScenario({ scenario: 'b', run: await run([R3], false) }, OLD, NEW);
    const r = buildDriftReport([a, b], OLD, NEW, { maxIncreasePct: '5' });
    // 464000 + 9000 = 473000 -> 913600 + 8600 = 922200
    expect(r.total).toEqual({ old: 0.473, new: 0.9222, delta: 0.4492, deltaPct: 94.9683 }); // 449200/473000 = 94.96828..%
    expect(r.increased).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.checks.filter((c) => !c.ok).map((c) => `${c.scenario}:${c.name}`)).toEqual(['a:max-increase-pct']);
  });
});
