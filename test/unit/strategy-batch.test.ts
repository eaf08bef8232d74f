// batch: tier moves priced through the table (priceCells), seeded share, window, missing tier.
import { describe, expect, it } from 'vitest';
import { modelView } from '../../src/engine/run.js';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { SimRequest } from '../../src/engine/request.js';
import { unitHash } from '../../src/shared/hash.js';
import { batch } from '../../src/strategies/batch.js';
import type { CacheRealism } from '../../src/strategies/prompt-cache/rules.js';
import { bookFromYaml, ctxFor, drawFor } from '../helpers/sim.js';

const TABLE = `
version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  sonnet:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
    batch: { discount: "0.5" }
  gemini:
    provider: google
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "0.30"
    output: "2.50"
    batch: { input: "0.15", output: "1.25" }
  claude:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
    cache: { style: explicit, read: "0.30", write_5m: "3.75", write_1h: "6.00", min_tokens: 1024 }
    batch: { discount: "0.5" }
  nobatch:
    provider: other
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.00"
    output: "2.00"
`;
const book = bookFromYaml(TABLE);

function req(p: Partial<SimRequest>): SimRequest {
  return {
    id: 'r',
    atMs: 0,
    model: 'sonnet',
    serviceTier: 'standard',
    inputTokens: 1000,
    outputTokens: 500,
    historyTokens: 0,
    prefix: [],
    batchable: true,
    status: 'ok',
    tags: {},
    ...p,
  };
}
function run(
  options: unknown,
  reqs: SimRequest[],
  seed = 1,
  cacheRealism: CacheRealism = 'realistic',
): { out: SimRequest[]; warnings: string[] } {
  const warnings: string[] = [];
  const r = batch.start(
    batch.options.parse(options),
    ctxFor({
      seed,
      position: 1,
      models: modelView(book),
      warn: (m, code) => warnings.push(code ? `${code}: ${m}` : m),
      cacheRealism,
    }),
  );
  return { out: [...reqs.flatMap((q) => r.step(q)), ...(r.flush?.() ?? [])], warnings };
}
function atto(reqs: SimRequest[]): bigint {
  const l = new Ledger(book.thresholds());
  for (const r of reqs) l.add(r);
  return priceCells(l.cells, book.thresholds(), book).total;
}

