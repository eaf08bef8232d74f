// A chunk of the in-memory request table: up to CHUNK_ROWS source requests as typed-array columns
// over SharedArrayBuffers (worker threads read them without a copy) and one string pool. A log is
// read and checked once into chunks; every configuration of a sweep, every Monte Carlo run and
// every partition of a parallel run then materialises its requests from them (ChunkView).
//
// Bytes per request (bench log): atMs 8, line/model/id/retry/conversation/input/output 4 each,
// tier and flags 1 each, one prefix block 9 + its start 4, 4 per tag column, plus the pool's
// strings (ids ~8, interned values once): about 75 B. Optional columns (history, reasoning,
// cached, quality, a log's audio, image, web search and cache storage) take no memory until a
// request has a value for them.
import { newTags, type PrefixBlock, type SimRequest } from '../../engine/request.js';
import { TIERS, type Tier } from '../../pricing/pricebook.js';
import { withRoom } from '../../shared/typed.js';
import { alloc, type FrozenPool, StringPool } from './strings.js';

export const CHUNK_ROWS = 65_536;
/** one-block prefixes a lasting memo holds before it starts again (the reader's systemPrefix keeps as many) */
const LASTING_PREFIXES = 65_536;

const KINDS = [undefined, 'system', 'history', 'message', 'block'] as const;
const KIND_CODE: Record<string, number> = { system: 1, history: 2, message: 3, block: 4 };
const TIER_CODE = new Map<string, number>(TIERS.map((t, i) => [t, i]));

/** request flags (one byte) */
const F = { batchable: 1, error: 2, cached: 4, answersSet: 8, answers: 16 } as const;

/** A frozen chunk: plain data (typed arrays, strings), so postMessage shares it with a worker. */
export interface Chunk {
  rows: number;
  atMs: Float64Array;
  /** 0 = no line */
  line: Uint32Array;
  model: Uint32Array;
  tier: Uint8Array;
  input: Uint32Array;
  output: Uint32Array;
  flags: Uint8Array;
  /** pool indices; 0 = undefined */
  id: Uint32Array;
  retryOf: Uint32Array;
  conversation: Uint32Array;
  /** absent: every request has 0 */
  history?: Uint32Array;
  /** absent: undefined for every request; -1 = undefined */
  reasoning?: Int32Array;
  /** absent: no request carries cached counts */
  cacheRead?: Uint32Array;
  cacheWrite5m?: Uint32Array;
  cacheWrite1h?: Uint32Array;
  /** absent: undefined for every request; NaN = undefined */
  quality?: Float64Array;
  /** a log's audio, image and web search counts; absent: undefined for every request, 0 = undefined */
  audioIn?: Uint32Array;
  audioOut?: Uint32Array;
  imageIn?: Uint32Array;
  webSearch?: Uint32Array;
  /** cached.storageTokenSeconds (token-seconds of cache storage billed); absent: none, NaN = undefined */
  storage?: Float64Array;
  /** request i's blocks are blocks[prefixStart[i] .. prefixStart[i + 1]) */
  prefixStart: Uint32Array;
  blockKey: Uint32Array;
  blockTokens: Uint32Array;
  blockKind: Uint8Array;
  /** one column per tag name (pool indices, 0 = tag absent), in order of first appearance */
  tagNames: string[];
  tags: Uint32Array[];
  pool: FrozenPool;
}

/** The request cannot be held in the table's columns (a count beyond 32 bits): read it streaming. */
export class TableUnfit extends Error {}

const u32 = (v: number, what: string): number => {
  if (!(Number.isInteger(v) && v >= 0 && v <= 0xffff_ffff)) throw new TableUnfit(`${what} ${v} does not fit the table`);
  return v;
};

