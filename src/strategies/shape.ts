// Helpers the request-shaping and request-moving strategies share (compress, trim-context, route,
// cascade, self-host): exact token scaling, re-keying of prefix blocks after a change, what happens
// to cached token counts, and the coded warnings about strategy order.
import { type CachedTokens, type PrefixBlock, type SimRequest, totalCached } from '../engine/request.js';
import type { StrategyContext } from '../engine/strategy.js';
import { parseRatio } from '../shared/decimal.js';

/** An exact fraction num/den (from a decimal such as 0.35 -> 35/100). */
export interface Ratio {
  num: number;
  den: number;
}

export function ratioOf(x: number): Ratio {
  const r = parseRatio(x);
  if (!r) throw new Error(`internal: ratio ${x} was not validated`);
  return { num: Number(r.num), den: Number(r.den) };
}

/** round(tokens x num / den), half-up, exactly (BigInt when the product could lose precision). */
export function scaleTokens(tokens: number, r: Ratio): number {
  const p = tokens * r.num;
  if (p < 2 ** 51) return Math.floor((2 * p + r.den) / (2 * r.den));
  return Number((BigInt(tokens) * BigInt(r.num) * 2n + BigInt(r.den)) / (BigInt(r.den) * 2n));
}

/**
 * New cumulative keys from block `from` on: a changed block changes the identity of every later
 * block (keys are cumulative), so the marker is appended to each. The marker must be a pure
 * function of the change, so two requests shaped the same way still share their keys.
 */
export function rekeyFrom(blocks: PrefixBlock[], from: number, marker: string): PrefixBlock[] {
  return blocks.map((b, i) => (i >= from ? { ...b, key: rekey(b.key, marker) } : b));
}

/** The cumulative key of a block at or after a change marked `marker`. */
export function rekey(key: string, marker: string): string {
  // joined, not concatenated: a flat string (V8 keeps a concatenation as a rope, slower to hash
  // and compare each time the cache simulator looks the key up)
  return [key, marker].join('~');
}

/**
 * Cached counts (from the log or an earlier prompt-cache) once the prompt changed after its first
 * `unchangedTokens` tokens. Providers cache a prefix: the read part comes first, then the written
 * part, so only the leading unchanged tokens can still have been read or written; the rest becomes
 * plain input. (Caching of the changed prompt is simulated only by a prompt-cache placed AFTER the
 * shaping strategy.)
 */
export function clampCached(c: CachedTokens | undefined, unchangedTokens: number): CachedTokens | undefined {
  if (!c) return undefined;
  const p = Math.max(0, unchangedTokens);
  const read = Math.min(c.read, p);
  const write5m = Math.min(c.read + c.write5m, p) - read;
  const write1h = Math.min(c.read + c.write5m + c.write1h, p) - read - write5m;
  return read + write5m + write1h > 0 ? { read, write5m, write1h } : undefined;
}

/** Set or clear `cached` on a fresh request object (never on the input). */
export function setCached(out: SimRequest, c: CachedTokens | undefined): void {
  out.cached = c;
}

/** true when shaping lost cached tokens (for a one-time warning about strategy order) */
export function lostCached(before: SimRequest, after: SimRequest): boolean {
  return totalCached(after.cached) < totalCached(before.cached);
}

/** STRATEGY_ORDER: a shaping strategy changed prompts that arrived with cached counts. */
export function warnOrder(ctx: Pick<StrategyContext, 'warn'>, name: string): void {
  ctx.warn(
    'STRATEGY_ORDER',
    `${name}: requests arrive with cached token counts (from the log or an earlier prompt-cache) and ${name} changes their prompts; only the unchanged leading tokens stay cached. To simulate caching of the new prompts, put ${name} before prompt-cache (a log's own counts: add a prompt-cache step after ${name})`,
  );
}

/** STRATEGY_ORDER: a moving strategy (route, cascade, self-host) dropped cached counts. */
export function warnMove(ctx: Pick<StrategyContext, 'warn'>, name: string): void {
  ctx.warn(
    'STRATEGY_ORDER',
    `${name}: requests moved to another model lose their cached token counts (from the log or an earlier prompt-cache): another model's cache does not carry over. To simulate caching on the new model, put ${name} before prompt-cache (a log's own counts: add a prompt-cache step after ${name})`,
  );
}
