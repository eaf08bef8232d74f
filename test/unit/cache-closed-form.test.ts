// Closed form vs simulation (issue 4): a Poisson stream with a constant 8K prefix replayed through
// prompt-cache agrees with `estimate`'s P(write) = exp(-rate x ttl) within 10%.
import { describe, expect, it } from 'vitest';
import { runSimulation } from '../../src/engine/run.js';
import { createRng } from '../../src/engine/rng.js';
import { Q } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import { attoToUsd } from '../../src/pricing/money.js';
import { estimateRow } from '../../src/engine/estimate.js';
import type { SimRequest } from '../../src/engine/request.js';
import { promptCache } from '../../src/strategies/prompt-cache/index.js';
import { bookFromYaml } from '../helpers/sim.js';

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
    cache: { style: explicit, read: "0.30", write_5m: "3.75", write_1h: "6.00", min_tokens: 1024 }
  gem-old:
    provider: google
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.25"
    output: "5.00"
    cache: { style: automatic, implicit: false, read: "0.3125", storage_per_hour: "4.50", min_tokens: 4096 }
`;
const book = bookFromYaml(TABLE);
const DAY_MS = 86_400_000;

/** Poisson arrivals at `perDay` over `days`, every request with the same 8,000-token system prefix. */
function* poisson(perDay: number, days: number, seed: number, model = 'sonnet'): Generator<SimRequest[]> {
  const rng = createRng(seed);
  let t = 0;
  let i = 0;
  let batch: SimRequest[] = [];
  for (;;) {
    t += rng.exponential(perDay / DAY_MS);
    if (t >= days * DAY_MS) break;
    batch.push({
      id: `r${i++}`,
      atMs: Math.floor(t),
      model,
      serviceTier: 'standard',
      inputTokens: 8400,
      outputTokens: 300,
      historyTokens: 0,
      prefix: [{ key: 'sys', tokens: 8000, kind: 'system' }],
      batchable: false,
      status: 'ok',
      tags: {},
    });
    if (batch.length === 1000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

async function compare(perDay: number, ttl: '5m' | '1h', days: number, model = 'sonnet') {
  const r = await runSimulation({
    source: poisson(perDay, days, 2026, model),
    stages: [{ strategy: promptCache, options: promptCache.options.parse({ ttl }), label: 'prompt-cache' }],
    book,
    seed: 1,
  });
  const tap = r.taps[1]!;
  const writes = tap.total(ttl === '5m' ? Q.cacheWrite5m : Q.cacheWrite1h) / 8000 / days;
  const costPerDay = attoToUsd(priceCells(tap.cells, r.thresholds, book).total) / days;
  const row = estimateRow({
    model: book.resolve(model),
    book,
    requestsPerDay: perDay,
    systemTokens: 8000,
    inputTokens: 400,
    outputTokens: 300,
    cache: ttl,
    days: 30,
    tier: 'standard',
  });
  return { writes, costPerDay, row, requests: r.requests };
}

describe('prompt-cache vs the closed form of estimate', () => {
  it('1,000 requests/day, 5m TTL, 30 days: writes/day within 10% of 1000 x exp(-1000/86400 x 300) = 31.05', async () => {
    const { writes, costPerDay, row, requests } = await compare(1000, '5m', 30);
    expect(requests).toBeGreaterThan(29_000); // ~30,000 arrivals
    expect(row.cacheWritesPerDay).toBeCloseTo(1000 * Math.exp((-1000 / 86400) * 300), 4);
    expect(Math.abs(writes - row.cacheWritesPerDay) / row.cacheWritesPerDay).toBeLessThan(0.1);
    expect(Math.abs(costPerDay - row.daily.withCache) / row.daily.withCache).toBeLessThan(0.1);
  });

  it('100 requests/day, 5m TTL: writes/day within 10% of 100 x exp(-100/86400 x 300) = 70.7', async () => {
    const { writes, row } = await compare(100, '5m', 60);
    expect(Math.abs(writes - row.cacheWritesPerDay) / row.cacheWritesPerDay).toBeLessThan(0.1);
  });

  it('50 requests/day, 1h TTL: writes/day within 10% of 50 x exp(-50/24) = 6.23', async () => {
    const { writes, row } = await compare(50, '1h', 200);
    expect(row.cacheWritesPerDay).toBeCloseTo(50 * Math.exp(-50 / 24), 4);
    expect(Math.abs(writes - row.cacheWritesPerDay) / row.cacheWritesPerDay).toBeLessThan(0.1);
  });
});

describe('explicit context caches billed per token-hour (Gemini without implicit hits)', () => {
  it('24 requests/day, 1h: P(write) = 1/(1 + rate x ttl) = 1/2; 12 writes/day, each held 1h (hand-computed)', () => {
    const row = estimateRow({
      model: book.resolve('gem-old'),
      book,
      requestsPerDay: 24,
      systemTokens: 40_000,
      inputTokens: 500,
      outputTokens: 0,
      cache: '1h',
      days: 30,
      tier: 'standard',
    });
    expect(row.missProbability).toBe(0.5);
    expect(row.cacheWritesPerDay).toBe(12);
    // 12 x 40,000 tokens x 1 h = 480,000 token-hours x $4.50/M = $2.16
    expect(row.storage).toEqual({ tokenHoursPerDay: 480_000, daily: 2.16 });
    // writes 480,000 x $1.25 = $0.60, reads 480,000 x $0.3125 = $0.15, rest 12,000 x $1.25 = $0.015
    expect(row.daily.withCache).toBe(2.925);
    expect(row.daily.noCache).toBe(1.215); // 24 x 40,500 x $1.25: caching this rarely costs more
  });
  it('200 requests/day, 1h TTL: simulated writes and cost within 10% of the closed form (200/(1 + 200/24) = 21.4)', async () => {
    const { writes, costPerDay, row } = await compare(200, '1h', 60, 'gem-old');
    expect(row.cacheWritesPerDay).toBeCloseTo(200 / (1 + 200 / 24), 4);
    expect(Math.abs(writes - row.cacheWritesPerDay) / row.cacheWritesPerDay).toBeLessThan(0.1);
    expect(Math.abs(costPerDay - row.daily.withCache) / row.daily.withCache).toBeLessThan(0.1);
  });
});
