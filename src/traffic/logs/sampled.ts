// A CSV log read for a key-consistent sample (traffic/sample.ts): lines whose sample unit is not
// kept are counted and left unparsed, so a 1% sample reads ~1% of the rows. Only quote-free records
// are decided before parsing, by the quote-free reader (quotefree.ts: such a record is its fields
// split at the delimiter); from the first record with a quote on, the rest of the file goes through
// csv-parse like any log, and the reader's own filter (on the parsed requests) keeps the same units.
// The scan runs on every line of the log, so it allocates nothing per line: the unit key is found
// and hashed in the line's bytes, and an ASCII key is looked up by its bytes (KeyMemo), never
// decoded. A key with other bytes is decoded and trimmed as the parsed row's is (rare).
import { quoteFreeCsvOpen, quoteFreeHeader, type LineSkip } from './quotefree.js';
import type { OpenedLog } from './source.js';
import { fnv1a32Bytes } from '../../shared/hash.js';
import { withRoom } from '../../shared/typed.js';
import { type SampleFilter, sampleBucket } from '../sample.js';

/** What the sampled reader is told by the log reader once the preset is known. */
export interface LineSampler {
  /**
   * header indices of the unit column's candidate fields, then of request_id's (the unit's
   * fallback); until set (the first records, read to detect the preset) every line is parsed
   */
  columns?: { unit: number[]; id: number[] };
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
  return {
    dropped: 0,
    keep: (buf, from, to, hash) => {
      let k = memo.get(buf, from, to, hash);
      if (k < 0) memo.set(buf, from, to, (k = sampleBucket(buf.subarray(from, to)) < sample.rate.basisPoints ? 1 : 0));
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

/** The quote-free reader's skip rule for a sample: a line whose unit key is outside it (counted as dropped). */
export function sampledSkip(sampler: LineSampler, delimiter: string): LineSkip {
  const delim = delimiter.charCodeAt(0);
  // what fieldIn found: the key's bytes buf[ka, kb) and their keyHash when ASCII, else its text
  let ka = 0;
  let kb = 0;
  let kh = 0;
  let text: string | undefined;
  /**
   * finds field k of the line buf[from, to) in ka/kb (or text), trimmed; false when the line has no
   * such field or it is blank (a parsed row reads a blank field as absent: columns.ts present)
   */
  const fieldIn = (buf: Buffer, from: number, to: number, k: number): boolean => {
    let i = from;
    for (let f = 0; f < k; f++) {
      while (i < to && buf[i] !== delim) i++;
      if (i >= to) return false;
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
    if (high >= 0x80) {
      // UTF-8 text: trimmed and hashed as the parsed row's string (Unicode spaces, U+FFFD for bad bytes)
      text = buf.toString('utf8', i, j).trim();
      return text !== '';
    }
    text = undefined;
    if (j > i && (space(buf[i]!) || space(buf[j - 1]!))) {
      while (i < j && space(buf[i]!)) i++;
      while (j > i && space(buf[j - 1]!)) j--;
      h = keyHash(buf, i, j);
    } else if (h === 0) h = 1;
    ka = i;
    kb = j;
    kh = h;
    return j > i;
  };
  return (buf, from, to) => {
    const cols = sampler.columns;
    if (!cols) return false;
    // the unit key of the line, else its request id; a line with neither is parsed
    let found = false;
    for (let c = 0; c < cols.unit.length && !found; c++) found = fieldIn(buf, from, to, cols.unit[c]!);
    for (let c = 0; c < cols.id.length && !found; c++) found = fieldIn(buf, from, to, cols.id[c]!);
    if (!found || (text === undefined ? sampler.keep(buf, ka, kb, kh) : sampler.keepText(text))) return false;
    sampler.dropped++;
    return true;
  };
}

/**
 * Byte strings -> a verdict (0 or 1), open addressing on typed arrays: a lookup takes the bytes'
 * keyHash (FNV-1a) and compares them with the stored ones, with no string made. Cleared when it holds
 * 2^20 keys (unit keys unique per row, such as request ids, would grow it with the log).
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
    const full = this.size >= 1 << 20 || this.used + n > 1 << 26;
    if (full || 2 * (this.size + 1) > this.slots) {
      if (full) this.clear();
      else this.grow();
      this.get(buf, from, to, this.h); // the key's slot in the new table
    }
    this.put(this.h, this.slot, buf, from, n, verdict);
  }

  private put(h: number, s: number, buf: Uint8Array, from: number, n: number, verdict: number): void {
    this.bytes = withRoom(this.bytes, this.used, this.used + n);
    this.bytes.set(buf.subarray(from, from + n), this.used);
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
