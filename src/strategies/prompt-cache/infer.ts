// Cacheable prefixes inferred from a log's own cache counts, for a log without prefix columns (most
// exports): the cache audit compares them with what the provider did, and the prompt-cache step
// re-simulates them (a TTL, realism or routing what-if on a log that already caches).
import { type PrefixBlock, type SimRequest, totalCached } from '../../engine/request.js';
import { ExpiringMap } from './expiring.js';

/**
 * A chain idle this long starts again (its points forgotten, so state stays proportional to the live
 * conversations): longer than any cache keeps an entry (OpenAI's extended retention: 24 hours), so a
 * read its next request reports came from something else, as at the start of the log.
 */
export const CHAIN_IDLE_MS = 86_400_000;

interface Chain {
  points: number[];
  expiresAtMs: number;
}

/**
 * The cacheable prefix a request showed its provider, when the log has no prefix columns: reads +
 * writes as the log reported them (SimRequest.reported: the provider's own statement of what was
 * cached, kept when an earlier stage routed the request elsewhere), or, for a request of a conversation that
 * reports neither, the longest prefix its conversation reported before, if its input covers it (a
 * request without a conversation that reports nothing gets none: it may be short, or uncached on
 * purpose). Successive prefixes of one chain (the conversation, else the family) extend each other,
 * so blocks are the chain's points: key `chain@tokens` names the prefix up to `tokens` (cumulative
 * by construction).
 */
export class PrefixReconstructor {
  private readonly chains = new ExpiringMap<Chain>();

  /**
   * `family`: the request's family (for a request without a conversation). The chain's first request
   * in the log that reports a read has its first block (the part it read) `warm`: written before the
   * log began.
   */
  prefix(r: SimRequest, family: (r: SimRequest) => string): PrefixBlock[] {
    if (!r.conversationId && !reportsCache(r)) return [];
    const chain = r.conversationId ? `conversation:${r.conversationId}` : `family:${family(r)}`;
    const c = r.reported;
    const known = this.chains.get(chain);
    // a chain idle for CHAIN_IDLE_MS is as unknown as a swept one (sweeps then change nothing)
    let points = known && r.atMs < known.expiresAtMs ? known.points : undefined;
    let p = c ? c.read + c.write5m + c.write1h : 0;
    if (p === 0 && points?.length) {
      // a miss that reported nothing: its conversation's longest known prefix, if it fits
      const last = points[points.length - 1]!;
      if (last <= r.inputTokens) p = last;
    }
    if (p === 0) return [];
    const warm = !points && c !== undefined && c.read > 0;
    // the chain's first request read a prefix cached before the log: that prefix is a block of its own
    if (!points) {
      points = warm && c.read < p ? [c.read] : [];
      this.chains.set(chain, { points, expiresAtMs: r.atMs + CHAIN_IDLE_MS }, r.atMs);
    } else known!.expiresAtMs = Math.max(known!.expiresAtMs, r.atMs + CHAIN_IDLE_MS);
    const blocks: PrefixBlock[] = [];
    let prev = 0;
    for (const q of points) {
      if (q > p) break;
      blocks.push({ key: `${chain}@${q}`, tokens: q - prev, kind: 'history' });
      prev = q;
    }
    if (prev < p) {
      blocks.push({ key: `${chain}@${p}`, tokens: p - prev, kind: 'history' });
      // keep the chain's points sorted: a shorter prefix (another branch) starts again from here
      if (p > (points[points.length - 1] ?? 0)) points.push(p);
    }
    if (blocks[0]) {
      blocks[0].kind = 'system';
      if (warm) blocks[0].warm = true;
    }
    return blocks;
  }
}

/** Whether the log reports cache reads or writes for a request (SimRequest.reported: no stage changes it). */
export function reportsCache(r: SimRequest): boolean {
  return totalCached(r.reported) > 0;
}

/**
 * A key that two prefix-less requests whose inferred prefixes could share a chain have in common,
 * read on the request the log gave (the state key of a split run, engine/partition.ts): the
 * conversation, else (for a request that reports cache counts: PrefixReconstructor infers nothing
 * for one without either) the prompt version, else the feature, else one key for all (the
 * family's last fallback, the model, may be changed by an earlier stage). Requests with prefix
 * blocks, or with neither a conversation nor cache counts: undefined.
 */
export function inferredChainKey(r: SimRequest): string | undefined {
  if (r.prefix.length) return undefined;
  if (r.conversationId) return `c:${r.conversationId}`;
  if (!reportsCache(r)) return undefined;
  for (const v of [r.tags.promptVersion, r.tags.feature]) if (v && v !== '(none)') return `v:${v}`;
  return '';
}
