// dedupe-retries: drop a retry whose original request completed (status ok) within the window:
// the client gave up (timeout) while the provider finished and billed the first call.
// State: ids of the completed calls seen in the last `window`, evicted as the clock passes them.
import { z } from 'zod';
import type { SimRequest } from '../engine/request.js';
import { type Strategy, type StrategyContext, type StrategyRun, stepOf } from '../engine/strategy.js';
import { durationMs, MonotoneClock } from './prompt-cache/expiring.js';

export const dedupeOptions = z.strictObject({
  /** how long after the original a retry is still recognised */
  window: durationMs.default(900_000),
});
export type DedupeOptions = z.output<typeof dedupeOptions>;

export function startDedupe(o: DedupeOptions, _ctx: StrategyContext): StrategyRun {
  // A retry is dropped when the latest request with the id it names completed (ok) and has not
  // expired. So each id maps to a number: the expiry of a completed call, or -Infinity for a failed
  // one (no object per request). Expiries are t + window on a monotone clock: ids are kept in two
  // generations, and the older is dropped whole once the clock has passed its last expiry.
  let now = new Map<string, number>();
  let before = new Map<string, number>();
  let nowLast = Number.NEGATIVE_INFINITY;
  let beforeLast = Number.NEGATIVE_INFINITY;
  const clock = new MonotoneClock();
  let requests = 0;
  let linked = 0;
  const map = (req: SimRequest): SimRequest | undefined => {
    const t = clock.at(req.atMs);
    requests++;
    if (t >= beforeLast) {
      // every id of the older generation has expired
      before = now;
      beforeLast = nowLast;
      now = new Map();
    }
    if (req.retryOf !== undefined) {
      linked++;
      const until = now.get(req.retryOf) ?? before.get(req.retryOf);
      if (until !== undefined && t < until) return undefined;
    }
    const until = req.status === 'ok' ? t + o.window : Number.NEGATIVE_INFINITY;
    now.set(req.id, until);
    if (until > nowLast) nowLast = until;
    return req;
  };
  return { map, step: stepOf(map), counters: () => ({ requests, linked }) };
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
