// self-host: exact GPU-hour price derivation, fixed costs, break-even days and break-even volume.
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { modelView, runSimulation } from '../../src/engine/run.js';
import { buildReport } from '../../src/report/model.js';
import { formatPicoPerM } from '../../src/pricing/money.js';
import { gpuModel, gpuPricePicoPerM } from '../../src/pricing/gpu.js';
import { fleetExtras, fleetVolume } from '../../src/report/fleet.js';
import { type SelfHostOptions, selfHost, selfHostSpec } from '../../src/strategies/self-host.js';
import type { Strategy } from '../../src/engine/strategy.js';
import { route } from '../../src/strategies/route.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import { bookFromYaml, makeRequest, ctxFor } from '../helpers/sim.js';

/** The quantities the strategy states for the report phase. */
const fleetOf = (o: SelfHostOptions) => selfHost.fleet!(o);

const TABLE = `
version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  strong:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
  cheap:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "0.25"
    output: "1.25"
`;
const table = (): PriceBook => bookFromYaml(TABLE);
const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'strong', inputTokens: 1000, outputTokens: 200 }, p);
const DAY = 86_400_000;
const base = {
  name: 'self-host/llama-70b',
  gpu_hour_usd: 2.5,
  tokens_per_second_per_gpu: 1000,
  utilisation: 0.5,
  models: ['strong'],
  fixed_costs: [{ label: 'fine-tune', usd: 500 }],
};

async function simulate(raw: Record<string, unknown>, reqs: SimRequest[], days: number) {
  const opts = selfHost.options.parse(raw);
  const book = table().withModels(selfHost.syntheticModels!(opts).map(gpuModel));
  const run = await runSimulation({
    source: [reqs],
    stages: [{ strategy: selfHost as Strategy, options: opts, label: 'self-host' }],
    book,
    seed: 1,
  });
  const fixed = selfHost.fixedCosts!(opts).map((f) => ({ stage: 1, ...f }));
  const report = buildReport({
    command: 't',
    scenario: 't',
    seed: 1,
    run,
    book,
    labels: [{ strategy: 'self-host', label: 'self-host' }],
    fixed,
    period: { startMs: 0, endMs: days * DAY - 1 },
    version: '0',
  });
  return { report, run, book, opts };
}

