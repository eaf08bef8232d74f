// A scenario's traffic as the `source` of runSimulation, plus the rows/period figures the report
// states. Profile: the seeded generator (rows = requests, nothing rejected). Log: the streaming
// reader (src/traffic/logs/read.ts), whose stats fill rows and period once the stream is consumed.
import type { Diagnostic } from '../diagnostics.js';
import type { SimRequest } from '../engine/request.js';
import type { Pricing } from '../pricing/pricebook.js';
import {
  type LogOptions,
  type LogStats,
  logDiagnostics,
  logFraction,
  newLogStats,
  type ReaderThread,
  readLog,
  shownPath,
} from './logs/read.js';
import { readLogTable } from './table/read.js';
import { convertsInThread, readLogInThread } from './table/stream.js';
import type { RequestTable, TableOptions } from './table/table.js';
import { generateProfile, periodOf, type Profile } from './profile.js';
import type { SampleFilter } from './sample.js';

/** A scenario's log traffic: the reader's own options (file is absolute) plus the rebase. */
export type LogTraffic = Pick<
  LogOptions,
  'file' | 'preset' | 'map' | 'model' | 'timestamp' | 'strict' | 'rejectsFile' | 'timestampRange'
> & {
  /** epoch ms the first request is moved to */
  rebaseToMs?: number;
  /** deployment name -> model (priced by the schedule, not read by the reader) */
  deployments?: Record<string, string>;
  /** given on the command line (replay LOG --scenario), not in the scenario: hints name the flags */
  fromFlags?: boolean;
};

export interface SourceStats {
  /** unsampled: rows left out of a key-consistent sample (counted in skipped too) */
  rows: { read: number; priced: number; rejected: number; skipped?: number; unsampled?: number };
  /** relative: the log's timestamps count from its start (a trace, not rebased): no calendar dates */
  period: { startMs: number | null; endMs: number | null; relative?: true };
  /** whole-source warnings (rows rejected, unsorted timestamps, repeated ids), each with its diagnostic code */
  warnings: Diagnostic[];
  /** requests earlier than one before them (a split run needs a sorted source when a stage keeps time) */
  unsorted: number;
}

export interface TrafficSource {
  source: AsyncIterable<SimRequest[]> | Iterable<SimRequest[]>;
  /** call after the source is consumed */
  stats(requests: number): SourceStats;
  /** how far the source is, 0..1, while it is consumed (null when unknown); for progress only */
  fraction(): number | null;
}

export function profileSource(profile: Profile, seed: number): TrafficSource {
  const { startMs, endMs } = periodOf(profile);
  // Progress of a profile = simulated time covered so far.
  let lastMs = startMs;
  const source = (function* (): Generator<SimRequest[]> {
    for (const batch of generateProfile(profile, seed)) {
      if (batch.length) lastMs = batch[batch.length - 1]!.atMs;
      yield batch;
    }
  })();
  return {
    source,
    stats: (requests) => ({
      rows: { read: requests, priced: requests, rejected: 0 },
      period: { startMs, endMs },
      warnings: [],
      unsorted: 0,
    }),
    fraction: () => (endMs > startMs ? Math.min(1, Math.max(0, (lastMs - startMs) / (endMs - startMs))) : null),
  };
}

/**
 * The figures of a log read as the report states them (period shifted by a rebase). The warnings
 * are replay's: rejected rows first, located (the log, then the first rows' file:line), the
 * reader's own, then the records skipped as not billed calls, by reason.
 */
function logStatsOf(stats: LogStats, shiftMs: number, log: LogTraffic, cwd: string): SourceStats {
  const shift = (ms: number | null): number | null => (ms === null ? null : ms + shiftMs);
  return {
    rows: {
      read: stats.read,
      priced: stats.priced,
      rejected: stats.rejected,
      ...(stats.skipped ? { skipped: stats.skipped } : {}),
      ...(stats.unsampled ? { unsampled: stats.unsampled } : {}),
    },
    period: {
      startMs: shift(stats.startMs),
      endMs: shift(stats.endMs),
      ...(log.rebaseToMs === undefined && stats.relativeTime ? { relative: true as const } : {}),
    },
    warnings: logDiagnostics(
      stats,
      shownPath(log.file, cwd),
      log.rejectsFile && shownPath(log.rejectsFile, cwd),
      log.fromFlags ? 'flags' : 'scenario',
    ),
    unsorted: stats.outOfOrder,
  };
}

