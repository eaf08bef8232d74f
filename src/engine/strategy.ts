// The strategy contract (Rollup-plugin style): a plain named object with documented hooks.
// A strategy never touches money or files; state lives in the object start() returns.
import type { z } from 'zod';
import type { Code } from '../diagnostics.js';
import type { Rng } from './rng.js';
import type { SimRequest } from './request.js';
import type { ModelInfo } from '../pricing/pricebook.js';

/** What a strategy may know about models: cache rules, tiers, thresholds. Never prices. */
export interface ModelView {
  /** resolve a model name (aliases too); throws a located UNKNOWN_MODEL error */
  resolve(
    name: string,
  ): Pick<ModelInfo, 'id' | 'provider' | 'cache' | 'longContextThreshold' | 'tiers' | 'contextWindow'>;
  has(name: string): boolean;
}

export interface StrategyContext {
  /** scenario seed */
  seed: number;
  /** 1-based position in the scenario's strategy list */
  position: number;
  /** this strategy's own stream, derived from seed and position */
  rng: Rng;
  models: ModelView;
  /** a warning for the report and stderr; `code` when the strategy cannot act on the data (STRATEGY_NO_DATA) */
  warn(message: string, code?: Code): void;
  /** which rules decide when a provider cache hits (--cache-realism); default realistic */
  cacheRealism?: string;
}

export interface StrategyRun {
  /** transform one request: [] drops it (served elsewhere), two requests = paid twice */
  step(req: SimRequest): SimRequest[];
  /** requests held back (e.g. a batch window) at the end of the stream */
  flush(): SimRequest[];
}

export interface FixedCost {
  label: string;
  /** USD as a decimal string, e.g. "2500" */
  usd: string;
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds strategies of every option type
export interface Strategy<O = any> {
  name: string;
  summary: string;
  /** strict zod schema of the options; unknown keys are errors */
  options: z.ZodType<O>;
  start(options: O, ctx: StrategyContext): StrategyRun;
  /** extra models this strategy introduces (e.g. a self-hosted route priced per GPU-hour) */
  syntheticModels?(options: O): ModelInfo[];
  /** one-time costs this strategy brings (setup, fine-tuning) */
  fixedCosts?(options: O): FixedCost[];
}
