// A log read into the request table on every core: a plain CSV file is cut into byte ranges that
// start at a record (a line ending outside quotes: an even number of quotes before it; in JSON
// Lines, any line ending; a Parquet file into runs of whole row groups), each range
// is read by the ordinary reader (logs/read.ts) on a thread of its own with the file's header in
// front and its own line numbers, and the ranges' chunks are the table in file order. This thread
// reads the first range, and with it detects the preset the others are told. What depends on rows
// of other ranges - unsorted rows, repeated request ids, the period - is counted again over the
// whole table, so the figures are the ones a single read gives.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { SimRequest } from '../../engine/request.js';
import { type PricingData, pricingData, pricingIn } from '../../pricing/data.js';
import { compiledUrl, inWorkers } from '../../shared/workers.js';
import { phase } from '../../shared/phases.js';
import { addExact, exactValue } from '../../shared/numbers.js';
import { putUnits, withRoom } from '../../shared/typed.js';
import { type ProgressSlot, ThreadProgress, tellSlot } from '../../shared/thread-progress.js';
import {
  DuplicateIds,
  FIRST_REJECTS_KEPT,
  type LogOptions,
  type LogStats,
  newLogStats,
  finishWarnings,
  jsonTagColumns,
  logFraction,
  nothingPriced,
  readLog,
  shownPath,
  TAG_NAMES_FROM,
} from '../logs/read.js';
import { PeriodSpread } from '../logs/period.js';
import { CHUNK_BYTES } from '../logs/chunks.js';
import { looksLikeJsonl } from '../logs/json.js';
import { getPreset } from '../logs/presets.js';
import type { LogRange } from '../logs/source.js';
import { type Chunk, ChunkBuilder, ChunkView } from './chunk.js';
import { buildTable, DEFAULT_TABLE_BUDGET_MB, RequestTable, type TableOptions, type TablePart } from './table.js';

/** a range smaller than this is not worth a thread of its own */
export const MIN_RANGE_BYTES = 4 * 1024 * 1024;

/** What a range reader receives (plain data: the pricing as PricingData). */
export interface RangeTask {
  opts: Omit<LogOptions, 'book' | 'notify' | 'stdin' | 'sample' | 'thread'> & { book?: PricingData };
  range: LogRange;
  /** where this range's progress is told (otherRanges) */
  progress?: ProgressSlot;
}

export interface RangeResult {
  chunks: Chunk[];
  stats: LogStats;
}

/** Read one range into chunks (a range reader's body). */
export async function readRange(task: RangeTask): Promise<RangeResult> {
  const { book, ...rest } = task.opts;
  const stats = newLogStats();
  const chunks = await chunksOf(
    readLog({ ...rest, ...(book ? { book: await pricingIn(book) } : {}), range: task.range, thread: 'off' }, stats),
    (n) => tellRange(task.progress, n, stats),
  );
  delete stats.position;
  phase('range read');
  return { chunks, stats };
}

/** a range's requests into table chunks; `told` the requests so far after each batch */
async function chunksOf(source: AsyncIterable<SimRequest[]>, told?: (requests: number) => void): Promise<Chunk[]> {
  const out: Chunk[] = [];
  let b = new ChunkBuilder();
  let requests = 0;
  for await (const batch of source) {
    for (const r of batch) {
      b.add(r);
      if (b.full) {
        out.push(b.freeze());
        b = new ChunkBuilder();
      }
    }
    told?.((requests += batch.length));
  }
  if (b.rows) out.push(b.freeze());
  return out;
}

/** A log's batches, its progress told after each (one stream: requests so far, the share of its bytes). */
async function* withProgress(
  batches: AsyncIterable<SimRequest[]>,
  stats: LogStats,
  onProgress: (requests: number, fraction: number | null) => void,
): AsyncGenerator<SimRequest[]> {
  let n = 0;
  for await (const b of batches) {
    onProgress((n += b.length), logFraction(stats));
    yield b;
  }
}

/** bytes of its range (or log) a read has taken so far */
const bytesRead = (stats: LogStats): number => stats.position?.read ?? 0;

/** Tell a range's requests and bytes read so far (a range reader's side of otherRanges' progress). */
export function tellRange(slot: ProgressSlot | undefined, requests: number, stats: LogStats): void {
  tellSlot(slot, requests, bytesRead(stats));
}