/** Appends requests to columns of CHUNK_ROWS capacity; freeze() hands over the chunk. */
export class ChunkBuilder {
  rows = 0;
  private readonly pool = new StringPool();
  private readonly atMs: Float64Array;
  private readonly line: Uint32Array;
  private readonly model: Uint32Array;
  private readonly tier: Uint8Array;
  private readonly input: Uint32Array;
  private readonly output: Uint32Array;
  private readonly flags: Uint8Array;
  private readonly id: Uint32Array;
  private readonly retryOf: Uint32Array;
  private readonly conversation: Uint32Array;
  private history?: Uint32Array;
  private reasoning?: Int32Array;
  private cacheRead?: Uint32Array;
  private cacheWrite5m?: Uint32Array;
  private cacheWrite1h?: Uint32Array;
  private quality?: Float64Array;
  private audioIn?: Uint32Array;
  private audioOut?: Uint32Array;
  private imageIn?: Uint32Array;
  private webSearch?: Uint32Array;
  private storage?: Float64Array;
  private readonly prefixStart: Uint32Array;
  private blocks = 0;
  private blockKey = new Uint32Array(CHUNK_ROWS);
  private blockTokens = new Uint32Array(CHUNK_ROWS);
  private blockKind = new Uint8Array(CHUNK_ROWS);
  private readonly tagNames: string[] = [];
  private readonly tagIndex = new Map<string, number>();
  private readonly tags: Uint32Array[] = [];
  /** columns of a chunk handed back, zeroed when taken: the tags and optional counts of this one (0 = absent) */
  private readonly spare: Uint32Array[] = [];

  /**
   * `reuse`: a chunk built here, sent and handed back (stream.ts), whose column memory this one
   * takes instead of allocating its own: a stream of chunks then keeps a few in use rather than
   * leaving one of ~4 MB of garbage per 65K rows for the garbage collector to find
   */
  constructor(reuse?: Chunk) {
    this.atMs = sized(reuse?.atMs) ?? new Float64Array(alloc(true, 8 * CHUNK_ROWS));
    this.line = sized(reuse?.line) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
    this.model = sized(reuse?.model) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
    this.tier = sized(reuse?.tier) ?? new Uint8Array(alloc(true, CHUNK_ROWS));
    this.input = sized(reuse?.input) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
    this.output = sized(reuse?.output) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
    this.flags = sized(reuse?.flags) ?? new Uint8Array(alloc(true, CHUNK_ROWS));
    this.id = sized(reuse?.id) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
    this.retryOf = sized(reuse?.retryOf) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
    this.conversation = sized(reuse?.conversation) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
    this.prefixStart = sized(reuse?.prefixStart) ?? new Uint32Array(alloc(true, 4 * (CHUNK_ROWS + 1)));
    if (reuse)
      for (const col of [
        ...reuse.tags,
        reuse.history,
        reuse.cacheRead,
        reuse.cacheWrite5m,
        reuse.cacheWrite1h,
        reuse.audioIn,
        reuse.audioOut,
        reuse.imageIn,
        reuse.webSearch,
      ])
        if (col?.length === CHUNK_ROWS) this.spare.push(col);
  }

  /** a zeroed column of CHUNK_ROWS: a spare one, or new */
  private zeros32(): Uint32Array {
    return this.spare.pop()?.fill(0) ?? new Uint32Array(alloc(true, 4 * CHUNK_ROWS));
  }

  get full(): boolean {
    return this.rows === CHUNK_ROWS;
  }

  /** estimated bytes held (for the memory budget) */
  get bytes(): number {
    return CHUNK_ROWS * 40 + this.blocks * 9 + this.tags.length * 4 * CHUNK_ROWS + this.pool.size * 24;
  }

