// The cache simulator shared by prompt-cache and batch: given a request with prefix blocks, the
// tokens a provider's cache reads and writes for it, and the cache state that leaves behind.
// Units: tokens and milliseconds. One instance holds one strategy's caches: a partition per
// (model, service tier, workspace), each with its own monotone clock. Rules: ./rules.ts and
// docs/strategies-caching.md. Allocation-free on the hot path (reused index arrays).
import { z } from 'zod';
import type { CachedTokens, SimRequest } from '../../engine/request.js';
import type { ModelFacts } from '../../engine/strategy.js';
import { unitHash } from '../../shared/hash.js';
import { RecentMap } from '../../shared/recent.js';
import { ExpiringMap, MonotoneClock } from './expiring.js';
import { OverflowRouter } from './load.js';
import { type Position, placeBreakpoints } from './placement.js';
import { type CacheRule, type CacheRules, cacheRules, DEFAULT_BATCH_HIT_RATE, OVERFLOW_WINDOW_MS } from './rules.js';

/** Options of every strategy that simulates batch-tier caching (prompt-cache, and batch when it re-computes). */
export const batchCacheOptions = {
  /** realistic: share of a batch request's would-be hits that hit (Anthropic: "30% to 98%"; default 0.64) */
  batch_hit_rate: z.number().min(0).max(1).default(DEFAULT_BATCH_HIT_RATE),
  /** realistic: explicit-cache TTL of batch requests (default: the interactive ttl; Anthropic recommends 1h for batches) */
  batch_ttl: z.enum(['5m', '1h']).optional(),
};

/**
 * An exact share per key without a draw: the k-th call for a key (k = 0, 1, ...) returns true when
 * floor((k + 1) x rate + phase) steps up, phase = the key's hash in [0, 1), so after n calls for a
 * key floor(n x rate + phase) were true: the share is exact to one per key, and a key seen once is
 * kept with probability rate over keys. Per key, so the answer for a request depends only on the
 * requests of its own key: the same in one pass and in any part of a split run (engine/partition.ts).
 */
export function keyedShare(rate: number): (key: string) => boolean {
  const seen = new Map<string, number>();
  return (key) => {
    const k = seen.get(key) ?? 0;
    seen.set(key, k + 1);
    const phase = unitHash(key);
    return Math.floor((k + 1) * rate + phase) > Math.floor(k * rate + phase);
  };
}

export const TTL_MS = { '5m': 300_000, '1h': 3_600_000 } as const;
export type Ttl = keyof typeof TTL_MS;

interface Entry {
  expiresAtMs: number;
  readyAtMs: number;
}

interface Partition {
  clock: MonotoneClock;
  entries: ExpiringMap<Entry>;
  router?: OverflowRouter;
}

export interface CacheSimOptions {
  /** the realistic rules in force (rules.ts); the others keep their ideal behaviour */
  rules: ReadonlySet<CacheRule>;
  /** explicit TTL of interactive requests */
  ttl: Ttl;
  /** TTL of explicit caches billed per token-hour of storage (Gemini context caches; the API's default is 1h) */
  storageTtl?: Ttl;
  /** a request's own explicit TTL (per prefix family), beating `ttl`; undefined = `ttl` */
  ttlOf?: (r: SimRequest) => Ttl | undefined;
  /** explicit TTL of batch-tier requests in realistic mode (falls back to 5m without a 1-hour price) */
  batchTtl: Ttl;
  /** block kinds that may carry a breakpoint */
  kinds: ReadonlySet<string>;
  /** realistic explicit caches: the breakpoint policy */
  positions: readonly Position[];
  minTokens?: number;
  readyDelayMs?: number;
  retentionMs?: number;
  /** automatic: explicit routing hit rate (replaces the overflow model) */
  hitRate?: number;
  /** realistic batch tier: share of would-be hits that hit */
  batchHitRate: number;
  /** the request's prompt_cache_key (routing and cache partition of automatic caches) */
  cacheKey?: (r: SimRequest) => string | undefined;
  /** the workspace/organisation a request is sent from: caches are not shared across workspaces */
  workspace?: (r: SimRequest) => string | undefined;
  /** seeded draws for hitRate, per request (the same in any part of a split run) */
  random: (r: SimRequest) => number;
}