/** The ranges after the first of a log read in ranges, each in a worker thread, as this thread reads the first. */
export interface OtherRanges<R> {
  /** this thread's range so far: its requests (its bytes read from `stats`); every range's progress shown */
  tell(requests: number, stats: LogStats): void;
  /** the other ranges' answers, in file order (their progress shown while this thread waits for them) */
  results(): Promise<R[]>;
}

/**
 * Start the ranges after the first of a cut log, one worker thread of `entry` each: each is given
 * the range options (the preset the first range detected) and its range, with what `more` adds.
 * With `onProgress`, every range's requests and bytes read are added up for it (ThreadProgress).
 */
export function otherRanges<T extends RangeTask, R>(
  entry: URL,
  opts: LogOptions,
  cut: LogCut,
  preset: string,
  more: (task: RangeTask) => T,
  onProgress?: (requests: number, fraction?: number) => void,
): OtherRanges<R> {
  // (one set of range options, the pricing as data made once, for every range)
  const rangeOpts = rangeOptions(opts, cut.path, opts.cwd ?? process.cwd(), preset);
  const bytes = cut.ranges.reduce((n, r) => n + (r.end - r.start), 0);
  const progress = onProgress && new ThreadProgress(cut.ranges.length, bytes, onProgress);
  const tasks = cut.ranges
    .slice(1)
    .map((range, i) => more({ opts: rangeOpts, range, ...(progress ? { progress: progress.slot(i + 1) } : {}) }));
  const others = inWorkers<T, R>(entry, tasks, tasks.length);
  // (a failed worker rejects `others`; settle it even when this thread fails first)
  others.catch(() => {});
  return {
    tell: (requests, stats) => progress?.tell(requests, bytesRead(stats)),
    results: () => (progress ? progress.during(others) : others),
  };
}

/**
 * Where to cut `file` into about `parts` ranges, each starting a record: the byte offsets and the
 * line numbers there (the header's end is the first range's start). Fewer ranges when lines are
 * long or quotes span much of the file; none when no line ends with LF. A JSONL file (`jsonl`) has
 * no header, and every line is a record (a JSON string cannot hold a line break; its quotes are
 * not CSV's).
 */
export function cutPoints(
  file: string,
  parts: number,
  jsonl = false,
): { headEnd: number; starts: { at: number; line: number }[] } {
  const size = statSync(file).size;
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(1 << 22);
    const targets = Array.from({ length: parts - 1 }, (_, k) => Math.floor(((k + 1) * size) / parts));
    const starts: { at: number; line: number }[] = [];
    let quotes = 0; // quotes before `pos`
    let lines = 1; // line number at `pos`
    let headEnd = jsonl ? 0 : -1;
    let pos = 0;
    let t = 0;
    while (pos < size) {
      const n = readSync(fd, buf, 0, buf.length, pos);
      if (n <= 0) break;
      const block = buf.subarray(0, n);
      /** the line ending at block[i] (a newline) */
      const lineEnd = (i: number): void => {
        lines++;
        if (quotes % 2 !== 0) return; // inside a quoted field
        const at = pos + i + 1;
        if (headEnd < 0) headEnd = at;
        else if (t < targets.length && at >= targets[t]!) {
          starts.push({ at, line: lines });
          while (t < targets.length && at >= targets[t]!) t++;
        }
      };
      // a block without a quote (most are) is searched for its newlines natively, not byte by byte
      if (jsonl || block.indexOf(0x22) < 0)
        for (let i = block.indexOf(0x0a); i >= 0; i = block.indexOf(0x0a, i + 1)) lineEnd(i);
      else
        for (let i = 0; i < n; i++) {
          const c = block[i]!;
          if (c === 0x22) quotes++;
          else if (c === 0x0a) lineEnd(i);
        }
      pos += n;
      if (headEnd >= 0 && t >= targets.length) break;
    }
    return { headEnd, starts: starts.filter((s) => s.at < size) };
  } finally {
    closeSync(fd);
  }
}

/** A plain file's extension that can be cut: a CSV or TSV, JSON Lines, Parquet (by its row groups). */
const CUTTABLE = /\.(csv|tsv|jsonl|ndjson|parquet)$/i;
const isJsonl = (file: string): boolean => /\.(jsonl|ndjson)$/i.test(file);
const isParquetFile = (file: string): boolean => /\.parquet$/i.test(file);
/** a run of Parquet row groups smaller than this is not worth a thread of its own (~0.4 s of reading) */
const MIN_RANGE_ROWS = 50_000;
/** what a row of a Parquet log is taken to hold in the table's budget (a canonical CSV row's bytes) */
const PARQUET_ROW_BYTES = 120;

