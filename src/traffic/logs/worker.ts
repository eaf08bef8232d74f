// Worker-thread entry of the log reader (see thread.ts): runs readLogHere and posts its batches,
// at most `window` ahead of the consumer, then the final stats, or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../../diagnostics.js';
import { PriceBook } from '../../pricing/pricebook.js';
import { newLogStats, readLogHere } from './read.js';
import type { WorkerInput, WorkerMessage } from './thread.js';
import { WireEncoder } from './wire.js';

const port = parentPort!;
const input = workerData as WorkerInput;
let credits = input.window;
let wake: (() => void) | undefined;
port.on('message', (m) => {
  if (m !== 'credit') return;
  credits++;
  const w = wake;
  wake = undefined;
  w?.();
});

const post = (m: WorkerMessage): void => port.postMessage(m, m.type === 'batch' ? [m.wire.nums.buffer as ArrayBuffer] : []);
const encoder = new WireEncoder();
const stats = newLogStats();
try {
  const b = input.book;
  const opts = { ...input.opts, ...(b ? { book: new PriceBook(b.version, b.effective, b.file, b.models) } : {}) };
  for await (const batch of readLogHere(opts, stats)) {
    while (credits === 0) {
      await new Promise<void>((res) => {
        wake = res;
      });
    }
    credits--;
    post({ type: 'batch', wire: encoder.encode(batch), read: stats.read, priced: stats.priced, rejected: stats.rejected, position: stats.position?.read ?? 0 });
  }
  post({ type: 'done', stats });
} catch (e) {
  if (e instanceof UserError) post({ type: 'error', diagnostics: e.diagnostics });
  else post({ type: 'error', message: (e as Error)?.message ?? String(e), ...((e as Error)?.stack ? { stack: (e as Error).stack } : {}) });
}