/** The reader's options for a scenario's log (the rebase and the deployment names are not the reader's). */
function readOptions(
  log: LogTraffic,
  cwd: string,
  book?: Pricing,
  stdin?: NodeJS.ReadableStream,
  thread?: ReaderThread,
  notify?: (message: string) => void,
): LogOptions {
  const { rebaseToMs: _rebase, deployments: _deployments, ...readOpts } = log;
  return {
    ...readOpts,
    cwd,
    ...(stdin ? { stdin } : {}),
    ...(book ? { book } : {}),
    ...(thread ? { thread } : {}),
    ...(notify ? { notify } : {}),
  };
}

/**
 * A scenario's log read into a request table, in parallel byte ranges on `threads` threads when it
 * can be (traffic/table/read.ts); rebased like logSource. The table's rows are the requests
 * logSource would stream, in the same order.
 */
export async function logTable(
  log: LogTraffic,
  cwd: string,
  threads: number,
  table: TableOptions,
  book?: Pricing,
  stdin?: NodeJS.ReadableStream,
  thread?: ReaderThread,
  notify?: (message: string) => void,
  how: {
    /** leave what can wait of a ranged read's recount for later: `recount` completes `stats` in place */
    deferRecount?: boolean;
    /** requests read so far, and how far through the log (null: not known) */
    onProgress?: (requests: number, fraction: number | null) => void;
  } = {},
): Promise<{ table: RequestTable; stats: SourceStats; recount?: () => void }> {
  const stats = newLogStats();
  const { rebaseToMs } = log;
  // (a rebase shifts the table's times, which the recount reads as the log gave them)
  const { table: t, recount } = await readLogTable(
    readOptions(log, cwd, book, stdin, thread, notify),
    stats,
    threads,
    table,
    {
      ...how,
      deferRecount: (how.deferRecount ?? false) && rebaseToMs === undefined,
    },
  );
  // Rebase: one shift for the whole log, fixed by its first request (relative-time traces).
  let shiftMs = 0;
  if (rebaseToMs !== undefined) {
    const first = t.parts.find((p) => 'chunk' in p && p.chunk.rows > 0);
    if (t.spilledChunks > 0) throw new Error('internal: a rebased log must fit the table budget');
    if (first && 'chunk' in first) {
      shiftMs = rebaseToMs - first.chunk.atMs[0]!;
      for (const p of t.parts) if ('chunk' in p) for (let i = 0; i < p.chunk.rows; i++) p.chunk.atMs[i]! += shiftMs;
    }
  }
  const out = logStatsOf(stats, shiftMs, log, cwd);
  if (!recount) return { table: t, stats: out };
  return {
    table: t,
    stats: out,
    recount: () => {
      recount();
      Object.assign(out, logStatsOf(stats, shiftMs, log, cwd));
    },
  };
}

/**
 * A scenario's request log. Rows on a model the book does not know are rejected (counted, with
 * file:line and a did-you-mean) rather than failing the whole run, as `replay` does.
 */
export function logSource(
  log: LogTraffic,
  cwd: string,
  book?: Pricing,
  stdin?: NodeJS.ReadableStream,
  thread?: ReaderThread,
  /** told the preset the reader detected (when the scenario names none) */
  notify?: (message: string) => void,
  /** a key-consistent sample of the log */
  sample?: SampleFilter,
): TrafficSource {
  const stats = newLogStats();
  const { rebaseToMs } = log;
  const opts: LogOptions = { ...readOptions(log, cwd, book, stdin, thread, notify), ...(sample ? { sample } : {}) };
  // a big file's rows are turned into requests in a worker thread, the strategies run on this one
  const raw = convertsInThread(opts) ? readLogInThread(opts, stats) : readLog(opts, stats);
  // Rebase: one shift for the whole log, fixed by its first request (relative-time traces).
  let shiftMs: number | undefined;
  const source =
    rebaseToMs === undefined
      ? raw
      : (async function* (): AsyncGenerator<SimRequest[]> {
          for await (const batch of raw) {
            if (shiftMs === undefined && batch.length) shiftMs = rebaseToMs - batch[0]!.atMs;
            const d = shiftMs ?? 0;
            for (const r of batch) r.atMs += d;
            yield batch;
          }
        })();
  return {
    source,
    stats: () => logStatsOf(stats, shiftMs ?? 0, log, cwd),
    fraction: () => logFraction(stats),
  };
}