describe('batch', () => {
  it('a when that matched none of the requests that reached it: STRATEGY_UNMATCHED at the end', () => {
    const said: string[] = [];
    const ctx = ctxFor({
      seed: 1,
      position: 1,
      models: modelView(book),
      warn: (m, code) => said.push(`${code}: ${m}`),
    });
    const finish = (raw: unknown, reqs: SimRequest[]): void => {
      const o = batch.options.parse(raw);
      const r = batch.start(o, ctx);
      for (const q of reqs) r.step(q);
      r.flush?.();
      batch.finish!(o, r.counters!(), ctx);
    };
    const reqs = [req({ id: 'a', tags: { feature: 'chat' } }), req({ id: 'b', tags: { feature: 'chat' } })];
    finish({ when: { tags: { feature: 'sumarise' } } }, reqs);
    expect(said).toEqual([
      'STRATEGY_UNMATCHED: batch: its when ({"tags":{"feature":"sumarise"}}) matched none of the 2 requests that reached it, so it moved nothing (a misspelt tag value, or a tag the traffic does not have?)',
    ]);
    // a when that matches one request is data: no warning
    finish({ when: { tags: { feature: 'chat' } } }, reqs);
    expect(said).toHaveLength(1);
  });

  it('moves batchable requests to the batch tier: 1000 in + 500 out on $3/$15 at 50% = $0.00525', () => {
    const { out } = run({}, [req({})]);
    expect(out[0]!.serviceTier).toBe('batch');
    // (1000 x 3 + 500 x 15) / 1e6 / 2 = 0.00525 USD = 5.25e15 atto
    expect(atto(out)).toBe(5_250_000_000_000_000n);
    expect(atto([req({})])).toBe(10_500_000_000_000_000n);
  });

  it('explicit batch prices: gemini 1000 in x $0.15 + 500 out x $1.25 = $0.000775', () => {
    const { out } = run({}, [req({ model: 'gemini' })]);
    expect(atto(out)).toBe(775_000_000_000_000n); // (150 + 625) x 1e12
  });

  it('only batchable requests move unless only_batchable is false; other tiers stay', () => {
    const reqs = [req({ batchable: false }), req({ serviceTier: 'priority' })];
    expect(run({}, reqs).out.map((r) => r.serviceTier)).toEqual(['standard', 'priority']);
    expect(run({ only_batchable: false }, reqs).out.map((r) => r.serviceTier)).toEqual(['batch', 'priority']);
  });

  it('when: only the requests matching the rule are candidates (batch eligibility by feature)', () => {
    const reqs = [
      req({ batchable: false, tags: { feature: 'reports' } }),
      req({ batchable: false, tags: { feature: 'chat' } }),
      req({ tags: { feature: 'chat' } }),
    ];
    const o = { only_batchable: false, when: { tags: { feature: 'reports' } } };
    expect(run(o, reqs).out.map((r) => r.serviceTier)).toEqual(['batch', 'standard', 'standard']);
    expect(() => batch.options.parse({ when: { tag: {} } })).toThrow();
  });

  it('share is a seeded split: a request moves iff its draw is below the share', () => {
    const reqs = Array.from({ length: 200 }, (_, i) => req({ id: `q${i}` }));
    const expected = reqs.map((r) => (drawFor(r, { seed: 9 }) < 0.3 ? 'batch' : 'standard'));
    const tiers = run({ share: 0.3 }, reqs, 9).out.map((r) => r.serviceTier);
    expect(tiers).toEqual(expected);
    expect(run({ share: 0.3 }, reqs, 9).out.map((r) => r.serviceTier)).toEqual(tiers); // same seed, same split
    const moved = tiers.filter((t) => t === 'batch').length;
    expect(moved).toBeGreaterThan(40);
    expect(moved).toBeLessThan(80);
  });

  it('ideal: the window shifts atMs by the batch window', () => {
    expect(run({ window: '24h' }, [req({ atMs: 5 })], 1, 'ideal').out[0]!.atMs).toBe(86_400_005);
    expect(run({ window: 1000 }, [req({ atMs: 5 })], 1, 'ideal').out[0]!.atMs).toBe(1005);
  });

  it("realistic: a window's requests run together when it closes (epoch-aligned)", () => {
    const out = run({ window: '24h' }, [req({ atMs: 5 }), req({ atMs: 86_399_999 }), req({ atMs: 86_400_000 })]).out;
    expect(out.map((r) => r.atMs)).toEqual([86_400_000, 86_400_000, 172_800_000]);
    expect(run({ window: 1000 }, [req({ atMs: 5 })]).out[0]!.atMs).toBe(1000);
    expect(run({}, [req({ atMs: 5 })]).out[0]!.atMs).toBe(5);
  });

  it('re-computes cache classes an interactive prompt-cache step gave the requests it moves', () => {
    // Three requests that read 2,000 tokens interactively, moved into one batch: the first writes
    // (at batch_ttl 1h), the 2 would-be hits keep floor(2 x 0.64) = 1 hit: the second misses, the third reads.
    const three = [0, 1, 2].map((i) =>
      req({
        id: `c${i}`,
        model: 'claude',
        atMs: i * 60_000,
        inputTokens: 2500,
        prefix: [{ key: 'sys', tokens: 2000, kind: 'system' }],
        cached: { read: 2000, write5m: 0, write1h: 0 },
      }),
    );
    expect(run({ window: '24h', batch_ttl: '1h' }, three).out.map((r) => r.cached)).toEqual([
      { read: 0, write5m: 0, write1h: 2000 },
      { read: 0, write5m: 0, write1h: 2000 },
      { read: 2000, write5m: 0, write1h: 0 },
    ]);
    // default batch_ttl: 5m writes
    expect(run({ window: '24h' }, three).out[0]!.cached).toEqual({ read: 0, write5m: 2000, write1h: 0 });
    // Ideal keeps the interactive hits.
    expect(run({ window: '24h' }, three, 1, 'ideal').out.map((r) => r.cached!.read)).toEqual([2000, 2000, 2000]);
  });

  it('log rows with cache reads and no prefix: a batch_hit_rate share keeps them, one BATCH_CACHE warning', () => {
    // A request keeps its reads when 0.64 + its id's place in [0, 1) reaches 1 (the keyed share with
    // one request per key: a share of 0.64 over requests, the same in any part of a split run).
    const rows = Array.from({ length: 100 }, (_, i) =>
      req({ id: `l${i}`, model: 'claude', cached: { read: 1000, write5m: 0, write1h: 0 } }),
    );
    const { out, warnings } = run({}, rows);
    const kept = rows.map((r) => (Math.floor(0.64 + unitHash(r.id)) === 1 ? 1000 : 0));
    expect(out.map((r) => r.cached?.read ?? 0)).toEqual(kept);
    const share = kept.filter((x) => x > 0).length;
    expect(share).toBeGreaterThan(50);
    expect(share).toBeLessThan(78);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^BATCH_CACHE: batch: requests moved to the batch tier carry cache reads/);
  });

  it('a model without a batch tier stays on standard and warns once', () => {
    const reqs = [req({ model: 'nobatch' }), req({ model: 'nobatch', id: 'b' })];
    const { out, warnings } = run({}, reqs);
    expect(out).toEqual(reqs);
    expect(warnings).toEqual([
      "STRATEGY_NO_TIER: batch: model 'nobatch' has no batch tier in the pricing table; its requests stay on standard",
    ]);
  });

  it('strict options', () => {
    expect(batch.options.safeParse({ share: 1.5 }).success).toBe(false);
    expect(batch.options.safeParse({ windw: '24h' }).success).toBe(false);
    expect(batch.options.safeParse({ windowMs: '24h' }).success).toBe(false); // YAML options are snake_case
    // the old spelling is renamed by the scenario loader (with a warning), not by the schema
    expect(batch.options.safeParse({ window_ms: '24h' }).success).toBe(false);
    expect(batch.renamedOptions).toEqual({ window_ms: 'window' });
    expect(batch.options.safeParse({ window: '24h' }).success).toBe(true);
  });
});
