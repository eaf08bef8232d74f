// Shared fixtures for engine and strategy tests: a PriceBook from inline YAML, a request with
// defaults, and a strategy started the way the engine starts it.
import type { Code } from '../../src/diagnostics.js';
import { createRng, type Rng } from '../../src/engine/rng.js';
import type { SimRequest } from '../../src/engine/request.js';
import { modelView, strategyContext } from '../../src/engine/run.js';
import { parsePricingText } from '../../src/pricing/load.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import type { ModelView, Strategy, StrategyContext, StrategyRun } from '../../src/engine/strategy.js';

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

/**
 * A strategy context as the engine builds it (engine/run.ts strategyContext), with a test's own
 * RNG and a warn that receives the message text.
 */
export function ctxFor(o: {
  seed: number;
  position: number;
  rng: Rng;
  models: ModelView;
  warn?: (message: string, code?: Code) => void;
  cacheRealism?: string;
}): StrategyContext {
  const ctx = strategyContext({
    models: o.models,
    seed: o.seed,
    position: o.position,
    name: 'test',
    warn: (d) => o.warn?.(d.message, d.code),
    cacheRealism: o.cacheRealism,
  });
  return { ...ctx, rng: o.rng };
}

/** Start strategy `s` with raw options at position 1, with the engine's RNG derivation. */
export function startStrategy<O>(
  s: Strategy<O>,
  raw: unknown,
  book: PriceBook,
  seed = 1,
  warn: (m: string) => void = () => {},
): StrategyRun {
  return s.start(
    s.options.parse(raw),
    ctxFor({
      seed,
      position: 1,
      rng: createRng(seed).fork(`strategy:1:${s.name}`),
      models: modelView(book),
      warn,
    }),
  );
}
