// Worker-thread entry of the log reader (see thread.ts): opens and parses the log and posts its
// raw records, at most `window` batches ahead of the reading thread, then the end, or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { openLog } from './source.js';
import { phase } from '../../shared/phases.js';
import { streamTo } from '../../shared/workers.js';
import { encodeRecords, type WorkerInput, type WorkerMessage } from './thread.js';

const input = workerData as WorkerInput;
const out = streamTo(parentPort!, input.window);
const transfer = (m: WorkerMessage): ArrayBuffer[] =>
  m.type === 'records' ? [m.batch.lines.buffer as ArrayBuffer, m.batch.counts.buffer as ArrayBuffer] : [];
try {
  const log = await openLog(input.path, input.shown);
  out.post({
    type: 'open',
    format: log.format,
    gzip: log.gzip,
    ...(log.header ? { header: log.header } : {}),
    total: log.position.total,
  } satisfies WorkerMessage);
  for await (const recs of log.records) {
    const m: WorkerMessage = { type: 'records', batch: encodeRecords(recs), position: log.position.read };
    await out.send(m, transfer(m));
  }
  phase('log parsed');
  out.post({ type: 'end', position: log.position.read } satisfies WorkerMessage);
} catch (e) {
  out.fail(e);
}
