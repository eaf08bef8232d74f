// When a provider's cache really hits: the documented rules the realistic cache model applies, per
// model (pricing-table fields) with per-provider defaults. Every number here has its source in
// docs/strategies-caching.md ("Rules"); `ideal` keeps the simulator's original, generous rules.
import type { ModelFacts } from '../../engine/strategy.js';

/**
 * The realistic rules, each of which can be switched on alone (to see how much of a saving it takes):
 * breakpoints = at most 4 per request, placed by a policy, entries only there, 20-block lookback;
 * overflow = busy automatic prefixes overflow to cold machines, prompt_cache_key routes;
 * fan-out = an entry is readable once the writing request's response begins;
 * batch = a batch window runs as concurrent best-effort arrivals, cache classes re-computed;
 * semantic = semantic response-cache hits are sometimes wrong.
 */
export const CACHE_RULES = ['breakpoints', 'overflow', 'fan-out', 'batch', 'semantic'] as const;
export type CacheRule = (typeof CACHE_RULES)[number];

/** `realistic` (every rule), `ideal` (none: the simulator's original rules) or rules joined by '+'. */
export type CacheRealism = string;

const memo = new Map<string, ReadonlySet<CacheRule>>();

/** The rules a realism names, or an error message saying what is allowed. */
export function parseRealism(spec: CacheRealism): ReadonlySet<CacheRule> | string {
  const known = memo.get(spec);
  if (known) return known;
  let rules: Set<CacheRule>;
  if (spec === 'realistic') rules = new Set(CACHE_RULES);
  else if (spec === 'ideal') rules = new Set();
  else {
    rules = new Set();
    for (const part of spec.split('+')) {
      const r = part.trim();
      if (!(CACHE_RULES as readonly string[]).includes(r))
        return `'${spec}' is not a cache realism: use realistic, ideal, or rules joined by '+' (${CACHE_RULES.join(', ')})`;
      rules.add(r as CacheRule);
    }
  }
  memo.set(spec, rules);
  return rules;
}

/** The rules of a realism already validated where it was given (flag or scenario); default realistic. */
export function realismRules(spec: CacheRealism | undefined): ReadonlySet<CacheRule> {
  const r = parseRealism(spec ?? 'realistic');
  if (typeof r === 'string') throw new Error(`internal: unvalidated cache realism: ${r}`);
  return r;
}

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

type CacheInfo = NonNullable<ModelFacts['cache']>;

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

/** A model's cache rules; a rule that is off keeps the ideal value (unlimited, no delay). */
export function cacheRules(
  provider: string,
  cache: Pick<CacheInfo, 'lookbackBlocks' | 'maxBreakpoints' | 'overflowRpm' | 'retentionMs'>,
  on: ReadonlySet<CacheRule>,
): CacheRules {
  const breakpoints = on.has('breakpoints');
  return {
    maxBreakpoints: breakpoints ? (cache.maxBreakpoints ?? DEFAULT_MAX_BREAKPOINTS) : Infinity,
    lookbackBlocks: breakpoints ? (cache.lookbackBlocks ?? DEFAULT_LOOKBACK_BLOCKS) : Infinity,
    overflowRpm: on.has('overflow')
      ? (cache.overflowRpm ?? (provider === 'openai' ? OPENAI_OVERFLOW_RPM : Infinity))
      : Infinity,
    readyDelayMs: on.has('fan-out') ? (READY_DELAY_MS[provider] ?? OTHER_READY_DELAY_MS) : 0,
    retentionMs: cache.retentionMs ?? DEFAULT_RETENTION_MS,
  };
}
