// The log reader's cases for the tests that read a log two ways and compare the reads (a reader
// thread against this thread: logs-thread.test.ts, logs-stream.test.ts): fixtures of every
// format and preset, and every real export layout, each preset detected.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.js';
import type { SimRequest } from '../../src/engine/request.js';
import { type LogOptions, type LogStats, newLogStats } from '../../src/traffic/logs/read.js';
import type { Pricing } from '../../src/pricing/pricebook.js';
import { MOONCAKE_ROWS, MOONCAKE_SLICE, sharedData } from './data.js';
import { bookFromYaml } from './sim.js';

const ROOT = join(import.meta.dirname, '../..');
export const FIX = join(ROOT, 'test/fixtures/logs');
const EXPORTS = join(ROOT, 'test/fixtures/exports');

export type ReaderCase = [name: string, opts: Partial<LogOptions> & { file: string }];

/** a read of a log as readLog gives it: LogOptions and the stats to fill, batches of requests */
export type Read = (opts: LogOptions, stats: LogStats) => AsyncIterable<SimRequest[]>;

function readerCases(book: Pricing): ReaderCase[] {
  return [
    ['canonical CSV, checked against a table', { file: 'canonical.csv', book }],
    [
      'an unknown model, with did-you-mean',
      { file: 'canonical.csv', book: bookFromYaml(readFileSync(join(ROOT, 'pricing/2024-12-01.yaml'), 'utf8')) },
    ],
    ['messy CSV (BOM, CRLF, quoted newlines, rejects)', { file: 'messy.csv' }],
    ['rejects', { file: 'rejects.csv', book }],
    ['TSV', { file: 'canonical.tsv' }],
    ['gzip', { file: 'canonical.csv.gz' }],
    ['azure preset', { file: 'azure.csv', preset: 'azure', model: 'gpt-4o' }],
    ['burstgpt preset (record hooks)', { file: 'burstgpt.csv', preset: 'burstgpt', book }],
    ['helicone', { file: 'helicone.jsonl', preset: 'helicone' }],
    ['langfuse', { file: 'langfuse.jsonl', preset: 'langfuse' }],
    ['litellm', { file: 'litellm.jsonl', preset: 'litellm', book }],
    ['otel', { file: 'otel.jsonl', preset: 'otel' }],
    ['openai-batch', { file: 'openai-batch.jsonl', preset: 'openai-batch' }],
    ['mooncake (prefix blocks)', { file: 'mooncake-head.jsonl', preset: 'mooncake', model: 'claude-sonnet-4-5' }],
    // the real export layouts, each preset detected: JSON documents, envelopes, Parquet, transcripts
    ...readdirSync(EXPORTS)
      .filter((f) => /\.(jsonl?|csv|parquet)$/.test(f))
      .map((f): ReaderCase => [`export ${f}`, { file: join(EXPORTS, f), book }]),
  ];
}

/** the real Mooncake trace: its bundled first 10 minutes, and the whole trace when ../shared/data has it */
/** a test of the trace, skipped (and said so) when ../shared/data lacks the whole trace */
type TraceIt = (name: string, fn: () => Promise<void>) => void;

function mooncakeTraces(): { name: string; file: string; rows: number; it: TraceIt }[] {
  const full = sharedData('traces/mooncake_conversation_trace.jsonl');
  return [
    { name: 'bundled first 10 minutes', file: MOONCAKE_SLICE, rows: MOONCAKE_ROWS.slice, it },
    { name: 'full trace', file: full.file, rows: MOONCAKE_ROWS.full, it: full.it },
  ];
}

/** the distinct shapes (key lists, in order) of the requests */
const keysOf = (reqs: SimRequest[]): string[] => [...new Set(reqs.map((r) => Object.keys(r).join(',')))];

/** logs the reader refuses with a UserError: a rejected row under strict, a missing file, a header without a model column */
export const REFUSED: (Partial<LogOptions> & { file: string })[] = [
  { file: 'rejects.csv', strict: true },
  { file: 'nope.csv' },
  { file: 'azure.csv' },
];

/** the UserError a read of the fixture log ends with */
export async function userErrorOf(read: Read, opts: Partial<LogOptions> & { file: string }): Promise<UserError> {
  try {
    for await (const _ of read({ cwd: FIX, ...opts }, newLogStats())) void _;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

/** what a read gave: its requests, stats and (when asked) notes */
export interface Got {
  reqs: SimRequest[];
  stats: LogStats;
  notes?: string[];
}

/**
 * The tests that a second way of reading (`readBoth`'s worker) gives what this thread's read gives
 * for every reader case and the real Mooncake trace: the same requests (fields, order, key order),
 * stats and notes.
 */
export function itReadsAlike(
  book: Pricing,
  readBoth: (opts: Partial<LogOptions> & { file: string }) => Promise<{ here: Got; worker: Got }>,
  batchSize: number,
): void {
  for (const [name, opts] of readerCases(book))
    it(`gives the same requests, stats and notes: ${name}`, async () => {
      const { here, worker } = await readBoth({ ...opts, batchSize });
      expect(here.reqs.length + here.stats.rejected + here.stats.skipped).toBeGreaterThan(0);
      expect(worker.reqs).toEqual(here.reqs);
      expect(keysOf(worker.reqs)).toEqual(keysOf(here.reqs));
      expect(worker.stats).toEqual(here.stats);
      expect(worker.notes).toEqual(here.notes);
    });
  for (const { name, file, rows, it } of mooncakeTraces())
    it(`the real Mooncake trace (${name}): same requests, same stats`, async () => {
      const { here, worker } = await readBoth({ file, preset: 'mooncake', model: 'claude-sonnet-4-5', book });
      expect(here.reqs.length).toBe(rows);
      expect(worker.reqs).toEqual(here.reqs);
      expect(worker.stats).toEqual(here.stats);
    });
}
