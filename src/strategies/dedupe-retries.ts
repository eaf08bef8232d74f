// dedupe-retries: drop a retry whose original request completed (status ok) within the window:
// the client gave up (timeout) while the provider finished and billed the first call.
// State: ids seen in the last `window`, evicted as the clock passes them.
import { z } from 'zod';
import type { Strategy, StrategyContext, StrategyRun } from '../engine/strategy.js';
import { durationMs, ExpiringMap, MonotoneClock } from './prompt-cache/expiring.js';

export const dedupeOptions = z.strictObject({
  /** how long after the original a retry is still recognised */
  window: durationMs.default(900_000),
});
export type DedupeOptions = z.output<typeof dedupeOptions>;

interface Seen {
  expiresAtMs: number;
  ok: boolean;
}

export function startDedupe(o: DedupeOptions, _ctx: StrategyContext): StrategyRun {
  const seen = new ExpiringMap<Seen>();
  const clock = new MonotoneClock();
  let requests = 0;
  let linked = 0;
  return {
    step(req) {
      const t = clock.at(req.atMs);
      requests++;
      if (req.retryOf !== undefined) {
        linked++;
        const orig = seen.get(req.retryOf);
        if (orig?.ok && t < orig.expiresAtMs) return [];
      }
      seen.set(req.id, { expiresAtMs: t + o.window, ok: req.status === 'ok' }, t);
      return [req];
    },
    counters: () => ({ requests, linked }),
  };
}

export const dedupeRetries: Strategy<DedupeOptions> = {
  name: 'dedupe-retries',
  summary: 'drop retries whose original request completed (status ok) within the window',
  options: dedupeOptions,
  start: startDedupe,
  // a retry meets its original by id: the two are one group of a split run
  state: () => ({ key: { on: 'retry' }, clock: true }),
  finish(_o, c, ctx) {
    // without retry links nothing can be recognised as a retry: say so instead of a silent $0
    if ((c.requests ?? 0) > 0 && (c.linked ?? 0) === 0)
      ctx.warn(
        'STRATEGY_NO_DATA',
        `dedupe-retries: no request names the call it retries (retry_of); without retry links nothing is de-duplicated and the step saves nothing`,
      );
  },
};
