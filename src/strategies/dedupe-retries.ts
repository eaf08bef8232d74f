// dedupe-retries: drop a retry whose original request completed (status ok) within the window:
// the client gave up (timeout) while the provider finished and billed the first call.
// State: ids seen in the last `window`, evicted as the clock passes them.
import { z } from 'zod';
import type { Strategy, StrategyContext, StrategyRun } from './types.js';
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
  return {
    step(req) {
      const t = clock.at(req.atMs);
      if (req.retryOf !== undefined) {
        const orig = seen.get(req.retryOf);
        if (orig?.ok && t < orig.expiresAtMs) return [];
      }
      seen.set(req.id, { expiresAtMs: t + o.window, ok: req.status === 'ok' }, t);
      return [req];
    },
    flush: () => [],
  };
}

export const dedupeRetries: Strategy<DedupeOptions> = {
  name: 'dedupe-retries',
  summary: 'drop retries whose original request completed (status ok) within the window',
  options: dedupeOptions,
  start: startDedupe,
};