/** Why a log is read as one stream rather than in ranges (for --verbose), or undefined when it may be cut (cutLog). */
export function whyOneStream(opts: LogOptions, threads: number): string | undefined {
  if (threads < 2) return 'one thread (--threads 1, LLMCOST_THREADS=1, or no idle core)';
  if (opts.file === '-') return 'standard input cannot be cut into byte ranges';
  if (opts.sample) return 'a --sample keeps whole units: the kept rows are read in file order';
  if (opts.strict || opts.rejectsFile) return '--strict and --rejects need the rows in file order';
  if (!CUTTABLE.test(opts.file))
    return 'only a plain .csv, .tsv, .jsonl or .parquet file is cut into ranges (not a .gz or a JSON document)';
  try {
    const path = resolve(opts.cwd ?? process.cwd(), opts.file);
    const st = statSync(path);
    if (!st.isFile()) return 'the log is not a regular file';
    // Parquet is cut by its row groups (cutLog reads how many rows each holds)
    if (isParquetFile(opts.file)) return undefined;
    if (st.size < 2 * MIN_RANGE_BYTES)
      return `the log is under ${(2 * MIN_RANGE_BYTES) / 1024 / 1024} MB: one stream reads it as fast`;
    // what the name does not say: the reader goes by the bytes (a gzip or Parquet file named .csv)
    // (a .jsonl's first line, as far as the reader's first chunk: what its own check reads)
    const first = readBytes(path, 0, Math.min(st.size, isJsonl(opts.file) ? CHUNK_BYTES : 4));
    if (first[0] === 0x1f && first[1] === 0x8b) return 'the log is gzip-compressed, whatever its name';
    if (Buffer.from(first.subarray(0, 4)).toString('latin1') === 'PAR1') return 'the log is Parquet, whatever its name';
    if (isJsonl(opts.file) && !looksLikeJsonl(Buffer.from(first).toString('utf8')))
      return 'the first line of the .jsonl log is not a whole JSON object';
    return undefined;
  } catch {
    return 'the log cannot be examined';
  }
}

/**
 * Read a log into a table: in parallel byte ranges when it is a big plain CSV and its preset reads
 * each row on its own, else as one stream (buildTable, which spills past the budget). The stats are
 * those of one read of the whole log. With `deferRecount`, when the ranges show the log is in time
 * order (so stats.outOfOrder is 0 already), the rest of their recount is left to `recount`, which
 * completes the stats when called.
 */
export async function readLogTable(
  opts: LogOptions,
  stats: LogStats,
  threads: number,
  table: TableOptions = {},
  how: {
    deferRecount?: boolean;
    /** requests read so far, and how far through the log (null: not known) */
    onProgress?: (requests: number, fraction: number | null) => void;
  } = {},
): Promise<{ table: RequestTable; recount?: () => void }> {
  const cwd = opts.cwd ?? process.cwd();
  const { onProgress } = how;
  // one stream: its progress is this thread's
  const whole = async (): Promise<{ table: RequestTable }> => {
    const batches = readLog(opts, stats);
    return { table: await buildTable(onProgress ? withProgress(batches, stats, onProgress) : batches, table) };
  };
  // ranges are read into memory: only a log that fits the budget (a table takes less than its CSV)
  const budget = table.budgetBytes ?? DEFAULT_TABLE_BUDGET_MB * 2 ** 20;
  const cut = await cutLog(opts, threads, budget);
  if (typeof cut === 'string') return whole();

  const first = await firstRange(opts, cut, stats);
  if (typeof first === 'string') return whole();
  const others = otherRanges<RangeTask, RangeResult>(
    compiledUrl(import.meta.url, 'read-worker.js'),
    opts,
    cut,
    first.preset,
    (task) => task,
    onProgress && ((n, f) => onProgress(n, f ?? null)),
  );
  const mine = await chunksOf(first.batches, (n) => others.tell(n, stats));
  phase('range 0 read');
  const results = await others.results();
  phase('ranges read');
  const chunks = [...mine, ...results.flatMap((r) => r.chunks)];
  const sorted = inTimeOrder([stats, ...results.map((r) => r.stats)]);
  mergeStats(
    stats,
    results.map((r) => r.stats),
  );
  if (nothingPriced(stats)) {
    // one stream says which column is missing (readLog)
    restartStats(stats);
    return whole();
  }
  const out = new RequestTable(
    chunks.map((chunk): TablePart => ({ chunk })),
    chunks.reduce((n, c) => n + c.rows, 0),
  );
  const rest = (): void => {
    recount(stats, chunks, shownPath(opts.file, cwd));
    phase('recounted');
  };
  if (how.deferRecount && sorted) {
    stats.outOfOrder = 0;
    return { table: out, recount: rest };
  }
  rest();
  return { table: out };
}

