// A CSV or JSON Lines log read for a key-consistent sample (traffic/sample.ts): lines whose sample
// unit is not kept are counted and left unparsed, so a 1% sample parses ~1% of the rows (a JSON
// line's unit is found by walking its top-level members: sampledJsonSkip). Of a CSV, only quote-free
// records are decided before parsing, by the quote-free reader (quotefree.ts: such a record is its fields
// split at the delimiter); from the first record with a quote on, the rest of the file goes through
// csv-parse like any log, and the reader's own filter (on the parsed requests) keeps the same units.
// The scan runs on every line of the log, so it allocates nothing per line: the unit key is found
// and hashed in the line's bytes, and an ASCII key is looked up by its bytes (KeyMemo), never
// decoded. A key with other bytes is decoded and trimmed as the parsed row's is (rare).
import { isJsonSpace } from './json.js';
import { quoteFreeCsvOpen, quoteFreeHeader, type LineSkip } from './quotefree.js';
import type { OpenedLog } from './source.js';
import { fnv1a32Bytes } from '../../shared/hash.js';
import { withRoom } from '../../shared/typed.js';
import { MEMO_KEYS, MemoWorth, type SampleFilter, sampleBucketAt } from '../sample.js';

/** What the sampled reader is told by the log reader once the preset is known. */
export interface LineSampler {
  /**
   * header indices of the unit column's candidate fields, then of request_id's (the unit's
   * fallback); until set (the first records, read to detect the preset) every line is parsed
   */
  columns?: { unit: number[]; id: number[] };
  /**
   * a JSON Lines log's: the unit column's candidate fields, then request_id's, as top-level names
   * (null: a nested path, which the scan cannot read, so a line that needs it is parsed); until set
   * every line is parsed
   */
  jsonFields?: { unit: (string | null)[]; id: (string | null)[] };
  /**
   * a Parquet log's: the top-level columns a row's unit is read from (the unit's and request_id's),
   * and whether the row whose values of them are `fields` (as the row reader takes them) is in the
   * sample; until set every row is built whole (parquet.ts)
   */
  rows?: { columns: string[]; keep: (fields: Record<string, unknown>, line: number) => boolean };
  /** whether the unit key whose bytes are buf[from, to) (ASCII, trimmed; `hash`: their keyHash) is in the sample */
  keep(buf: Buffer, from: number, to: number, hash: number): boolean;
  /** the same for a key with non-ASCII text (decoded and trimmed, as a parsed row's) */
  keepText(key: string): boolean;
  /** lines left out unparsed */
  dropped: number;
}

/** The line sampler of a sample: its decisions memoised by the key's bytes (a key is hashed once). */
export function lineSampler(sample: SampleFilter): LineSampler {
  const memo = new KeyMemo();
  const worth = new MemoWorth();
  return {
    dropped: 0,
    keep: (buf, from, to, hash) => {
      if (!worth.on) return sampleBucketAt(buf, from, to) < sample.rate.basisPoints;
      let k = memo.get(buf, from, to, hash);
      if (k >= 0) worth.hit();
      else {
        memo.set(buf, from, to, (k = sampleBucketAt(buf, from, to) < sample.rate.basisPoints ? 1 : 0));
        worth.miss();
      }
      return k === 1;
    },
    keepText: (key) => sample.keepsKey(key),
  };
}

/** Whether a CSV log starting with `head` (decoded text) can be read by sampledCsvOpen. */
export const sampledHeaderOk = (head: string): boolean => quoteFreeHeader(head);

/** A CSV log whose unsampled lines are skipped unparsed (the header passed sampledHeaderOk). */
export function sampledCsvOpen(
  chunks: AsyncIterable<Buffer>,
  shownAs: string,
  gzip: boolean,
  delimiter: string,
  sampler: LineSampler,
): Promise<Omit<OpenedLog, 'position'>> {
  return quoteFreeCsvOpen(chunks, shownAs, gzip, delimiter, 1, sampledSkip(sampler, delimiter));
}

/** String.prototype.trim's ASCII whitespace: tab, LF, VT, FF, CR and space */
const space = (c: number): boolean => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** FNV-1a of buf[from, to) as a slot key: signed, never 0 (0 marks an empty slot) */
function keyHash(buf: Uint8Array, from: number, to: number): number {
  return fnv1a32Bytes(buf, from, to) | 0 || 1;
}

