// Engine invariants over random request streams and random strategy lists (fast-check):
// - the ledger is exact: each tap prices to the sum of its requests priced one by one, and the
//   steps' savings add up to baseline - final in exact atto-USD;
// - a strategy with no effect saves exactly 0 (identical cells);
// - scaling every price by k scales every tap's cost by k exactly;
// - same seed -> identical ledgers.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parsePricingText } from '../../src/pricing/load.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import { runSimulation, type StageSpec, type RunResult } from '../../src/engine/run.js';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { PrefixBlock, SimRequest } from '../../src/engine/request.js';
import { STRATEGIES } from '../../src/strategies/registry.js';
import { buildReport } from '../../src/report/model.js';
import { attoToUsd } from '../../src/pricing/money.js';
import type { Strategy } from '../../src/engine/strategy.js';

/** Prices in micro-USD per 1M tokens, scaled by k and written as exact decimal strings. */
function table(k: number): string {
  const p = (micro: number): string => {
    const v = BigInt(micro) * BigInt(k);
    return `"${v / 1_000_000n}.${(v % 1_000_000n).toString().padStart(6, '0')}"`;
  };
  const model = (id: string, provider: string, body: string) =>
    `  ${id}:\n    provider: ${provider}\n    source: https://example.com/pricing\n    checked: "2099-01-01"\n${body}`;
  return `version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
${model(
  'sonnet',
  'anthropic',
  `    input: ${p(3_000_000)}
    output: ${p(15_000_000)}
    cache: { style: explicit, read: ${p(300_000)}, write_5m: ${p(3_750_000)}, write_1h: ${p(6_000_000)}, min_tokens: 1024 }
    batch: { discount: "0.5" }
    long_context: { threshold: 20000, input: ${p(6_000_000)}, output: ${p(22_500_000)} }
`,
)}${model(
  'haiku',
  'anthropic',
  `    input: ${p(1_000_000)}
    output: ${p(5_000_000)}
    cache: { style: explicit, read: ${p(100_000)}, write_5m: ${p(1_250_000)}, write_1h: ${p(2_000_000)}, min_tokens: 2048 }
    batch: { discount: "0.5" }
`,
)}${model(
  'gpt',
  'openai',
  `    input: ${p(1_250_000)}
    output: ${p(10_000_000)}
    cache: { style: automatic, read: ${p(125_000)}, min_tokens: 1024, increment: 128 }
    batch: { input: ${p(625_000)}, output: ${p(5_000_000)} }
`,
)}${model(
  'plain',
  'other',
  `    input: ${p(700_000)}
    output: ${p(2_100_000)}
`,
)}`;
}
function bookOf(k: number): PriceBook {
  const r = parsePricingText(table(k), `t${k}.yaml`);
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book;
}
const BOOK = bookOf(1);
const MODELS = ['sonnet', 'haiku', 'gpt', 'plain'] as const;

const SYSTEMS: PrefixBlock[] = [
  { key: 'sys-a', tokens: 2000, kind: 'system' },
  { key: 'sys-b', tokens: 1100, kind: 'system' },
  { key: 'sys-c', tokens: 500, kind: 'system' },
];

const reqArb = fc.record({
  gapMs: fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 900_000 })),
  model: fc.constantFrom(...MODELS),
  system: fc.integer({ min: -1, max: 2 }),
  conv: fc.integer({ min: 0, max: 3 }),
  historyTokens: fc.integer({ min: 0, max: 3000 }),
  messageTokens: fc.integer({ min: 1, max: 30_000 }),
  outputTokens: fc.integer({ min: 0, max: 2000 }),
  batchable: fc.boolean(),
  ok: fc.boolean(),
  retry: fc.option(fc.nat(), { nil: undefined }),
  query: fc.option(fc.integer({ min: 0, max: 4 }), { nil: undefined }),
});

type RawReq = typeof reqArb extends fc.Arbitrary<infer T> ? T : never;

function buildStream(raw: RawReq[], withPrefix: boolean): SimRequest[] {
  let atMs = 1_700_000_000_000;
  return raw.map((x, i) => {
    atMs += x.gapMs;
    const prefix: PrefixBlock[] = [];
    if (withPrefix && x.system >= 0) {
      const s = SYSTEMS[x.system]!;
      prefix.push({ ...s });
      if (x.historyTokens > 0)
        prefix.push({ key: `${s.key}/c${x.conv}/h${x.historyTokens}`, tokens: x.historyTokens, kind: 'history' });
    }
    const prefixTokens = prefix.reduce((a, b) => a + b.tokens, 0);
    const r: SimRequest = {
      id: `r${i}`,
      atMs,
      model: x.model,
      serviceTier: 'standard',
      inputTokens: prefixTokens + x.messageTokens,
      outputTokens: x.outputTokens,
      historyTokens: withPrefix && x.system >= 0 ? x.historyTokens : 0,
      prefix,
      batchable: x.batchable,
      status: x.ok ? 'ok' : 'error',
      conversationId: `c${x.conv}`,
      tags: { tenant: `t${x.conv % 2}`, ...(x.query !== undefined ? { queryKey: `q${x.query}` } : {}) },
    };
    if (x.retry !== undefined && i > 0) r.retryOf = `r${x.retry % i}`;
    return r;
  });
}

