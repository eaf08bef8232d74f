// The log reader in a worker thread: the worker reads, parses and checks rows (readLogHere) while
// this thread runs the strategies, so a replay uses two cores. Batches come over in order, at most
// WINDOW ahead of the consumer (memory stays bounded when the strategies are the slower side);
// stats arrive with each batch (progress) and whole at the end; a UserError in the worker is
// rethrown here as the same UserError.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { UserError, type Diagnostic } from '../../diagnostics.js';
import type { SimRequest } from '../../engine/request.js';
import type { ModelInfo } from '../../pricing/pricebook.js';
import { DuplicateIds, type LogOptions, type LogStats, shownPath } from './read.js';
import { type WireBatch, WireDecoder } from './wire.js';

/** batches the worker may send before the consumer has taken them */
const WINDOW = 4;

/** What the worker is started with: LogOptions without callbacks or streams, and the table as data. */
export interface WorkerInput {
  opts: Omit<LogOptions, 'stdin' | 'acceptModel' | 'modelHint' | 'acceptTier' | 'book'>;
  book?: { version: string; effective: string; file: string; models: ModelInfo[] };
  window: number;
}

export type WorkerMessage =
  | { type: 'batch'; wire: WireBatch; read: number; priced: number; rejected: number; position: number }
  | { type: 'done'; stats: LogStats }
  | { type: 'error'; diagnostics?: Diagnostic[]; message?: string; stack?: string };

/** The compiled worker next to this module (under vitest, running from src/, the built dist/ copy). */
function workerUrl(): URL {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return new URL(here.href.replace(/\/src\/traffic\/logs\/thread\.ts$/, '/dist/traffic/logs/worker.js'));
  return new URL('./worker.js', here);
}

export async function* readLogInWorker(opts: LogOptions, stats: LogStats): AsyncGenerator<SimRequest[]> {
  const { stdin: _stdin, acceptModel: _a, modelHint: _m, acceptTier: _t, book, ...plain } = opts;
  const input: WorkerInput = {
    opts: { ...plain, cwd: opts.cwd ?? process.cwd(), thread: 'off', checkIds: false },
    ...(book ? { book: { version: book.version, effective: book.effective, file: book.file, models: [...book.models.values()] } } : {}),
    window: WINDOW,
  };
  let total: number | null = null;
  try {
    total = statSync(resolve(input.opts.cwd!, opts.file)).size;
  } catch {
    /* the worker reports a missing file */
  }
  // live progress for the caller's bar, as the in-thread reader keeps it
  const position = { read: 0, total };
  stats.position = position;

  const worker = new Worker(workerUrl(), { workerData: input, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  const decoder = new WireDecoder();
  const ids = new DuplicateIds(shownPath(opts.file, input.opts.cwd!));
  const queue: WorkerMessage[] = [];
  let failure: unknown;
  let exited = false;
  let wake: (() => void) | undefined;
  const rouse = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    rouse();
  });
  worker.on('error', (e) => {
    failure = e;
    rouse();
  });
  worker.on('exit', () => {
    exited = true;
    rouse();
  });
  try {
    for (;;) {
      while (!queue.length) {
        if (failure !== undefined) throw failure;
        if (exited) throw new Error('internal: the log reader thread stopped before the end of the log');
        await new Promise<void>((res) => {
          wake = res;
        });
      }
      const m = queue.shift()!;
      if (m.type === 'batch') {
        stats.read = m.read;
        stats.priced = m.priced;
        stats.rejected = m.rejected;
        position.read = m.position;
        worker.postMessage('credit');
        const batch = decoder.decode(m.wire);
        for (const r of batch) ids.see(r);
        yield batch;
      } else if (m.type === 'done') {
        Object.assign(stats, m.stats, { position });
        ids.finish(stats);
        position.read = m.stats.position?.read ?? position.read;
        return;
      } else {
        if (m.diagnostics) throw new UserError(m.diagnostics);
        const e = new Error(m.message);
        if (m.stack) e.stack = m.stack;
        throw e;
      }
    }
  } finally {
    await worker.terminate();
  }
}
