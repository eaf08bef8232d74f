// The read and the run behind `replay LOG` (no scenario): the log's requests into the baseline
// ledger, with what replay reports beside it (retries, failed calls, the two together, successes).
// One stream (readLog; a reader thread parses when a core is idle), or - a big plain CSV and
// nothing that needs one pass (--rows, --rejects, --strict) - byte ranges read and tallied on every
// core: this thread reads the first range, whose first batch tells the preset, and worker threads
// (replay-worker.ts) the others. Ledgers and counts add exactly (integers); what needs the rows in
// file order (unsorted rows, the period, repeated ids) is counted again over the ranges' rows in
// order (WholeLog). The report is the one a single stream gives (test/cli/replay-ranges.test.ts).
import { priceCells } from '../engine/price.js';
import { Ledger, type LedgerData, ledgerData } from '../engine/ledger.js';
import type { SimRequest } from '../engine/request.js';
import { finishRun, type RunPart, type RunResult, type RunSetup, runSimulation, startRun } from '../engine/run.js';
import { type PricingData, pricingIn } from '../pricing/data.js';
import type { Pricing } from '../pricing/pricebook.js';
import { compiledUrl } from '../shared/workers.js';
import { phase } from '../shared/phases.js';
import {
  type LogOptions,
  type LogStats,
  newLogStats,
  nothingPriced,
  readLog,
  shownPath,
} from '../traffic/logs/read.js';
import {
  cutLog,
  firstRange,
  mergeStats,
  type RangeTask,
  otherRanges,
  restartStats,
  tellRange,
  type Trail,
  TrailBuilder,
  WholeLog,
  whyOneStream,
} from '../traffic/table/read.js';

/** Requests of one kind (retries, failed calls) priced exactly like the main ledger. */
export class Slice {
  readonly ledger: Ledger;
  requests = 0;
  constructor(thresholds: number[], pricing: Pricing) {
    this.ledger = new Ledger(thresholds, [], undefined, (atMs) => pricing.periodOf(atMs));
  }
  add(r: SimRequest): void {
    this.requests++;
    this.ledger.add(r);
  }
  /** exact USD (unrounded) */
  exactUsd(book: Pricing): number {
    return Number(priceCells(this.ledger.cells, this.ledger.thresholds, book).total) / 1e18;
  }
}

/** A tally's counts as plain data (what crosses between threads). */
interface TallyData {
  slices: { ledger: LedgerData; requests: number }[];
  successes: number;
}

/** What replay counts beside the baseline: retries, failed calls, both (the waste), and successes. */
export class ReplayTally {
  readonly retries: Slice;
  readonly failed: Slice;
  readonly wasted: Slice;
  successes = 0;

  constructor(book: Pricing) {
    const th = book.thresholds();
    this.retries = new Slice(th, book);
    this.failed = new Slice(th, book);
    this.wasted = new Slice(th, book);
  }

  add(r: SimRequest): void {
    if (r.retryOf) this.retries.add(r);
    if (r.status === 'error') this.failed.add(r);
    else this.successes++;
    if (r.retryOf || r.status === 'error') this.wasted.add(r);
  }

  data(): TallyData {
    return {
      slices: [this.retries, this.failed, this.wasted].map((s) => ({
        ledger: ledgerData(s.ledger),
        requests: s.requests,
      })),
      successes: this.successes,
    };
  }

  /** another range's counts added (exact: integers) */
  merge(d: TallyData): void {
    [this.retries, this.failed, this.wasted].forEach((s, k) => {
      s.ledger.merge(d.slices[k]!.ledger);
      s.requests += d.slices[k]!.requests;
    });
    this.successes += d.successes;
  }
}

async function* tap(src: AsyncIterable<SimRequest[]>, each: (r: SimRequest) => void): AsyncGenerator<SimRequest[]> {
  for await (const batch of src) {
    for (const r of batch) each(r);
    yield batch;
  }
}

export interface ReplayRunInput {
  /** the reader's options (logReader) */
  log: LogOptions;
  book: Pricing;
  by: string[];
  /** --threads (or its default): 2 or more read a big plain CSV in ranges */
  threads: number;
  warn: RunSetup['warn'];
  /** requests so far; read in ranges, also how far through the log's bytes all ranges are */
  onProgress?: (requests: number, fraction?: number) => void;
  /** replay --rows: every call in order (one stream) */
  observe?: RunSetup['observe'];
}

export interface ReplayRead {
  run: RunResult;
  tally: ReplayTally;
  /** byte ranges the log was read in (1: one stream) */
  ranges: number;
  /** read as one stream: why (for --verbose) */
  streamed?: string;
}

