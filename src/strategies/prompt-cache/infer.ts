// Cacheable prefixes inferred from a log's own cache counts, for a log without prefix columns (most
// exports): the cache audit compares them with what the provider did, and the prompt-cache step
// could re-simulate them.
import type { PrefixBlock, SimRequest } from '../../engine/request.js';

/**
 * The cacheable prefix a request showed its provider, when the log has no prefix columns: reads +
 * writes (the provider's own statement of what was cached), or, for a request that reports neither,
 * the longest prefix its conversation (else its family) reported before, if its input covers it.
 * Successive prefixes of one chain extend each other (a conversation grows), so blocks are the
 * chain's points: key `chain@tokens` names the prefix up to `tokens` (cumulative by construction).
 */
export class PrefixReconstructor {
  private readonly chains = new Map<string, number[]>();

  prefix(r: SimRequest, chain: string): PrefixBlock[] {
    const c = r.cached;
    let points = this.chains.get(chain);
    let p = c ? c.read + c.write5m + c.write1h : 0;
    if (p === 0 && points?.length) {
      // a miss that reported nothing: its conversation's longest known prefix, if it fits
      const last = points[points.length - 1]!;
      if (last <= r.inputTokens) p = last;
    }
    if (p === 0) return [];
    if (!points) this.chains.set(chain, (points = []));
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
    if (blocks[0]) blocks[0].kind = 'system';
    return blocks;
  }
}

/**
 * The chain a prefix-less request's inferred prefix extends: its conversation, else its family
 * (`family`: the first of the family dimensions with a value, else the model).
 */
export function chainOf(r: SimRequest, family: (r: SimRequest) => string): string {
  return r.conversationId ? `conversation:${r.conversationId}` : `family:${family(r)}`;
}