  add(r: SimRequest): void {
    const i = this.rows;
    this.atMs[i] = r.atMs;
    this.line[i] = r.line === undefined ? 0 : u32(r.line, 'line');
    this.model[i] = this.pool.intern(r.model);
    this.tier[i] = TIER_CODE.get(r.serviceTier)!;
    this.input[i] = u32(r.inputTokens, 'inputTokens');
    this.output[i] = u32(r.outputTokens, 'outputTokens');
    let f = 0;
    if (r.batchable) f |= F.batchable;
    if (r.status === 'error') f |= F.error;
    if (r.answers !== undefined) f |= r.answers ? F.answersSet | F.answers : F.answersSet;
    this.id[i] = this.pool.append(r.id);
    this.retryOf[i] = this.pool.intern(r.retryOf);
    // conversations are many and short-lived (a few requests each): appended, a Map insert each would cost more than it saves
    this.conversation[i] = r.conversationId === undefined ? 0 : this.pool.append(r.conversationId);
    if (r.historyTokens !== 0) (this.history ??= this.zeros32())[i] = u32(r.historyTokens, 'historyTokens');
    if (r.reasoningTokens !== undefined) {
      this.reasoning ??= new Int32Array(alloc(true, 4 * CHUNK_ROWS)).fill(-1);
      this.reasoning[i] = u32(r.reasoningTokens, 'reasoningTokens') > 0x7fff_ffff ? unfit() : r.reasoningTokens;
    }
    if (r.cached) {
      f |= F.cached;
      (this.cacheRead ??= this.zeros32())[i] = u32(r.cached.read, 'cached read');
      (this.cacheWrite5m ??= this.zeros32())[i] = u32(r.cached.write5m, 'cached write5m');
      (this.cacheWrite1h ??= this.zeros32())[i] = u32(r.cached.write1h, 'cached write1h');
      if (r.cached.storageTokenSeconds !== undefined) (this.storage ??= nans())[i] = r.cached.storageTokenSeconds;
    }
    if (r.quality !== undefined) (this.quality ??= nans())[i] = r.quality;
    // a log's counts: the reader leaves a 0 undefined, so 0 stands for undefined
    if (r.audioInputTokens) (this.audioIn ??= this.zeros32())[i] = u32(r.audioInputTokens, 'audioInputTokens');
    if (r.audioOutputTokens) (this.audioOut ??= this.zeros32())[i] = u32(r.audioOutputTokens, 'audioOutputTokens');
    if (r.imageInputTokens) (this.imageIn ??= this.zeros32())[i] = u32(r.imageInputTokens, 'imageInputTokens');
    if (r.webSearchCalls) (this.webSearch ??= this.zeros32())[i] = u32(r.webSearchCalls, 'webSearchCalls');
    this.flags[i] = f;
    const p = r.prefix;
    const need = this.blocks + p.length;
    if (need > this.blockKey.length) {
      this.blockKey = withRoom(this.blockKey, this.blocks, need);
      this.blockTokens = withRoom(this.blockTokens, this.blocks, need);
      this.blockKind = withRoom(this.blockKind, this.blocks, need);
    }
    for (let b = 0; b < p.length; b++) {
      const blk = p[b]!;
      this.blockKey[this.blocks] = this.pool.intern(blk.key);
      this.blockTokens[this.blocks] = u32(blk.tokens, 'prefix block tokens');
      this.blockKind[this.blocks++] = blk.kind === undefined ? 0 : KIND_CODE[blk.kind]!;
    }
    this.prefixStart[i + 1] = this.blocks;
    for (const name in r.tags) {
      let k = this.tagIndex.get(name);
      if (k === undefined) {
        k = this.tags.length;
        this.tagIndex.set(name, k);
        this.tagNames.push(name);
        this.tags.push(this.zeros32());
      }
      this.tags[k]![i] = this.pool.intern(r.tags[name]);
    }
    this.rows++;
  }

  freeze(): Chunk {
    const n = this.blocks;
    const blockKey = new Uint32Array(alloc(true, 4 * n));
    blockKey.set(this.blockKey.subarray(0, n));
    const blockTokens = new Uint32Array(alloc(true, 4 * n));
    blockTokens.set(this.blockTokens.subarray(0, n));
    const blockKind = new Uint8Array(alloc(true, n));
    blockKind.set(this.blockKind.subarray(0, n));
    return {
      rows: this.rows,
      atMs: this.atMs,
      line: this.line,
      model: this.model,
      tier: this.tier,
      input: this.input,
      output: this.output,
      flags: this.flags,
      id: this.id,
      retryOf: this.retryOf,
      conversation: this.conversation,
      ...(this.history ? { history: this.history } : {}),
      ...(this.reasoning ? { reasoning: this.reasoning } : {}),
      ...(this.cacheRead
        ? { cacheRead: this.cacheRead, cacheWrite5m: this.cacheWrite5m!, cacheWrite1h: this.cacheWrite1h! }
        : {}),
      ...(this.quality ? { quality: this.quality } : {}),
      ...(this.audioIn ? { audioIn: this.audioIn } : {}),
      ...(this.audioOut ? { audioOut: this.audioOut } : {}),
      ...(this.imageIn ? { imageIn: this.imageIn } : {}),
      ...(this.webSearch ? { webSearch: this.webSearch } : {}),
      ...(this.storage ? { storage: this.storage } : {}),
      prefixStart: this.prefixStart,
      blockKey,
      blockTokens,
      blockKind,
      tagNames: this.tagNames,
      tags: this.tags,
      pool: this.pool.freeze(true),
    };
  }
}