/** Options per strategy: arbitraries for the ones we know; others run only if {} parses. */
const OPTION_ARBS: Record<string, fc.Arbitrary<unknown>> = {
  'prompt-cache': fc.record(
    {
      ttl: fc.constantFrom('5m', '1h'),
      scope: fc.constantFrom('system', 'conversation', 'all'),
      ready_delay: fc.constantFrom(0, 500),
      hit_rate: fc.constantFrom(1, 0.7),
      retention: fc.constantFrom('5m', '1h'),
    },
    { requiredKeys: [] },
  ),
  batch: fc.record({ share: fc.constantFrom(1, 0.5), only_batchable: fc.boolean() }, { requiredKeys: [] }),
  'response-cache': fc.oneof(
    fc.constant({ mode: 'exact', ttl: '10m' }),
    fc.record({ mode: fc.constant('semantic'), hit_rate: fc.constantFrom(0.1, 0.5), quality: fc.constantFrom(1, 0.8) }),
  ),
  'dedupe-retries': fc.record({ window: fc.constantFrom('1m', '15m') }, { requiredKeys: [] }),
  route: fc.record({ rules: fc.constant([{ to: 'haiku', share: 0.5 }]) }),
  cascade: fc.record({ cheap: fc.constant('gpt'), escalation: fc.constantFrom(0.2, 0.6) }),
  'trim-context': fc.record({ max_history_tokens: fc.constantFrom(0, 1000) }),
  compress: fc.record({ parts: fc.constant(['history']), ratio: fc.constantFrom(0.5, 0.9) }),
  'cap-output': fc.record({
    max_output_tokens: fc.constantFrom(100, 500),
    truncation_retry_share: fc.constantFrom(0, 0.3),
  }),
};
const USABLE: Strategy[] = STRATEGIES.filter((s) => s.name in OPTION_ARBS || s.options.safeParse({}).success);
const stageArb: fc.Arbitrary<StageSpec> = fc.constantFrom(...USABLE).chain((s) =>
  (OPTION_ARBS[s.name] ?? fc.constant({})).map((raw) => ({
    strategy: s,
    options: s.options.parse(raw),
    label: s.name,
  })),
);

async function simulate(reqs: SimRequest[], stages: StageSpec[], book: PriceBook, seed: number): Promise<RunResult> {
  // two batches, to exercise batch boundaries in the engine
  const half = Math.floor(reqs.length / 2);
  return runSimulation({
    source: [reqs.slice(0, half), reqs.slice(half)],
    stages,
    book,
    seed,
    thresholds: BOOK.thresholds(),
  });
}
const atto = (l: Ledger, book: PriceBook, th: number[]): bigint => priceCells(l.cells, th, book).total;
const cellsJson = (l: Ledger): string => JSON.stringify([...l.cells].map(([k, v]) => [k, Array.from(v)]).sort());

