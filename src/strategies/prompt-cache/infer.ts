// Cacheable prefixes inferred from a log's own cache counts, for a log without prefix columns (most
// exports): the cache audit compares them with what the provider did, and the prompt-cache step
// re-simulates them (a TTL, realism or routing what-if on a log that already caches).
import { dimensionReader } from '../../engine/ledger.js';
import { type PrefixBlock, reportsCache, type SimRequest } from '../../engine/request.js';
import { ExpiringMap } from './expiring.js';

/**
 * A chain idle this long starts again (its points forgotten, so state stays proportional to the live
 * conversations): longer than any cache keeps an entry (OpenAI's extended retention: 24 hours), so a
 * read its next request reports came from something else, as at the start of the log.
 */
export const CHAIN_IDLE_MS = 86_400_000;

interface Chain {
  /** the cumulative prefix lengths the chain has reached, ascending */
  points: number[];
  /** when its last request with a prefix came */
  lastMs: number;
  expiresAtMs: number;
}

/**
 * A family's requests without a conversation id, linked into sessions by their counts: a turn that
 * reads exactly where an earlier turn ended (its reads + writes) continues that turn's session.
 */
interface Session {
  /** block keys of its own part are `name@tokens` */
  name: string;
  /** the family's shared blocks it started from (what its first request read) */
  base: PrefixBlock[];
  /** cumulative lengths its own part has reached, ascending */
  points: number[];
  expiresAtMs: number;
}

/**
 * A session's open end is found for this long: an exact read of it needs its entry alive, and the
 * caches that report writes (explicit caches) keep an entry for at most an hour.
 */
const OPEN_IDLE_MS = 3_600_000;

/**
 * The cacheable prefix a request showed its provider, when the log has no prefix columns: reads +
 * writes as the log reported them (SimRequest.reported: the provider's own statement of what was
 * cached, kept when an earlier stage routed the request elsewhere), or, for a request of a
 * conversation that reports neither, the longest prefix its conversation reported before, if its
 * input covers it (a request without a conversation that reports nothing gets none: it may be short,
 * or uncached on purpose; one that reports counts is linked to its session by them: familyPrefix).
 * Successive prefixes of one chain extend each other, so blocks are the chain's points: key
 * `chain@tokens` names the prefix up to `tokens` (cumulative by construction).
 *
 * A read longer than anything the chain reported before was written by traffic the log does not
 * show as such: before the log began (the chain's first request), or by the chain's previous request,
 * which stored more than it reported (automatic caches report reads only: a turn stores its whole
 * prompt, and the next one's read says how much). The block ending there is a point of its own with
 * `writtenAtMs`: the previous request's time, else the request's own.
 */
export class PrefixReconstructor {
  private readonly chains = new ExpiringMap<Chain>();
  /** `family:F@tokens` -> the session whose last turn ended there */
  private readonly open = new ExpiringMap<Session>();

  /** `family`: the request's family (for a request without a conversation) */
  prefix(r: SimRequest, family: (r: SimRequest) => string): PrefixBlock[] {
    if (!r.conversationId) return reportsCache(r) ? this.familyPrefix(r, `family:${family(r)}`) : [];
    const name = `conversation:${r.conversationId}`;
    const c = r.reported;
    const live = this.liveChain(name, r.atMs);
    let p = c ? c.read + c.write5m + c.write1h : 0;
    if (p === 0 && live?.points.length) {
      // a miss that reported nothing: its conversation's longest known prefix, if it fits
      const last = live.points[live.points.length - 1]!;
      if (last <= r.inputTokens) p = last;
    }
    if (p === 0) return [];
    const read = c?.read ?? 0;
    const { chain, writtenAtMs } = this.advance(name, live, read, r.atMs);
    const { blocks, end } = pointBlocks(name, chain.points, 0, p, read, writtenAtMs);
    if (end < p) {
      blocks.push({ key: `${name}@${p}`, tokens: p - end, kind: 'history' });
      // keep the chain's points sorted: a shorter prefix (another branch) starts again from here
      pushBeyond(chain.points, p);
    }
    blocks[0]!.kind = 'system';
    return blocks;
  }

