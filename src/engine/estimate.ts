// Closed-form cost model for `llmcost estimate`: steady Poisson traffic, one shared cacheable
// prefix. A request misses the cache when the previous request came more than the TTL earlier:
// P(miss) = exp(-rate x ttl) (hits refresh the entry). The naive bound assumes one write per TTL
// window, which is what spreadsheets do; both are shown so the gap is visible.
// Explicit context caches billed per token-hour (Gemini: `--cache 1h`, or any TTL on a model without
// implicit hits at the table's date) live one TTL from creation whatever their hits: a cycle is the
// TTL plus the wait for the next request (1/rate), so writes/day = R / (1 + rate x ttl), each held
// for the TTL (storage = writes x tokens x TTL hours x storage_per_hour).
import type { ModelInfo, Pricing, Tier, TokenClass } from '../pricing/pricebook.js';
import { round6 } from '../shared/numbers.js';

export type CacheMode = 'off' | '5m' | '1h';

export interface EstimateInput {
  model: ModelInfo;
  book: Pricing;
  requestsPerDay: number;
  /** cacheable shared prefix (system prompt, tools, few-shot) */
  systemTokens: number;
  /** per-request input that never repeats */
  inputTokens: number;
  outputTokens: number;
  cache: CacheMode;
  days: number;
  tier: Tier;
}

export interface EstimateRow {
  requestsPerDay: number;
  /** tokens of the prefix that can be cached for this model (0 below the minimum) */
  cacheableTokens: number;
  missProbability: number;
  cacheWritesPerDay: number;
  hitRate: number;
  daily: { noCache: number; withCache: number };
  monthly: { noCache: number; withCache: number };
  saving: { daily: number; pct: number };
  naive: { cacheWritesPerDay: number; daily: { withCache: number } };
  /** explicit-cache storage billed per day (token-hours and USD; 0 for caches without a storage price) */
  storage: { tokenHoursPerDay: number; daily: number };
  /** which band priced the request */
  band: 'base' | 'long';
  perRequest: { noCache: number; withCache: number };
}

const DAY_S = 86_400;
const usd = (tokens: number, picoPerM: bigint): number => (tokens * Number(picoPerM)) / 1e18;

/** Tokens of a prefix the model would cache: explicit caches need >= min; automatic ones round down to min + k x increment. */
export function cacheableTokens(m: ModelInfo, prefixTokens: number): number {
  const c = m.cache;
  if (!c || prefixTokens < c.minTokens) return 0;
  if (c.style === 'automatic')
    return c.minTokens + Math.floor((prefixTokens - c.minTokens) / c.increment) * c.increment;
  return prefixTokens;
}

export function estimateRow(inp: EstimateInput): EstimateRow {
  const { model: m, book, requestsPerDay: R, tier } = inp;
  const totalIn = inp.systemTokens + inp.inputTokens;
  const band = m.longContextThreshold !== undefined && totalIn > m.longContextThreshold ? 'long' : 'base';
  const p = (cls: TokenClass): bigint => book.price(m, tier, band, cls);
  // No cache: exact (integer tokens x integer prices) before the final conversion.
  const perReqNoCacheAtto = BigInt(totalIn) * p('input') + BigInt(inp.outputTokens) * p('output');
  const dailyNoCache = Number(perReqNoCacheAtto * BigInt(R)) / 1e18;
  const C = inp.cache === 'off' ? 0 : cacheableTokens(m, inp.systemTokens);
  const ttlS = inp.cache === '1h' ? 3600 : 300;
  const rate = R / DAY_S;
  const storagePrice = m.cache?.storagePerHourPicoPerM;
  // Gemini: a 1h TTL, or any caching of a model without implicit hits, is an explicit context cache
  const stored =
    storagePrice !== undefined && inp.cache !== 'off' && (inp.cache === '1h' || m.cache?.implicit === false);
  const miss = C > 0 ? (stored ? 1 / (1 + rate * ttlS) : Math.exp(-rate * ttlS)) : 1;
  const writes = C > 0 ? R * miss : 0;
  const naiveWrites = C > 0 ? Math.min(R, DAY_S / ttlS) : 0;
  const storageFor = (w: number): number => (stored ? usd((w * C * ttlS) / 3600, storagePrice) : 0);
  const explicit = m.cache?.style === 'explicit';
  const writePrice = explicit ? p(inp.cache === '1h' ? 'cacheWrite1h' : 'cacheWrite5m') : p('input');
  const readPrice = p('cacheRead');
  const rest = totalIn - C;
  const withCacheFor = (w: number): number =>
    usd(w * C, writePrice) +
    usd((R - w) * C, readPrice) +
    usd(R * rest, p('input')) +
    usd(R * inp.outputTokens, p('output')) +
    storageFor(w);
  const dailyWith = C > 0 ? withCacheFor(writes) : dailyNoCache;
  const naiveDaily = C > 0 ? withCacheFor(naiveWrites) : dailyNoCache;
  return {
    requestsPerDay: R,
    cacheableTokens: C,
    missProbability: round6(miss),
    cacheWritesPerDay: round6(writes),
    hitRate: round6(C > 0 ? 1 - miss : 0),
    daily: { noCache: round6(dailyNoCache), withCache: round6(dailyWith) },
    monthly: { noCache: round6(dailyNoCache * inp.days), withCache: round6(dailyWith * inp.days) },
    saving: {
      daily: round6(dailyNoCache - dailyWith),
      pct: dailyNoCache === 0 ? 0 : Math.round(((dailyNoCache - dailyWith) / dailyNoCache) * 1e6) / 1e4,
    },
    naive: { cacheWritesPerDay: round6(naiveWrites), daily: { withCache: round6(naiveDaily) } },
    storage: { tokenHoursPerDay: round6(stored ? (writes * C * ttlS) / 3600 : 0), daily: round6(storageFor(writes)) },
    band,
    perRequest: { noCache: round6(dailyNoCache / R), withCache: round6(dailyWith / R) },
  };
}