/**
 * The verdict on a unit key whose bytes are buf[i, j) as the line holds them (h: their FNV-1a as
 * scanned, signed; high: their bytes OR'ed): trimmed as the parsed row's string is trimmed, then
 * looked up. -1: blank (a parsed row reads it as absent: columns.ts present), 1: in the sample, 0: out.
 */
function verdict(sampler: LineSampler, buf: Buffer, i: number, j: number, h: number, high: number): number {
  if (high >= 0x80) {
    // UTF-8 text: trimmed and hashed as the parsed row's string (Unicode spaces, U+FFFD for bad bytes)
    const text = buf.toString('utf8', i, j).trim();
    return text === '' ? -1 : sampler.keepText(text) ? 1 : 0;
  }
  if (j > i && (space(buf[i]!) || space(buf[j - 1]!))) {
    while (i < j && space(buf[i]!)) i++;
    while (j > i && space(buf[j - 1]!)) j--;
    h = keyHash(buf, i, j);
  } else if (h === 0) h = 1;
  if (j <= i) return -1;
  return sampler.keep(buf, i, j, h) ? 1 : 0;
}

/** The quote-free reader's skip rule for a sample: a line whose unit key is outside it (counted as dropped). */
export function sampledSkip(sampler: LineSampler, delimiter: string): LineSkip {
  const delim = delimiter.charCodeAt(0);
  /** field k of the line buf[from, to): its verdict, or -2 when the line has no such field */
  const fieldIn = (buf: Buffer, from: number, to: number, k: number): number => {
    let i = from;
    for (let f = 0; f < k; f++) {
      while (i < to && buf[i] !== delim) i++;
      if (i >= to) return -2;
      i++;
    }
    // the field's end, whether it is ASCII, and its hash (the common case: nothing to trim), in one pass
    let j = i;
    let high = 0;
    // keyHash, computed as the bytes are scanned (fnv1a32Bytes inlined: this runs on every line)
    let h = 0x811c9dc5;
    for (let c: number; j < to && (c = buf[j]!) !== delim; j++) {
      high |= c;
      h = Math.imul(h ^ c, 0x01000193);
    }
    return verdict(sampler, buf, i, j, h, high);
  };
  return (buf, from, to) => {
    const cols = sampler.columns;
    if (!cols) return false;
    // the unit key of the line, else its request id; a line with neither is parsed
    let v = -1;
    for (let c = 0; c < cols.unit.length && v < 0; c++) v = fieldIn(buf, from, to, cols.unit[c]!);
    for (let c = 0; c < cols.id.length && v < 0; c++) v = fieldIn(buf, from, to, cols.id[c]!);
    if (v !== 0) return false;
    sampler.dropped++;
    return true;
  };
}

/**
 * The JSON Lines reader's skip rule for a sample: a line that is one flat-enough JSON object whose
 * unit key (a top-level string field) is outside the sample. The line's top-level members are
 * walked in its bytes (values skipped, nested ones by depth, strings by their escapes); the unit
 * is the first of its candidate fields that is present, as a parsed row picks it, else the request
 * id. Whatever the walk cannot decide exactly as JSON.parse would read the line is left to the
 * parser and the filter after it: a line that is not an object, a key or a deciding value with an
 * escape, a deciding value that is not a string (a number, an object), a nested candidate field, a
 * top-level array under a page's key (json.ts WRAPPER_KEYS), nesting deeper than the limit. The
 * last of repeated keys wins, as in JSON.parse.
 */