type CacheModel = Pick<ModelFacts, 'id' | 'provider'> & { cache: NonNullable<ModelFacts['cache']> };

/**
 * The style a model's requests are simulated with unless a strategy says otherwise: the table's, except
 * that a model without implicit hits at the table's date (Gemini 1.5/2.0) caches only explicitly.
 */
export function defaultStyle(cache: NonNullable<ModelFacts['cache']>): 'explicit' | 'automatic' {
  return cache.style === 'automatic' && !cache.implicit ? 'explicit' : cache.style;
}

/** Tokens an automatic cache bills as cached: 0 below the minimum, else min + k x increment <= prefix. */
export function roundAutomatic(prefixTokens: number, minTokens: number, increment: number): number {
  if (prefixTokens < minTokens) return 0;
  return minTokens + Math.floor((prefixTokens - minTokens) / increment) * increment;
}

export class CacheSim {
  /** model id -> its partitions by tier and workspace */
  private readonly partitions = new RecentMap<Map<string, Partition>>(() => new Map());
  /** model id -> its rules, made from the first model asked for with that id (`asked`) */
  private asked: CacheModel | undefined;
  private readonly rulesOf = new RecentMap<CacheRules>(() =>
    cacheRules(this.asked!.provider, this.asked!.cache, this.o.rules),
  );
  // Per request, reused: cumulative key and tokens (clamped to inputTokens) of every prefix block,
  // and the indices of the blocks that carry a breakpoint.
  private readonly keys: string[] = [];
  private readonly cum: number[] = [];
  private readonly bps: number[] = [];
  /** would-be hits of batch-tier requests: the share that hits is exact per root prefix key (no draw) */
  private readonly batchHits: (rootKey: string) => boolean;
  /** realistic explicit requests whose breakpoint positions named more blocks than the limit */
  droppedBreakpoints = 0;

  constructor(private readonly o: CacheSimOptions) {
    this.batchHits = keyedShare(o.batchHitRate);
  }

  rules(m: CacheModel): CacheRules {
    this.asked = m;
    return this.rulesOf.get(m.id);
  }

  /** The request with its cache classes under `style` (the model's own unless the strategy overrides it). */
  apply(req: SimRequest, m: CacheModel, style: 'explicit' | 'automatic'): CachedTokens {
    const rules = this.rules(m);
    const p = this.partition(m, req, rules);
    const t = p.clock.at(req.atMs);
    const batch = req.serviceTier === 'batch' && this.o.rules.has('batch');
    const minTokens = this.o.minTokens ?? m.cache.minTokens;
    if (style === 'explicit' && m.cache.storagePerHourPicoPerM !== undefined)
      return this.stored(req, p, t, minTokens, rules, batch);
    return style === 'explicit'
      ? this.explicit(req, m, p, t, minTokens, rules, batch)
      : this.automatic(req, m, p, t, minTokens, rules, batch);
  }

  /**
   * The entry of the request's block i was written at `atMs` by traffic the stream does not show
   * (PrefixBlock.writtenAtMs): put it as a request then would have, ready, for the TTL (explicit) or
   * the retention (automatic); it is live now only if that has not passed. Explicit caches billed for
   * storage create their cache per request: none.
   */
  written(req: SimRequest, i: number, atMs: number, m: CacheModel, style: 'explicit' | 'automatic'): void {
    if (style === 'explicit' && m.cache.storagePerHourPicoPerM !== undefined) return;
    const rules = this.rules(m);
    const p = this.partition(m, req, rules);
    const t = Math.min(atMs, p.clock.at(req.atMs));
    const key = req.prefix[i]!.key;
    if (style === 'explicit') this.put(p, key, t, TTL_MS[this.o.ttlOf?.(req) ?? this.o.ttl], 0);
    else this.put(p, this.automaticKey(req)(key), t, this.o.retentionMs ?? rules.retentionMs, 0);
  }

