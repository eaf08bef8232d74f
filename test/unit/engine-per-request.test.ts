// The engine's per-request shortcuts must not change a figure:
// - a strategy's map (one request in, at most one out) gives the same taps as its step;
// - ledgers that share one cell numbering (CellSlots, as a run's taps do) hold the same cells as
//   ledgers that number their own, however requests are repeated and interleaved;
// - a tag set copied with one tag changed (withTag) is a tag set: own keys only, in order.
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CellSlots, Ledger } from '../../src/engine/ledger.js';
import { newTags, type PrefixBlock, type SimRequest, tagOf, withTag } from '../../src/engine/request.js';
import { runSimulation, type RunResult, type StageSpec } from '../../src/engine/run.js';
import type { Strategy } from '../../src/engine/strategy.js';
import { parsePricingText } from '../../src/pricing/load.js';
import { STRATEGIES } from '../../src/strategies/registry.js';
import { makeRequest } from '../helpers/sim.js';

const parsed = parsePricingText(readFileSync('pricing/2026-11-01.yaml', 'utf8'), '2026-11-01.yaml');
if (!parsed.book) throw new Error(JSON.stringify(parsed.errors));
const BOOK = parsed.book;
const MODELS = ['claude-sonnet-4-5', 'gpt-4.1-mini', 'gemini-2.5-flash'] as const;
const FEATURES = ['search', 'code', 'support'] as const;

/** one shared array per system prefix, as the log readers share them */
const PREFIXES: PrefixBlock[][] = [0, 1, 2, 3].map((i) => [
  { key: `sys:${i}`, tokens: 1200 + 900 * i, kind: 'system' },
]);

const reqArb = fc.record({
  gapMs: fc.integer({ min: 0, max: 400_000 }),
  model: fc.constantFrom(...MODELS),
  feature: fc.constantFrom(...FEATURES),
  prefix: fc.integer({ min: -1, max: 3 }),
  messageTokens: fc.integer({ min: 1, max: 3000 }),
  outputTokens: fc.integer({ min: 0, max: 1500 }),
  batchable: fc.boolean(),
  ok: fc.boolean(),
  retry: fc.option(fc.nat(), { nil: undefined }),
});

function stream(raw: fc.Arbitrary<(typeof reqArb extends fc.Arbitrary<infer T> ? T : never)[]>) {
  return raw.map((xs) => {
    let atMs = Date.UTC(2026, 10, 2);
    return xs.map((x, i) => {
      atMs += x.gapMs;
      const prefix = x.prefix >= 0 ? PREFIXES[x.prefix]! : [];
      const tags = newTags();
      tags.tenant = `t${i % 3}`;
      tags.feature = x.feature;
      return makeRequest({
        id: `r${i}`,
        atMs,
        model: x.model,
        inputTokens: (prefix[0]?.tokens ?? 0) + x.messageTokens,
        outputTokens: x.outputTokens,
        prefix,
        batchable: x.batchable,
        status: x.ok ? 'ok' : 'error',
        ...(x.retry !== undefined && i > 0 ? { retryOf: `r${x.retry % i}` } : {}),
        tags,
      });
    });
  });
}

const strategy = (name: string): Strategy => STRATEGIES.find((s) => s.name === name)!;
const stage = (name: string, options: unknown): StageSpec => {
  const s = strategy(name);
  return { strategy: s, options: s.options.parse(options), label: name };
};
/** the bench waterfall's stages, and two more that give two requests or none */
const STAGES: StageSpec[] = [
  stage('dedupe-retries', {}),
  stage('route', { rules: [{ when: { tags: { feature: 'search' } }, to: 'gpt-4.1-nano', quality: 0.97 }] }),
  stage('compress', { parts: ['input'], ratio: 0.9 }),
  stage('prompt-cache', { ttl: '5m', scope: 'all' }),
  stage('cap-output', { max_output_tokens: 500, truncation_retry_share: 0.3 }),
  stage('batch', { only_batchable: true }),
  stage('response-cache', { mode: 'semantic', hit_rate: 0.3, quality: 0.9 }),
];

/** the same strategy, its map hidden: the engine can only call step */
function stepOnly(st: StageSpec): StageSpec {
  const s = st.strategy;
  return {
    ...st,
    strategy: {
      ...s,
      start: (o, ctx) => {
        const run = s.start(o, ctx);
        return { step: (r) => run.step(r), flush: run.flush, counters: run.counters };
      },
    },
  };
}