export function sampledJsonSkip(sampler: LineSampler, wrapperKeys: readonly string[], maxDepth: number): LineSkip {
  const wrappers = wrapperKeys.map((k) => Buffer.from(k));
  // the fields asked for, as bytes, and what the walk found for each: 0 absent, 1 a string
  // (from[], to[], hash[], high[]), 2 null, 3 anything else or a string with an escape
  let names: Buffer[] = [];
  let order: (number | null)[] = [];
  let shape: LineSampler['jsonFields'];
  let found = new Uint8Array(0);
  let vFrom = new Int32Array(0);
  let vTo = new Int32Array(0);
  let vHash = new Int32Array(0);
  let vHigh = new Int32Array(0);
  const setUp = (f: NonNullable<LineSampler['jsonFields']>): void => {
    shape = f;
    const all = [...f.unit, ...f.id];
    const distinct = [...new Set(all.filter((n): n is string => n !== null))];
    names = distinct.map((n) => Buffer.from(n));
    order = all.map((n) => (n === null ? null : distinct.indexOf(n)));
    found = new Uint8Array(names.length);
    vFrom = new Int32Array(names.length);
    vTo = new Int32Array(names.length);
    vHash = new Int32Array(names.length);
    vHigh = new Int32Array(names.length);
  };
  /** whether buf[a, a + w.length) is w (compared here: Buffer.compare's checks cost more than the bytes) */
  const is = (buf: Buffer, a: number, w: Buffer): boolean => {
    for (let i = 0; i < w.length; i++) if (buf[a + i] !== w[i]) return false;
    return true;
  };
  /** which asked-for name (or -2 a page's key) buf[a, b) is, else -1 */
  const nameAt = (buf: Buffer, a: number, b: number): number => {
    const n = b - a;
    for (let k = 0; k < names.length; k++) if (names[k]!.length === n && is(buf, a, names[k]!)) return k;
    for (let k = 0; k < wrappers.length; k++) if (wrappers[k]!.length === n && is(buf, a, wrappers[k]!)) return -2;
    return -1;
  };
  /** walks the object buf[from, to); false when the line must be parsed */
  const walk = (buf: Buffer, from: number, to: number): boolean => {
    found.fill(0);
    let i = from;
    while (i < to && isJsonSpace(buf[i])) i++;
    if (buf[i] !== 0x7b) return false;
    i++;
    while (i < to && isJsonSpace(buf[i])) i++;
    if (buf[i] === 0x7d) i++;
    else
      for (;;) {
        if (buf[i] !== 0x22) return false;
        const ka = ++i;
        while (i < to && buf[i] !== 0x22) if (buf[i++] === 0x5c) return false;
        if (i >= to) return false;
        const slot = nameAt(buf, ka, i);
        if (slot === -2) return false;
        i++;
        while (i < to && isJsonSpace(buf[i])) i++;
        if (buf[i] !== 0x3a) return false;
        i++;
        while (i < to && isJsonSpace(buf[i])) i++;
        const c = buf[i];
        if (c === 0x22) {
          // a string: its bytes, whether it has an escape, and the key's hash as it is scanned
          const va = ++i;
          let h = 0x811c9dc5;
          let high = 0;
          let escaped = false;
          for (let b: number; i < to && (b = buf[i]!) !== 0x22; i++) {
            if (b === 0x5c) {
              escaped = true;
              i++;
              continue;
            }
            high |= b;
            h = Math.imul(h ^ b, 0x01000193);
          }
          if (i >= to) return false;
          if (slot >= 0) {
            found[slot] = escaped ? 3 : 1;
            vFrom[slot] = va;
            vTo[slot] = i;
            vHash[slot] = h;
            vHigh[slot] = high;
          }
          i++;
        } else if (c === 0x7b || c === 0x5b) {
          // a nested value: skipped by depth, its strings by their escapes
          let depth = 0;
          for (; i < to; i++) {
            const b = buf[i]!;
            if (b === 0x22) {
              for (i++; i < to && buf[i] !== 0x22; i++) if (buf[i] === 0x5c) i++;
            } else if (b === 0x7b || b === 0x5b) {
              if (++depth > maxDepth) return false;
            } else if (b === 0x7d || b === 0x5d) {
              if (--depth === 0) break;
            }
          }
          if (i >= to) return false;
          i++;
          if (slot >= 0) found[slot] = 3;
        } else {
          // a number, true, false or null
          const va = i;
          while (i < to && buf[i] !== 0x2c && buf[i] !== 0x7d && !isJsonSpace(buf[i])) i++;
          if (i === va) return false;
          if (slot >= 0)
            found[slot] =
              i - va === 4 && buf[va] === 0x6e && buf[va + 1] === 0x75 && buf[va + 2] === 0x6c && buf[va + 3] === 0x6c
                ? 2
                : 3;
        }
        while (i < to && isJsonSpace(buf[i])) i++;
        if (buf[i] === 0x2c) {
          i++;
          while (i < to && isJsonSpace(buf[i])) i++;
          continue;
        }
        if (buf[i] !== 0x7d) return false;
        i++;
        break;
      }
    while (i < to && isJsonSpace(buf[i])) i++;
    return i === to;
  };
  return (buf, from, to) => {
    const f = sampler.jsonFields;
    if (!f) return false;
    if (f !== shape) setUp(f);
    if (!walk(buf, from, to)) return false;
    // the first candidate present (a string that is not blank) decides; one the walk cannot read exactly, the parser does
    let v = -1;
    for (let c = 0; c < order.length && v < 0; c++) {
      const k = order[c];
      if (k === null || k === undefined) return false;
      const state = found[k]!;
      if (state === 3) return false;
      if (state === 1) v = verdict(sampler, buf, vFrom[k]!, vTo[k]!, vHash[k]!, vHigh[k]!);
    }
    if (v !== 0) return false;
    sampler.dropped++;
    return true;
  };
}

