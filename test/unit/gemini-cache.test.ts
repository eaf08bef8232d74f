// Gemini context caching: models without implicit hits at a table's date are simulated with explicit
// caches, whose storage is billed per token-hour from each entry's lifetime (hand-computed below).
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.js';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import { modelView } from '../../src/engine/run.js';
import type { SimRequest } from '../../src/engine/request.js';
import { chooseSchedule } from '../../src/pricing/load.js';
import { usdToAtto } from '../../src/pricing/money.js';
import { promptCache } from '../../src/strategies/prompt-cache/index.js';
import { bookFromYaml, ctxFor, makeRequest } from '../helpers/sim.js';

const TABLE = `
version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  gem-old:
    provider: google
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.25"
    output: "5.00"
    cache: { style: automatic, implicit: false, read: "0.3125", storage_per_hour: "4.50", min_tokens: 32768 }
  gem-new:
    provider: google
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.25"
    output: "10.00"
    cache: { style: automatic, read: "0.125", storage_per_hour: "4.50", min_tokens: 2048 }
`;
const book = bookFromYaml(TABLE);
const MIN = 60_000;
const usd = (s: string): bigint => usdToAtto(s)!;

function run(options: unknown, reqs: SimRequest[]): SimRequest[] {
  const r = promptCache.start(
    promptCache.options.parse(options),
    ctxFor({ seed: 1, position: 1, models: modelView(book), warn: () => {}, cacheRealism: 'ideal' }),
  );
  return [...reqs.flatMap((q) => r.step(q)), ...(r.flush?.() ?? [])];
}
const total = (reqs: SimRequest[]) => {
  const l = new Ledger(book.thresholds());
  for (const r of reqs) l.add(r);
  return priceCells(l.cells, book.thresholds(), book);
};
/** 40,000-token shared prefix + 500 tokens of question, no output */
const at = (model: string, mins: number[]) =>
  mins.map((m, i) =>
    makeRequest(
      { model, inputTokens: 40_500, outputTokens: 0 },
      { id: `q${i}`, atMs: m * MIN, prefix: [{ key: 'doc', tokens: 40_000, kind: 'system' }] },
    ),
  );

describe('the bundled tables say which Gemini models had implicit hits', () => {
  const tables = chooseSchedule({ perRequest: true, catalog: false }).pricing;
  const implicitAt = (model: string, date: string) =>
    tables.lookup(model, tables.periodOf(Date.parse(`${date}T00:00:00Z`)))?.cache?.implicit;
  it('Gemini 1.5 (Dec 2024) and 2.0 (Oct 2025): none; 2.5 and later: implicit', () => {
    expect(implicitAt('gemini-1.5-pro', '2024-12-15')).toBe(false);
    expect(implicitAt('gemini-1.5-flash', '2024-12-15')).toBe(false);
    expect(implicitAt('gemini-2.0-flash', '2025-10-15')).toBe(false);
    expect(implicitAt('gemini-2.5-flash', '2025-10-15')).toBe(true);
    expect(implicitAt('gemini-2.5-pro', '2026-11-20')).toBe(true);
  });
});

describe('explicit context caches billed per token-hour', () => {
  it('a model without implicit hits: one cache per TTL (default 1h, not extended by hits), storage from its lifetime', () => {
    // t=0 creates the 40K cache (written at input, held 1h); 1m and 30m read it; it expires at 60m
    // however often it was read, so 61m creates another; 62m reads.
    const out = run({}, at('gem-old', [0, 1, 30, 61, 62]));
    expect(out.map((r) => r.cached)).toEqual([
      { read: 0, write5m: 0, write1h: 40_000, storageTokenSeconds: 40_000 * 3600 },
      { read: 40_000, write5m: 0, write1h: 0 },
      { read: 40_000, write5m: 0, write1h: 0 },
      { read: 0, write5m: 0, write1h: 40_000, storageTokenSeconds: 40_000 * 3600 },
      { read: 40_000, write5m: 0, write1h: 0 },
    ]);
    const p = total(out);
    expect(p.breakdown.cacheWrite1h).toBe(usd('0.1')); // 80,000 x $1.25 (writes at the input price)
    expect(p.breakdown.cacheRead).toBe(usd('0.0375')); // 120,000 x $0.3125
    expect(p.breakdown.storage).toBe(usd('0.36')); // 2 x 40,000 tokens x 1 h x $4.50 per 1M per hour
    expect(p.breakdown.input).toBe(usd('0.003125')); // 5 x 500 x $1.25
    expect(p.total).toBe(usd('0.500625'));
  });
  it('a 100K-token cache held all day: 24 one-hour caches = 2.4M token-hours x $4.50/M = $10.80', () => {
    const reqs = Array.from({ length: 24 }, (_, h) =>
      makeRequest(
        { model: 'gem-old', inputTokens: 100_000, outputTokens: 0 },
        { id: `h${h}`, atMs: h * 60 * MIN, prefix: [{ key: 'doc', tokens: 100_000, kind: 'system' }] },
      ),
    );
    expect(total(run({ ttl: '1h' }, reqs)).breakdown.storage).toBe(usd('10.8'));
  });
  it('ttl 5m: the cache lives 5 minutes (300 s of storage)', () => {
    const out = run({ ttl: '5m' }, at('gem-old', [0, 1, 6]));
    expect(out.map((r) => r.cached)).toEqual([
      { read: 0, write5m: 40_000, write1h: 0, storageTokenSeconds: 40_000 * 300 },
      { read: 40_000, write5m: 0, write1h: 0 },
      { read: 0, write5m: 40_000, write1h: 0, storageTokenSeconds: 40_000 * 300 },
    ]);
    // 2 x 40,000 x 1/12 h x $4.50/M = $0.03
    expect(total(out).breakdown.storage).toBe(usd('0.03'));
  });
  it('a model with implicit hits: automatic by default (no storage); a TTL asks for explicit caches (1h accepted)', () => {
    const implicit = run({}, at('gem-new', [0, 1]));
    expect(implicit.map((r) => r.cached)).toEqual([
      { read: 0, write5m: 0, write1h: 0 },
      { read: 40_000, write5m: 0, write1h: 0 },
    ]);
    const explicit = run({ ttl: '1h' }, at('gem-new', [0, 1]));
    expect(explicit[0]!.cached).toEqual({ read: 0, write5m: 0, write1h: 40_000, storageTokenSeconds: 40_000 * 3600 });
    expect(explicit[1]!.cached).toEqual({ read: 40_000, write5m: 0, write1h: 0 });
  });
  it('style automatic on a model that had no implicit hits is refused', () => {
    expect(() => run({ style: 'automatic' }, at('gem-old', [0]))).toThrow(UserError);
    expect(() => run({ style: 'automatic' }, at('gem-old', [0]))).toThrow(/no implicit cache hits/);
  });
});