/**
 * a column of a chunk handed back, when it has the size of a new one; not cleared: add() writes its
 * value of every row it adds, and only those rows are read (prefixStart[0], never written, stays 0)
 */
function sized<T extends Uint8Array | Uint32Array | Float64Array>(col: T | undefined): T | undefined {
  return col && col.length >= CHUNK_ROWS ? col : undefined;
}
function nans(): Float64Array {
  return new Float64Array(alloc(true, 8 * CHUNK_ROWS)).fill(NaN);
}
function unfit(): never {
  throw new TableUnfit('reasoningTokens do not fit the table');
}

/** Bytes a frozen chunk holds (typed arrays and the pool). */
export function chunkBytes(c: Chunk): number {
  let b = c.pool.bytes.byteLength + c.pool.offsets.byteLength;
  for (const v of Object.values(c)) if (ArrayBuffer.isView(v)) b += v.byteLength;
  for (const t of c.tags) b += t.byteLength;
  return b;
}

/**
 * Requests from a chunk, as the source gave them (field order of makeRequest, so they share the
 * reader's hidden class). Pool strings are decoded once per view; prefix arrays of one block and
 * tag objects are shared between requests that have the same ones: strategies never change the
 * request, its prefix or its tags in place (they copy: engine/request.ts copyRequest).
 */
export class ChunkView {
  /** pool strings decoded so far (a view over part of the rows decodes only the strings they use) */
  private readonly strings: (string | undefined)[];
  private readonly bytes: Buffer;
  private readonly enc: 'latin1' | 'utf8';
  private readonly tierOf: Tier[] = TIERS.slice();
  private readonly prefixMemo = new Map<number, PrefixBlock[]>();
  private readonly tagMemo = new Map<number, Record<string, string>>();
  /** tag objects can be memoised by a number when there are at most 3 tag columns and < 2^17 strings */
  private readonly tagKeyed: boolean;

  constructor(
    readonly chunk: Chunk,
    /**
     * one-block prefixes by key, kept across the chunks of a stream (stream.ts), as the reader keeps
     * them across a log: a request's prefix is then the same array in every chunk, which the
     * strategies' memos (keyed by the array) find again, instead of one array per key per chunk
     */
    private readonly prefixes?: Map<string, PrefixBlock[]>,
  ) {
    const p = chunk.pool;
    this.strings = new Array<string | undefined>(p.offsets.length - 1);
    this.bytes = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
    this.enc = p.ascii ? 'latin1' : 'utf8';
    this.tagKeyed = chunk.tags.length <= 3 && this.strings.length < 1 << 17;
  }

  /** pool string k (k >= 1), decoded on first use */
  str(k: number): string {
    let s = this.strings[k];
    if (s === undefined) {
      const o = this.chunk.pool.offsets;
      s = this.strings[k] = this.bytes.toString(this.enc, o[k]!, o[k + 1]!);
    }
    return s;
  }

  /**
   * pool string k (k >= 1) decoded and not kept: a request or conversation id is appended once per
   * row, so nothing asks for it again (kept, a chunk's 65K of them outlived the young generation)
   */
  private once(k: number): string {
    const o = this.chunk.pool.offsets;
    return this.strings[k] ?? this.bytes.toString(this.enc, o[k]!, o[k + 1]!);
  }