/**
 * Byte strings -> a verdict (0 or 1), open addressing on typed arrays: a lookup takes the bytes'
 * keyHash (FNV-1a) and compares them with the stored ones, with no string made. Cleared when it holds
 * MEMO_KEYS keys: a log's unit keys may be unique per row (request ids) or nearly (conversations), and
 * a table grown with the log cost more in growth and cache misses than the MD5s it saved (~0.2 us a
 * key); lineSampler gives it up as MemoWorth says.
 */
class KeyMemo {
  private slots = 1 << 12;
  private hashes = new Int32Array(this.slots);
  /** per slot: the key's offset in `bytes`, its length, its verdict */
  private at = new Int32Array(this.slots);
  private len = new Int32Array(this.slots);
  private verdict = new Uint8Array(this.slots);
  private bytes = new Uint8Array(1 << 16);
  private used = 0;
  private size = 0;
  /** the last lookup's hash and slot, for set() */
  private h = 0;
  private slot = 0;

  /** the verdict for buf[from, to) (h: its keyHash), or -1 when it is not known */
  get(buf: Uint8Array, from: number, to: number, h: number): number {
    const mask = this.slots - 1;
    const n = to - from;
    for (let s = h & mask; ; s = (s + 1) & mask) {
      const x = this.hashes[s]!;
      if (x === 0) {
        this.h = h;
        this.slot = s;
        return -1;
      }
      if (x === h && this.len[s] === n && this.same(buf, from, this.at[s]!, n)) return this.verdict[s]!;
    }
  }

  /** records the verdict of the key get() just missed */
  set(buf: Uint8Array, from: number, to: number, verdict: number): void {
    const n = to - from;
    const full = this.size >= MEMO_KEYS || this.used + n > MEMO_KEYS * 64;
    if (full || 2 * (this.size + 1) > this.slots) {
      if (full) this.clear();
      else this.grow();
      this.get(buf, from, to, this.h); // the key's slot in the new table
    }
    this.put(this.h, this.slot, buf, from, n, verdict);
  }

  private put(h: number, s: number, buf: Uint8Array, from: number, n: number, verdict: number): void {
    this.bytes = withRoom(this.bytes, this.used, this.used + n);
    // byte by byte: a key is short, and a subarray per key to copy it with set() costs more
    const bytes = this.bytes;
    for (let i = 0; i < n; i++) bytes[this.used + i] = buf[from + i]!;
    this.hashes[s] = h;
    this.at[s] = this.used;
    this.len[s] = n;
    this.verdict[s] = verdict;
    this.used += n;
    this.size++;
  }

  private same(buf: Uint8Array, from: number, at: number, n: number): boolean {
    const b = this.bytes;
    for (let i = 0; i < n; i++) if (buf[from + i] !== b[at + i]) return false;
    return true;
  }

  private grow(): void {
    const { hashes, at, len, verdict } = this;
    this.slots *= 2;
    this.hashes = new Int32Array(this.slots);
    this.at = new Int32Array(this.slots);
    this.len = new Int32Array(this.slots);
    this.verdict = new Uint8Array(this.slots);
    const mask = this.slots - 1;
    for (let i = 0; i < hashes.length; i++) {
      const h = hashes[i]!;
      if (h === 0) continue;
      let s = h & mask;
      while (this.hashes[s] !== 0) s = (s + 1) & mask;
      this.hashes[s] = h;
      this.at[s] = at[i]!;
      this.len[s] = len[i]!;
      this.verdict[s] = verdict[i]!;
    }
  }

  private clear(): void {
    this.hashes.fill(0);
    this.used = 0;
    this.size = 0;
  }
}
