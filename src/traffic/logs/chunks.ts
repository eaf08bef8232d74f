// A log file's bytes in chunks that the reader may hand back. Every fresh chunk is memory the
// process has not touched, and the kernel's page faults and zeroing of it cost more than the read:
// fs.createReadStream over the 124 MB bench log takes ~300 ms, reads into buffers used again ~30-70 ms
// (2 cores; the same in 64 KB and 1 MB chunks). A reader that is done with a chunk (it kept no
// view of it: the quote-free CSV reader copies what it keeps into strings) releases it, and the
// next read fills it; a reader that does not (csv-parse, JSON, gunzip) gets fresh chunks, as from a
// stream.
import { type FileHandle, open } from 'node:fs/promises';

/** bytes per read: fewer, larger chunks (a record spanning two is joined) */
export const CHUNK_BYTES = 1 << 20;

/** Chunks handed out and taken back; only its own (by their memory) are taken back, each once. */
export class ChunkPool {
  private readonly free: Buffer[] = [];
  /** the memory of chunks handed out and not yet released (weakly: a reader that never releases keeps nothing alive) */
  private readonly out = new WeakSet<ArrayBufferLike>();

  /** chunks made (not taken again) */
  made = 0;

  constructor(private readonly size = CHUNK_BYTES) {}

  take(): Buffer {
    let b = this.free.pop();
    if (!b) {
      b = Buffer.allocUnsafeSlow(this.size);
      this.made++;
    }
    this.out.add(b.buffer);
    return b;
  }

  /** hands back the chunk `view` is part of (any view of it: the reader may have sliced it); others are ignored */
  release(view: Uint8Array): void {
    const mem = view.buffer;
    if (!this.out.delete(mem)) return;
    this.free.push(Buffer.from(mem, 0, this.size));
  }
}

/**
 * The open file a log's chunks come from. A reader that ends early leaves the chunks' generator
 * suspended, and its `finally` (which closes the file) runs only if every reader between them hands
 * the end on; closing the handle itself does not depend on that (a second close does nothing).
 */
export interface HeldFile {
  fh?: FileHandle;
}

/** The bytes [start, end) of a file (end: its end), read into the pool's chunks. */
export async function* fileChunks(
  file: string,
  pool: ChunkPool,
  start = 0,
  end = Number.POSITIVE_INFINITY,
  /** given the file's handle, so a reader that stops early can close it (OpenedLog.close) */
  held?: HeldFile,
): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  if (held) held.fh = fh;
  try {
    for (let at = start; at < end; ) {
      const b = pool.take();
      const want = Math.min(b.length, end - at);
      const { bytesRead } = await fh.read(b, 0, want, at);
      if (bytesRead === 0) {
        pool.release(b);
        return;
      }
      at += bytesRead;
      yield bytesRead < b.length ? b.subarray(0, bytesRead) : b;
    }
  } finally {
    await fh.close();
  }
}
