// Shared fixtures for engine and strategy tests: a PriceBook from inline YAML, a request with
// defaults, and a strategy started the way the engine starts it.
import { createRng } from '../../src/engine/rng.js';
import type { SimRequest } from '../../src/engine/request.js';
import { modelView } from '../../src/engine/run.js';
import { parsePricingText } from '../../src/pricing/load.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import type { Strategy, StrategyRun } from '../../src/engine/strategy.js';

/** A PriceBook from a YAML table text; throws with the diagnostics when the table is invalid. */
export function bookFromYaml(text: string): PriceBook {
  const r = parsePricingText(text, 't.yaml');
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book;
}

/** A request with the given defaults, overridden by `p`. */
export function makeRequest(defaults: Partial<SimRequest>, p: Partial<SimRequest> = {}): SimRequest {
  return {
    id: 'r',
    atMs: 0,
    model: 'm',
    serviceTier: 'standard',
    inputTokens: 0,
    outputTokens: 0,
    historyTokens: 0,
    prefix: [],
    batchable: false,
    status: 'ok',
    tags: {},
    ...defaults,
    ...p,
  };
}

/** Start strategy `s` with raw options at position 1, with the engine's RNG derivation. */
export function startStrategy<O>(
  s: Strategy<O>,
  raw: unknown,
  book: PriceBook,
  seed = 1,
  warn: (m: string) => void = () => {},
): StrategyRun {
  return s.start(s.options.parse(raw), {
    seed,
    position: 1,
    rng: createRng(seed).fork(`strategy:1:${s.name}`),
    models: modelView(book),
    warn,
  });
}
