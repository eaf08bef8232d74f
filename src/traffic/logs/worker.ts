// Worker-thread entry of the log reader (see thread.ts): opens and parses the log and posts its
// raw records, at most `window` batches ahead of the reading thread, then the end, or the error.
import { parentPort, workerData } from 'node:worker_threads';
import { UserError } from '../../diagnostics.js';
import { openLog } from './source.js';
import { phase } from '../../shared/phases.js';
import { encodeRecords, type WorkerInput, type WorkerMessage } from './thread.js';

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

const post = (m: WorkerMessage): void =>
  port.postMessage(
    m,
    m.type === 'records' ? [m.batch.lines.buffer as ArrayBuffer, m.batch.counts.buffer as ArrayBuffer] : [],
  );
try {
  const log = await openLog(input.path, input.shown);
  post({
    type: 'open',
    format: log.format,
    gzip: log.gzip,
    ...(log.header ? { header: log.header } : {}),
    total: log.position.total,
  });
  for await (const recs of log.records) {
    while (credits === 0) {
      await new Promise<void>((res) => {
        wake = res;
      });
    }
    credits--;
    post({ type: 'records', batch: encodeRecords(recs), position: log.position.read });
  }
  phase('log parsed');
  post({ type: 'end', position: log.position.read });
} catch (e) {
  if (e instanceof UserError) post({ type: 'error', diagnostics: e.diagnostics });
  else
    post({
      type: 'error',
      message: (e as Error)?.message ?? String(e),
      ...((e as Error)?.stack ? { stack: (e as Error).stack } : {}),
    });
}