const run = (reqs: SimRequest[], stages: StageSpec[]): Promise<RunResult> =>
  runSimulation({ source: [reqs], stages, book: BOOK, seed: 7, by: ['tenant', 'feature'], standalone: true });

const ledgerJson = (l: Ledger): string =>
  JSON.stringify({
    cells: [...l.cells].map(([k, v]) => [k, [...v]]),
    by: [...l.by].map(([d, keys]) => [d, [...keys].map(([k, cells]) => [k, [...cells].map(([c, v]) => [c, [...v]])])]),
    successesAt: [...l.successesAt],
    dropped: l.dropped,
  });

describe('per-request shortcuts', () => {
  it('map gives the same taps, standalone ledgers and warnings as step', async () => {
    await fc.assert(
      fc.asyncProperty(stream(fc.array(reqArb, { minLength: 1, maxLength: 80 })), async (reqs) => {
        const a = await run(reqs, STAGES);
        const b = await run(reqs, STAGES.map(stepOnly));
        expect(a.taps.map(ledgerJson)).toEqual(b.taps.map(ledgerJson));
        expect(a.standalone!.map(ledgerJson)).toEqual(b.standalone!.map(ledgerJson));
        expect(a.warnings).toEqual(b.warnings);
      }),
      { numRuns: 40 },
    );
  });

  it('ledgers sharing a cell numbering hold what ledgers numbering their own hold', () => {
    const th = [1000, 5000];
    const periodOf = (atMs: number): number => (atMs >= 500 ? 1 : 0);
    const reqs = fc.array(
      fc.record({
        model: fc.constantFrom('a', 'b', 'c'),
        serviceTier: fc.constantFrom('standard', 'batch') as fc.Arbitrary<SimRequest['serviceTier']>,
        inputTokens: fc.constantFrom(10, 1000, 1001, 6000),
        atMs: fc.constantFrom(0, 499, 500),
        tenant: fc.constantFrom('x', 'y'),
        quality: fc.constantFrom(undefined, 0.97, 0.5),
        // which ledgers see it, and whether the next add repeats the same object
        to: fc.constantFrom(0, 1, 2),
        again: fc.boolean(),
      }),
      { maxLength: 60 },
    );
    fc.assert(
      fc.property(reqs, (rs) => {
        const slots = new CellSlots(th, periodOf);
        const shared = [
          new Ledger(th, ['tenant'], undefined, periodOf, slots),
          new Ledger(th, [], undefined, periodOf, slots),
        ];
        const own = [new Ledger(th, ['tenant'], undefined, periodOf), new Ledger(th, [], undefined, periodOf)];
        for (const x of rs) {
          const tags = newTags();
          tags.tenant = x.tenant;
          const r = makeRequest(
            { ...x, model: `${x.model}`, outputTokens: 3, tags },
            x.quality ? { quality: x.quality } : {},
          );
          const into = x.to === 2 ? [0, 1] : [x.to];
          for (let n = x.again ? 2 : 1; n > 0; n--)
            for (const i of into) {
              shared[i]!.add(r);
              own[i]!.add(r);
            }
        }
        expect(shared.map(ledgerJson)).toEqual(own.map(ledgerJson));
        expect(shared[0]!.total(6)).toBe(own[0]!.total(6));
      }),
    );
  });

  it('withTag copies a tag set as a tag set, one tag set, own keys only', () => {
    const t = newTags();
    t.tenant = 'acme';
    t.route = 'old';
    const proto = '__proto__';
    t[proto] = 'a tag';
    const c = withTag(t, 'route', 'new');
    expect(Object.keys(c)).toEqual(['tenant', 'route', '__proto__']);
    expect(c.route).toBe('new');
    expect(t.route).toBe('old');
    expect(tagOf({ tags: c }, '__proto__')).toBe('a tag');
    expect(tagOf({ tags: c }, 'toString')).toBeUndefined();
    expect(Object.getPrototypeOf(c)).toBe(Object.getPrototypeOf(t));
    const d = withTag(c, 'constructor', 'x');
    expect(Object.keys(d)).toEqual(['tenant', 'route', '__proto__', 'constructor']);
  });
});
