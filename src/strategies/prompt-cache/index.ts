// prompt-cache: what the request stream would pay with provider prompt caching.
// Explicit (Anthropic): breakpoints at cumulative prefix keys, write premium (5m or 1h TTL),
// reads at cache.read, refresh on hit. Automatic (OpenAI/Gemini): no write premium, the longest
// live prefix is read when >= min_tokens, rounded down to min_tokens + k x increment.
// Semantics: DESIGN.md "Semantics the numbers must follow"; assumptions: docs/strategies-caching.md.
import { z } from 'zod';
import { type CachedTokens, copyRequest, type SimRequest } from '../../engine/request.js';
import { userError } from '../../diagnostics.js';
import type { Strategy, StrategyContext, StrategyRun } from '../types.js';
import { durationMs, ExpiringMap, MonotoneClock, once } from './expiring.js';

const TTL_MS = { '5m': 300_000, '1h': 3_600_000 } as const;

const scopeKinds: Record<'system' | 'conversation' | 'all', ReadonlySet<string>> = {
  // A block without a kind (e.g. a log's prefix_key/prefix_tokens) is a shared system prefix.
  system: new Set(['system', 'none']),
  conversation: new Set(['system', 'none', 'history', 'message']),
  all: new Set(['system', 'none', 'history', 'message', 'block']),
};

export const promptCacheOptions = z.strictObject({
  /** explicit-cache TTL: the priced classes write_5m / write_1h (default 5m) */
  ttl: z.enum(['5m', '1h']).optional(),
  /** default: the model's cache.style in the pricing table */
  style: z.enum(['explicit', 'automatic']).optional(),
  /** which prefix blocks are breakpoints */
  scope: z.enum(['system', 'conversation', 'all']).default('all'),
  /** override the table's minimum cacheable prefix */
  min_tokens: z.number().int().positive().optional(),
  /** an entry written at t is readable from t + ready_delay_ms */
  ready_delay_ms: z.number().int().nonnegative().default(0),
  /** automatic caches: idle time after which a prefix is evicted (default 5m; OpenAI extended retention: 24h) */
  retention: durationMs.optional(),
  /** automatic caches: share of would-be hits that land on a machine holding the prefix (default 1) */
  hit_rate: z.number().min(0).max(1).optional(),
  /** only these models (names or aliases); default all */
  models: z.array(z.string()).min(1).optional(),
});
export type PromptCacheOptions = z.output<typeof promptCacheOptions>;

interface Entry {
  expiresAtMs: number;
  readyAtMs: number;
}

/** One cache per (model, service tier): the batch fleet runs later and elsewhere; hits across tiers are not modelled. */
interface Partition {
  clock: MonotoneClock;
  entries: ExpiringMap<Entry>;
}

/** Tokens an automatic cache bills as cached: 0 below the minimum, else min + k x increment <= prefix. */
export function roundAutomatic(prefixTokens: number, minTokens: number, increment: number): number {
  if (prefixTokens < minTokens) return 0;
  return minTokens + Math.floor((prefixTokens - minTokens) / increment) * increment;
}

const live = (e: Entry | undefined, t: number): e is Entry => e !== undefined && e.readyAtMs <= t && t < e.expiresAtMs;

function withCached(req: SimRequest, cached: CachedTokens): SimRequest {
  const out = copyRequest(req);
  out.cached = cached;
  return out;
}

