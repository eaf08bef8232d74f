// The strings of one table chunk (model names, ids, prefix keys, tag values), each stored once:
// interned while the chunk is built, then frozen into one UTF-8 byte buffer with offsets, which
// worker threads share without a copy (SharedArrayBuffer) and decode once per chunk.
// Index 0 is reserved for "absent" (undefined), so string columns need no separate presence flag.

/** A frozen pool: string i is bytes[offsets[i] .. offsets[i + 1]) (i >= 1). */
export interface FrozenPool {
  bytes: Uint8Array;
  offsets: Uint32Array;
  /** every byte < 0x80: latin1 decoding is exact and faster than UTF-8 */
  ascii: boolean;
}

export class StringPool {
  private readonly index = new Map<string, number>();
  /** strings[0] stands for undefined */
  readonly strings: string[] = [''];

  /** the index of s, adding it when new; undefined -> 0 */
  intern(s: string | undefined): number {
    if (s === undefined) return 0;
    let i = this.index.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.strings.push(s);
      this.index.set(s, i);
    }
    return i;
  }

  /** add s without looking it up (values that rarely repeat, e.g. request ids: a Map insert each would cost more than it saves) */
  append(s: string): number {
    this.strings.push(s);
    return this.strings.length - 1;
  }

  freeze(shared: boolean): FrozenPool {
    const n = this.strings.length;
    let bytes = 0;
    let ascii = true;
    for (let i = 1; i < n; i++) {
      const s = this.strings[i]!;
      const len = Buffer.byteLength(s, 'utf8');
      if (len !== s.length) ascii = false;
      bytes += len;
    }
    const offsets = new Uint32Array(alloc(shared, 4 * (n + 1)));
    const out = new Uint8Array(alloc(shared, bytes));
    const view = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
    let at = 0;
    for (let i = 1; i < n; i++) {
      offsets[i] = at;
      at += view.write(this.strings[i]!, at, 'utf8');
    }
    offsets[n] = at;
    return { bytes: out, offsets, ascii };
  }
}

export function alloc(shared: boolean, bytes: number): ArrayBuffer | SharedArrayBuffer {
  return shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
}

/** Every string of a frozen pool, decoded (index 0: ''). */
export function decodePool(p: FrozenPool): string[] {
  const n = p.offsets.length - 1;
  const out = new Array<string>(n);
  out[0] = '';
  const view = Buffer.from(p.bytes.buffer, p.bytes.byteOffset, p.bytes.byteLength);
  const enc = p.ascii ? 'latin1' : 'utf8';
  for (let i = 1; i < n; i++) out[i] = view.toString(enc, p.offsets[i]!, p.offsets[i + 1]!);
  return out;
}