  /** an automatic cache's entry key for a block key: per prompt_cache_key when the request routes by one */
  private automaticKey(req: SimRequest): (k: string) => string {
    const cacheKey = this.o.cacheKey?.(req);
    return cacheKey === undefined ? same : (k) => `${cacheKey}\u0001${k}`;
  }

  private partition(m: CacheModel, req: SimRequest, rules: CacheRules): Partition {
    const byKey = this.partitions.get(m.id);
    const ws = this.o.workspace?.(req);
    const key = ws === undefined ? req.serviceTier : `${req.serviceTier}\u0001${ws}`;
    let p = byKey.get(key);
    if (!p) {
      p = { clock: new MonotoneClock(), entries: new ExpiringMap<Entry>() };
      if (Number.isFinite(rules.overflowRpm)) p.router = new OverflowRouter(rules.overflowRpm, OVERFLOW_WINDOW_MS);
      byKey.set(key, p);
    }
    return p;
  }

  /** fills keys/cum for every prefix block; returns the block count */
  private blocks(req: SimRequest, entryKey: (k: string) => string): number {
    let c = 0;
    const prefix = req.prefix;
    for (let i = 0; i < prefix.length; i++) {
      const b = prefix[i]!;
      c = Math.min(c + b.tokens, req.inputTokens);
      this.keys[i] = entryKey(b.key);
      this.cum[i] = c;
    }
    return prefix.length;
  }

  /** ideal breakpoints: every block in scope with at least minTokens; fills bps, returns how many */
  private everyBlock(req: SimRequest, n: number, minTokens: number): number {
    let k = 0;
    for (let i = 0; i < n; i++)
      if (this.cum[i]! >= minTokens && this.o.kinds.has(req.prefix[i]!.kind ?? 'none')) this.bps[k++] = i;
    return k;
  }

  /**
   * Explicit caches: fills keys/cum for the prefix and bps with the breakpoints that can cache (ideal:
   * every block in scope; realistic: the policy's positions), each at least minTokens; returns how many.
   */
  private breakpoints(req: SimRequest, minTokens: number, rules: CacheRules): number {
    const n = this.blocks(req, same);
    if (!this.o.rules.has('breakpoints')) return this.everyBlock(req, n, minTokens);
    const { cum, bps } = this;
    const placed = placeBreakpoints(this.o.positions, req.prefix, this.o.kinds, rules.maxBreakpoints, bps);
    if (placed.dropped) this.droppedBreakpoints++;
    // A breakpoint on a prefix shorter than the minimum caches nothing.
    let k = 0;
    for (let j = 0; j < placed.kept; j++) if (cum[bps[j]!]! >= minTokens) bps[k++] = bps[j]!;
    return k;
  }

  private readyDelay(rules: CacheRules, batch: boolean): number {
    // A batch is processed concurrently on the batch fleet: its share of hits is batchHitRate, not timing.
    if (batch) return 0;
    return this.o.readyDelayMs ?? rules.readyDelayMs;
  }

  // The entry looked up last: a request reads an entry (live) and then refreshes the same one (put).
  // A map changes only in set() (which may sweep): every set() forgets it.
  private lastPartition: Partition | undefined;
  private lastKey = '';
  private lastEntry: Entry | undefined;

  private entry(p: Partition, key: string): Entry | undefined {
    if (p === this.lastPartition && key === this.lastKey) return this.lastEntry;
    const e = p.entries.get(key);
    this.lastPartition = p;
    this.lastKey = key;
    this.lastEntry = e;
    return e;
  }

