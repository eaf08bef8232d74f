// Key-consistent sampling: a request is kept when the MD5 of its sample unit (its prefix key, its
// conversation, ...) falls below the rate, so every request of a kept unit is kept and the unit's
// whole arrival stream (its cache state, its retries) is simulated exactly. The rule is one a SQL
// warehouse computes identically (docs/scale.md):
//   bucket(key) = first 4 bytes of md5(UTF-8 key), big-endian, mod 10000;  kept <=> bucket < rate in basis points
// Totals are scaled by 1/rate, so the rate must be 1/N of the whole (1%, 0.5%, 0.1%, ...): scaled
// token counts stay whole numbers and the money stays exact.
import { reportsCache, type SimRequest } from '../engine/request.js';
import { userError } from '../diagnostics.js';
import { md5First32, md5First32Of } from '../shared/hash.js';

/** basis points of the whole */
export const SAMPLE_BUCKETS = 10_000;

export interface SampleRate {
  /** as the user wrote it, e.g. "1%" */
  text: string;
  /** kept buckets out of SAMPLE_BUCKETS */
  basisPoints: number;
  /** 1 / rate: every kept request stands for this many */
  scale: number;
}

/** Units a sample can be drawn by: the canonical column and how a request carries it. */
export const SAMPLE_UNITS = {
  prefix_key: (r: SimRequest): string | undefined => r.prefix[0]?.key,
  conversation_id: (r: SimRequest): string | undefined => r.conversationId,
  request_id: (r: SimRequest): string | undefined => r.id,
  tenant: (r: SimRequest): string | undefined => r.tags.tenant,
} as const;
export type SampleUnit = keyof typeof SAMPLE_UNITS;

/** `1%`, `0.5%` or a fraction `0.01` -> a rate; refused unless it is 1/N of the whole in whole basis points. */
export function parseSampleRate(text: string, where = '--sample'): SampleRate {
  const t = text.trim();
  const m = /^(\d+(?:\.\d+)?)(%?)$/.exec(t);
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN;
  const bp = Math.round(value * SAMPLE_BUCKETS);
  const exact = Math.abs(bp - value * SAMPLE_BUCKETS) < 1e-9;
  if (!m || !(value > 0 && value <= 1) || !exact || SAMPLE_BUCKETS % bp !== 0) {
    throw userError('USAGE', `'${text}' is not a sample rate of the form 1/N`, {
      where,
      hint: 'use a rate whose inverse is a whole number, in steps of 0.01%: 0.1%, 0.5%, 1%, 2%, 5%, 10%, 25%, 50% (the totals are multiplied by 1/rate)',
    });
  }
  return { text: t, basisPoints: bp, scale: SAMPLE_BUCKETS / bp };
}

/** The bucket (0 .. SAMPLE_BUCKETS-1) of a unit key: md5 of its UTF-8 bytes, first 4 bytes big-endian, mod 10000. */
export function sampleBucket(key: string | Uint8Array): number {
  return (typeof key === 'string' ? md5First32Of(key) : md5First32(key, 0, key.length)) % SAMPLE_BUCKETS;
}

/** sampleBucket of the key whose UTF-8 bytes are bytes[from, to) */
export const sampleBucketAt = (bytes: Uint8Array, from: number, to: number): number =>
  md5First32(bytes, from, to) % SAMPLE_BUCKETS;

/**
 * The unit key of a request: its unit column, or its request id when it has none (as the SQL's
 * coalesce(nullif(trim(unit), ''), request_id)).
 */
export function unitKey(r: SimRequest, unit: SampleUnit, unbilledPrefixKey?: string): string {
  const k = (unit === 'prefix_key' && !r.prefix.length ? unbilledPrefixKey : SAMPLE_UNITS[unit](r))?.trim();
  return k ? k : r.id;
}

/**
 * The tag a kept request carries its unit key in (a control character keeps it apart from a log's
 * own columns): strategies copy tags, so every tap can be kept per unit for the band.
 */
export const UNIT_TAG = '\u0001unit';

/** unit keys a memo of sample verdicts holds before it starts over (MemoWorth) */
export const MEMO_KEYS = 1 << 16;

/**
 * Whether a memo of sample verdicts still pays, one rule for SampleFilter's (by string) and the byte
 * scan's (logs/sampled.ts KeyMemo): a key seen before is looked up for far less than its MD5 (~0.2
 * us), but keys unique per row (request ids, line-N) only fill the memo (a Map of them cost ~0.9 us a
 * key in all). Each time MEMO_KEYS keys have missed, a memo that served fewer than a quarter as
 * many hits is given up (its keys are hashed from then on, not remembered); otherwise it starts over.
 */
export class MemoWorth {
  /** false once the memo is given up */
  on = true;
  private hits = 0;
  private misses = 0;

  hit(): void {
    this.hits++;
  }

