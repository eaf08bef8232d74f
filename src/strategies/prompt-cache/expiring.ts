// Small pieces shared by the time-windowed strategies (prompt-cache, response-cache,
// dedupe-retries): a duration option, a monotone clock, and a map whose expired entries are
// evicted so state stays proportional to what is live, not to the length of the stream.
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** '250ms', '30s', '5m', '1h', '24h', '7d' or a number of milliseconds -> milliseconds. */
export function parseDurationMs(v: string | number): number | undefined {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? v : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(v);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2]!]!;
  return Number.isInteger(ms) ? ms : Math.round(ms);
}

/** zod schema of a duration option; the parsed value is milliseconds. */
export const durationMs = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const ms = parseDurationMs(v);
  if (ms === undefined) {
    ctx.addIssue({
      code: 'custom',
      message: `'${String(v)}' is not a duration: use e.g. 30s, 5m, 1h, 24h, or milliseconds as a whole number`,
    });
    return z.NEVER;
  }
  return ms;
});

export interface Expiring {
  expiresAtMs: number;
}

/**
 * A Map whose entries carry expiresAtMs. Expired entries are removed by a sweep that runs once the
 * number of writes since the last sweep reaches the size left by that sweep (at least 1,024): amortised O(1) per
 * write, and the map never holds more than about twice the live entries plus one sweep interval.
 */
export class ExpiringMap<V extends Expiring> {
  private readonly map = new Map<string, V>();
  private writesSinceSweep = 0;
  /** size right after the last sweep: the next sweep waits for that many writes (at least 1,024) */
  private sizeAfterSweep = 0;
  /** largest size reached (tests check memory stays bounded) */
  peakSize = 0;

  get size(): number {
    return this.map.size;
  }

  /** the entry, even if expired (callers decide liveness against their own clock) */
  get(key: string): V | undefined {
    return this.map.get(key);
  }

  set(key: string, value: V, nowMs: number): void {
    this.map.set(key, value);
    if (this.map.size > this.peakSize) this.peakSize = this.map.size;
    if (++this.writesSinceSweep >= Math.max(1024, this.sizeAfterSweep)) this.sweep(nowMs);
  }

  /** drop every entry with expiresAtMs <= nowMs */
  sweep(nowMs: number): void {
    for (const [k, v] of this.map) if (v.expiresAtMs <= nowMs) this.map.delete(k);
    this.writesSinceSweep = 0;
    this.sizeAfterSweep = this.map.size;
  }
}

/** A clock that never goes back: the largest timestamp seen so far. */
export class MonotoneClock {
  private nowMs = Number.NEGATIVE_INFINITY;
  /** advance to atMs if it is later; returns the clock (so an out-of-order request is treated as arriving now) */
  at(atMs: number): number {
    if (atMs > this.nowMs) this.nowMs = atMs;
    return this.nowMs;
  }
}

/** Calls `fn(key)` the first time a key is seen (warn once per model, per cause). */
export function once(): (key: string, fn: () => void) => void {
  const seen = new Set<string>();
  return (key, fn) => {
    if (seen.has(key)) return;
    seen.add(key);
    fn();
  };
}
