// The strings of one table chunk (model names, ids, prefix keys, tag values), each stored once:
// interned while the chunk is built (their UTF-8 bytes written as they come), then frozen into one UTF-8 byte buffer with offsets, which
// worker threads share without a copy (SharedArrayBuffer) and decode string by string as they use them
// (ChunkView).
// Index 0 is reserved for "absent" (undefined), so string columns need no separate presence flag.
import { withRoom } from '../../shared/typed.js';

/** A frozen pool: string i is bytes[offsets[i] .. offsets[i + 1]) (i >= 1). */
export interface FrozenPool {
  bytes: Uint8Array;
  offsets: Uint32Array;
  /** every byte < 0x80: latin1 decoding is exact and faster than UTF-8 */
  ascii: boolean;
}

export class StringPool {
  /** distinct interned values -> index (only these strings are kept while the chunk is built) */
  private readonly index = new Map<string, number>();
  /**
   * the strings' UTF-8 bytes, written as they come: a chunk's ids would otherwise stay alive as JS
   * strings until it is frozen, each one promoted to the old generation and collected there
   */
  private bytes = new Uint8Array(1 << 16);
  private at = 0;
  /** offsets[i] = where string i starts; index 0 stands for undefined */
  private offsets = new Uint32Array(1 << 12);
  /** strings so far, index 0 included */
  size = 1;
  private ascii = true;

  /** the index of s, adding it when new; undefined -> 0 */
  intern(s: string | undefined): number {
    if (s === undefined) return 0;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.append(s);
      this.index.set(s, i);
    }
    return i;
  }

  /** add s without looking it up (values that rarely repeat, e.g. request ids: a Map insert each would cost more than it saves) */
  append(s: string): number {
    const n = s.length;
    this.bytes = withRoom(this.bytes, this.at, this.at + 3 * n);
    const b = this.bytes;
    let at = this.at;
    let k = 0;
    // ASCII byte by byte (ids and keys are short: cheaper than a call into Buffer.write)
    for (; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c >= 0x80) break;
      b[at++] = c;
    }
    if (k < n) {
      this.ascii = false;
      at += Buffer.from(b.buffer, b.byteOffset, b.byteLength).write(s.slice(k), at, 'utf8');
    }
    const i = this.size++;
    this.offsets = withRoom(this.offsets, i, this.size + 1);
    this.offsets[i] = this.at;
    this.at = at;
    return i;
  }

  freeze(shared: boolean): FrozenPool {
    const n = this.size;
    const offsets = new Uint32Array(alloc(shared, 4 * (n + 1)));
    offsets.set(this.offsets.subarray(0, n));
    offsets[0] = 0;
    offsets[n] = this.at;
    const out = new Uint8Array(alloc(shared, this.at));
    out.set(this.bytes.subarray(0, this.at));
    return { bytes: out, offsets, ascii: this.ascii };
  }
}

export function alloc(shared: boolean, bytes: number): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}