/**
 * Whether ranges' rows, read in file order, are in time order: each range's are (none earlier than
 * a row before it) and none starts before an earlier range ends.
 */
function inTimeOrder(ranges: readonly Pick<LogStats, 'outOfOrder' | 'startMs' | 'endMs'>[]): boolean {
  let last = -Infinity;
  for (const r of ranges) {
    if (r.outOfOrder > 0) return false;
    if (r.startMs === null || r.endMs === null) continue;
    if (r.startMs < last) return false;
    last = r.endMs;
  }
  return true;
}

/** A log cut into byte ranges, each starting a record; the first starts the file. */
export interface LogCut {
  /** the file's absolute path */
  path: string;
  ranges: LogRange[];
}

/**
 * Where to read a log in parallel ranges: a plain CSV or JSON Lines file big enough for two
 * (whyOneStream), of at most `maxBytes`, cut into at most `threads` byte ranges; a Parquet file
 * into runs of row groups. Why not, when it cannot be cut.
 */
export async function cutLog(opts: LogOptions, threads: number, maxBytes = Infinity): Promise<LogCut | string> {
  const why = whyOneStream(opts, threads);
  if (why) return why;
  const cwd = opts.cwd ?? process.cwd();
  const path = isAbsolute(opts.file) ? opts.file : resolve(cwd, opts.file);
  if (isParquetFile(path)) return cutParquet(path, shownPath(opts.file, cwd), threads, maxBytes);
  const size = statSync(path).size;
  if (size > maxBytes) return 'the log is larger than the memory its table may take';
  const parts = Math.max(1, Math.min(threads, Math.floor(size / MIN_RANGE_BYTES)));
  const jsonl = isJsonl(path);
  const { headEnd, starts } = cutPoints(path, parts, jsonl);
  if (headEnd < 0 || !starts.length) return 'the log could not be cut at line ends';
  // a CSV's later ranges borrow its header; JSON Lines has none
  const head = jsonl ? new Uint8Array(0) : readBytes(path, 0, headEnd);
  const ends = [...starts.map((s) => s.at), size];
  const kind = jsonl ? { jsonl } : {};
  return {
    path,
    ranges: [
      { start: 0, end: ends[0]!, head: new Uint8Array(0), firstLine: 1, ...kind },
      ...starts.map((s, k) => ({ start: s.at, end: ends[k + 1]!, head, firstLine: s.line, ...kind })),
    ],
  };
}

/** A Parquet file cut into runs of whole row groups of about equal rows, one per thread. */
async function cutParquet(path: string, shown: string, threads: number, maxBytes: number): Promise<LogCut | string> {
  // hyparquet is loaded only for a Parquet log
  const { parquetGroupRows } = await import('../logs/parquet.js');
  const rows = await parquetGroupRows(path, shown);
  const total = rows.reduce((n, r) => n + r, 0);
  if (total * PARQUET_ROW_BYTES > maxBytes) return 'the log is larger than the memory its table may take';
  const parts = Math.min(threads, rows.length, Math.floor(total / MIN_RANGE_ROWS));
  if (rows.length < 2) return 'the Parquet file has one row group (a thread reads whole row groups)';
  if (parts < 2)
    return `the Parquet file has under ${(2 * MIN_RANGE_ROWS).toLocaleString('en-US')} rows: one stream reads it as fast`;
  const ranges: LogRange[] = [];
  const none = new Uint8Array(0);
  let from = 0;
  let before = 0;
  for (let k = 1; k <= parts; k++) {
    // this run ends at the group boundary nearest k/parts of the rows, leaving a group for each run after it
    let to = from + 1;
    let upTo = before + rows[from]!;
    if (k === parts) to = rows.length;
    else while (to < rows.length - (parts - k) && upTo + rows[to]! / 2 <= (k * total) / parts) upTo += rows[to++]!;
    ranges.push({ start: 0, end: 0, head: none, firstLine: before + 1, groups: { from, to } });
    before = upTo;
    from = to;
  }
  return { path, ranges };
}