export function startPromptCache(o: PromptCacheOptions, ctx: StrategyContext): StrategyRun {
  const only = o.models ? new Set(o.models.map((n) => ctx.models.resolve(n).id)) : undefined;
  const kinds = scopeKinds[o.scope];
  const partitions = new Map<string, Map<string, Partition>>();
  const warnOnce = once();
  const checked = new Set<string>();
  const ttl = o.ttl ?? '5m';
  const ttlMs = TTL_MS[ttl];
  const retentionMs = o.retention ?? 300_000;
  const hitRate = o.hit_rate ?? 1;

  const partition = (model: string, tier: string): Partition => {
    let byTier = partitions.get(model);
    if (!byTier) partitions.set(model, (byTier = new Map()));
    let p = byTier.get(tier);
    if (!p) byTier.set(tier, (p = { clock: new MonotoneClock(), entries: new ExpiringMap<Entry>() }));
    return p;
  };

  // Breakpoints of the current request (reused, not allocated per request): the cumulative key of
  // blocks 1..i and its cumulative token count C_i (clamped to inputTokens), for blocks in scope.
  const keys: string[] = [];
  const cum: number[] = [];
  /** fills keys/cum with the request's breakpoints of at least minTokens; returns how many */
  const breakpoints = (req: SimRequest, minTokens: number): number => {
    let n = 0;
    let c = 0;
    for (const b of req.prefix) {
      c = Math.min(c + b.tokens, req.inputTokens);
      if (c >= minTokens && kinds.has(b.kind ?? 'none')) {
        keys[n] = b.key;
        cum[n++] = c;
      }
    }
    return n;
  };
  /** the last breakpoint live at t, or -1 */
  const lastLive = (p: Partition, n: number, t: number): number => {
    for (let i = n - 1; i >= 0; i--) if (live(p.entries.get(keys[i]!), t)) return i;
    return -1;
  };

  /** set expiry (never shortening a live entry) and readiness (a pending write keeps its earlier ready time) */
  const put = (p: Partition, key: string, t: number, keepMs: number): void => {
    const e = p.entries.get(key);
    if (e === undefined) {
      p.entries.set(key, { expiresAtMs: t + keepMs, readyAtMs: t + o.ready_delay_ms }, t);
    } else if (t < e.expiresAtMs) {
      // live (ready or pending): refresh in place, no allocation on the hot path
      if (t + keepMs > e.expiresAtMs) e.expiresAtMs = t + keepMs;
      if (t + o.ready_delay_ms < e.readyAtMs) e.readyAtMs = t + o.ready_delay_ms;
    } else {
      // expired but not swept yet: a fresh write
      e.expiresAtMs = t + keepMs;
      e.readyAtMs = t + o.ready_delay_ms;
    }
  };

  function explicit(req: SimRequest, p: Partition, t: number, minTokens: number): SimRequest {
    const n = breakpoints(req, minTokens);
    const hit = lastLive(p, n, t);
    // Hits refresh entries 1..hit; hit+1..n are written now (put does both: a live entry keeps its ready time).
    for (let i = 0; i < n; i++) put(p, keys[i]!, t, ttlMs);
    const read = hit >= 0 ? cum[hit]! : 0;
    const written = n ? cum[n - 1]! - read : 0;
    return withCached(req, { read, write5m: ttl === '5m' ? written : 0, write1h: ttl === '1h' ? written : 0 });
  }

  function automatic(req: SimRequest, p: Partition, t: number, minTokens: number, increment: number): SimRequest {
    const n = breakpoints(req, 0);
    const hit = lastLive(p, n, t);
    let read = hit >= 0 ? roundAutomatic(cum[hit]!, minTokens, increment) : 0;
    // A request routed to a machine without the prefix misses; the prefix is stored there too.
    if (read > 0 && hitRate < 1 && ctx.rng.next() >= hitRate) read = 0;
    // Used entries are refreshed and missed prefixes stored: idle expiry after `retention`.
    for (let i = 0; i < n; i++) put(p, keys[i]!, t, retentionMs);
    return withCached(req, { read, write5m: 0, write1h: 0 });
  }

  let requests = 0;
  let withPrefix = 0;
  return {
    step(req) {
      requests++;
      if (!req.prefix.length) return [req];
      withPrefix++;
      const m = ctx.models.resolve(req.model);
      if (only && !only.has(m.id)) return [req];
      const cache = m.cache;
      if (!cache) {
        // A self-hosted route is priced per GPU-hour: its own prefix cache is in the throughput figure.
        if (m.provider !== 'self-host')
          warnOnce(`nocache:${m.id}`, () =>
            ctx.warn(
              `prompt-cache: model '${m.id}' has no prompt caching in the pricing table; its requests pass through unchanged`,
            ),
          );
        return [req];
      }
      const style = o.style ?? cache.style;
      if (style === 'explicit' && (o.retention !== undefined || o.hit_rate !== undefined)) {
        warnOnce(`explicit-only:${m.id}`, () =>
          ctx.warn(
            `prompt-cache: model '${m.id}' caches explicitly: retention and hit_rate apply to automatic caches and are ignored for it (ttl sets its expiry)`,
          ),
        );
      }
      if (style === 'automatic' && o.ttl !== undefined) {
        warnOnce(`automatic-ttl:${m.id}`, () =>
          ctx.warn(
            `prompt-cache: model '${m.id}' caches automatically: ttl is ignored for it; its idle expiry is retention (${retentionMs / 60_000} min)`,
          ),
        );
      }
      if (style === 'explicit' && ttl === '1h' && !checked.has(m.id)) {
        if (!cache.has1h) {
          throw userError(
            'STRATEGY_MODEL',
            `prompt-cache ttl 1h: model '${m.id}' has no 1-hour cache write price in the pricing table`,
            {
              where: m.id,
              hint: 'use ttl: 5m, or limit the strategy with models: [...] to models that offer the 1-hour TTL',
            },
          );
        }
        checked.add(m.id);
      }
      const p = partition(m.id, req.serviceTier);
      const t = p.clock.at(req.atMs);
      const minTokens = o.min_tokens ?? cache.minTokens;
      return [style === 'explicit' ? explicit(req, p, t, minTokens) : automatic(req, p, t, minTokens, cache.increment)];
    },
    flush: () => {
      // no prefix blocks = nothing cacheable is known: say so instead of a silent $0
      if (requests > 0 && withPrefix === 0)
        ctx.warn(
          'prompt-cache: no request carries prefix blocks (a log needs prefix_key and prefix_tokens, or hash_ids); nothing can be cached and the step saves nothing',
          'STRATEGY_NO_DATA',
        );
      return [];
    },
  };
}

export const promptCache: Strategy<PromptCacheOptions> = {
  name: 'prompt-cache',
  summary:
    'provider prompt caching: explicit (5m/1h TTL, write premium, refresh on hit) or automatic (min 1024, 128-token steps)',
  options: promptCacheOptions,
  start: startPromptCache,
};
