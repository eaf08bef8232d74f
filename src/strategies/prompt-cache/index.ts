// prompt-cache: what the request stream would pay with provider prompt caching.
// Explicit (Anthropic): write premium (5m or 1h TTL), reads at cache.read, refresh on hit; realistic
// mode places at most 4 breakpoints by a policy and reads only within a 20-block lookback. Automatic
// (OpenAI/Gemini): the longest live prefix is read when >= min_tokens, rounded down to min_tokens +
// k x increment; realistic mode overflows busy prefixes to cold machines. Both: fan-out delay,
// workspaces, batch-tier best-effort hits. The simulation itself is ./engine.ts.
// Semantics: docs/semantics.md; rules and sources: docs/strategies-caching.md.
import { z } from 'zod';
import { dimensionReader } from '../../engine/ledger.js';
import { copyRequest, type SimRequest } from '../../engine/request.js';
import { userError } from '../../diagnostics.js';
import { RecentMap } from '../../shared/recent.js';
import {
  type ModelFacts,
  type Strategy,
  type StrategyContext,
  type StrategyRun,
  stepOf,
} from '../../engine/strategy.js';
import { batchCacheOptions, CacheSim, defaultStyle, type Ttl } from './engine.js';
import { durationMs, once } from './expiring.js';
import { DEFAULT_POSITIONS, positionSchema } from './placement.js';
import { realismRules } from './rules.js';
import { familyReader, inferredChainKey, PrefixReconstructor } from './infer.js';

export { roundAutomatic } from './engine.js';

const scopeKinds: Record<'system' | 'conversation' | 'all', ReadonlySet<string>> = {
  // A block without a kind (e.g. a log's prefix_key/prefix_tokens) is a shared system prefix.
  system: new Set(['system', 'none']),
  conversation: new Set(['system', 'none', 'history', 'message']),
  all: new Set(['system', 'none', 'history', 'message', 'block']),
};

export const promptCacheOptions = z.strictObject({
  /** explicit-cache TTL: the priced classes write_5m / write_1h (default 5m) */
  ttl: z.enum(['5m', '1h']).optional(),
  /** explicit-cache TTL per prefix family (a value of ttl_by, e.g. a prompt version), beating ttl */
  ttls: z.record(z.string(), z.enum(['5m', '1h'])).optional(),
  /** the dimension that names a request's prefix family for ttls: prompt_version, feature, tenant or a tag */
  ttl_by: z.string().min(1).default('prompt_version'),
  /** default: the model's cache.style in the pricing table */
  style: z.enum(['explicit', 'automatic']).optional(),
  /** which prefix blocks may carry a breakpoint */
  scope: z.enum(['system', 'conversation', 'all']).default('all'),
  /** realistic explicit caches: breakpoint positions (system, history, prompt, or block numbers; the last 4 count) */
  breakpoints: z.array(positionSchema).min(1).optional(),
  /** override the table's minimum cacheable prefix */
  min_tokens: z.number().int().positive().optional(),
  /** an entry written at t is readable from t + ready_delay (a duration: 2s, 500ms, or milliseconds; default: the provider's time to first token; ideal 0) */
  ready_delay: durationMs.optional(),
  /** automatic caches: idle time after which a prefix is evicted (default: the table's retention, else 5m) */
  retention: durationMs.optional(),
  /** automatic caches: share of would-be hits that land on a machine holding the prefix (replaces the overflow model) */
  hit_rate: z.number().min(0).max(1).optional(),
  /** automatic caches: the field holding prompt_cache_key (a tag name, or conversation); default the prompt_cache_key tag */
  cache_key: z.string().min(1).optional(),
  /** a tag naming the workspace/organisation a request is sent from (e.g. tenant): caches are not shared across them */
  workspace_by: z.string().min(1).optional(),
  ...batchCacheOptions,
  /** only these models (names or aliases); default all */
  models: z.array(z.string()).min(1).optional(),
});
export type PromptCacheOptions = z.output<typeof promptCacheOptions>;

/** A request field by name: `conversation`, `tenant`, or any tag (undefined when absent or empty). */
export function fieldOf(name: string): (r: SimRequest) => string | undefined {
  if (name === 'conversation') return (r) => r.conversationId || undefined;
  return (r) => r.tags[name] || undefined;
}

type CacheFacts = NonNullable<ModelFacts['cache']>;
/** how a model's requests are cached (see plan in startPromptCache) */
interface Plan {
  m: ModelFacts;
  cache: CacheFacts;
  style: 'explicit' | 'automatic';
  /** the model as the cache simulator takes it */
  cm: { id: string; provider: string; cache: CacheFacts };
}