/** The baseline run of a log and replay's tally; `stats` filled as one read of the whole log fills it. */
export async function replayRun(input: ReplayRunInput, stats: LogStats): Promise<ReplayRead> {
  const setup: RunSetup = { stages: [], book: input.book, seed: 0, by: input.by, warn: input.warn };
  // LLMCOST_READER_THREAD=on|off (a reader thread asked for, or none) reads one stream
  let log = input.log;
  let streamed: string;
  if (input.observe) streamed = '--rows writes every call in file order';
  else if (input.threads < 2) streamed = whyOneStream(log, input.threads)!;
  else if (log.thread !== undefined) streamed = 'LLMCOST_READER_THREAD says how the log is read';
  else {
    const ranged = await inRanges(input, setup, stats);
    if ('run' in ranged) return ranged;
    if (ranged.restart) log = { ...log, notify: undefined }; // (the detection note was said)
    streamed = ranged.why;
  }
  const tally = new ReplayTally(input.book);
  const run = await runSimulation({
    ...setup,
    source: tap(readLog(log, stats), (r) => tally.add(r)),
    ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    ...(input.observe ? { observe: input.observe } : {}),
  });
  return { run, tally, ranges: 1, streamed };
}

/** What a range reader is given (plain data): a range of the table's read, and the dimensions to tally by. */
export interface ReplayRangeTask extends RangeTask {
  by: string[];
}

export interface ReplayRangePart {
  run: RunPart;
  tally: TallyData;
  stats: LogStats;
  trail: Trail;
}

/** Read one range and tally it (the body of a range reader, replay-worker.ts). */
export async function replayRange(task: ReplayRangeTask): Promise<ReplayRangePart> {
  const { book: data, ...rest } = task.opts;
  const book = await pricingIn(data as PricingData);
  const stats = newLogStats();
  const tally = new ReplayTally(book);
  const run = startRun({ stages: [], book, seed: 0, by: task.by });
  const trail = new TrailBuilder();
  let requests = 0;
  for await (const batch of readLog({ ...rest, book, range: task.range, thread: 'off' }, stats)) {
    for (const r of batch) {
      tally.add(r);
      trail.add(r.atMs, r.line ?? 0, r.id);
    }
    run.push(batch);
    tellRange(task.progress, (requests += batch.length), stats);
  }
  delete stats.position;
  phase('range tallied');
  return {
    run: run.end(),
    tally: tally.data(),
    stats,
    trail: trail.trail(),
  };
}

/**
 * The run in ranges on every core; or why the log is read as one stream: it cannot be cut (stats
 * untouched), or it is to be read again (`restart`, stats reset) because its preset skips repeats
 * across records (claude-code), which needs one pass, or none of its rows could be priced (a JSON
 * log: one stream names the missing column).
 */
async function inRanges(
  input: ReplayRunInput,
  setup: RunSetup,
  stats: LogStats,
): Promise<ReplayRead | { why: string; restart?: true }> {
  const { log: opts, book } = input;
  const cut = await cutLog(opts, input.threads);
  if (typeof cut === 'string') return { why: cut };
  // this thread reads the first range: its first batch tells the preset the others are given
  const first = await firstRange(opts, cut, stats);
  if (typeof first === 'string') return { why: first, restart: true };
  const others = otherRanges<ReplayRangeTask, ReplayRangePart>(
    compiledUrl(import.meta.url, 'replay-worker.js'),
    opts,
    cut,
    first.preset,
    (task) => ({ ...task, by: input.by }),
    input.onProgress,
  );

  const tally = new ReplayTally(book);
  const whole = new WholeLog(shownPath(opts.file, opts.cwd ?? process.cwd()));
  const mine = startRun(setup);
  let requests = 0;
  for await (const batch of first.batches) {
    for (const r of batch) {
      tally.add(r);
      whole.see(r.atMs, r.line ?? 0, r.id);
    }
    mine.push(batch);
    others.tell((requests += batch.length), stats);
  }
  phase('range 0 tallied');
  const parts = await others.results();
  phase('ranges tallied');
  for (const p of parts) {
    tally.merge(p.tally);
    whole.seeTrail(p.trail);
  }
  mergeStats(
    stats,
    parts.map((p) => p.stats),
  );
  if (nothingPriced(stats)) {
    restartStats(stats);
    return { why: 'no row could be priced: one stream says why', restart: true };
  }
  whole.finish(stats);
  return { run: finishRun(setup, [mine.end(), ...parts.map((p) => p.run)]), tally, ranges: cut.ranges.length };
}
