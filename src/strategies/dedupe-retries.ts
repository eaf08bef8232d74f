// dedupe-retries: drop a retry whose original request completed (status ok) within the window:
// the client gave up (timeout) while the provider finished and billed the first call.
// State: ids of the completed calls seen in the last `window`, evicted as the clock passes them.
import { z } from 'zod';
import type { Strategy, StrategyContext, StrategyRun } from '../engine/strategy.js';
import { durationMs, MonotoneClock } from './prompt-cache/expiring.js';

export const dedupeOptions = z.strictObject({
  /** how long after the original a retry is still recognised */
  window: durationMs.default(900_000),
});
export type DedupeOptions = z.output<typeof dedupeOptions>;

export function startDedupe(o: DedupeOptions, _ctx: StrategyContext): StrategyRun {
  // A retry is dropped when the latest request with the id it names completed (ok) and has not
  // expired. Only that latest state matters, so a completed call is stored as its expiry (no object
  // per request) and a failed one removes its id. Expiries are t + window on a monotone clock, so
  // they arrive in order: a queue evicts them as the clock passes, with no sweep over the map.
  const okUntil = new Map<string, number>();
  const queue = new ExpiryQueue();
  const clock = new MonotoneClock();
  let requests = 0;
  let linked = 0;
  return {
    step(req) {
      const t = clock.at(req.atMs);
      requests++;
      queue.evict(t, okUntil);
      if (req.retryOf !== undefined) {
        linked++;
        const until = okUntil.get(req.retryOf);
        if (until !== undefined && t < until) return [];
      }
      if (req.status === 'ok') {
        okUntil.set(req.id, t + o.window);
        queue.push(req.id, t + o.window);
      } else okUntil.delete(req.id);
      return [req];
    },
    counters: () => ({ requests, linked }),
  };
}

/** ids with their expiry, in the (non-decreasing) order of the expiries */
class ExpiryQueue {
  private ids: string[] = [];
  private until: number[] = [];
  private head = 0;

  push(id: string, untilMs: number): void {
    this.ids.push(id);
    this.until.push(untilMs);
  }

  /** forget every id whose expiry is at or before t (unless a later request renewed it) */
  evict(t: number, okUntil: Map<string, number>): void {
    const { ids, until } = this;
    let h = this.head;
    while (h < until.length && until[h]! <= t) {
      if (okUntil.get(ids[h]!) === until[h]) okUntil.delete(ids[h]!);
      h++;
    }
    if (h > 4096 && h * 2 > until.length) {
      this.ids = ids.slice(h);
      this.until = until.slice(h);
      h = 0;
    }
    this.head = h;
  }
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