/**
 * A request without prefix blocks (a log without prefix columns) that reports cache reads or writes
 * showed its provider that cacheable prefix (infer.ts): it is given those blocks at the source, before
 * the first stage, so a step before this one shapes them as it shapes logged ones (compress scales and
 * re-keys them) and this step re-simulates them like logged ones.
 */
function preparePrefixes(ctx: Pick<StrategyContext, 'models'>): (r: SimRequest) => SimRequest {
  const rebuild = new PrefixReconstructor();
  const family = familyReader(['prompt_version', 'feature'], (m) => ctx.models.resolve(m).id);
  return (r) => {
    if (r.prefix.length) return r;
    const blocks = rebuild.prefix(r, family);
    if (!blocks.length) return r;
    for (const b of blocks) b.inferred = true;
    const out = copyRequest(r);
    out.prefix = blocks;
    return out;
  };
}

export function startPromptCache(o: PromptCacheOptions, ctx: StrategyContext): StrategyRun {
  const only = ctx.modelSet(o.models, ['models']);
  const warnOnce = once();
  const checked = new Set<string>();
  const ttl: Ttl = o.ttl ?? '5m';
  const familyOf = dimensionReader(o.ttl_by);
  const ttls = new Map(Object.entries(o.ttls ?? {}));
  const ttlOf = ttls.size ? (r: SimRequest): Ttl => ttls.get(familyOf(r)) ?? ttl : () => ttl;
  const rules = realismRules(ctx.cacheRealism);
  const sim = new CacheSim({
    rules,
    ttl,
    // Gemini context caches: the API's default TTL is 1 hour
    storageTtl: o.ttl ?? '1h',
    ttlOf,
    batchTtl: o.batch_ttl ?? ttl,
    kinds: scopeKinds[o.scope],
    positions: o.breakpoints ?? DEFAULT_POSITIONS,
    minTokens: o.min_tokens,
    readyDelayMs: o.ready_delay,
    retentionMs: o.retention,
    hitRate: o.hit_rate,
    batchHitRate: o.batch_hit_rate,
    // prompt_cache_key routing belongs to the overflow rule: the ideal cache finds a prefix whatever the key.
    cacheKey: rules.has('overflow') ? fieldOf(o.cache_key ?? 'prompt_cache_key') : undefined,
    workspace: o.workspace_by === undefined ? undefined : fieldOf(o.workspace_by),
    random: (r) => ctx.draw(r),
  });
  let dropped = 0;

  /**
   * What a model's requests get, decided at its first request with a prefix (the checks below depend
   * only on the model and the options): its cache and style, or undefined when they pass through.
   */
  const plans = new Map<ModelFacts, Plan | null>();
  const plan = (m: ModelFacts): Plan | null => {
    const cache = m.cache;
    if (!cache) {
      // A self-hosted route is priced per GPU-hour: its own prefix cache is in the throughput figure.
      if (m.provider !== 'self-host')
        warnOnce(`nocache:${m.id}`, () =>
          ctx.warn(
            'STRATEGY_NO_CACHE',
            `prompt-cache: model '${m.id}' has no prompt caching in the pricing table; its requests pass through unchanged`,
          ),
        );
      return null;
    }
    // A TTL on a model billed per token-hour of storage (Gemini) asks for explicit context caches;
    // a model without implicit hits at the table's date (Gemini 1.5/2.0) caches only explicitly.
    const storageBilled = cache.storagePerHourPicoPerM !== undefined;
    const style = o.style ?? (storageBilled && o.ttl !== undefined ? 'explicit' : defaultStyle(cache));
    if (style === 'automatic' && cache.style === 'automatic' && !cache.implicit)
      throw userError(
        'STRATEGY_MODEL',
        `prompt-cache style automatic: model '${m.id}' gave no implicit cache hits at the pricing table's date (only explicit context caches, billed per token-hour of storage)`,
        {
          where: m.id,
          hint: 'remove style: automatic (the model is then simulated with explicit caches), or use a later model',
        },
      );
    // A step that sets both styles' options speaks to both (a route across providers): no warning.
    const forAutomatic = o.retention !== undefined || o.hit_rate !== undefined;
    if (style === 'explicit' && forAutomatic && o.ttl === undefined) {
      warnOnce(`explicit-only:${m.id}`, () =>
        ctx.warn(
          'STRATEGY_OPTION_IGNORED',
          `prompt-cache: model '${m.id}' caches explicitly: retention and hit_rate apply to automatic caches and are ignored for it (ttl sets its expiry)`,
        ),
      );
    }
    if (style === 'automatic' && o.ttl !== undefined && !forAutomatic) {
      const retentionMs = o.retention ?? sim.rules({ id: m.id, provider: m.provider, cache }).retentionMs;
      warnOnce(`automatic-ttl:${m.id}`, () =>
        ctx.warn(
          'STRATEGY_OPTION_IGNORED',
          `prompt-cache: model '${m.id}' caches automatically: ttl is ignored for it; its idle expiry is retention (${retentionMs / 60_000} min)`,
        ),
      );
    }
    return { m, cache, style, cm: { id: m.id, provider: m.provider, cache } };
  };

  /** per model name as requests spell it: its model's plan, or null when its requests pass through */
  const planByName = new RecentMap((name): Plan | null => {
    const model = ctx.models.resolve(name);
    if (only && !only.has(model.id)) return null;
    let p = plans.get(model);
    if (p === undefined) plans.set(model, (p = plan(model)));
    return p;
  });

  let requests = 0;
  let withPrefix = 0;
  /** requests whose prefix was inferred from their (or their chain's) cache counts (preparePrefixes) */
  let inferred = 0;
  /** of those, requests without a conversation id (chained per family) */
  let byFamily = 0;
  const map = (req: SimRequest): SimRequest => {
    requests++;
    if (!req.prefix.length) return req;
    if (req.prefix[0]!.inferred) {
      inferred++;
      if (!req.conversationId) byFamily++;
    } else withPrefix++;
    const p = planByName.get(req.model);
    if (p === null) return req;
    const { m, cache, style, cm } = p;
    if (style === 'explicit' && ttlOf(req) === '1h' && !checked.has(m.id)) {
      if (!cache.has1h && cache.storagePerHourPicoPerM === undefined) {
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
    const out = copyRequest(req);
    for (let i = 0; i < req.prefix.length; i++) {
      const at = req.prefix[i]!.writtenAtMs;
      if (at !== undefined) sim.written(req, i, at, cm, style);
    }
    out.cached = sim.apply(req, cm, style);
    if (sim.droppedBreakpoints > dropped) {
      dropped = sim.droppedBreakpoints;
      warnOnce(`dropped-breakpoints:${m.id}`, () =>
        ctx.warn(
          'STRATEGY_OPTION_IGNORED',
          `prompt-cache: breakpoints name more blocks than a request may carry (${sim.rules(cm).maxBreakpoints} for '${m.id}'); the earliest are ignored, as the API uses the last ones`,
        ),
      );
    }
    return out;
  };
  return { map, step: stepOf(map), counters: () => ({ requests, withPrefix, inferred, byFamily }) };
}

export const promptCache: Strategy<PromptCacheOptions> = {
  name: 'prompt-cache',
  usesCacheRules: true,
  summary:
    'provider prompt caching: explicit (5m/1h TTL, write premium, 4 breakpoints, 20-block lookback) or automatic (min 1024, 128-token steps, overflow above ~15 RPM)',
  options: promptCacheOptions,
  renamedOptions: { ready_delay_ms: 'ready_delay' },
  start: startPromptCache,
  prepare: preparePrefixes,
  // Entries are keyed by cumulative prefix keys, so requests whose first blocks differ never share
  // one (whatever model or tier an earlier stage moved them to); each cache has its own clock, and
  // the realistic batch rule's share of batch-tier hits is counted per root prefix key. A prefix-less
  // request's inferred prefix extends its chain (its conversation, else its family): chains are
  // state too.
  state: () => ({ key: [{ on: 'prefix' }, { on: 'key', key: inferredChainKey, prefixless: true }], clock: true }),
  finish(_o, c, ctx) {
    // no prefix blocks = nothing cacheable is known: say so instead of a silent $0
    const inferred = c.inferred ?? 0;
    if ((c.requests ?? 0) > 0 && (c.withPrefix ?? 0) === 0 && inferred === 0)
      ctx.warn(
        'STRATEGY_NO_DATA',
        'prompt-cache: no request carries prefix blocks (a log needs prefix_key and prefix_tokens, or hash_ids) or reports cache reads or writes; nothing can be cached and the step saves nothing',
      );
    if (inferred > 0)
      ctx.warn(
        'STRATEGY_INFERRED',
        `prompt-cache: ${inferred.toLocaleString('en-US')} of ${(c.requests ?? 0).toLocaleString('en-US')} request${c.requests === 1 ? '' : 's'} ${inferred === 1 ? 'carries' : 'carry'} no prefix blocks; their cacheable prefixes are inferred from the cache reads and writes the log reports (a conversation's prefixes extend each other; without a conversation id, a turn that reads exactly where an earlier one ended continues it, and other reads are the prompt_version's, feature's or model's shared prefix), and their caching is simulated again (docs/strategies-caching.md)${
          (c.byFamily ?? 0) > 0
            ? `; ${(c.byFamily ?? 0).toLocaleString('en-US')} of them have no conversation id, so their turns are linked by those counts alone, which cannot tell apart turns of equal length (nor link an automatic cache's turns: it reports reads only): map the log's session or trace column to conversation_id (--map conversation_id=FIELD) when it has one`
            : ''
        }`,
      );
  },
};
