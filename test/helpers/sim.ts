// Shared fixtures for engine and strategy tests: a PriceBook from inline YAML, a request with
// defaults, and a strategy started the way the engine starts it.
import type { Code } from '../../src/diagnostics.js';
import { drawStream, type Rng, requestDraw, requestRng } from '../../src/engine/rng.js';
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
 * A strategy context as the engine builds it (engine/run.ts strategyContext) for a strategy named
 * `name` (its draws are the engine's for that name and position), with a warn that receives the message text.
 */
export function ctxFor(o: {
  seed: number;
  position: number;
  name?: string;
  models: ModelView;
  warn?: (message: string, code?: Code) => void;
  cacheRealism?: string;
}): StrategyContext {
  return strategyContext({
    models: o.models,
    seed: o.seed,
    position: o.position,
    name: o.name ?? 'test',
    warn: (d) => o.warn?.(d.message, d.code),
    cacheRealism: o.cacheRealism,
  });
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
      name: s.name,
      models: modelView(book),
      warn,
    }),
  );
}

/** The draw a strategy started by ctxFor({seed, position, name}) gets for request r in stream `label` (ctx.draw). */
export function drawFor(
  r: Pick<SimRequest, 'id' | 'line'>,
  o: { seed: number; position?: number; name?: string; label?: string },
): number {
  const stream = drawStream(o.seed, `strategy:${o.position ?? 1}:${o.name ?? 'test'}:${o.label ?? ''}`);
  return requestDraw(stream, r.id, r.line);
}

/** The several draws (ctx.drawRng) a strategy started like drawFor's gets for request r. */
export function drawRngFor(
  r: Pick<SimRequest, 'id' | 'line'>,
  o: { seed: number; position?: number; name?: string; label?: string },
): Rng {
  const stream = drawStream(o.seed, `strategy:${o.position ?? 1}:${o.name ?? 'test'}:${o.label ?? ''}`);
  return requestRng(stream, r.id, r.line);
}
