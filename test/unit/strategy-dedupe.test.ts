// dedupe-retries: a retry is dropped when its original completed (ok) within the window.
import { describe, expect, it } from 'vitest';
import { modelView, runSimulation } from '../../src/engine/run.js';
import { Q } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { SimRequest } from '../../src/engine/request.js';
import { dedupeRetries } from '../../src/strategies/dedupe-retries.js';
import { bookFromYaml, makeRequest, ctxFor } from '../helpers/sim.js';

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
`;
const book = bookFromYaml(TABLE);
const MIN = 60_000;

const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'sonnet', inputTokens: 1000, outputTokens: 500 }, p);
const reqs = [
  req({ id: 'A' }),
  req({ id: 'A-r1', retryOf: 'A', atMs: 10_000 }), // original ok 10 s earlier: dropped
  req({ id: 'B', status: 'error' }),
  req({ id: 'B-r1', retryOf: 'B', atMs: 10_000 }), // original failed: a real retry, kept
  req({ id: 'B-r2', retryOf: 'B-r1', atMs: 20_000 }), // B-r1 completed: dropped
  req({ id: 'C' }),
  req({ id: 'C-r1', retryOf: 'C', atMs: 16 * MIN }), // outside the 15 min window: kept
  req({ id: 'D-r1', retryOf: 'D', atMs: 16 * MIN }), // original never seen: kept
];

function kept(options: unknown): string[] {
  const r = dedupeRetries.start(
    dedupeRetries.options.parse(options),
    ctxFor({
      seed: 1,
      position: 1,
      models: modelView(book),
      warn: () => {},
    }),
  );
  return reqs.filter((q) => r.step(q).length > 0).map((q) => q.id);
}

describe('dedupe-retries', () => {
  it('drops retries of completed originals within the window', () => {
    expect(kept({})).toEqual(['A', 'B', 'B-r1', 'C', 'C-r1', 'D-r1']);
  });
  it('window option', () => {
    expect(kept({ window: '1h' })).toEqual(['A', 'B', 'B-r1', 'C', 'D-r1']);
    // 5 s: both retries came 10 s after their originals, so nothing is dropped
    expect(kept({ window: '5s' })).toEqual(reqs.map((q) => q.id));
    expect(dedupeRetries.options.safeParse({ windw: '5m' }).success).toBe(false);
  });
  it('through the engine: 2 dropped of 8; saving = 2 x (1000 x 3 + 500 x 15) / 1e6 = $0.021', async () => {
    const r = await runSimulation({
      source: [reqs],
      stages: [{ strategy: dedupeRetries, options: dedupeRetries.options.parse({}), label: 'dedupe-retries' }],
      book,
      seed: 1,
    });
    expect(r.taps[1]!.dropped).toBe(2);
    expect(r.taps[0]!.total(Q.calls) - r.taps[1]!.total(Q.calls)).toBe(2);
    const cost = (k: number) => priceCells(r.taps[k]!.cells, r.thresholds, book).total;
    expect(cost(0) - cost(1)).toBe(21_000_000_000_000_000n); // $0.021 in atto-USD
  });
});
