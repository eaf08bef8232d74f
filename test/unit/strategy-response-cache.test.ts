// response-cache: exact key with TTL, semantic seeded hit rate and quality, through the engine.
import { describe, expect, it } from 'vitest';
import { modelView, runSimulation } from '../../src/engine/run.js';
import { Q } from '../../src/engine/ledger.js';
import type { SimRequest } from '../../src/engine/request.js';
import { responseCache } from '../../src/strategies/response-cache.js';
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
  haiku:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.00"
    output: "5.00"
`;
const book = bookFromYaml(TABLE);
const MIN = 60_000;

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
    batchable: false,
    status: 'ok',
    tags: { queryKey: 'q1' },
    ...p,
  };
}
function run(
  options: unknown,
  reqs: SimRequest[],
  seed = 1,
  cacheRealism: 'realistic' | 'ideal' = 'realistic',
): { out: SimRequest[]; warnings: string[]; kept: string[] } {
  const warnings: string[] = [];
  const r = responseCache.start(
    responseCache.options.parse(options),
    ctxFor({
      seed,
      position: 1,
      models: modelView(book),
      warn: (m) => warnings.push(m),
      cacheRealism,
    }),
  );
  const kept: string[] = [];
  const out = reqs.flatMap((q) => {
    const o = r.step(q);
    if (o.length) kept.push(q.id);
    return o;
  });
  return { out, warnings, kept };
}

describe('response-cache exact', () => {
  it('TTL from the stored answer: 0 store, 30m hit, 61m miss (expired at 60m, a hit does not extend), 62m hit', () => {
    const reqs = [0, 30, 61, 62].map((m, i) => req({ id: `q${i}`, atMs: m * MIN }));
    expect(run({ ttl: '1h' }, reqs).kept).toEqual(['q0', 'q2']);
  });

  it('the key separates models, prompt versions and queries; failed answers are not stored', () => {
    const reqs = [
      req({ id: 'a' }),
      req({ id: 'b', model: 'haiku' }), // other model: miss
      req({ id: 'c', tags: { queryKey: 'q1', promptVersion: 'v2' } }), // other prompt version: miss
      req({ id: 'd', tags: { queryKey: 'q2' }, status: 'error' }), // error: not stored
      req({ id: 'e', tags: { queryKey: 'q2' } }), // miss, stored
      req({ id: 'f', tags: { queryKey: 'q2' } }), // hit
      req({ id: 'g' }), // hit on a
    ];
    expect(run({}, reqs).kept).toEqual(['a', 'b', 'c', 'd', 'e']);
    // key by query only: b and c hit too
    expect(run({ key: ['query'] }, reqs).kept).toEqual(['a', 'd', 'e']);
  });

  it('a log column query_key (kept as a tag under its own name) is a content key', () => {
    const reqs = [req({ id: 'a', tags: { query_key: 'k' } }), req({ id: 'b', tags: { query_key: 'k' } })];
    expect(run({}, reqs).kept).toEqual(['a']);
  });

  it('traffic without a query key cannot repeat: passes through with one warning', () => {
    const reqs = [req({ id: 'a', tags: {} }), req({ id: 'b', tags: {} })];
    const { kept, warnings } = run({}, reqs);
    expect(kept).toEqual(['a', 'b']);
    expect(warnings).toHaveLength(1);
  });

  it('through the engine: a hit is a dropped request, counted as served', async () => {
    const reqs = [
      req({ id: 'a' }),
      req({ id: 'b', atMs: 1000 }),
      req({ id: 'c', atMs: 2000, tags: { queryKey: 'other' } }),
    ];
    const r = await runSimulation({
      source: [reqs],
      stages: [{ strategy: responseCache, options: responseCache.options.parse({}), label: 'response-cache' }],
      book,
      seed: 1,
    });
    expect(r.taps[0]!.total(Q.calls)).toBe(3);
    expect(r.taps[1]!.total(Q.calls)).toBe(2);
    expect(r.taps[1]!.dropped).toBe(1);
  });

  it('options: semantic needs hit_rate; exact rejects hit_rate and quality', () => {
    expect(responseCache.options.safeParse({ mode: 'semantic' }).success).toBe(false);
    expect(responseCache.options.safeParse({ mode: 'exact', hit_rate: 0.2 }).success).toBe(false);
    expect(responseCache.options.safeParse({ quality: 0.9 }).success).toBe(false);
    expect(responseCache.options.safeParse({ ttl: 'an hour' }).success).toBe(false);
    expect(responseCache.options.safeParse({ mode: 'semantic', hit_rate: 0.2 }).success).toBe(true);
  });
});

describe('response-cache semantic', () => {
  const reqs = Array.from({ length: 500 }, (_, i) => req({ id: `q${i}`, atMs: i, tags: {} }));

  it('seeded hit rate: a request is served from the cache iff its draw is below hit_rate', () => {
    const expected = reqs.filter((r) => drawFor(r, { seed: 3, label: 'hit' }) >= 0.2).map((r) => r.id);
    const { kept } = run({ mode: 'semantic', hit_rate: 0.2, quality: 1 }, reqs, 3);
    expect(kept).toEqual(expected);
    expect(500 - kept.length).toBeGreaterThan(70); // ~100 hits expected
    expect(500 - kept.length).toBeLessThan(130);
  });

  it('quality 0: every hit is a free but failed answer (0 tokens, quality 0)', () => {
    const { out } = run({ mode: 'semantic', hit_rate: 1, quality: 0 }, reqs.slice(0, 3));
    expect(out.map((r) => [r.inputTokens, r.outputTokens, r.quality])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });

  it('quality defaults to 0.9 (realistic: false hits) and 1 (ideal)', () => {
    // hit_rate 1: every request draws its hit (always below 1), then its quality: a draw >= 0.9 is a
    // wrong answer served from the cache, kept as a zero-token call with quality 0.
    const wrong = reqs.filter((r) => drawFor(r, { seed: 3, label: 'quality' }) >= 0.9).length;
    const { out } = run({ mode: 'semantic', hit_rate: 1 }, reqs, 3);
    expect(out.length).toBe(wrong);
    expect(out.every((r) => r.quality === 0 && r.inputTokens === 0)).toBe(true);
    expect(wrong).toBeGreaterThan(30); // ~50 of 500
    expect(wrong).toBeLessThan(70);
    expect(run({ mode: 'semantic', hit_rate: 1 }, reqs, 3, 'ideal').out).toEqual([]);
  });

  it('hit_rate 0 changes nothing', () => {
    const { out } = run({ mode: 'semantic', hit_rate: 0 }, reqs);
    expect(out).toEqual(reqs);
  });
});
