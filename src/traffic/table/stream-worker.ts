// Worker-thread entry of a log read into requests in a worker thread (stream.ts): reads the whole
// log, its requests posted as table chunks (shared memory) at most `window` ahead of the run, each
// chunk's memory used again once the run hands it back; then the read's stats, or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { pricingIn } from '../../pricing/data.js';
import { phase } from '../../shared/phases.js';
import { streamTo } from '../../shared/workers.js';
import { newLogStats, readLog } from '../logs/read.js';
import { CHUNK_ROWS, type Chunk, ChunkBuilder } from './chunk.js';
import type { StreamInput, StreamMessage } from './stream.js';

const input = workerData as StreamInput;
/** rows of the first chunk sent */
const FIRST_ROWS = 4096;
// chunks this thread sent and the run handed back once it read them: the next chunks' memory
const spare: Chunk[] = [];
const out = streamTo(parentPort!, input.window, (c) => spare.push(c as Chunk));
try {
  const { book, ...opts } = input.opts;
  const stats = newLogStats();
  const batches = readLog(
    {
      ...opts,
      ...(book ? { book: await pricingIn(book) } : {}),
      thread: 'off',
      notify: (message) => out.post({ type: 'note', message } satisfies StreamMessage),
    },
    stats,
  );
  let b = new ChunkBuilder(spare.pop());
  const flush = async (): Promise<void> => {
    if (!b.rows) return;
    const chunk = b.freeze();
    b = new ChunkBuilder(spare.pop());
    const { read, total } = stats.position ?? { read: 0, total: null };
    await out.send({ type: 'chunk', chunk, position: { read, total } } satisfies StreamMessage);
  };
  // the first chunks are small, so the run starts early; then whole ones (fewer messages)
  let rows = FIRST_ROWS;
  for await (const batch of batches)
    for (const r of batch) {
      b.add(r);
      if (b.rows >= rows) {
        await flush();
        rows = Math.min(CHUNK_ROWS, 2 * rows);
      }
    }
  await flush();
  phase('log read');
  out.post({ type: 'end', stats } satisfies StreamMessage);
} catch (e) {
  out.fail(e);
}