/** Wrap a strategy so every request it emits is recorded (the engine sees the same objects). */
function recording(stage: StageSpec, sink: SimRequest[]): StageSpec {
  const s = stage.strategy;
  const wrapped: Strategy = {
    ...s,
    start: (o, ctx) => {
      const run = s.start(o, ctx);
      return {
        step: (r) => {
          const out = run.step(r);
          sink.push(...out);
          return out;
        },
        flush: () => {
          const out = run.flush?.() ?? [];
          sink.push(...out);
          return out;
        },
      };
    },
  };
  return { ...stage, strategy: wrapped };
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

const streamArb = (withPrefix = true) =>
  fc.array(reqArb, { minLength: 1, maxLength: 40 }).map((raw) => buildStream(raw, withPrefix));
const RUNS = { numRuns: 60 };

describe('engine properties', () => {
  it(`strategies available to the property runs: ${USABLE.map((s) => s.name).join(', ')}`, () => {
    for (const name of ['prompt-cache', 'batch', 'response-cache', 'dedupe-retries'])
      expect(USABLE.map((s) => s.name)).toContain(name);
  });

  it('each tap prices to the sum of its requests priced one by one; savings add up to baseline - final', async () => {
    await fc.assert(
      fc.asyncProperty(streamArb(), fc.array(stageArb, { maxLength: 4 }), fc.integer(), async (reqs, stages, seed) => {
        const sinks = stages.map(() => [] as SimRequest[]);
        // strategies never mutate a request: a frozen stream would throw (ESM is strict mode)
        for (const q of reqs) deepFreeze(q);
        const r = await simulate(
          reqs,
          stages.map((s, i) => recording(s, sinks[i]!)),
          BOOK,
          seed,
        );
        const th = r.thresholds;
        const costs = r.taps.map((l) => atto(l, BOOK, th));
        const oneByOne = (list: SimRequest[]): bigint =>
          list.reduce((sum, q) => {
            const l = new Ledger(th);
            l.add(q);
            return sum + atto(l, BOOK, th);
          }, 0n);
        expect(costs[0]).toBe(oneByOne(reqs));
        for (let k = 0; k < stages.length; k++) expect(costs[k + 1]).toBe(oneByOne(sinks[k]!));
        let savings = 0n;
        for (let k = 1; k < costs.length; k++) savings += costs[k - 1]! - costs[k]!;
        expect(savings).toBe(costs[0]! - costs[costs.length - 1]!);
        // the report rounds each figure once (half-up to 1e-6 USD): step savings add up to the
        // final saving within half a micro-dollar per rounded term
        const rep = buildReport({
          command: 'simulate',
          scenario: 'prop',
          seed,
          run: r,
          book: BOOK,
          labels: stages.map((x) => ({ strategy: x.strategy.name, label: x.label })),
          version: 'test',
        });
        expect(rep.baseline.cost).toBe(attoToUsd(costs[0]!));
        rep.steps.forEach((st, k) => expect(st.cost).toBe(attoToUsd(costs[k + 1]!)));
        const stepSum = rep.steps.reduce((a, st) => a + st.saving, 0);
        expect(Math.abs(stepSum - rep.final.saving)).toBeLessThanOrEqual((stages.length + 1) * 0.5e-6 + 1e-9);
        expect(Math.abs(rep.baseline.cost - rep.final.cost - rep.final.saving)).toBeLessThanOrEqual(1e-6 + 1e-9);
        // served or dropped: every answering request of the baseline is accounted for at every stage
        for (let k = 1; k < r.taps.length; k++)
          expect(r.taps[k]!.dropped).toBeGreaterThanOrEqual(r.taps[k - 1]!.dropped);
      }),
      RUNS,
    );
  });

  it('a strategy with no effect saves exactly 0', async () => {
    const byName = (n: string) => USABLE.find((s) => s.name === n)!;
    await fc.assert(
      fc.asyncProperty(streamArb(false), fc.integer(), async (raw, seed) => {
        // no prefix blocks, nothing batchable, no query keys, no retries
        const reqs = raw.map((q) => ({ ...q, batchable: false, tags: { tenant: q.tags.tenant! }, retryOf: undefined }));
        const stages: StageSpec[] = [
          {
            strategy: byName('prompt-cache'),
            options: byName('prompt-cache').options.parse({ scope: 'all' }),
            label: 'prompt-cache',
          },
          { strategy: byName('batch'), options: byName('batch').options.parse({}), label: 'batch' },
          {
            strategy: byName('response-cache'),
            options: byName('response-cache').options.parse({}),
            label: 'response-cache',
          },
          {
            strategy: byName('dedupe-retries'),
            options: byName('dedupe-retries').options.parse({}),
            label: 'dedupe-retries',
          },
        ];
        const r = await runSimulation({ source: [reqs], stages, book: BOOK, seed, warn: () => {} });
        const base = cellsJson(r.taps[0]!);
        for (const tap of r.taps) {
          expect(cellsJson(tap)).toBe(base);
          expect(atto(tap, BOOK, r.thresholds)).toBe(atto(r.taps[0]!, BOOK, r.thresholds));
          expect(tap.dropped).toBe(0);
        }
      }),
      RUNS,
    );
  });

  it('scaling every price by k scales every cost by k', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArb(),
        fc.array(stageArb, { maxLength: 4 }),
        fc.constantFrom(2, 3, 7),
        fc.integer(),
        async (reqs, stages, k, seed) => {
          const scaled = bookOf(k);
          const r = await simulate(reqs, stages, BOOK, seed);
          for (const tap of r.taps)
            expect(atto(tap, scaled, r.thresholds)).toBe(BigInt(k) * atto(tap, BOOK, r.thresholds));
          // and a run under the scaled table gives the same quantities (strategies never see prices)
          const r2 = await simulate(reqs, stages, scaled, seed);
          expect(r2.taps.map(cellsJson)).toEqual(r.taps.map(cellsJson));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('same seed -> identical ledgers', async () => {
    await fc.assert(
      fc.asyncProperty(
        streamArb(),
        fc.array(stageArb, { minLength: 1, maxLength: 4 }),
        fc.integer(),
        async (reqs, stages, seed) => {
          const a = await simulate(reqs, stages, BOOK, seed);
          const b = await simulate(reqs, stages, BOOK, seed);
          expect(b.taps.map(cellsJson)).toEqual(a.taps.map(cellsJson));
          expect(b.taps.map((t) => t.dropped)).toEqual(a.taps.map((t) => t.dropped));
        },
      ),
      { numRuns: 30 },
    );
  });
});
