// The strategy contract (Rollup-plugin style): a plain named object with documented hooks, called
// by the engine (engine/run.ts) in these phases:
//   1. before the run    syntheticModels(options) -> models the strategy adds (GPU figures; the
//                                                  pricing layer derives their prices),
//                        fixedCosts(options)      -> one-time costs of its stage;
//   2. start(options, ctx) once per run (or per part of a split run), then step(request) (or map,
//      for a one-in one-out strategy) for every request in stream order, flush?() once at the end
//      (requests held back, e.g. a batch window)
//      and counters?() (what the part saw, summed over the parts);
//   3. after the run     finish?(options, counters, ctx) -> end-of-run warnings from the summed counters;
//   4. the report phase  fleet?(options)          -> quantities the report prices (a self-hosted
//                        fleet's GPU price and floor) for its break-even volume (report/fleet.ts).
// state?(options, cacheRealism) declares where the strategy's state lives, so the engine can split a run into
// parts that never share state and run them in parallel (engine/partition.ts); random draws are
// per request (ctx.draw), so a request draws the same numbers in any part.
// A strategy never touches money or files: it transforms token quantities, states quantities, and
// reports coded warnings through ctx.warn; state lives in the object start() returns.
import type { z } from 'zod';
import type { Code } from '../diagnostics.js';
import type { GpuModelSpec } from '../pricing/gpu.js';
import type { ModelInfo } from '../pricing/pricebook.js';

export type { GpuModelSpec };
import type { StateKey } from './partition.js';
import type { SimRequest } from './request.js';
import type { Rng } from './rng.js';

/** What a strategy may know about a model: cache rules, tiers, thresholds. Never prices. */
export type ModelFacts = Pick<
  ModelInfo,
  'id' | 'provider' | 'cache' | 'longContextThreshold' | 'tiers' | 'contextWindow'
>;

export interface ModelView {
  /** resolve a model name (aliases too); throws a located UNKNOWN_MODEL error */
  resolve(name: string): ModelFacts;
  has(name: string): boolean;
}

/** A path inside the strategy's own options, e.g. ['rules', 0, 'to'] or ['models', 1]. */
export type OptionPath = readonly (string | number)[];

export interface StrategyContext {
  /** scenario seed */
  seed: number;
  /** 1-based position in the scenario's strategy list */
  position: number;
  /**
   * A uniform draw in [0, 1) for this request: a pure function of the seed, the stage, `label`
   * (one stream per concern, e.g. 'hit', 'rule:0') and the request (its id and line), so it never
   * depends on the other requests of the run (a split run, a sample, another strategy's draws).
   */
  draw(req: SimRequest, label?: string): number;
  /** several draws for one request (a distribution sampled by rejection): the same for the same request */
  drawRng(req: SimRequest, label?: string): Rng;
  models: ModelView;
  /**
   * A model named in this strategy's options: resolved, or an UNKNOWN_MODEL error located at that
   * option (file:line:col in the scenario, with did-you-mean).
   */
  model(name: string, path: OptionPath): ModelFacts;
  /** A `models:` list: the set of resolved ids (undefined when the option is absent); typos located like model(). */
  modelSet(names: readonly string[] | undefined, path: OptionPath): Set<string> | undefined;
  /** file:line:col of an option of this strategy, for a UserError the strategy raises itself */
  where(path: OptionPath): string;
  /** a coded warning (its code is listed in diagnostics.ts CODES and docs/errors.md); shown once per run */
  warn(code: Code, message: string, hint?: string): void;
  /** which rules decide when a provider cache hits (--cache-realism; strategies/prompt-cache/rules.ts); default realistic */
  cacheRealism?: string;
}

export interface StrategyRun {
  /** transform one request: [] drops it (served elsewhere), two requests = paid twice */
  step(req: SimRequest): SimRequest[];
  /**
   * The same transform for a strategy that never gives more than one request: the request it gives,
   * or undefined when it drops it. The engine calls it instead of step (no array per request); a
   * run that has it makes step from it (stepOf).
   */
  map?(req: SimRequest): SimRequest | undefined;
  /** requests held back (e.g. a batch window), released at the end of the stream; none when absent */
  flush?(): SimRequest[];
  /**
   * whole numbers about what this run saw, for finish(): summed over the parts of a split run
   * (a name starting with 'min:' or 'max:' keeps the smallest or largest instead)
   */
  counters?(): Record<string, number>;
}

/** Where a strategy keeps state across requests, and whether it reads or moves time. */
export interface StrategyState {
  /** where it lives; several keys: state on each (any two requests related by one may meet) */
  key: StateKey | readonly StateKey[];
  /** reads time through a running maximum (an expiring cache, a window) */
  clock?: boolean;
  /** changes request times (a batch window) */
  movesTime?: boolean;
}

export interface FixedCost {
  label: string;
  /** USD as a decimal string, e.g. "2500" */
  usd: string;
}

/**
 * A dedicated fleet a stage moves requests to, stated as quantities (never as money computed from
 * the ledgers): the report phase prices the moved requests before and after the stage and finds
 * the volume above which the fleet, with its always-on floor, beats the API.
 */
export interface FleetQuantities {
  /** the model id the stage moves requests to (a synthetic model of the run's book) */
  model: string;
  /** USD per GPU-hour, decimal string */
  gpuHourUsd: string;
  /** GPUs that run around the clock whatever the load */
  minGpus: number;
  /** the stage's one-time costs, USD decimal strings */
  fixedUsd: string[];
}

// biome-ignore lint/suspicious/noExplicitAny: the registry holds strategies of every option type
export interface Strategy<O = any> {
  name: string;
  summary: string;
  /** strict zod schema of the options; unknown keys are errors */
  options: z.ZodType<O>;
  /** old option name -> new name: still accepted in scenarios, with a DEPRECATED_OPTION warning */
  renamedOptions?: Record<string, string>;
  start(options: O, ctx: StrategyContext): StrategyRun;
  /** where its state lives (default: across the whole stream, so a run with it is never split) */
  state?(options: O, cacheRealism: string): StrategyState;
  /**
   * What a run with this strategy does to each request as the source gives it, before the baseline
   * tap and the first stage (once per run, whatever the options and however many of its stages):
   * prompt-cache gives a log's requests the prefixes their cache counts show (infer.ts), so the
   * stages before it shape them as they shape logged prefixes (compress scales and re-keys them).
   * It must not change what the request costs as logged; its state lives where `state` says.
   */
  prepare?(ctx: Pick<StrategyContext, 'models'>): (r: SimRequest) => SimRequest;
  /** end-of-run warnings from the summed counters of its run(s) */
  finish?(options: O, counters: Record<string, number>, ctx: StrategyContext): void;
  /** extra models this strategy introduces (e.g. a self-hosted route priced per GPU-hour) */
  syntheticModels?(options: O): GpuModelSpec[];
  /** one-time costs this strategy brings (setup, fine-tuning) */
  fixedCosts?(options: O): FixedCost[];
  /** its figures depend on the provider cache rules (--cache-realism): the report says which were used */
  usesCacheRules?: boolean;
  /** report phase: the fleet this stage moves requests to, for its break-even volume */
  fleet?(options: O): FleetQuantities;
}

/** step() of a run that gives at most one request per request (StrategyRun.map). */
export function stepOf(map: (req: SimRequest) => SimRequest | undefined): (req: SimRequest) => SimRequest[] {
  return (req) => {
    const out = map(req);
    return out === undefined ? [] : [out];
  };
}