/**
 * The first range of a cut log, read on this thread as far as its first batch, which tells the
 * preset the other ranges are given; then its batches, the first one included. Why not - that read
 * stopped and the stats reset - when the preset skips repeats across records (a transcript
 * preset), which needs one pass over the whole log.
 */
export async function firstRange(
  opts: LogOptions,
  cut: LogCut,
  stats: LogStats,
): Promise<{ preset: string; batches: AsyncIterable<SimRequest[]> } | string> {
  const it = readLog({ ...opts, file: cut.path, range: cut.ranges[0]! }, stats)[Symbol.asyncIterator]();
  const first = await it.next();
  const preset = stats.preset ? getPreset(stats.preset) : undefined;
  if (!preset || preset.dedupeKey) {
    await it.return?.(undefined);
    restartStats(stats);
    return `its preset (${preset?.name}) skips records that repeat one call across the log: one pass`;
  }
  return {
    preset: preset.name,
    batches: (async function* () {
      if (!first.done) yield first.value;
      for (let n = await it.next(); !n.done; n = await it.next()) yield n.value;
    })(),
  };
}

/** A range reader's options: plain data (the pricing as PricingData), the preset the first range detected. */
function rangeOptions(opts: LogOptions, path: string, cwd: string, preset: string): RangeTask['opts'] {
  const { book, notify: _n, stdin: _s, sample: _m, thread: _t, ...plain } = opts;
  return { ...plain, file: path, cwd, preset, ...(book ? { book: pricingData(book) } : {}) };
}

/** Stats back to a fresh read's (a read in ranges that starts again as one stream). */
export function restartStats(stats: LogStats): void {
  for (const k of Object.keys(stats) as (keyof LogStats)[]) delete stats[k];
  Object.assign(stats, newLogStats());
}

function readBytes(path: string, from: number, to: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const b = Buffer.alloc(to - from);
    readSync(fd, b, 0, b.length, from);
    return new Uint8Array(b);
  } finally {
    closeSync(fd);
  }
}

/** Add the other ranges' counts to the first's (rejects stay in line order: ranges are in file order). */
export function mergeStats(into: LogStats, others: LogStats[]): void {
  if (into.tagNamesAt) {
    // a JSON log's tag names: those of its first TAG_NAMES_FROM priced rows, each range's at its rows' place
    const names = new Set<string>();
    let before = 0;
    for (const s of [into, ...others]) {
      for (const [k, at] of s.tagNamesAt ?? []) if (before + at <= TAG_NAMES_FROM) names.add(k);
      before += s.priced;
    }
    const tags = jsonTagColumns(names);
    if (tags) into.tagColumns = tags;
    delete into.tagNamesAt;
  }
  for (const s of others) {
    into.read += s.read;
    into.priced += s.priced;
    into.rejected += s.rejected;
    into.skipped += s.skipped;
    for (const [k, n] of Object.entries(s.skipReasons)) into.skipReasons[k] = (into.skipReasons[k] ?? 0) + n;
    for (const [k, n] of Object.entries(s.reasons)) into.reasons[k] = (into.reasons[k] ?? 0) + n;
    into.firstRejects.push(...s.firstRejects);
    if (s.costUsdParts) {
      const parts = (into.costUsdParts ??= []);
      for (const p of s.costUsdParts) addExact(parts, p);
    }
    if (s.costRows) into.costRows = (into.costRows ?? 0) + s.costRows;
    if (s.tokenizedTexts) into.tokenizedTexts = (into.tokenizedTexts ?? 0) + s.tokenizedTexts;
    if (s.unbilled) into.unbilled = (into.unbilled ?? 0) + s.unbilled;
    if (s.unbilledUsage) into.unbilledUsage = (into.unbilledUsage ?? 0) + s.unbilledUsage;
    if (s.overWindow) {
      into.overWindow = (into.overWindow ?? 0) + s.overWindow;
      // ranges are in file order: the first range that has one holds the first row
      into.firstOverWindow ??= s.firstOverWindow;
    }
  }
  into.firstRejects.splice(FIRST_REJECTS_KEPT);
  // exact: the sum of the parts' sums is the one-pass sum, bit for bit
  if (into.costUsdParts) into.costUsdSum = exactValue(into.costUsdParts);
}