  /**
   * A request without a conversation id that reports cache counts: what it read continues the
   * session whose last turn ended exactly there, else it is a shared prefix of the family (its points
   * extend each other, as a chain's); what it wrote starts or extends its own session, so turns of
   * different sessions never stand in for each other past what they share.
   */
  private familyPrefix(r: SimRequest, name: string): PrefixBlock[] {
    const c = r.reported!;
    const read = c.read;
    const p = read + c.write5m + c.write1h;
    const now = r.atMs;
    const found = read > 0 ? this.open.get(`${name}@${read}`) : undefined;
    let session = found && now < found.expiresAtMs ? found : undefined;
    let blocks: PrefixBlock[];
    let prev: number;
    if (session) {
      blocks = session.base.map((b) => ({ key: b.key, tokens: b.tokens, kind: b.kind }));
      prev = session.base.reduce((n, b) => n + b.tokens, 0);
    } else {
      // the family's shared part: as a conversation's chain, up to what the request read
      const { chain, writtenAtMs } = this.advance(name, this.liveChain(name, now), read, now);
      ({ blocks, end: prev } = pointBlocks(name, chain.points, 0, read, read, writtenAtMs));
      // a shorter shared read than the points around it: a block of its own
      if (prev < read) {
        blocks.push({ key: `${name}@${read}`, tokens: read - prev, kind: 'history' });
        prev = read;
      }
      if (p === read) {
        blocks[0]!.kind = 'system';
        return blocks;
      }
      session = { name: `${name}~${r.id}`, base: blocks.slice(), points: [], expiresAtMs: 0 };
    }
    const own = pointBlocks(session.name, session.points, prev, p, -1, undefined);
    blocks.push(...own.blocks);
    if (own.end < p) {
      blocks.push({ key: `${session.name}@${p}`, tokens: p - own.end, kind: 'history' });
      pushBeyond(session.points, p);
    }
    session.expiresAtMs = now + OPEN_IDLE_MS;
    if (p > read) this.open.set(`${name}@${p}`, session, now);
    blocks[0]!.kind = 'system';
    return blocks;
  }

  /** the chain `name` if it is live at `now` (one idle for CHAIN_IDLE_MS is as unknown as a swept one, so sweeps change nothing) */
  private liveChain(name: string, now: number): Chain | undefined {
    const known = this.chains.get(name);
    return known && now < known.expiresAtMs ? known : undefined;
  }

  /**
   * A request of the chain `name` (`live`: the chain, if any) at `now` that read `read`: a read beyond
   * the chain becomes a point of its own, written at the chain's last request (or, the chain's first,
   * before the log), and that time is returned.
   */
  private advance(
    name: string,
    live: Chain | undefined,
    read: number,
    now: number,
  ): { chain: Chain; writtenAtMs: number | undefined } {
    const reached = live?.points.length ? live.points[live.points.length - 1]! : 0;
    const writtenAtMs = read > reached ? (live ? live.lastMs : now) : undefined;
    let chain = live;
    if (!chain) {
      chain = { points: [], lastMs: now, expiresAtMs: now + CHAIN_IDLE_MS };
      this.chains.set(name, chain, now);
    }
    chain.expiresAtMs = Math.max(chain.expiresAtMs, now + CHAIN_IDLE_MS);
    chain.lastMs = now;
    if (writtenAtMs !== undefined) chain.points.push(read);
    return { chain, writtenAtMs };
  }
}

/**
 * Blocks `name@q` for the points q in (from, upTo] (the one ending at `read` written at
 * `writtenAtMs`), and where the last ends (`from` when none).
 */
function pointBlocks(
  name: string,
  points: readonly number[],
  from: number,
  upTo: number,
  read: number,
  writtenAtMs: number | undefined,
): { blocks: PrefixBlock[]; end: number } {
  const blocks: PrefixBlock[] = [];
  let end = from;
  for (const q of points) {
    if (q <= from) continue;
    if (q > upTo) break;
    const b: PrefixBlock = { key: `${name}@${q}`, tokens: q - end, kind: 'history' };
    if (q === read && writtenAtMs !== undefined) b.writtenAtMs = writtenAtMs;
    blocks.push(b);
    end = q;
  }
  return { blocks, end };
}

/** adds p to ascending points when it is beyond the last */
function pushBeyond(points: number[], p: number): void {
  if (!points.length || p > points[points.length - 1]!) points.push(p);
}

/**
 * A request's prefix family: the first of `dims` with a value, else its first prefix block's key,
 * else its model's canonical id (`canonical`). The cache audit groups by it; a prefix-less request
 * without a conversation is chained by it.
 */
export function familyReader(dims: readonly string[], canonical: (model: string) => string): (r: SimRequest) => string {
  const readers = dims.map((d) => dimensionReader(d, canonical));
  return (r) => {
    for (const f of readers) {
      const v = f(r);
      if (v !== '(none)' && v !== '') return v;
    }
    return r.prefix[0]?.key ?? canonical(r.model);
  };
}

/**
 * A key that two prefix-less requests whose inferred prefixes could share a chain have in common,
 * read on the request the log gave (the state key of a split run, engine/partition.ts): the
 * conversation, else (for a request that reports cache counts: PrefixReconstructor infers nothing
 * for one without either) the prompt version, else the feature, else one key for all (the
 * family's last fallback is the model's canonical id, which needs the pricing table: aliases of one
 * model are one family). Requests with prefix blocks, or with neither a conversation nor cache
 * counts: undefined.
 */
export function inferredChainKey(r: SimRequest): string | undefined {
  if (r.prefix.length) return undefined;
  if (r.conversationId) return `c:${r.conversationId}`;
  if (!reportsCache(r)) return undefined;
  for (const v of [r.tags.promptVersion, r.tags.feature]) if (v && v !== '(none)') return `v:${v}`;
  return '';
}
