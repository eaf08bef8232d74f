// batch: move batchable requests (or a seeded share of them) to the provider's batch tier.
// The discount is the pricing table's batch prices; this strategy changes serviceTier and atMs.
// Realistic cache mode: the requests moved within one window form one batch, submitted when the
// window closes and processed as concurrent arrivals; cache classes an earlier step computed for
// interactive traffic are re-computed for the batch (best-effort hits, writes at batch_ttl).
// Assumptions and sources: docs/strategies-caching.md.
import { z } from 'zod';
import { copyRequest, type SimRequest } from '../engine/request.js';
import { batchCacheOptions, CacheSim, defaultStyle, keyedShare } from './prompt-cache/engine.js';
import { durationMs, once } from './prompt-cache/expiring.js';
import { DEFAULT_POSITIONS } from './prompt-cache/placement.js';
import { realismRules } from './prompt-cache/rules.js';
import { compileWhen, WhenSchema, WhenTally, warnUnmatched } from './match.js';
import { type ModelFacts, type Strategy, type StrategyContext, type StrategyRun, stepOf } from '../engine/strategy.js';

export const batchOptions = z.strictObject({
  /** share of eligible requests moved (seeded), 0..1 */
  share: z.number().min(0).max(1).default(1),
  /** only requests marked batchable (false: every standard request is a candidate) */
  only_batchable: z.boolean().default(true),
  /** only requests matching this rule (tags, token counts, model), e.g. { tags: { feature: reports } } */
  when: WhenSchema.optional(),
  /** batch window (e.g. 24h, or milliseconds): ideal shifts atMs by it; realistic runs each window's requests at its end */
  window: durationMs.default(0),
  ...batchCacheOptions,
  /** only these models (names or aliases); default all */
  models: z.array(z.string()).min(1).optional(),
});
export type BatchOptions = z.output<typeof batchOptions>;

const ALL_KINDS: ReadonlySet<string> = new Set(['system', 'none', 'history', 'message', 'block']);

export function startBatch(o: BatchOptions, ctx: StrategyContext): StrategyRun {
  const only = ctx.modelSet(o.models, ['models']);
  const warnOnce = once();
  const rules = realismRules(ctx.cacheRealism);
  const realistic = rules.has('batch');
  // Cache classes of moved requests, re-computed on the batch fleet (prompt-cache's defaults).
  const sim = new CacheSim({
    rules,
    ttl: '5m',
    batchTtl: o.batch_ttl ?? '5m',
    kinds: ALL_KINDS,
    positions: DEFAULT_POSITIONS,
    batchHitRate: o.batch_hit_rate,
    random: (r) => ctx.draw(r, 'cache-hit'),
  });
  // per request (its id): with no prefix there is no cache key its hits could be counted on
  const keepsRead = keyedShare(o.batch_hit_rate);
  // (what its when made of the candidates: finish says when it matched none)
  const selected = new WhenTally(o.when, compileWhen(o.when, ctx));
  const W = o.window;

  // each model as the cache simulator takes it, built once
  const cacheModels = new Map<ModelFacts, Parameters<CacheSim['apply']>[1]>();
  /** cache classes the batch could have had: re-computed from the prefix, or a share of the log's reads */
  const recache = (out: SimRequest, m: ModelFacts): void => {
    const c = out.cached;
    if (!c) return;
    if (out.prefix.length && m.cache) {
      let cm = cacheModels.get(m);
      if (!cm) cacheModels.set(m, (cm = { id: m.id, provider: m.provider, cache: m.cache }));
      out.cached = sim.apply(out, cm, defaultStyle(m.cache));
      return;
    }
    if (c.read === 0) return;
    warnOnce('log-cached', () =>
      ctx.warn(
        'BATCH_CACHE',
        `batch: requests moved to the batch tier carry cache reads from interactive traffic and no prefix to re-compute them from; a batch gets best-effort hits, so ${o.batch_hit_rate * 100}% of them keep their reads (batch_hit_rate) and the others pay plain input (add prefix_key/prefix_tokens to the log to re-compute them)`,
      ),
    );
    if (!keepsRead(out.id))
      out.cached = c.write5m + c.write1h > 0 ? { read: 0, write5m: c.write5m, write1h: c.write1h } : undefined;
  };

  // standard-tier requests seen, and those marked batchable (finish: none marked = nothing to move)
  let standard = 0;
  let batchable = 0;
  const map = (req: SimRequest): SimRequest => {
    // flex/priority were chosen on purpose; batch is already batch.
    if (req.serviceTier !== 'standard') return req;
    standard++;
    if (req.batchable) batchable++;
    if (o.only_batchable && !req.batchable) return req;
    if (!selected.test(req)) return req;
    const m = ctx.models.resolve(req.model);
    if (only && !only.has(m.id)) return req;
    if (!m.tiers.includes('batch')) {
      warnOnce(m.id, () =>
        ctx.warn(
          'STRATEGY_NO_TIER',
          `batch: model '${m.id}' has no batch tier in the pricing table; its requests stay on standard`,
        ),
      );
      return req;
    }
    // one draw per eligible request: the same stream gives the same split
    if (o.share < 1 && ctx.draw(req) >= o.share) return req;
    const out = copyRequest(req);
    out.serviceTier = 'batch';
    if (!realistic) {
      out.atMs = req.atMs + W;
      return out;
    }
    // The window's requests run together when it closes (epoch-aligned windows: 24h = UTC days).
    if (W > 0) out.atMs = (Math.floor(req.atMs / W) + 1) * W;
    recache(out, m);
    return out;
  };
  return { map, step: stepOf(map), counters: () => ({ standard, batchable, ...selected.counters('when:') }) };
}

export const batch: Strategy<BatchOptions> = {
  name: 'batch',
  usesCacheRules: true,
  // A window moves requests later, which a later clocked stage would notice. Without the realistic
  // batch rule: no state across requests; with it, the batch fleet's caches live on prefix keys
  // (their hit share is counted per root prefix key) and keep time.
  state: (o, cacheRealism) =>
    realismRules(cacheRealism).has('batch')
      ? { key: { on: 'prefix' }, clock: true, movesTime: o.window > 0 }
      : { key: { on: 'none' }, movesTime: o.window > 0 },
  summary: 'move batchable requests (or a share) to the batch tier at its table price; each window runs as one batch',
  options: batchOptions,
  renamedOptions: { window_ms: 'window' },
  start: startBatch,
  finish(o, c, ctx) {
    // only_batchable with no request marked batchable (a log without the column): say so instead of a silent $0
    if (o.only_batchable && (c.standard ?? 0) > 0 && (c.batchable ?? 0) === 0)
      ctx.warn(
        'STRATEGY_NO_DATA',
        'batch: no request it saw is marked batchable (the log has no batchable column, or it is false on every row this step saw), so with only_batchable (the default) nothing moves and the step saves nothing; set only_batchable: false to make every standard request a candidate (with when: to pick the traffic that can wait)',
      );
    warnUnmatched(ctx, 'batch', o.when, c, 'when:');
  },
};