  request(i: number): SimRequest {
    const c = this.chunk;
    const f = c.flags[i]!;
    const line = c.line[i]!;
    const reasoning = c.reasoning ? c.reasoning[i]! : -1;
    const quality = c.quality ? c.quality[i]! : NaN;
    const cached = f & F.cached ? this.cached(i) : undefined;
    // every field, in makeRequest's order (one hidden class with the reader's requests and their copies)
    return {
      id: this.once(c.id[i]!),
      atMs: c.atMs[i]!,
      model: this.str(c.model[i]!),
      serviceTier: this.tierOf[c.tier[i]!]!,
      inputTokens: c.input[i]!,
      outputTokens: c.output[i]!,
      reasoningTokens: reasoning < 0 ? undefined : reasoning,
      audioInputTokens: c.audioIn?.[i] || undefined,
      audioOutputTokens: c.audioOut?.[i] || undefined,
      imageInputTokens: c.imageIn?.[i] || undefined,
      webSearchCalls: c.webSearch?.[i] || undefined,
      historyTokens: c.history ? c.history[i]! : 0,
      prefix: this.prefix(i),
      cached,
      reported: cached,
      batchable: (f & F.batchable) !== 0,
      status: f & F.error ? 'error' : 'ok',
      retryOf: c.retryOf[i] ? this.str(c.retryOf[i]!) : undefined,
      conversationId: c.conversation[i] ? this.once(c.conversation[i]!) : undefined,
      tags: this.tagsOf(i),
      quality: Number.isNaN(quality) ? undefined : quality,
      answers: f & F.answersSet ? (f & F.answers) !== 0 : undefined,
      line: line === 0 ? undefined : line,
    };
  }

  private cached(i: number): NonNullable<SimRequest['cached']> {
    const c = this.chunk;
    const read = c.cacheRead![i]!;
    const write5m = c.cacheWrite5m![i]!;
    const write1h = c.cacheWrite1h![i]!;
    const storage = c.storage ? c.storage[i]! : NaN;
    return Number.isNaN(storage)
      ? { read, write5m, write1h }
      : { read, write5m, write1h, storageTokenSeconds: storage };
  }

  private prefix(i: number): PrefixBlock[] {
    const c = this.chunk;
    const from = c.prefixStart[i]!;
    const to = c.prefixStart[i + 1]!;
    if (to === from) return [];
    if (to === from + 1) {
      // one block (a log's prefix_key/prefix_tokens): shared by every request with the same one
      const memoKey = c.blockKey[from]! * 8 + c.blockKind[from]!;
      const hit = this.prefixMemo.get(memoKey);
      if (hit && hit[0]!.tokens === c.blockTokens[from]) return hit;
      const one = this.prefixes ? this.lasting(from) : [this.block(from)];
      this.prefixMemo.set(memoKey, one);
      return one;
    }
    const out = new Array<PrefixBlock>(to - from);
    for (let b = from; b < to; b++) out[b - from] = this.block(b);
    return out;
  }

  /** the one-block prefix of block b from the lasting memo, or made and kept there (as the reader's systemPrefix) */
  private lasting(b: number): PrefixBlock[] {
    const memo = this.prefixes!;
    const c = this.chunk;
    const key = this.str(c.blockKey[b]!);
    const hit = memo.get(key);
    if (hit !== undefined && hit[0]!.tokens === c.blockTokens[b] && hit[0]!.kind === KINDS[c.blockKind[b]!]) return hit;
    if (memo.size >= LASTING_PREFIXES) memo.clear();
    const one = [this.block(b)];
    memo.set(key, one);
    return one;
  }

  private block(b: number): PrefixBlock {
    const c = this.chunk;
    const kind = KINDS[c.blockKind[b]!];
    return kind === undefined
      ? { key: this.str(c.blockKey[b]!), tokens: c.blockTokens[b]! }
      : { key: this.str(c.blockKey[b]!), tokens: c.blockTokens[b]!, kind };
  }

  private tagsOf(i: number): Record<string, string> {
    const cols = this.chunk.tags;
    if (this.tagKeyed) {
      let key = 0;
      for (let k = 0; k < cols.length; k++) key += cols[k]![i]! * 2 ** (17 * k);
      const hit = this.tagMemo.get(key);
      if (hit) return hit;
      const t = this.buildTags(i);
      this.tagMemo.set(key, t);
      return t;
    }
    return this.buildTags(i);
  }

  private buildTags(i: number): Record<string, string> {
    const c = this.chunk;
    // a tag set as the reader builds it: a column named __proto__ or constructor is a tag like any other
    const t = newTags();
    for (let k = 0; k < c.tags.length; k++) {
      const v = c.tags[k]![i]!;
      if (v !== 0) t[c.tagNames[k]!] = this.str(v);
    }
    return t;
  }

  /** pool index of request i's first prefix block key (the root every cumulative key extends), 0 when none */
  rootKey(i: number): number {
    const c = this.chunk;
    return c.prefixStart[i + 1]! > c.prefixStart[i]! ? c.blockKey[c.prefixStart[i]!]! : 0;
  }
}