  private setEntry(p: Partition, key: string, e: Entry, t: number): void {
    p.entries.set(key, e, t);
    this.lastPartition = undefined;
  }

  private live(p: Partition, key: string, t: number, batch: boolean): boolean {
    const e = this.entry(p, key);
    return e !== undefined && (batch || e.readyAtMs <= t) && t < e.expiresAtMs;
  }

  /** set expiry (never shortening a live entry) and readiness (a pending write keeps its earlier ready time) */
  private put(p: Partition, key: string, t: number, keepMs: number, delayMs: number): void {
    const e = this.entry(p, key);
    if (e === undefined) {
      this.setEntry(p, key, { expiresAtMs: t + keepMs, readyAtMs: t + delayMs }, t);
    } else if (t < e.expiresAtMs) {
      // live (ready or pending): refresh in place, no allocation on the hot path
      if (t + keepMs > e.expiresAtMs) e.expiresAtMs = t + keepMs;
      if (t + delayMs < e.readyAtMs) e.readyAtMs = t + delayMs;
    } else {
      // expired but not swept yet: a fresh write
      e.expiresAtMs = t + keepMs;
      e.readyAtMs = t + delayMs;
    }
  }

  private explicit(
    req: SimRequest,
    m: CacheModel,
    p: Partition,
    t: number,
    minTokens: number,
    rules: CacheRules,
    batch: boolean,
  ): CachedTokens {
    const ttl =
      batch && !(this.o.batchTtl === '1h' && !m.cache.has1h) ? this.o.batchTtl : (this.o.ttlOf?.(req) ?? this.o.ttl);
    const ttlMs = TTL_MS[ttl];
    const delay = this.readyDelay(rules, batch);
    const { keys, cum, bps } = this;
    const placing = this.o.rules.has('breakpoints');
    const k = this.breakpoints(req, minTokens, rules);
    if (k === 0) return { read: 0, write5m: 0, write1h: 0 };
    // Reads: from the last breakpoint back, each breakpoint checks itself and the positions before it
    // (lookbackBlocks in all); the first live entry found is the longest match (later windows cover later blocks).
    let hit = -1;
    for (let j = k - 1; j >= 0 && hit < 0; j--) {
      const top = bps[j]!;
      const floor = Math.max(0, top - rules.lookbackBlocks + 1);
      for (let q = top; q >= floor; q--) {
        if (this.live(p, keys[q]!, t, batch)) {
          hit = q;
          break;
        }
      }
    }
    if (hit >= 0 && batch && !this.batchHits(req.prefix[0]!.key)) hit = -1;
    // The entry read is refreshed; breakpoints after it are written now (expiring at t + ttl). Ideal:
    // every breakpoint is put. Realistic: a breakpoint before the hit only refreshes an entry it has.
    if (!placing) {
      for (let j = 0; j < k; j++) this.put(p, keys[bps[j]!]!, t, ttlMs, delay);
    } else {
      if (hit >= 0) this.put(p, keys[hit]!, t, ttlMs, delay);
      for (let j = 0; j < k; j++) {
        const i = bps[j]!;
        if (i > hit || (i < hit && this.live(p, keys[i]!, t, true))) this.put(p, keys[i]!, t, ttlMs, delay);
      }
    }
    const read = hit >= 0 ? cum[hit]! : 0;
    const last = cum[bps[k - 1]!]!;
    const written = last > read ? last - read : 0;
    return { read, write5m: ttl === '5m' ? written : 0, write1h: ttl === '1h' ? written : 0 };
  }

