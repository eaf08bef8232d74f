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
`;
const book = bookFromYaml(TABLE);
const DAY_MS = 86_400_000;

/** Poisson arrivals at `perDay` over `days`, every request with the same 8,000-token system prefix. */
function* poisson(perDay: number, days: number, seed: number): Generator<SimRequest[]> {
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
      model: 'sonnet',
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

async function compare(perDay: number, ttl: '5m' | '1h', days: number) {
  const r = await runSimulation({
    source: poisson(perDay, days, 2026),
    stages: [{ strategy: promptCache, options: promptCache.options.parse({ ttl }), label: 'prompt-cache' }],
    book,
    seed: 1,
  });
  const tap = r.taps[1]!;
  const writes = tap.total(ttl === '5m' ? Q.cacheWrite5m : Q.cacheWrite1h) / 8000 / days;
  const costPerDay = attoToUsd(priceCells(tap.cells, r.thresholds, book).total) / days;
  const row = estimateRow({
    model: book.resolve('sonnet'),
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
