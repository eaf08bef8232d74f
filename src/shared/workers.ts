// Worker threads for one task each (a simulation part, a byte range of a log): start at most N at
// a time, collect their answers in task order, rethrow a worker's UserError as the same UserError.
// And a worker that streams messages (the log reader thread): at most a window of them unread.
import { Worker } from 'node:worker_threads';
import { type Diagnostic, UserError } from '../diagnostics.js';

/**
 * The compiled worker module `file` beside the module at `moduleUrl` (under vitest, which runs
 * src/*.ts, the built dist/ copy: a worker thread runs JavaScript).
 */
export function compiledUrl(moduleUrl: string, file: string): URL {
  const here = new URL(moduleUrl);
  if (here.pathname.endsWith('.ts')) {
    const at = here.href.lastIndexOf('/src/');
    return new URL(file, `${here.href.slice(0, at)}/dist/${here.href.slice(at + 5)}`);
  }
  return new URL(file, here);
}

/** A worker's error as plain data (what crosses to this thread): a UserError's diagnostics, else its message and stack. */
type ErrorData = { diagnostics?: Diagnostic[]; message?: string; stack?: string };

/** the worker side: an error as ErrorData */
function errorData(e: unknown): ErrorData {
  if (e instanceof UserError) return { diagnostics: e.diagnostics };
  const stack = (e as Error)?.stack;
  return { message: (e as Error)?.message ?? String(e), ...(stack ? { stack } : {}) };
}

/** this thread's side: ErrorData as the error to throw (a UserError as the same UserError) */
function errorOf(d: ErrorData): Error {
  if (d.diagnostics) return new UserError(d.diagnostics);
  const e = new Error(d.message);
  if (d.stack) e.stack = d.stack;
  return e;
}

type Reply<R> = { ok: R } | { error: ErrorData };

/**
 * Run each task in a worker thread of its own, at most `threads` at a time; resolves with the
 * results in task order. A UserError in a worker is rethrown here as the same UserError; the
 * first failure stops the others.
 */
export async function inWorkers<T, R>(entry: URL, tasks: T[], threads: number): Promise<R[]> {
  const results = new Array<R>(tasks.length);
  let next = 0;
  const live = new Set<Worker>();
  let failed = false;
  const runOne = (i: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      // the young generation pinned, as the log reader's thread: short-lived garbage, less peak RSS
      const w = new Worker(entry, { workerData: tasks[i], resourceLimits: { maxYoungGenerationSizeMb: 32 } });
      live.add(w);
      let settled = false;
      const done = (f: () => void): void => {
        if (settled) return;
        settled = true;
        live.delete(w);
        void w.terminate();
        f();
      };
      w.on('message', (m: Reply<R>) =>
        done(() => {
          if ('ok' in m) {
            results[i] = m.ok;
            resolve();
            return;
          }
          reject(errorOf(m.error));
        }),
      );
      w.on('error', (e) => done(() => reject(e)));
      w.on('exit', (code) =>
        done(() => reject(new Error(`internal: a simulation thread stopped (exit ${code}) before it answered`))),
      );
    });
  const lane = async (): Promise<void> => {
    while (!failed && next < tasks.length) {
      const i = next++;
      try {
        await runOne(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(threads, tasks.length) }, lane));
  } finally {
    await Promise.all([...live].map((w) => w.terminate()));
  }
  return results;
}

/** The worker side: run `fn` on the task and post its result (or its error) back. */
export async function answer<T, R>(
  port: { postMessage(m: unknown, transfer?: ArrayBuffer[]): void },
  task: T,
  fn: (task: T) => Promise<R> | R,
  /** buffers of the answer to move rather than copy */
  transfer: (r: R) => ArrayBuffer[] = () => [],
): Promise<void> {
  try {
    const r = await fn(task);
    port.postMessage({ ok: r } satisfies Reply<R>, transfer(r));
  } catch (e) {
    port.postMessage({ error: errorData(e) } satisfies Reply<R>);
  }
}

/** The message a streaming worker ends with when it fails. */
type StreamError = { type: 'error' } & ErrorData;

/** what a WorkerStream sends its worker: one more counted message may come, and what it hands back */
type Credit = { type: 'credit'; back?: unknown };

/** This thread's side of a worker that streams messages (streamTo): taken in order, each earned by a credit. */
export interface WorkerStream<M> {
  /** the next message; a worker's error is thrown here (a UserError as the same UserError) */
  next(): Promise<M>;
  /** lets the worker send one more counted message; `back`, a message it sent, is handed back for it to use again */
  credit(back?: unknown): void;
  /** stops the worker (idempotent) */
  close(): Promise<void>;
}

/**
 * Start `entry` in a worker thread that streams messages to this thread (its side: streamTo). Its
 * young generation is pinned: a streaming worker's garbage is short-lived, and a default-sized one
 * per thread cost ~30 MB of peak RSS.
 */
export function streamFrom<M extends { type: string }>(entry: URL, workerData: unknown): WorkerStream<M> {
  const worker = new Worker(entry, { workerData, resourceLimits: { maxYoungGenerationSizeMb: 16 } });
  const queue: (M | StreamError)[] = [];
  let failure: unknown;
  let exited = false;
  let wake: (() => void) | undefined;
  const rouse = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  worker.on('message', (m: M | StreamError) => {
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
  let closed = false;
  return {
    async next() {
      while (!queue.length) {
        if (failure !== undefined) throw failure;
        if (exited) throw new Error('internal: the log reader thread stopped before the end of the log');
        await new Promise<void>((res) => {
          wake = res;
        });
      }
      const m = queue.shift()!;
      if (m.type !== 'error') return m as M;
      throw errorOf(m as StreamError);
    },
    credit: (back) => worker.postMessage({ type: 'credit', back } satisfies Credit),
    async close() {
      if (closed) return;
      closed = true;
      await worker.terminate();
    },
  };
}

/** A streaming worker's side (see streamFrom): counted messages wait for credit, `window` of them ahead. */
export function streamTo(
  port: { postMessage(m: unknown, transfer?: ArrayBuffer[]): void; on(e: 'message', f: (m: unknown) => void): void },
  window: number,
  /** given what a credit hands back (WorkerStream.credit) */
  onBack?: (back: unknown) => void,
): {
  /** a counted message: waits until this thread has taken all but `window - 1` of those before it */
  send(m: unknown, transfer?: ArrayBuffer[]): Promise<void>;
  /** a message that takes no credit (the first and last of a stream) */
  post(m: unknown, transfer?: ArrayBuffer[]): void;
  /** the error the stream ends with */
  fail(e: unknown): void;
} {
  let credits = window;
  let wake: (() => void) | undefined;
  port.on('message', (m) => {
    if ((m as Partial<Credit> | null)?.type !== 'credit') return;
    const { back } = m as Credit;
    if (back !== undefined) onBack?.(back);
    credits++;
    const w = wake;
    wake = undefined;
    w?.();
  });
  const post = (m: unknown, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  return {
    async send(m, transfer) {
      while (credits === 0) {
        await new Promise<void>((res) => {
          wake = res;
        });
      }
      credits--;
      post(m, transfer);
    },
    post,
    fail(e) {
      post({ type: 'error', ...errorData(e) } satisfies StreamError);
    },
  };
}
