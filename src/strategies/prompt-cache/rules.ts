// When a provider's cache really hits: the documented rules the realistic cache model applies, per
// model (pricing-table fields) with per-provider defaults. Every number here has its source in
// docs/strategies-caching.md ("Rules"); `ideal` keeps the simulator's original, generous rules.
import type { ModelInfo } from '../../pricing/pricebook.js';

/** ideal: every block is a breakpoint, no lookback limit, no overflow, no fan-out delay, batches hit like interactive traffic. */
export const CACHE_REALISM = ['realistic', 'ideal'] as const;
export type CacheRealism = (typeof CACHE_REALISM)[number];

/** Anthropic: "up to 4 cache breakpoints" per request. */
export const DEFAULT_MAX_BREAKPOINTS = 4;
/** Anthropic: "The system checks at most 20 positions per breakpoint, counting the breakpoint itself as the first." */
export const DEFAULT_LOOKBACK_BLOCKS = 20;
/** OpenAI: "approximately 15 requests per minute" per prefix + prompt_cache_key before overflow. */
export const OPENAI_OVERFLOW_RPM = 15;
/** The overflow rate is counted over a sliding minute. */
export const OVERFLOW_WINDOW_MS = 60_000;
/** OpenAI in-memory retention: "5 to 10 minutes of inactivity" - the lower end. */
export const DEFAULT_RETENTION_MS = 300_000;
/**
 * Anthropic Message Batches: "Users typically experience cache hit rates ranging from 30% to 98%" -
 * the middle of that range is the share of would-be hits a batch request gets.
 */
export const DEFAULT_BATCH_HIT_RATE = 0.64;

/**
 * Time to first token of a cache-writing request, per provider: an entry is readable only once the
 * writing request's response begins (Anthropic: "a cache entry only becomes available after the first
 * response begins"). Median TTFT of hourly probes with a tiny prompt (2026): Claude Sonnet 4.6 2.12 s,
 * Opus 4.6 1.71 s; GPT-5.4 0.91 s, GPT-5.5 1.16 s; Gemini 2.5 Flash 0.41 s. A long prefix prefills
 * longer, so these are lower bounds.
 */
const READY_DELAY_MS: Record<string, number> = { anthropic: 2_000, openai: 1_000, google: 500 };
const OTHER_READY_DELAY_MS = 1_000;

type CacheInfo = NonNullable<ModelInfo['cache']>;

/** The rules one model's cache follows under a realism mode (strategy options override some). */
export interface CacheRules {
  /** explicit: breakpoints per request (Infinity = every block in scope, ideal) */
  maxBreakpoints: number;
  /** explicit: positions each breakpoint checks (Infinity = the whole prefix, ideal) */
  lookbackBlocks: number;
  /** automatic: primary-machine requests per routing key per minute (Infinity = no overflow) */
  overflowRpm: number;
  /** fan-out: an entry written at t is readable from t + readyDelayMs */
  readyDelayMs: number;
  /** automatic: idle retention when the strategy does not set one */
  retentionMs: number;
}

export function cacheRules(
  provider: string,
  cache: Pick<CacheInfo, 'lookbackBlocks' | 'maxBreakpoints' | 'overflowRpm' | 'retentionMs'>,
  realism: CacheRealism,
): CacheRules {
  const retentionMs = cache.retentionMs ?? DEFAULT_RETENTION_MS;
  if (realism === 'ideal')
    return { maxBreakpoints: Infinity, lookbackBlocks: Infinity, overflowRpm: Infinity, readyDelayMs: 0, retentionMs };
  return {
    maxBreakpoints: cache.maxBreakpoints ?? DEFAULT_MAX_BREAKPOINTS,
    lookbackBlocks: cache.lookbackBlocks ?? DEFAULT_LOOKBACK_BLOCKS,
    overflowRpm: cache.overflowRpm ?? (provider === 'openai' ? OPENAI_OVERFLOW_RPM : Infinity),
    readyDelayMs: READY_DELAY_MS[provider] ?? OTHER_READY_DELAY_MS,
    retentionMs,
  };
}