describe('self-host', () => {
  it('derives per-1M-token prices exactly from the GPU price', () => {
    // output: $2.50/h x 1e6 / (1000 tok/s x 0.5 x 3600 s/h) = 2.5e6 / 1.8e6 = $1.3888...; half-up to 1 pico-USD
    expect(gpuPricePicoPerM('2.50', 1000, 0.5)).toBe(1_388_888_888_889n);
    expect(formatPicoPerM(gpuPricePicoPerM(2.5, 1000, 0.5))).toBe('1.388888888889');
    const m = gpuModel(selfHostSpec(selfHost.options.parse(base)));
    // input at the default prefill speed 10 x 1000 tok/s: 2.5e6 / 1.8e7 = $0.13888...
    expect(m.prices.standard!.base.input).toBe(138_888_888_889n);
    expect(m.prices.standard!.base.output).toBe(1_388_888_888_889n);
    expect(m.prices.batch!.base.output).toBe(1_388_888_888_889n); // same GPU time in every tier
    expect(m.cache).toBeUndefined();
    // explicit prefill 2500 tok/s at 80%: 2.5e6 / (2500 x 0.8 x 3600 = 7.2e6) = $0.347222...
    expect(
      gpuModel(
        selfHostSpec(selfHost.options.parse({ ...base, utilisation: 0.8, prefill_tokens_per_second_per_gpu: 2500 })),
      ).prices.standard!.base.input,
    ).toBe(347_222_222_222n);
  });

  it('moves the selected requests; fixed cost line; break-even days = fixed / variable saving per day', async () => {
    // 2 days x 1000 requests/day on strong, plus cheap requests that stay where they are
    const reqs = Array.from({ length: 2000 }, (_, i) => req({ id: `r${i}`, atMs: Math.floor((i * 2 * DAY) / 2000) }));
    reqs.push(req({ id: 'c', model: 'cheap', atMs: 5 }));
    const { report, run, book, opts } = await simulate({ ...base, quality: 0.95 }, reqs, 2);
    // API: 1000*3 + 200*15 = 6000 µ$ per request. GPU: 1000 x 0.138888888889 + 200 x 1.388888888889
    //   = 138.888888889 + 277.7777777778 = 416.6666666668 µ$ per request
    expect(report.models.find((m) => m.model === 'self-host/llama-70b')!.finalCost).toBe(0.833333); // 2000 x 416.67 µ$
    expect(report.fixed).toEqual([{ label: 'fine-tune', usd: 500, from: 'self-host' }]);
    // variable saving per day = 1000 x (6000 - 416.6666666668) µ$ = $5.583333; 500 / 5.583333 = 89.552 -> 89.55
    expect(report.final.breakEvenDays).toBe(89.55);
    expect(report.steps[0]!.breakEvenDays).toBe(89.55); // the only step: same as the plan
    expect(report.final.successes).toBeCloseTo(2000 * 0.95 + 1, 6);
    const v = fleetVolume({ run, book, stage: 1, fleet: fleetOf(opts), days: report.period.days });
    expect(v).toEqual({
      model: 'self-host/llama-70b',
      movedRequests: 2000,
      requestsPerDay: 1000,
      apiPerRequestUsd: 0.006,
      selfHostPerRequestUsd: 0.000417,
      // 0.6 GPU-seconds per request (200/500 + 1000/5000) x 1000/day = 600 s = 0.167 h
      gpuHoursPerDay: 0.167,
      // one always-on GPU: 24 h x $2.50
      floorPerDayUsd: 60,
      // 60 / 0.006 = 10,000 requests/day
      breakEvenRequestsPerDay: 10000,
      // at 1000/day the always-on GPU ($60/day) costs more than the API ($6/day): never pays back
      paybackDays: null,
    });
    // the report phase: keyed by stage label, undefined without a stage that states a fleet
    const stages = [{ strategy: selfHost, options: opts, label: 'self-host' }];
    expect(fleetExtras(run, book, stages, 2)).toEqual({ 'self-host': v });
    expect(fleetExtras(run, book, [{ strategy: route, options: {}, label: 'route' }], 2)).toBeUndefined();
    const noFloor = fleetVolume({ run, book, stage: 1, fleet: fleetOf({ ...opts, min_gpus: 0 }), days: 2 });
    expect(noFloor.breakEvenRequestsPerDay).toBe(0);
    expect(noFloor.paybackDays).toBe(89.55); // 500 / (6 - 0.4166666668)
  });

  it("a step with one-time costs gets its own break-even; final.breakEvenDays is the whole plan's", async () => {
    // 2 days x 1000/day: half tagged small (route -> cheap), half stay on strong (self-host)
    const reqs = Array.from({ length: 2000 }, (_, i) =>
      req({ id: `r${i}`, atMs: Math.floor((i * 2 * DAY) / 2000), tags: i % 2 ? { size: 'small' } : {} }),
    );
    const sh = selfHost.options.parse(base);
    const book = table().withModels(selfHost.syntheticModels!(sh).map(gpuModel));
    const stages = [
      {
        strategy: route as Strategy,
        options: route.options.parse({ rules: [{ when: { tags: { size: 'small' } }, to: 'cheap' }] }),
        label: 'route',
      },
      { strategy: selfHost as Strategy, options: sh, label: 'self-host' },
    ];
    const run = await runSimulation({ source: [reqs], stages, book, seed: 1 });
    const labels = stages.map((x) => ({ strategy: x.strategy.name, label: x.label }));
    const fixed = selfHost.fixedCosts!(sh).map((f) => ({ stage: 2, ...f }));
    const rep = buildReport({
      command: 't',
      scenario: 't',
      seed: 1,
      run,
      book,
      labels,
      fixed,
      period: { startMs: 0, endMs: 2 * DAY - 1 },
      version: '0',
    });
    expect(rep.steps[0]!.breakEvenDays).toBeUndefined(); // route brings no one-time cost
    // self-host saves 500/day x (6000 - 416.6666666668) µ$ = $2.7916667/day: 500 / 2.7916667 = 179.104
    expect(rep.steps[1]!.breakEvenDays).toBe(179.1);
    // the plan: route also saves 500 x (6000 - 500) µ$ = $2.75/day: 500 / 5.5416667 = 90.226
    expect(rep.final.breakEvenDays).toBe(90.23);
    // a scenario-level one-time cost is in the baseline too: it has no break-even
    const only0 = buildReport({
      command: 't',
      scenario: 't',
      seed: 1,
      run,
      book,
      labels,
      fixed: [{ stage: 0, label: 'audit', usd: '100' }],
      period: { startMs: 0, endMs: 2 * DAY - 1 },
      version: '0',
    });
    expect(only0.final.breakEvenDays).toBeUndefined();
  });

  it('self-hosting dearer per request than the API never breaks even', async () => {
    // $40/GPU-hour at 50 tok/s, 25%: output $888.89/1M, far above $15
    const { run, book, opts, report } = await simulate(
      { ...base, gpu_hour_usd: '40', tokens_per_second_per_gpu: 50, utilisation: 0.25 },
      [req({ id: 'a' })],
      1,
    );
    expect(report.final.breakEvenDays).toBeNull();
    expect(fleetVolume({ run, book, stage: 1, fleet: fleetOf(opts), days: 1 }).breakEvenRequestsPerDay).toBeNull();
  });

  it('warns when the moved load is far below the always-on fleet (the stated utilisation cannot happen)', () => {
    const opts = selfHost.options.parse(base);
    const warnings: string[] = [];
    const ctx = ctxFor({
      seed: 1,
      position: 1,
      models: modelView(table().withModels(selfHost.syntheticModels!(opts).map(gpuModel))),
      warn: (m) => warnings.push(m),
    });
    const run = selfHost.start(opts, ctx);
    // 1000 requests in one day: 200/1000 + 1000/10000 = 0.3 GPU-s each at full speed -> 300 s / 0.5 = 600 s = 0.17 GPU-h/day vs 24
    for (let i = 0; i < 1000; i++) run.step(req({ id: `r${i}`, atMs: i * 60_000 }));
    expect(run.flush?.() ?? []).toEqual([]);
    expect(warnings).toHaveLength(0); // said once the run is over, from the counters of all its parts
    selfHost.finish!(opts, run.counters!(), ctx);
    expect(warnings).toHaveLength(1);
    // real utilisation: 300 s / 3600 / 24 h = 0.35%
    expect(warnings[0]).toMatch(
      /needs 0\.2 GPU-hours\/day at 50% utilisation, but 1 always-on GPU run 24 GPU-hours\/day \(real utilisation 0\.3%\)/,
    );
  });

  it('a when that matched none of the requests it was asked about: STRATEGY_UNMATCHED at the end', () => {
    const opts = selfHost.options.parse({ ...base, min_gpus: 0, when: { tags: { feature: 'enrichmnt' } } });
    const warnings: string[] = [];
    const ctx = ctxFor({
      seed: 1,
      position: 1,
      models: modelView(table().withModels(selfHost.syntheticModels!(opts).map(gpuModel))),
      warn: (m, code) => warnings.push(`${code}: ${m}`),
    });
    const run = selfHost.start(opts, ctx);
    // a request of a model it does not take (models: [strong]) is not asked about
    for (const r of [req({ id: 'a', tags: { feature: 'enrichment' } }), req({ id: 'b', model: 'cheap' })]) run.step(r);
    selfHost.finish!(opts, run.counters!(), ctx);
    expect(warnings).toEqual([
      'STRATEGY_UNMATCHED: self-host: its when ({"tags":{"feature":"enrichmnt"}}) matched none of the 1 request that reached it, so it moved nothing (a misspelt tag value, or a tag the traffic does not have?)',
    ]);
  });

  it('rejects a name that is already a table model, bad money and zero utilisation', () => {
    const opts = selfHost.options.parse({ ...base, name: 'cheap' });
    const book = table().withModels(selfHost.syntheticModels!(opts).map(gpuModel));
    expect(() =>
      selfHost.start(opts, ctxFor({ seed: 1, position: 1, models: modelView(book), warn: () => {} })),
    ).toThrow(/already a model of the pricing table/);
    expect(selfHost.options.safeParse({ ...base, gpu_hour_usd: '2,50' }).success).toBe(false);
    expect(selfHost.options.safeParse({ ...base, utilisation: 0 }).success).toBe(false);
    expect(selfHost.options.safeParse({ ...base, fixed_costs: [{ label: 'x', usd: -1 }] }).success).toBe(false);
    expect(selfHost.options.safeParse({ ...base, fixed_costs: [{ label: 'x', usd: 1e21 }] }).success).toBe(false); // no exponent forms
    expect(
      selfHost.fixedCosts!(
        selfHost.options.parse({
          ...base,
          fixed_costs: [
            { label: 'setup', usd: 2500 },
            { label: 'eval', usd: '0.10' },
          ],
        }),
      ),
    ).toEqual([
      { label: 'setup', usd: '2500.00' },
      { label: 'eval', usd: '0.10' },
    ]);
  });
});
