// How a batch of requests crosses from the reader thread to the simulating one. Structured clone
// of request objects cost ~3 us per request to decode (more than the strategies that follow), so a
// batch goes as one Float64Array (transferred, not copied) of numbers and string ids, the strings
// that repeat (models, tiers, tag names and values, prefix keys) once each in a dictionary both
// sides keep, and the per-row strings (request ids, retry links, conversation ids) as a list.
import { makeRequest, type PrefixBlock, type SimRequest } from '../../engine/request.js';

export interface WireBatch {
  /** fixed part per request (FIXED numbers), then its prefix blocks and tags */
  nums: Float64Array;
  count: number;
  /** per request: its id, then retryOf and conversationId when set */
  strs: string[];
  /** dictionary entries added by this batch (ids continue from the receiver's dictionary) */
  added: string[];
  /** the sender cleared its dictionary before this batch: the receiver clears too */
  reset: boolean;
}

// Every SimRequest field is carried: adding a field to SimRequest fails to compile here until the
// wire format carries it too.
const CARRIED: Record<keyof SimRequest, true> = {
  id: true, atMs: true, model: true, serviceTier: true, inputTokens: true, outputTokens: true, historyTokens: true, prefix: true, cached: true,
  batchable: true, status: true, retryOf: true, conversationId: true, tags: true, quality: true, answers: true, line: true,
};
void CARRIED;

const FIXED = 14;
const F_BATCHABLE = 1;
const F_ERROR = 2;
const F_CACHED = 4;
const F_RETRY = 8;
const F_CONV = 16;
const F_QUALITY = 32;
const F_ANSWERS = 64;
const F_ANSWERS_TRUE = 128;
const F_LINE = 256;
const KINDS = [undefined, 'system', 'history', 'message', 'block'] as const;
const kindCode = (k: PrefixBlock['kind']): number => (k === undefined ? 0 : KINDS.indexOf(k));

/** a dictionary this large is dropped and started again (logs with ever-new prefix keys stay bounded) */
const DICT_LIMIT = 50_000;

export class WireEncoder {
  private dict = new Map<string, number>();
  private added: string[] = [];
  private reset = false;
  private buf = new Float64Array(1 << 16);
  private len = 0;

  private id(s: string): number {
    let i = this.dict.get(s);
    if (i === undefined) {
      i = this.dict.size;
      this.dict.set(s, i);
      this.added.push(s);
    }
    return i;
  }

  private push(v: number): void {
    if (this.len === this.buf.length) {
      const b = new Float64Array(this.buf.length * 2);
      b.set(this.buf);
      this.buf = b;
    }
    this.buf[this.len++] = v;
  }

  encode(batch: SimRequest[]): WireBatch {
    if (this.dict.size > DICT_LIMIT) {
      this.dict = new Map();
      this.reset = true;
    }
    const strs: string[] = [];
    this.len = 0;
    for (const r of batch) {
      const c = r.cached;
      const flags =
        (r.batchable ? F_BATCHABLE : 0) | (r.status === 'error' ? F_ERROR : 0) | (c ? F_CACHED : 0) | (r.retryOf !== undefined ? F_RETRY : 0) | (r.conversationId !== undefined ? F_CONV : 0) |
        (r.quality !== undefined ? F_QUALITY : 0) | (r.answers !== undefined ? F_ANSWERS : 0) | (r.answers === true ? F_ANSWERS_TRUE : 0) | (r.line !== undefined ? F_LINE : 0);
      const tagKeys = Object.keys(r.tags);
      this.push(r.atMs);
      this.push(r.inputTokens);
      this.push(r.outputTokens);
      this.push(r.historyTokens);
      this.push(flags);
      this.push(this.id(r.model));
      this.push(this.id(r.serviceTier));
      this.push(c ? c.read : 0);
      this.push(c ? c.write5m : 0);
      this.push(c ? c.write1h : 0);
      this.push(r.quality ?? 0);
      this.push(r.line ?? 0);
      this.push(r.prefix.length);
      this.push(tagKeys.length);
      for (const b of r.prefix) {
        this.push(this.id(b.key));
        this.push(b.tokens);
        this.push(kindCode(b.kind));
      }
      for (const k of tagKeys) {
        this.push(this.id(k));
        this.push(this.id(r.tags[k]!));
      }
      strs.push(r.id);
      if (r.retryOf !== undefined) strs.push(r.retryOf);
      if (r.conversationId !== undefined) strs.push(r.conversationId);
    }
    const out: WireBatch = { nums: this.buf.slice(0, this.len), count: batch.length, strs, added: this.added, reset: this.reset };
    this.added = [];
    this.reset = false;
    return out;
  }
}

export class WireDecoder {
  private dict: string[] = [];

  decode(w: WireBatch): SimRequest[] {
    if (w.reset) this.dict = [];
    const dict = this.dict;
    for (const s of w.added) dict.push(s);
    const n = w.nums;
    const out: SimRequest[] = new Array(w.count);
    let at = 0;
    let si = 0;
    for (let k = 0; k < w.count; k++) {
      const flags = n[at + 4]!;
      const np = n[at + 12]!;
      const nt = n[at + 13]!;
      const base = at;
      at += FIXED;
      const prefix: PrefixBlock[] = new Array(np);
      for (let i = 0; i < np; i++, at += 3) {
        const kind = KINDS[n[at + 2]!];
        prefix[i] = kind === undefined ? { key: dict[n[at]!]!, tokens: n[at + 1]! } : { key: dict[n[at]!]!, tokens: n[at + 1]!, kind };
      }
      const tags: Record<string, string> = {};
      for (let i = 0; i < nt; i++, at += 2) tags[dict[n[at]!]!] = dict[n[at + 1]!]!;
      const id = w.strs[si++]!;
      out[k] = makeRequest({
        id,
        atMs: n[base]!,
        model: dict[n[base + 5]!]!,
        serviceTier: dict[n[base + 6]!]! as SimRequest['serviceTier'],
        inputTokens: n[base + 1]!,
        outputTokens: n[base + 2]!,
        historyTokens: n[base + 3]!,
        prefix,
        cached: flags & F_CACHED ? { read: n[base + 7]!, write5m: n[base + 8]!, write1h: n[base + 9]! } : undefined,
        batchable: (flags & F_BATCHABLE) !== 0,
        status: flags & F_ERROR ? 'error' : 'ok',
        retryOf: flags & F_RETRY ? w.strs[si++]! : undefined,
        conversationId: flags & F_CONV ? w.strs[si++]! : undefined,
        tags,
        quality: flags & F_QUALITY ? n[base + 10]! : undefined,
        answers: flags & F_ANSWERS ? (flags & F_ANSWERS_TRUE) !== 0 : undefined,
        line: flags & F_LINE ? n[base + 11]! : undefined,
      });
    }
    return out;
  }
}
