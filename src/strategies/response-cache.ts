// response-cache: answer repeated requests from an application-side cache (the request is dropped:
// no API call). exact: a key built from chosen fields, stored on an ok answer for `ttl` (a hit does
// not extend it). semantic: a seeded hit rate (similar questions cannot be judged from token
// counts), with an optional quality: an unacceptable hit is a free but failed answer.
import { z } from 'zod';
import { copyRequest, type SimRequest, tagOf, withTag } from '../engine/request.js';
import type { Strategy, StrategyContext, StrategyRun, StrategyState } from '../engine/strategy.js';
import { hash64 } from '../shared/hash.js';
import { durationMs, ExpiringMap, MonotoneClock, once } from './prompt-cache/expiring.js';
import { realismRules } from './prompt-cache/rules.js';

/**
 * Tags that carry what the user asked, in order of preference. The profile generator sets queryKey;
 * a log's extra columns become tags under their own names (query_key, prompt_hash).
 */
export const CONTENT_TAGS = ['queryKey', 'query_key', 'promptHash', 'prompt_hash', 'prompt'] as const;

export const responseCacheOptions = z
  .strictObject({
    mode: z.enum(['exact', 'semantic']).default('exact'),
    /** exact: how long a stored answer is served */
    ttl: durationMs.default(3_600_000),
    /** exact: fields of the key: model, query (the content tag), conversation, tier, or any tag name */
    key: z.array(z.string().min(1)).min(1).default(['model', 'promptVersion', 'query']),
    /** semantic: share of requests answered from the cache (seeded) */
    hit_rate: z.number().min(0).max(1).optional(),
    /** semantic: probability a cached answer is acceptable (default 0.9 realistic, 1 ideal: see SEMANTIC_QUALITY) */
    quality: z.number().min(0).max(1).optional(),
    /** only these models (names or aliases); default all */
    models: z.array(z.string()).min(1).optional(),
  })
  .superRefine((o, ctx) => {
    if (o.mode === 'semantic' && o.hit_rate === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['hit_rate'],
        message: 'semantic mode needs hit_rate (0..1): the share of requests a similar earlier answer serves',
      });
    if (o.mode === 'exact' && o.hit_rate !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['hit_rate'],
        message: 'hit_rate applies to mode: semantic; exact mode finds repeats by key',
      });
    if (o.mode === 'exact' && o.quality !== undefined && o.quality !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['quality'],
        message: 'quality applies to mode: semantic; an exact repeat gets the same answer',
      });
  });
export type ResponseCacheOptions = z.output<typeof responseCacheOptions>;

/**
 * Share of semantic-cache hits that are acceptable when the scenario does not say (realistic mode).
 * A semantic cache returns a stored answer for a prompt that only looks similar: published pair
 * benchmarks put static-threshold caches (GPTCache style) at 60-70% precision on Quora paraphrases
 * and ~30% on adversarial pairs (CacheEval); vCache bounds the error to a chosen rate. Production
 * hits are mostly near-repeats, so we assume one wrong answer in ten hits: set your measured precision.
 */
export const SEMANTIC_QUALITY = 0.9;

/** What the user asked, or undefined when the traffic does not say (then nothing can repeat). */
export function contentKey(r: SimRequest): string | undefined {
  for (const t of CONTENT_TAGS) {
    const v = tagOf(r, t);
    if (v !== undefined && v !== '') return v.length > 64 ? hash64(v) : v;
  }
  return undefined;
}

function field(r: SimRequest, f: string): string | undefined {
  switch (f) {
    case 'model':
      return r.model;
    case 'query':
      return contentKey(r);
    case 'conversation':
      return r.conversationId ?? '';
    case 'tier':
      return r.serviceTier;
    default:
      return tagOf(r, f) ?? '';
  }
}

/** Tags strategies set during a run: a cache key on one of them cannot be read on the source request. */
const SET_BY_STRATEGIES = new Set(['route', 'capped', 'responseCache']);

/**
 * Where exact caching keeps state: requests with equal keys. A split run groups requests by the key
 * without model and tier, which earlier stages may change (a coarser key is still safe: it only
 * puts more requests in one group).
 */
function exactState(key: readonly string[]): StrategyState {
  const tag = key.find((f) => SET_BY_STRATEGIES.has(f));
  if (tag) return { key: { on: 'stream', why: `its key uses the tag '${tag}', which strategies set during the run` } };
  const fields = key.filter((f) => f !== 'model' && f !== 'tier');
  return {
    key: {
      on: 'key',
      key: (r) => {
        const parts: string[] = [];
        for (const f of fields) {
          const v = field(r, f);
          if (v === undefined) return undefined; // no content key: nothing is cached
          parts.push(v);
        }
        return parts.join('\u0001');
      },
    },
    clock: true,
  };
}

export function startResponseCache(o: ResponseCacheOptions, ctx: StrategyContext): StrategyRun {
  const only = ctx.modelSet(o.models, ['models']);
  const stored = new ExpiringMap<{ expiresAtMs: number }>();
  const clock = new MonotoneClock();
  const warnOnce = once();
  const hitRate = o.hit_rate ?? 0;
  const quality = o.quality ?? (realismRules(ctx.cacheRealism).has('semantic') ? SEMANTIC_QUALITY : 1);

  function exact(req: SimRequest): SimRequest[] {
    const parts: string[] = [];
    for (const f of o.key) {
      const v = field(req, f);
      if (v === undefined) {
        warnOnce('nokey', () =>
          ctx.warn(
            'STRATEGY_NO_DATA',
            `response-cache: requests carry no query key (tags ${CONTENT_TAGS.join(', ')}; a log's prompt text or prompt_hash column); without one no request can repeat and exact caching saves nothing`,
          ),
        );
        return [req];
      }
      parts.push(v);
    }
    const key = parts.join('\u0001');
    const t = clock.at(req.atMs);
    const e = stored.get(key);
    if (e && t < e.expiresAtMs) return [];
    // only a successful answer is stored
    if (req.status === 'ok') stored.set(key, { expiresAtMs: t + o.ttl }, t);
    return [req];
  }

  function semantic(req: SimRequest): SimRequest[] {
    if (ctx.draw(req, 'hit') >= hitRate) return [req];
    if (quality >= 1 || ctx.draw(req, 'quality') < quality) return [];
    // Served from the cache but wrong: no API call, no success.
    const out = copyRequest(req);
    out.inputTokens = 0;
    out.outputTokens = 0;
    out.historyTokens = 0;
    out.prefix = [];
    out.cached = undefined;
    out.quality = 0;
    out.tags = withTag(req.tags, 'responseCache', 'unacceptable');
    return [out];
  }

  return {
    step(req) {
      if (req.answers === false) return [req];
      if (only && !only.has(ctx.models.resolve(req.model).id)) return [req];
      return o.mode === 'exact' ? exact(req) : semantic(req);
    },
  };
}

export const responseCache: Strategy<ResponseCacheOptions> = {
  name: 'response-cache',
  usesCacheRules: true,
  state: (o) => (o.mode === 'semantic' ? { key: { on: 'none' } } : exactState(o.key)),
  summary: 'serve repeated requests from an application cache: exact key with TTL, or a seeded semantic hit rate',
  options: responseCacheOptions,
  start: startResponseCache,
};
