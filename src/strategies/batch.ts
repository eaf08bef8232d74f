// batch: move batchable requests (or a seeded share of them) to the provider's batch tier.
// The discount is the pricing table's batch prices; this strategy only changes serviceTier (and
// atMs by the batch window). Assumptions: docs/strategies-caching.md.
import { z } from 'zod';
import { copyRequest } from '../engine/request.js';
import type { Strategy, StrategyContext, StrategyRun } from './types.js';
import { durationMs, once } from './prompt-cache/expiring.js';

export const batchOptions = z.strictObject({
  /** share of eligible requests moved (seeded), 0..1 */
  share: z.number().min(0).max(1).default(1),
  /** only requests marked batchable (false: every standard request is a candidate) */
  only_batchable: z.boolean().default(true),
  /** delay until the batch result arrives: shifts atMs (e.g. 24h, or milliseconds) */
  window_ms: durationMs.default(0),
  /** only these models (names or aliases); default all */
  models: z.array(z.string()).min(1).optional(),
});
export type BatchOptions = z.output<typeof batchOptions>;

export function startBatch(o: BatchOptions, ctx: StrategyContext): StrategyRun {
  const only = o.models ? new Set(o.models.map((n) => ctx.models.resolve(n).id)) : undefined;
  const warnOnce = once();
  return {
    step(req) {
      // flex/priority were chosen on purpose; batch is already batch.
      if (req.serviceTier !== 'standard') return [req];
      if (o.only_batchable && !req.batchable) return [req];
      const m = ctx.models.resolve(req.model);
      if (only && !only.has(m.id)) return [req];
      if (!m.tiers.includes('batch')) {
        warnOnce(m.id, () =>
          ctx.warn(`batch: model '${m.id}' has no batch tier in the pricing table; its requests stay on standard`),
        );
        return [req];
      }
      // one draw per eligible request: the same stream gives the same split
      if (o.share < 1 && ctx.rng.next() >= o.share) return [req];
      const out = copyRequest(req);
      out.serviceTier = 'batch';
      out.atMs = req.atMs + o.window_ms;
      return [out];
    },
    flush: () => [],
  };
}

export const batch: Strategy<BatchOptions> = {
  name: 'batch',
  summary: 'move batchable requests (or a share) to the batch tier at its table price, delayed by the batch window',
  options: batchOptions,
  start: startBatch,
};
