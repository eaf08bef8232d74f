import { describe, expect, it } from 'vitest';
import { choosePricing } from '../../src/pricing/load.js';
import { attoToUsd, parseUsd } from '../../src/pricing/money.js';
import { estimateRow } from '../../src/engine/estimate.js';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { SimRequest } from '../../src/engine/request.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import { bookFromYaml, makeRequest } from '../helpers/sim.js';

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
    batch: { discount: "0.5" }
    long_context: { threshold: 200000, input: "6.00", output: "22.50" }
`;

const book = (): PriceBook => bookFromYaml(TABLE);

const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'sonnet', inputTokens: 0, outputTokens: 0 }, p);

function cost(reqs: SimRequest[]): number {
  const b = book();
  const l = new Ledger(b.thresholds());
  for (const r of reqs) l.add(r);
  return attoToUsd(priceCells(l.cells, b.thresholds(), b).total);
}

describe('money', () => {
  it('parses decimal prices exactly', () => {
    expect(parseUsd('3.00')).toBe(3_000_000_000_000n);
    expect(parseUsd('0.075')).toBe(75_000_000_000n);
    expect(parseUsd('0.01875')).toBe(18_750_000_000n);
    expect(parseUsd('-1')).toBeNull();
    expect(parseUsd('1e3')).toBeNull();
  });
});

describe('pricing engine', () => {
  it('prices input and output: 1000 in + 500 out on $3/$15 = $0.0105', () => {
    expect(cost([req({ inputTokens: 1000, outputTokens: 500 })])).toBe(0.0105);
  });
  it('prices cache classes: 10,000 read at $0.30, 2,000 5m-write at $3.75, 2,000 1h-write at $6.00', () => {
    // 10000*0.30 + 2000*3.75 + 2000*6.00 + 1000*3.00 (plain) = 3000 + 7500 + 12000 + 3000 = 25500 / 1e6
    expect(cost([req({ inputTokens: 15000, cached: { read: 10000, write5m: 2000, write1h: 2000 } })])).toBe(0.0255);
  });
  it('long-context band applies to the whole request, strictly above the threshold', () => {
    expect(cost([req({ inputTokens: 200000, outputTokens: 1000 })])).toBe(0.615); // 200000*3 + 1000*15 = 615000
    expect(cost([req({ inputTokens: 200001, outputTokens: 1000 })])).toBe(1.222506); // 200001*6 + 1000*22.5
  });
  it('batch tier is 50% of every class', () => {
    expect(cost([req({ inputTokens: 1000, outputTokens: 500, serviceTier: 'batch' })])).toBe(0.00525);
  });
  it('sums exactly over many small requests (no float drift)', () => {
    const many = Array.from({ length: 100000 }, () => req({ inputTokens: 1, outputTokens: 1 }));
    expect(cost(many)).toBe(1.8); // 100000 * (3 + 15) / 1e6
  });
  it('unknown model is an error with did-you-mean, never $0', () => {
    expect(() => cost([req({ model: 'sonet', inputTokens: 1 })])).toThrow(/did you mean 'sonnet'/);
  });
});

describe('estimate closed form', () => {
  it('seed 001: GPT-4 Turbo chatbot, 10,000 conversations/day, 800 in / 200 out = $140/day', () => {
    const { book: b } = choosePricing({ asOf: '2024-12-15' });
    const m = b.resolve('gpt-4-turbo');
    const row = estimateRow({
      model: m,
      book: b,
      requestsPerDay: 10000,
      systemTokens: 0,
      inputTokens: 800,
      outputTokens: 200,
      cache: 'off',
      days: 30,
      tier: 'standard',
    });
    expect(row.daily.noCache).toBe(140);
    expect(row.monthly.noCache).toBe(4200);
  });
  it('cache: P(miss) = exp(-rate*ttl); 1000/day at 5m', () => {
    const b = book();
    const m = b.resolve('sonnet');
    const row = estimateRow({
      model: m,
      book: b,
      requestsPerDay: 1000,
      systemTokens: 8000,
      inputTokens: 400,
      outputTokens: 300,
      cache: '5m',
      days: 30,
      tier: 'standard',
    });
    const miss = Math.exp((-1000 / 86400) * 300);
    expect(row.missProbability).toBeCloseTo(miss, 6);
    expect(row.cacheWritesPerDay).toBeCloseTo(1000 * miss, 5);
    // noCache: 1000 * (8400*3 + 300*15)/1e6 = 29.7
    expect(row.daily.noCache).toBe(29.7);
    const expected =
      (1000 * miss * 8000 * 3.75 + 1000 * (1 - miss) * 8000 * 0.3 + 1000 * 400 * 3 + 1000 * 300 * 15) / 1e6;
    expect(row.daily.withCache).toBeCloseTo(expected, 6);
    expect(row.naive.cacheWritesPerDay).toBe(288);
  });
  it('a prefix below the minimum is not cached', () => {
    const b = book();
    const row = estimateRow({
      model: b.resolve('sonnet'),
      book: b,
      requestsPerDay: 1000,
      systemTokens: 1023,
      inputTokens: 0,
      outputTokens: 0,
      cache: '5m',
      days: 30,
      tier: 'standard',
    });
    expect(row.cacheableTokens).toBe(0);
    expect(row.daily.withCache).toBe(row.daily.noCache);
  });
});
