// A log read, checked and turned into requests in a worker thread, its requests sent here as table
// chunks (typed arrays over shared memory: nothing copied, no object cloned) while this thread runs
// the strategies. The reader thread of logs/thread.ts only parses: it sends strings, and turning
// rows into requests (timestamps, counts, prefixes, tags, the pricing checks, repeated ids) stayed
// here, so a streamed run's busier thread did ~80% of its work. Here that work moves to the
// worker, which reads the whole log on its own, in file order, as one read would: the requests,
// rejects, warnings and stats are that read's (the stats are sent at the end), and a UserError is
// rethrown here as the same UserError. At most WINDOW chunks are in flight.
import type { PrefixBlock, SimRequest } from '../../engine/request.js';
import { type PricingData, pricingData } from '../../pricing/data.js';
import { compiledUrl, streamFrom } from '../../shared/workers.js';
import { batchSizeOf, DuplicateIds, type LogOptions, type LogStats, shownPath, useThread } from '../logs/read.js';
import { type Chunk, ChunkView } from './chunk.js';

/** chunks the worker may send before this thread has read them (and handed them back) */
const WINDOW = 4;

export interface StreamInput {
  opts: Omit<LogOptions, 'book' | 'notify' | 'stdin' | 'sample' | 'thread' | 'range'> & { book?: PricingData };
  window: number;
}

export type StreamMessage =
  | { type: 'note'; message: string }
  /** with how far the reader is through the file (its stats.position), for the run's progress */
  | { type: 'chunk'; chunk: Chunk; position: NonNullable<LogStats['position']> }
  | { type: 'end'; stats: LogStats };

/**
 * Whether a log is read this way: where the reader would parse it in a thread (useThread: by
 * default a CSV or TSV file of 8 MB or more), unless part of the read must happen on this thread:
 * a rejects file is written here. (Measured on 2 cores, the 1M-row bench log as a 6-strategy
 * waterfall: as CSV 0.80x the wall time of the records thread; as JSON Lines 1.06x, JSON.parse
 * keeping the worker the busier thread, so 'auto' keeps JSON here as before.)
 */
export function convertsInThread(opts: LogOptions): boolean {
  return !opts.rejectsFile && useThread(opts);
}

/** readLog, its rows turned into requests in a worker thread: the same requests, stats and errors. */
export async function* readLogInThread(opts: LogOptions, stats: LogStats): AsyncGenerator<SimRequest[]> {
  const { book, notify, stdin: _s, sample: _m, thread: _t, range: _r, ...plain } = opts;
  const cwd = opts.cwd ?? process.cwd();
  const input: StreamInput = {
    opts: { ...plain, cwd, callerChecksIds: true, ...(book ? { book: pricingData(book) } : {}) },
    window: WINDOW,
  };
  const worker = streamFrom<StreamMessage>(compiledUrl(import.meta.url, 'stream-worker.js'), input);
  // repeated ids are checked here, where the requests' ids are strings already, so the threads' work is about even
  const ids = new DuplicateIds(shownPath(opts.file, cwd));
  const batchSize = batchSizeOf(opts);
  // a key's one-block prefix is one array across the chunks, as the reader makes it across the log
  const prefixes = new Map<string, PrefixBlock[]>();
  try {
    for (;;) {
      const m = await worker.next();
      if (m.type === 'note') {
        notify?.(m.message);
        continue;
      }
      if (m.type === 'end') {
        Object.assign(stats, m.stats);
        ids.finish(stats);
        return;
      }
      // the progress the run reads (logFraction)
      stats.position = m.position;
      const c = m.chunk;
      const view = new ChunkView(c, prefixes);
      for (let from = 0; from < c.rows; from += batchSize) {
        const to = Math.min(c.rows, from + batchSize);
        const batch: SimRequest[] = new Array(to - from);
        for (let i = from; i < to; i++) {
          const r = (batch[i - from] = view.request(i));
          ids.see(r.id, r.line ?? 0);
        }
        yield batch;
      }
      // read: its memory goes back to the worker for a chunk to come (no request holds a view of it)
      worker.credit(c);
    }
  } finally {
    await worker.close();
  }
}