/** the end-of-read warnings a range gives about its own rows only: said again over the whole table */
const WHOLE_LOG = new Set(['LOG_UNSORTED', 'LOG_DUPLICATE_ID', 'LOG_UNBILLED', 'LOG_PERIOD', 'OVER_CONTEXT_WINDOW']);

/**
 * What a range alone cannot know, counted again over the whole table in order: rows earlier than a
 * row before them, the period and its spread, repeated request ids; and the warnings about them
 * (with the failed calls not billed), as readLog says them.
 */
function recount(stats: LogStats, chunks: readonly Chunk[], shown: string): void {
  const whole = new WholeLog(shown);
  for (const c of chunks) {
    const v = new ChunkView(c);
    for (let i = 0; i < c.rows; i++) whole.see(c.atMs[i]!, c.line[i]!, v.str(c.id[i]!));
  }
  whole.finish(stats);
}

/**
 * The counts a log read in ranges takes again over all its priced rows, seen in file order (each
 * range's rows in order, the ranges in file order): the stats' unsorted rows, period and repeated
 * ids, and the warnings about them, as one read of the whole log gives them.
 */
export class WholeLog {
  private readonly spread = new PeriodSpread();
  private readonly ids: DuplicateIds;
  private lastMs = -Infinity;
  private outOfOrder = 0;
  private startMs = Infinity;
  private endMs = -Infinity;

  constructor(private readonly shown: string) {
    this.ids = new DuplicateIds(shown);
  }

  /** a priced row: its time, line (0: none) and request id */
  see(t: number, line: number, id: string): void {
    this.time(t, line);
    this.ids.see(id, line);
  }

  /** a range's priced rows, in order */
  seeTrail(trail: Trail): void {
    const { atMs, line, chars, ends } = trail;
    for (let i = 0, from = 0; i < atMs.length; from = ends[i++]!) {
      this.time(atMs[i]!, line[i]!);
      this.ids.seeChars(chars, from, ends[i]!, line[i]!);
    }
  }

  private time(t: number, line: number): void {
    if (t < this.lastMs) this.outOfOrder++;
    else this.lastMs = t;
    if (t < this.startMs) this.startMs = t;
    if (t > this.endMs) this.endMs = t;
    this.spread.add(t, line);
  }

  /** stats (the ranges' counts merged) with the whole log's figures and warnings */
  finish(stats: LogStats): void {
    stats.warnings = stats.warnings.filter((w) => !WHOLE_LOG.has(w.code));
    delete stats.duplicateIds;
    stats.outOfOrder = this.outOfOrder;
    stats.startMs = stats.priced ? this.startMs : null;
    stats.endMs = stats.priced ? this.endMs : null;
    this.ids.finish(stats);
    finishWarnings(stats, this.spread, this.shown);
  }
}

/** A range's priced rows in order, as WholeLog needs them: times, lines and request ids (UTF-16, end to end). */
export interface Trail {
  atMs: Float64Array;
  line: Float64Array;
  chars: Uint16Array;
  /** where each id ends in `chars` */
  ends: Int32Array;
}

/** A Trail as rows are read: typed arrays that double, so no row's strings are kept. */
export class TrailBuilder {
  private atMs = new Float64Array(1024);
  private line = new Float64Array(1024);
  private ends = new Int32Array(1024);
  private chars = new Uint16Array(1 << 14);
  private rows = 0;
  private used = 0;

  add(atMs: number, line: number, id: string): void {
    if (this.rows === this.atMs.length) {
      this.atMs = withRoom(this.atMs, this.rows, this.rows + 1);
      this.line = withRoom(this.line, this.rows, this.rows + 1);
      this.ends = withRoom(this.ends, this.rows, this.rows + 1);
    }
    this.chars = withRoom(this.chars, this.used, this.used + id.length);
    putUnits(id, this.chars, this.used);
    this.used += id.length;
    this.atMs[this.rows] = atMs;
    this.line[this.rows] = line;
    this.ends[this.rows++] = this.used;
  }

  /** the rows so far: views of the builder's own arrays (moved to another thread whole, not copied) */
  trail(): Trail {
    return {
      atMs: this.atMs.subarray(0, this.rows),
      line: this.line.subarray(0, this.rows),
      chars: this.chars.subarray(0, this.used),
      ends: this.ends.subarray(0, this.rows),
    };
  }
}
