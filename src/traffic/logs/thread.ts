// A log file opened in a worker thread: the worker reads, decompresses and parses it (openLog) and
// sends the raw records over, while this thread does everything else the reader does (rows into
// requests, checks, rejects, stats) and runs the strategies, so a replay uses two cores. Parsing is
// most of the reading; what crosses is one array of strings per batch (structured clone of
// strings is cheap, of objects is not). At most WINDOW batches are in flight, so memory stays
// bounded when this thread is the slower side. A UserError in the worker is rethrown here as the
// same UserError.
import { compiledUrl, streamFrom } from '../../shared/workers.js';
import type { LogFormat, OpenedLog, RawRecord } from './source.js';

/** batches the worker may send before this thread has taken them */
const WINDOW = 4;

export interface WorkerInput {
  path: string;
  shown: string;
  window: number;
}

/** A batch of raw records, flattened: per record its line and kind, the strings in one array. */
export interface RecordBatch {
  lines: Float64Array;
  /** per record: the number of CSV values, or -1 a JSONL line (its text), or -2 an error (kind, detail, raw) */
  counts: Int32Array;
  strs: string[];
}

export type WorkerMessage =
  | { type: 'open'; format: LogFormat; gzip: boolean; header?: string[]; total: number | null }
  | { type: 'records'; batch: RecordBatch; position: number }
  | { type: 'end'; position: number };

export function encodeRecords(recs: RawRecord[]): RecordBatch {
  const lines = new Float64Array(recs.length);
  const counts = new Int32Array(recs.length);
  const strs: string[] = [];
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i]!;
    lines[i] = r.line;
    if (r.values) {
      const off = r.offset ?? 0;
      const n = r.count ?? r.values.length - off;
      counts[i] = n;
      for (let j = off; j < off + n; j++) strs.push(r.values[j]!);
    } else if (r.error) {
      counts[i] = -2;
      strs.push(r.error.kind, r.error.detail, r.raw ?? '');
    } else {
      counts[i] = -1;
      strs.push(r.raw ?? JSON.stringify(r.fields));
    }
  }
  return { lines, counts, strs };
}

export function decodeRecords(b: RecordBatch): RawRecord[] {
  const out: RawRecord[] = new Array(b.lines.length);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    const line = b.lines[i]!;
    const n = b.counts[i]!;
    if (n >= 0) {
      // the batch's one array, not a copy per row
      out[i] = { line, values: b.strs, offset: at, count: n };
      at += n;
    } else if (n === -2) {
      out[i] = { line, error: { kind: b.strs[at]!, detail: b.strs[at + 1]! }, raw: b.strs[at + 2]! };
      at += 3;
    } else {
      // the worker checked it is one JSON object
      const raw = b.strs[at++]!;
      out[i] = { line, raw, fields: JSON.parse(raw) as Record<string, unknown> };
    }
  }
  return out;
}

/** openLog, in a worker thread: same signature, same records, same errors (a file, never stdin). */
export async function openLogInWorker(path: string, shown: string): Promise<OpenedLog> {
  const input: WorkerInput = { path, shown, window: WINDOW };
  const worker = streamFrom<WorkerMessage>(compiledUrl(import.meta.url, 'worker.js'), input);
  let first: WorkerMessage;
  try {
    first = await worker.next();
  } catch (e) {
    await worker.close();
    throw e;
  }
  if (first.type !== 'open') {
    await worker.close();
    throw new Error(`internal: the log reader thread sent '${first.type}' before opening the log`);
  }
  const position = { read: 0, total: first.total };
  async function* records(): AsyncGenerator<RawRecord[]> {
    try {
      for (;;) {
        const m = await worker.next();
        if (m.type === 'open') continue;
        position.read = m.position;
        if (m.type === 'end') return;
        worker.credit();
        yield decodeRecords(m.batch);
      }
    } finally {
      await worker.close();
    }
  }
  return {
    format: first.format,
    gzip: first.gzip,
    ...(first.header ? { header: first.header } : {}),
    records: records(),
    position,
    close: () => worker.close(),
  };
}