  /** counts a miss; true when the memo is full and, still worth it, starts over now */
  miss(): boolean {
    if (++this.misses < MEMO_KEYS) return false;
    if (this.hits < MEMO_KEYS / 4) this.on = false;
    this.hits = 0;
    this.misses = 0;
    return this.on;
  }
}

/** Decides per unit key, memoised while keys repeat (a key is then hashed once however many requests carry it). */
export class SampleFilter {
  private readonly memo = new Map<string, boolean>();
  private readonly memoWorth = new MemoWorth();
  /** requests seen and kept */
  seen = 0;
  kept = 0;
  /** per prefix key of kept requests: its unit (null once a second unit has it) and its requests */
  private readonly roots = new Map<string, { unit: string | null; n: number }>();
  private readonly keptIds = new Set<string>();
  private readonly retriesOf: string[] = [];
  /**
   * kept requests sampled by prefix key that have none but a conversation and cache counts: each
   * was sampled alone (by its request id), while prompt-cache infers its prefix along its conversation
   */
  private unkeyedInConversation = 0;

  constructor(
    readonly rate: SampleRate,
    /** set once, before the first request is kept: see decideUnit */
    public unit: SampleUnit,
    /**
     * the unit is the default (the scenario's prefix keys), not the user's: a log without prefix keys
     * but with conversations is sampled by conversation (decideUnit says so through `note`)
     */
    private defaulted = false,
    private readonly note?: (message: string) => void,
  ) {}

  /**
   * Once the log's layout is known (a CSV's header, else its first request): a default unit of
   * prefix keys on a log that has none but has conversations becomes the conversation, where
   * prompt-cache then infers the prefixes (strategies/prompt-cache/infer.ts). Later calls do nothing.
   */
  decideUnit(hasPrefix: boolean, hasConversation: boolean): void {
    if (!this.defaulted) return;
    this.defaulted = false;
    if (this.unit !== 'prefix_key' || hasPrefix || !hasConversation) return;
    this.unit = 'conversation_id';
    this.note?.(
      '--sample: the log has no prefix keys, so whole conversations are sampled (prompt-cache infers their prefixes along them); --sample-by chooses the unit',
    );
  }

  keepsKey(key: string): boolean {
    const worth = this.memoWorth;
    if (!worth.on) return sampleBucket(key) < this.rate.basisPoints;
    const known = this.memo.get(key);
    if (known !== undefined) {
      worth.hit();
      return known;
    }
    const k = sampleBucket(key) < this.rate.basisPoints;
    if (worth.miss() || !worth.on) this.memo.clear();
    if (worth.on) this.memo.set(key, k);
    return k;
  }

  /** `unbilledPrefixKey`: the prefix_key column of a call that bills nothing (logs/row.ts), which has no prefix */
  keeps(r: SimRequest, unbilledPrefixKey?: string): boolean {
    this.seen++;
    if (this.defaulted)
      this.decideUnit(r.prefix.length > 0 || unbilledPrefixKey !== undefined, r.conversationId !== undefined);
    const unit = unitKey(r, this.unit, unbilledPrefixKey);
    if (!this.keepsKey(unit)) return false;
    this.kept++;
    r.tags[UNIT_TAG] = unit;
    // state the unit might not hold whole: a prefix key seen in two units, a retry of an unsampled call
    const root = r.prefix[0]?.key;
    if (root === undefined && this.unit === 'prefix_key' && r.conversationId && reportsCache(r))
      this.unkeyedInConversation++;
    if (root !== undefined && this.unit !== 'prefix_key') {
      const at = this.roots.get(root);
      if (!at) this.roots.set(root, { unit, n: 1 });
      else {
        at.n++;
        if (at.unit !== unit) at.unit = null;
      }
    }
    this.keptIds.add(r.id);
    if (r.retryOf !== undefined) this.retriesOf.push(r.retryOf);
    return true;
  }

  /**
   * after the read: kept requests on prefix keys that other units share, kept retries whose original
   * was left out, kept requests of a conversation sampled without it (unkeyedInConversation)
   */
  crossings(): { sharedPrefix: number; brokenRetries: number; unkeyedInConversation: number } {
    let sharedPrefix = 0;
    for (const r of this.roots.values()) if (r.unit === null) sharedPrefix += r.n;
    return {
      sharedPrefix,
      brokenRetries: this.retriesOf.filter((id) => !this.keptIds.has(id)).length,
      unkeyedInConversation: this.unkeyedInConversation,
    };
  }

  /** the source with only the kept requests, in order */
  async *filter(source: AsyncIterable<SimRequest[]> | Iterable<SimRequest[]>): AsyncGenerator<SimRequest[]> {
    for await (const batch of source as AsyncIterable<SimRequest[]>) {
      const out = batch.filter((r) => this.keeps(r));
      if (out.length) yield out;
    }
  }
}
