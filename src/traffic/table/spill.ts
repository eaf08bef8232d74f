// Chunks written to a binary spill file when the table outgrows its memory budget, and read back
// one at a time: the same bytes as in memory (each typed array's raw contents, 8-byte aligned), so
// reading a spilled chunk is a file read, not a parse. The file is the run's own temporary file.
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import type { Chunk } from './chunk.js';
import { alloc, type FrozenPool } from './strings.js';

type Typed = Float64Array | Uint32Array | Int32Array | Uint8Array;
const TYPES = { f64: Float64Array, u32: Uint32Array, i32: Int32Array, u8: Uint8Array } as const;
type TypeName = keyof typeof TYPES;

/** Where a chunk lies in the spill file and how to rebuild it. */
export interface SpillRef {
  offset: number;
  rows: number;
  tagNames: string[];
  ascii: boolean;
  /** field name (tags as tag:<k>, the pool as pool.bytes / pool.offsets) -> type and element count, in file order */
  fields: [string, TypeName, number][];
}

const typeName = (a: Typed): TypeName =>
  a instanceof Float64Array ? 'f64' : a instanceof Int32Array ? 'i32' : a instanceof Uint32Array ? 'u32' : 'u8';

const COLUMNS = [
  'atMs',
  'line',
  'model',
  'tier',
  'input',
  'output',
  'flags',
  'id',
  'retryOf',
  'conversation',
  'history',
  'reasoning',
  'cacheRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'quality',
  'audioIn',
  'audioOut',
  'imageIn',
  'webSearch',
  'storage',
  'prefixStart',
  'blockKey',
  'blockTokens',
  'blockKind',
] as const;

function arraysOf(c: Chunk): [string, Typed][] {
  const out: [string, Typed][] = [];
  for (const name of COLUMNS) {
    const a = c[name] as Typed | undefined;
    if (a) out.push([name, a]);
  }
  c.tags.forEach((t, k) => out.push([`tag:${k}`, t]));
  out.push(['pool.bytes', c.pool.bytes], ['pool.offsets', c.pool.offsets]);
  return out;
}

const pad8 = (n: number): number => (n + 7) & ~7;

export class SpillFile {
  private fd: number;
  private at = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'w+', 0o600);
  }

  write(c: Chunk): SpillRef {
    const offset = this.at;
    const fields: SpillRef['fields'] = [];
    for (const [name, a] of arraysOf(c)) {
      const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
      writeSync(this.fd, bytes, 0, bytes.length, this.at);
      this.at += pad8(bytes.length);
      fields.push([name, typeName(a), a.length]);
    }
    return { offset, rows: c.rows, tagNames: c.tagNames, ascii: c.pool.ascii, fields };
  }

  /** the chunk back in (shared) memory */
  read(ref: SpillRef): Chunk {
    return readChunk(this.fd, ref);
  }

  /** close and delete the file (idempotent) */
  remove(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
    try {
      unlinkSync(this.path);
    } catch {
      /* already gone */
    }
  }
}

/** A spilled chunk read back into shared memory from an open spill file (any thread may do this). */
export function readChunk(fd: number, ref: SpillRef): Chunk {
  let at = ref.offset;
  const got: Record<string, Typed> = {};
  for (const [name, type, length] of ref.fields) {
    const buf = alloc(true, length * TYPES[type].BYTES_PER_ELEMENT);
    const bytes = new Uint8Array(buf);
    let done = 0;
    while (done < bytes.length) done += readSync(fd, bytes, done, bytes.length - done, at + done);
    got[name] =
      type === 'f64'
        ? new Float64Array(buf)
        : type === 'u32'
          ? new Uint32Array(buf)
          : type === 'i32'
            ? new Int32Array(buf)
            : bytes;
    at += pad8(bytes.length);
  }
  const pool: FrozenPool = {
    bytes: got['pool.bytes'] as Uint8Array,
    offsets: got['pool.offsets'] as Uint32Array,
    ascii: ref.ascii,
  };
  const chunk = { rows: ref.rows, tagNames: ref.tagNames, tags: ref.tagNames.map((_, k) => got[`tag:${k}`]), pool };
  for (const name of COLUMNS) if (got[name]) (chunk as Record<string, unknown>)[name] = got[name];
  return chunk as unknown as Chunk;
}