  /**
   * Explicit caches billed per token-hour of storage (Gemini cachedContents): a request names one cache,
   * so it reads the longest live entry among its breakpoints and, when its longest breakpoint has no
   * entry, creates one holding that whole prefix for the TTL (storage billed for the TTL on this
   * request; the tokens it had to send beyond its read are billed as input, the write class priced
   * at input). A hit does not extend an entry: it expires TTL after creation.
   */
  private stored(
    req: SimRequest,
    p: Partition,
    t: number,
    minTokens: number,
    rules: CacheRules,
    batch: boolean,
  ): CachedTokens {
    const ttl = this.o.storageTtl ?? '1h';
    const ttlMs = TTL_MS[ttl];
    const { keys, cum, bps } = this;
    const k = this.breakpoints(req, minTokens, rules);
    if (k === 0) return { read: 0, write5m: 0, write1h: 0 };
    let hit = -1;
    for (let j = k - 1; j >= 0 && hit < 0; j--) if (this.live(p, keys[bps[j]!]!, t, batch)) hit = bps[j]!;
    if (hit >= 0 && batch && !this.batchHits(req.prefix[0]!.key)) hit = -1;
    const read = hit >= 0 ? cum[hit]! : 0;
    const last = bps[k - 1]!;
    const e = this.entry(p, keys[last]!);
    if (e !== undefined && t < e.expiresAtMs) return { read, write5m: 0, write1h: 0 };
    // a new cache: created now, readable after the usual delay, gone TTL later whatever its hits
    const delay = this.readyDelay(rules, batch);
    if (e === undefined) this.setEntry(p, keys[last]!, { expiresAtMs: t + ttlMs, readyAtMs: t + delay }, t);
    else {
      e.expiresAtMs = t + ttlMs;
      e.readyAtMs = t + delay;
    }
    const written = cum[last]! - read;
    return {
      read,
      write5m: ttl === '5m' ? written : 0,
      write1h: ttl === '1h' ? written : 0,
      storageTokenSeconds: (cum[last]! * ttlMs) / 1000,
    };
  }

  private automatic(
    req: SimRequest,
    m: CacheModel,
    p: Partition,
    t: number,
    minTokens: number,
    rules: CacheRules,
    batch: boolean,
  ): CachedTokens {
    const inc = m.cache.increment;
    const n = this.blocks(req, this.automaticKey(req));
    const { keys, cum, bps } = this;
    const k = this.everyBlock(req, n, 0);
    const stored = k ? roundAutomatic(cum[bps[k - 1]!]!, minTokens, inc) : 0;
    if (k === 0) return automaticWrites(m, stored, 0);
    // Overflow: routed to a machine without the prefix (counted for every request of the key).
    if (p.router && !batch && this.o.hitRate === undefined && !p.router.admit(keys[0]!, t))
      return automaticWrites(m, stored, 0);
    const retentionMs = this.o.retentionMs ?? rules.retentionMs;
    const delay = this.readyDelay(rules, batch);
    let hit = -1;
    for (let j = k - 1; j >= 0; j--)
      if (this.live(p, keys[bps[j]!]!, t, batch)) {
        hit = bps[j]!;
        break;
      }
    let read = hit >= 0 ? roundAutomatic(cum[hit]!, minTokens, inc) : 0;
    // An explicit hit_rate: a request routed to a machine without the prefix misses; the prefix is stored there too.
    if (read > 0 && this.o.hitRate !== undefined && this.o.hitRate < 1 && this.o.random(req) >= this.o.hitRate)
      read = 0;
    if (read > 0 && batch && !this.batchHits(req.prefix[0]!.key)) read = 0;
    // Used entries are refreshed and missed prefixes stored: idle expiry after the retention.
    for (let j = 0; j < k; j++) this.put(p, keys[bps[j]!]!, t, retentionMs, delay);
    return automaticWrites(m, stored, read);
  }
}

/** an automatic cache's classes: `read` tokens read, the rest of the `stored` prefix written (where writes are billed) */
function automaticWrites(m: CacheModel, stored: number, read: number): CachedTokens {
  return { read, write5m: m.cache.hasWrite && stored > read ? stored - read : 0, write1h: 0 };
}

const same = (k: string): string => k;
