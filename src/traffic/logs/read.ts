// The streaming log reader: one pass over a CSV/JSONL log (plain, .gz or stdin), each record
// accepted as a SimRequest or rejected with file:line and a reason, yielded in batches.
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { SimRequest } from '../../engine/request.js';
import { type Code, type Diagnostic, excerpt, suggestionHint, userError, warning } from '../../diagnostics.js';
import { azureDeploymentName, isApplicationProfile } from '../../pricing/channels.js';
import { type Pricing, pricedByText } from '../../pricing/pricebook.js';
import { TokenCounter } from '../tokens.js';
import { CANONICAL_COLUMNS, type Column, type Fields, isColumn } from './columns.js';
import { type Detection, detectionNote, detectPreset } from './detect.js';
import { checkCsvHeader, missingJsonlColumn } from './header.js';
import { CACHE_CONVENTIONS, type CacheConvention } from './preset.js';
import { DEFAULT_TIMESTAMP_RANGE, PeriodSpread, type TimestampRange } from './period.js';
import { getPreset, PRESETS, type Preset } from './presets.js';
import {
  csvLayout,
  flatPlanOf,
  gettersOf,
  hooksOnFields,
  ROW_TAGS,
  type RowContext,
  sampleUnitOf,
  toRequest,
} from './row.js';
import { type LogFormat, type LogRange, openLog, type RawRecord, rawText } from './source.js';
import { openLogInWorker } from './thread.js';
import { csvCell } from '../../shared/csv.js';
import { fnv1a32, fnv1a32Units, mix32, mix32Units } from '../../shared/hash.js';
import { addExact, exactValue } from '../../shared/numbers.js';
import { RecentMap } from '../../shared/recent.js';
import { openOutput, type OutputStream } from '../../shared/output-file.js';
import { lineSampler } from './sampled.js';
import type { SampleFilter } from '../sample.js';

export interface LogOptions {
  /** path, a directory of JSONL transcripts, or '-' for stdin */
  file: string;
  /** undefined: detected from the first records (see detect.ts) */
  preset?: string;
  /** told the detected preset as soon as it is known (the CLI prints it on stderr) */
  notify?: (message: string) => void;
  /** canonical column -> source field; the key cache_tokens takes inside|beside (see CacheConvention) */
  map?: Record<string, string>;
  /** for traces without one */
  model?: string;
  /** epoch ms of rows without a timestamp (a Gemini API batch output has none); else such rows are rejected */
  timestamp?: number;
  strict?: boolean;
  rejectsFile?: string;
  batchSize?: number;
  stdin?: NodeJS.ReadableStream;
  cwd?: string;
  /**
   * the pricing rows are checked against: a row on a model no table (nor the catalog) knows, or on
   * a tier the model lacks at the row's date, is rejected (with did-you-mean) instead of failing the run
   */
  book?: Pricing;
  /**
   * Read and parse the file in a worker thread while this thread turns rows into requests and
   * simulates (default 'auto': CSV/TSV files of at least THREAD_MIN_BYTES; the CLI takes it from
   * LLMCOST_READER_THREAD). Same rows, same order, same stats: only where the parsing runs changes.
   */
  thread?: ReaderThread;
  /** rows timestamped outside it are rejected (default DEFAULT_TIMESTAMP_RANGE; not for relative-time presets) */
  timestampRange?: TimestampRange;
  /** repeated request ids are checked by the caller, on the requests it is given (traffic/table/stream.ts) */
  callerChecksIds?: boolean;
  /** only a byte range of the file (one part of a parallel read: traffic/table/read.ts) */
  range?: LogRange;
  /**
   * a key-consistent sample (traffic/sample.ts): requests outside it are counted (stats.unsampled)
   * and dropped; CSV lines outside it are not even parsed when the unit can be read from the line
   */
  sample?: SampleFilter;
}

export type ReaderThread = 'auto' | 'on' | 'off';

/** LLMCOST_READER_THREAD from the environment: on, off or auto (unset: undefined, i.e. auto). */
export function readerThread(env: Record<string, string | undefined>): ReaderThread | undefined {
  const v = env.LLMCOST_READER_THREAD;
  if (v === undefined || v === '') return undefined;
  const m = v.trim().toLowerCase();
  if (m === 'on' || m === 'off' || m === 'auto') return m;
  throw userError('USAGE', `LLMCOST_READER_THREAD '${v}' is not on, off or auto`, {
    where: 'LLMCOST_READER_THREAD',
    hint: 'unset it (auto: big CSV files are read in a second thread), or set on or off',
  });
}
/** below this a worker's start-up (50-100 ms measured on 2 cores) costs more than it saves */
export const THREAD_MIN_BYTES = 8 * 1024 * 1024;

/**
 * Whether this read parses in a worker thread: never stdin; 'auto' only a CSV/TSV file (by name;
 * optionally .gz) big enough to repay the worker's start. A JSONL file is parsed twice when
 * threaded (the worker checks each line, this thread needs the object), so 'auto' keeps it here.
 */
export function useThread(opts: LogOptions): boolean {
  const mode = opts.thread ?? 'auto';
  // a sampled read parses ~1/N of the rows: the worker's start would cost more than it saves
  if (mode === 'off' || opts.file === '-' || opts.sample || opts.range) return false;
  // a directory of transcripts is many small files: its records name their file, which the worker does not carry
  if (mode === 'on') return !isDirectory(resolve(opts.cwd ?? process.cwd(), opts.file));
  if (!/\.(csv|tsv)(\.gz)?$/i.test(opts.file)) return false;
  try {
    return statSync(resolve(opts.cwd ?? process.cwd(), opts.file)).size >= THREAD_MIN_BYTES;
  } catch {
    return false; // a missing file: the reader reports it
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Row checks against the pricing: unknown models and tiers a model lacks (at the row's date) reject the row. */
export function bookChecks(
  book: Pricing,
): Pick<RowContext, 'acceptModel' | 'modelHint' | 'acceptTier' | 'accept1h' | 'unpriced' | 'contextWindow'> {
  // known in one period = known in every one (a table or the catalog prices it for any date);
  // asking the row's own table first parses no table the log does not need
  let knownAt = 0;
  const known = new RecentMap((m) => book.lookup(m, book.periodOf(knownAt)) !== undefined);
  const hints = new Map<string, string | undefined>();
  // the model as the row's table prices it: looked up once per (period, name), not once per row
  const byPeriod: RecentMap<ReturnType<Pricing['lookup']>>[] = [];
  const info = (m: string, atMs: number): ReturnType<Pricing['lookup']> => {
    const p = book.periodOf(atMs);
    return (byPeriod[p] ??= new RecentMap((name) => book.lookup(name, p))).get(m);
  };
  return {
    acceptModel: (m, atMs) => {
      knownAt = atMs;
      return known.get(m);
    },
    modelHint: (m) => {
      if (!hints.has(m)) {
        // an Azure deployment is named by its owner: no near name helps, a mapping does
        const deployment = azureDeploymentName(m);
        // so is a Bedrock application inference profile (its ARN names no model)
        const profile = isApplicationProfile(m);
        const names = deployment || profile ? [] : book.nearNames(m);
        hints.set(
          m,
          deployment
            ? `an Azure deployment: map it to its model with --deployment ${deployment}=MODEL or traffic.log.deployments`
            : profile
              ? `a Bedrock application inference profile: map it to its model with --deployment ${m}=MODEL or traffic.log.deployments`
              : names.length
                ? `did you mean ${names.map((n) => `'${n}'`).join(' or ')}?`
                : undefined,
        );
      }
      return hints.get(m);
    },
    acceptTier: (m, tier, atMs) => info(m, atMs)?.prices[tier] !== undefined,
    // automatic caches bill writes as plain input; an explicit cache needs a write_1h price
    accept1h: (m, atMs) => {
      const c = info(m, atMs)?.cache;
      return !c || c.style === 'automatic' || c.has1h || c.storagePerHourPicoPerM !== undefined;
    },
    unpriced: (m, atMs, dims) => {
      const model = info(m, atMs);
      if (!model) return undefined;
      const std = model.prices.standard?.base;
      const dimension = dims.find((d) =>
        d === 'audio input tokens'
          ? std?.audioInput === undefined
          : d === 'audio output tokens'
            ? std?.audioOutput === undefined
            : d === 'cache storage'
              ? model.cache?.storagePerHourPicoPerM === undefined
              : model.fees?.web_search === undefined,
      );
      return dimension && { dimension, pricedBy: pricedByText(model) };
    },
    contextWindow: (m, atMs) => info(m, atMs)?.contextWindow,
  };
}

/**
 * Repeated request ids are checked within a sliding window of recent rows (two generations of
 * DUP_WINDOW ids), so memory stays bounded on logs of any length; a repeat further apart than
 * that (e.g. a whole export concatenated twice) is not detected.
 */
export const DUP_WINDOW = 65_536;

/** The log as messages name it: <stdin>, or the path relative to cwd when it is inside it. */
export function shownPath(file: string, cwd: string): string {
  return file === '-'
    ? '<stdin>'
    : isAbsolute(file) && !relative(cwd, file).startsWith('..')
      ? relative(cwd, file)
      : file;
}

/**
 * The duplicate check keys an id by two 32-bit hashes (fnv1a32, mix32): ids with equal keys are taken
 * as the same id. A false match needs both to collide, below one in 10^14 per row at 131,072 ids held,
 * and would only add one to a warning's count.
 */
const idKey1 = (s: string): number => fnv1a32(s) | 0 || 1;
const idKey1Units = (src: Uint16Array, from: number, to: number): number => fnv1a32Units(src, from, to) | 0 || 1;

const TWO_32 = 2 ** 32;

/**
 * id key -> line, open addressing in one typed array of 4 int32 per slot: key (k1, k2) and the line
 * (low, high 32 bits). A lookup and its insert touch one cache line of one array; no id string or
 * character is kept. (A Map of 65K fresh id strings was ~7% of a replay; a table that also kept each
 * id's characters in four more arrays cost ~10% of a one-thread waterfall, most of it in cache misses
 * the rest of the run then paid.)
 */
class IdTable {
  private slots: Int32Array;
  private mask: number;
  size = 0;

  /** starts small and doubles up to `capacity`: a short log does not pay for a 65K-id window (~10 ms, and GC) */
  constructor(private readonly capacity: number) {
    const n = Math.min(capacity, 1024);
    this.slots = new Int32Array(4 * n);
    this.mask = n - 1;
  }

  /** the slot (index of its first int32) holding key (k1, k2), or the free slot it would take */
  private slot(k1: number, k2: number): number {
    const s = this.slots;
    let i = k1 & this.mask;
    for (;;) {
      const x = s[4 * i]!;
      if (x === 0 || (x === k1 && s[4 * i + 1] === k2)) return 4 * i;
      i = (i + 1) & this.mask;
    }
  }

  /** the line recorded for the key, or -1 */
  find(k1: number, k2: number): number {
    const at = this.slot(k1, k2);
    const s = this.slots;
    return s[at] === 0 ? -1 : (s[at + 2]! >>> 0) + s[at + 3]! * TWO_32;
  }

  /** callers keep size at most half the capacity, so a free slot always exists */
  set(k1: number, k2: number, line: number): void {
    if (2 * (this.size + 1) > this.mask + 1 && this.mask + 1 < this.capacity) this.grow();
    const at = this.slot(k1, k2);
    const s = this.slots;
    if (s[at] === 0) {
      s[at] = k1;
      s[at + 1] = k2;
      this.size++;
    }
    s[at + 2] = (line % TWO_32) | 0;
    s[at + 3] = Math.floor(line / TWO_32);
  }

  private grow(): void {
    const old = this.slots;
    const n = 2 * (this.mask + 1);
    this.slots = new Int32Array(4 * n);
    this.mask = n - 1;
    for (let at = 0; at < old.length; at += 4) {
      const k1 = old[at]!;
      if (k1 === 0) continue;
      // keys in the table are distinct: the first free slot is the key's
      let i = k1 & this.mask;
      while (this.slots[4 * i] !== 0) i = (i + 1) & this.mask;
      this.slots.set(old.subarray(at, at + 4), 4 * i);
    }
  }

  clear(): void {
    this.slots.fill(0);
    this.size = 0;
  }
}

/** the text of UTF-16 code units src[from, to) */
function textOf(src: Uint16Array, from: number, to: number): string {
  let s = '';
  for (let k = from; k < to; k += 4096) s += String.fromCharCode(...src.subarray(k, Math.min(to, k + 4096)));
  return s;
}

/**
 * Rows whose request_id repeats an earlier row's, within the last two windows of DUP_WINDOW ids.
 * A row without its own id has the id line-N (N its line) and is not checked.
 */
export class DuplicateIds {
  private now = new IdTable(2 * DUP_WINDOW);
  private before = new IdTable(2 * DUP_WINDOW);
  private count = 0;
  private first: string | undefined;

  constructor(private readonly shown: string) {}

  /** the request id of a priced row and its line (0: none) */
  see(id: string, line: number): void {
    if (id.startsWith('line-') && id === `line-${line}`) return;
    const seen = this.check(idKey1(id), mix32(id), line);
    if (seen >= 0) this.first ??= this.repeat(id, line, seen);
  }

  /** the same for the id whose UTF-16 code units are src[from, to) (a range's rows: replay-run.ts) */
  seeChars(src: Uint16Array, from: number, to: number, line: number): void {
    // a generated id (line-N, the row's own line) is not checked
    if (to - from > 5 && src[from] === 0x6c && src[from + 4] === 0x2d && textOf(src, from, to) === `line-${line}`)
      return;
    const seen = this.check(idKey1Units(src, from, to), mix32Units(src, from, to), line);
    if (seen >= 0) this.first ??= this.repeat(textOf(src, from, to), line, seen);
  }

  /** the first repeat's message */
  private repeat(id: string, line: number, seen: number): string {
    return `request_id '${excerpt(id)}' at ${this.shown}:${line} repeats ${this.shown}:${seen}`;
  }

  /** records the id's key at `line`; the line of an earlier row that had it, or -1 */
  private check(k1: number, k2: number, line: number): number {
    let seen = this.now.find(k1, k2);
    if (seen < 0) seen = this.before.find(k1, k2);
    if (seen >= 0) this.count++;
    this.now.set(k1, k2, line);
    if (this.now.size >= DUP_WINDOW) {
      const t = this.before;
      this.before = this.now;
      this.now = t;
      t.clear();
    }
    return seen;
  }

  /** at the end of the log: the count and a warning (first among the log's warnings) when any id repeated */
  finish(stats: LogStats): void {
    if (this.count === 0) return;
    stats.duplicateIds = this.count;
    stats.warnings.unshift({
      code: 'LOG_DUPLICATE_ID',
      message: `${this.count} row(s) repeat an earlier request_id (${this.first}); each row is priced, so a log exported twice counts twice: remove the repeats if they are the same call`,
    });
  }
}

export interface LogStats {
  read: number;
  priced: number;
  rejected: number;
  /** records that are not billed model calls (spans, events, cache hits, repeated transcript lines) */
  skipped: number;
  /** skipped records per reason */
  skipReasons: Record<string, number>;
  reasons: Record<string, number>;
  firstRejects: { where: string; reason: string }[];
  outOfOrder: number;
  startMs: number | null;
  endMs: number | null;
  /** sum of cost_usd over accepted rows, when the column exists */
  costUsdSum: number | null;
  /** cost_usd summed exactly (addExact): costUsdSum is its value, the same whether the log was read in one pass or in parts */
  costUsdParts?: number[];
  /** whole-log warnings (unsorted timestamps, repeated ids), each with its diagnostic code */
  warnings: { code: Code; message: string }[];
  /** what was read: filled once the log is opened */
  format?: LogFormat;
  gzip?: boolean;
  preset?: string;
  /** the preset's timestamps count from the log's start (a trace: Mooncake, BurstGPT), not from 1970 */
  relativeTime?: true;
  /** the preset was detected (no --preset): what matched, and the note said on stderr */
  detected?: { fields: string[]; note: string };
  /** a directory of transcripts: its files */
  files?: number;
  /** accepted rows that carried a cost_usd value */
  costRows?: number;
  /** texts counted with js-tiktoken (memo misses) */
  tokenizedTexts?: number;
  /** rows whose request_id repeats an earlier row's (within DUP_WINDOW rows) */
  duplicateIds?: number;
  /** failed calls charged nothing (no usage, or usage the provider did not bill: see row.ts refusedBeforeWork) */
  unbilled?: number;
  /** of those, rows whose recorded token counts were dropped */
  unbilledUsage?: number;
  /** rows outside a key-consistent sample (read and skipped; most of them never parsed) */
  unsampled?: number;
  /**
   * its tags, which `--by` can name: a CSV log's columns that no canonical column reads, or the tag
   * names of a JSON log's first rows
   */
  tagColumns?: string[];
  /**
   * a range of a JSON log (read in parts): each tag name of its first priced rows and the priced row
   * (1-based) it first came on, so the ranges' names are those of the whole log's first rows (mergeStats)
   */
  tagNamesAt?: [string, number][];
  /** rows sending more input tokens than their model's context window (priced; a warning), and the first */
  overWindow?: number;
  firstOverWindow?: string;
  /** bytes of the file read so far and its size (live; for progress bars, never for reports) */
  position?: { read: number; total: number | null };
}

export const FIRST_REJECTS_KEPT = 10;

/**
 * The warnings that need the whole log, in the order a read gives them: failed calls whose usage is
 * not billed, a period stretched by stray timestamps, unsorted rows (a parallel read says them again
 * over the whole table: traffic/table/read.ts).
 */
export function finishWarnings(stats: LogStats, spread: PeriodSpread, shown: string): void {
  if (stats.unbilledUsage)
    stats.warnings.push({
      code: 'LOG_UNBILLED',
      message: `${stats.unbilledUsage} failed row(s) recorded token counts that are not charged: providers do not bill a call they refused (429, 5xx, a bad request) or one the log's own cost_usd says was free (docs/logs.md#failed-requests); a timeout or cancel after generation is charged on its usage`,
    });
  const stretched = spread.warning(shown);
  if (stretched) stats.warnings.push({ code: 'LOG_PERIOD', message: stretched });
  if (stats.overWindow) {
    stats.warnings.push({
      code: 'OVER_CONTEXT_WINDOW',
      message: `${stats.overWindow} row(s) send more input tokens than their model's context window (first: ${stats.firstOverWindow}); they are priced as logged, but the API would have refused them: check the model id (a long-context deployment priced as a shorter model?) or the token counts`,
    });
  }
  if (stats.outOfOrder > 0) stats.warnings.push(unsortedWarning(stats.outOfOrder, stats.priced));
}

/** a whole count with thousands separators, as en-US writes it (without Intl: its set-up costs ~25 ms) */
const count = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/** "reason ×N, ...": the most frequent first, ties by name */
const byReason = (counts: [string, number][]): string =>
  counts
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ×${count(n)}`)
    .join(', ');

/** LOG_ROW's text: the rows rejected, by reason, and where the first ones are (file:line). */
export function rejectSummary(s: LogStats): string {
  const reasons = byReason(Object.entries(s.reasons));
  const first = s.firstRejects
    .slice(0, 3)
    .map((f) => `${f.where}: ${f.reason}`)
    .join('; ');
  return `${count(s.rejected)} of ${count(s.read)} rows rejected (${reasons}); first: ${first}`;
}

/** LOG_SKIPPED's text: the records skipped, by reason (but `leaveOut`, a reason stated elsewhere). */
export function skipSummary(s: LogStats, leaveOut?: string): string {
  const kept = Object.entries(s.skipReasons).filter(([k]) => k !== leaveOut);
  const n = kept.reduce((sum, [, k]) => sum + k, 0);
  return `${count(n)} of ${count(s.read)} records skipped, not billed model calls (${byReason(kept)})`;
}

/** How a user asks for the rejected rows: with the command's flags, or with the scenario's keys. */
const REJECTS_HINT = {
  flags: 'add --rejects FILE to list every rejected row, or --strict to stop at the first',
  scenario:
    'add rejects: FILE under traffic.log in the scenario to list every rejected row, or strict: true to stop at the first',
};

/**
 * What a read says about a log's rows, the same for every command that reads one: the rejected rows
 * (LOG_ROW at `where`; their reasons and the first rows' file:line in the text), the reader's own
 * warnings, then the records skipped as not billed calls, by reason (the rows outside a sample are
 * the rows line's to say). `rejectsFile`: where the rejected rows were written, as shown; else the
 * hint says how to ask for them, `via` the command's flags or the scenario's keys.
 */
export function logDiagnostics(
  s: LogStats,
  where: string,
  rejectsFile: string | undefined,
  via: keyof typeof REJECTS_HINT,
): Diagnostic[] {
  return [
    ...(s.rejected
      ? [
          warning('LOG_ROW', rejectSummary(s), {
            where,
            hint: rejectsFile ? `rejected rows are in ${rejectsFile}` : REJECTS_HINT[via],
          }),
        ]
      : []),
    ...s.warnings.map((w) => warning(w.code, w.message)),
    ...(s.skipped > (s.unsampled ?? 0) ? [warning('LOG_SKIPPED', skipSummary(s, OUTSIDE_SAMPLE))] : []),
  ];
}

/** LOG_UNSORTED: rows earlier than a row before them */
export function unsortedWarning(outOfOrder: number, priced: number): { code: Code; message: string } {
  return {
    code: 'LOG_UNSORTED',
    message: `${outOfOrder} of ${priced} rows have a timestamp earlier than a row before them; rows are processed in file order, so time-window effects (cache TTLs, batch windows) follow the file, not the clock: sort the log by timestamp for exact TTL behaviour`,
  };
}
/** the skip reason of a row outside a key-consistent sample */
export const OUTSIDE_SAMPLE = 'outside the sample (--sample)';
const DEFAULT_BATCH = 1024;

/** the requests a read yields at a time: opts.batchSize, or 1,024 */
export function batchSizeOf(opts: Pick<LogOptions, 'batchSize'>): number {
  return Math.max(1, opts.batchSize ?? DEFAULT_BATCH);
}
/** a JSON log's tag names are gathered from its first this many priced rows */
export const TAG_NAMES_FROM = 1000;

/** The tags `--by` can name among a JSON log's tag names: not those from canonical columns, nor intent (a dimension already). */
export function jsonTagColumns(names: Iterable<string>): string[] | undefined {
  const out = [...names].filter((k) => !ROW_TAGS.has(k) && k !== 'intent');
  return out.length ? out : undefined;
}

/** How far the reader is through the file (bytes), 0..1; null for stdin. For progress bars only. */
export function logFraction(stats: LogStats): number | null {
  return stats.position?.total ? stats.position.read / stats.position.total : null;
}

export function newLogStats(): LogStats {
  return {
    read: 0,
    priced: 0,
    rejected: 0,
    skipped: 0,
    // keyed by reasons, some of which quote the log's own values
    skipReasons: Object.create(null) as Record<string, number>,
    reasons: Object.create(null) as Record<string, number>,
    firstRejects: [],
    outOfOrder: 0,
    startMs: null,
    endMs: null,
    costUsdSum: null,
    warnings: [],
  };
}

/** `--map cache_tokens=beside`: where the log counts cached and written tokens (not a column) */
const CACHE_TOKENS_KEY = 'cache_tokens';
const MAP_KEYS = [...CANONICAL_COLUMNS, CACHE_TOKENS_KEY];

/** `--map tenant=metadata.team,feature=tags.f` (repeatable) -> {tenant: 'metadata.team', ...} */
export function parseMap(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    for (const part of v.split(',')) {
      if (part.trim() === '') continue;
      const eq = part.indexOf('=');
      const col = eq > 0 ? part.slice(0, eq).trim() : '';
      const field = eq > 0 ? part.slice(eq + 1).trim() : '';
      if (!col || !field)
        throw userError('USAGE', `--map '${part}' is not column=field`, {
          where: '--map',
          hint: 'e.g. --map input_tokens=usage.prompt_tokens,tenant=metadata.team',
        });
      if (col === CACHE_TOKENS_KEY) {
        if (!(CACHE_CONVENTIONS as readonly string[]).includes(field))
          throw userError('USAGE', `--map ${CACHE_TOKENS_KEY}=${field}: say inside or beside`, {
            where: '--map',
            hint: `${CACHE_TOKENS_KEY}=inside: input_tokens includes cached and written tokens (OpenAI); beside: it does not (Anthropic)`,
          });
      } else if (!isColumn(col))
        throw userError('USAGE', `'${col}' is not a canonical column`, {
          where: '--map',
          hint: suggestionHint(
            col,
            MAP_KEYS,
            `columns: ${CANONICAL_COLUMNS.join(', ')}; or ${CACHE_TOKENS_KEY}=inside|beside`,
          ),
        });
      out[col] = field;
    }
  }
  return out;
}

function effectiveColumns(preset: Preset, map: Record<string, string> | undefined): Partial<Record<Column, string[]>> {
  const cols: Partial<Record<Column, string[]>> = { ...preset.columns };
  for (const [c, field] of Object.entries(map ?? {})) {
    if (c === CACHE_TOKENS_KEY) continue;
    if (!isColumn(c))
      throw userError('USAGE', `'${c}' is not a canonical column`, {
        where: '--map',
        hint: suggestionHint(c, CANONICAL_COLUMNS, `columns: ${CANONICAL_COLUMNS.join(', ')}`),
      });
    cols[c] = [field];
  }
  return cols;
}

/**
 * --rejects FILE: streamed to a temp file and renamed only when the whole log was read (see
 * shared/output-file.ts), so an error, a truncated gzip or Ctrl-C never leaves a partial file
 * under the final name.
 */
class RejectsWriter {
  private readonly out: OutputStream;
  constructor(path: string, shown: string) {
    this.out = openOutput(path, { flag: '--rejects', shown });
    this.out.write('line,reason,raw\n');
  }
  write(line: number, reason: string, raw: string): void {
    this.out.write(`${line},${csvCell(reason)},${csvCell(raw)}\n`);
  }
  commit(): void {
    this.out.commit();
  }
  abort(): void {
    this.out.abort();
  }
}

/** The first records as objects, for detection (CSV rows: header -> value). */
function sampleOf(recs: RawRecord[], header: string[] | undefined): Fields[] {
  const out: Fields[] = [];
  for (const r of recs) {
    if (r.fields) out.push(r.fields);
    else if (r.values && header) {
      const f: Fields = {};
      const off = r.offset ?? 0;
      for (let i = 0; i < header.length; i++) f[header[i]!] = r.values[off + i];
      out.push(f);
    }
  }
  return out;
}

/** The preset asked for, or the one the first records match (canonical when none does). */
function choosePreset(
  name: string | undefined,
  first: RawRecord[],
  header: string[] | undefined,
  shown: string,
): { preset: Preset; detection?: Detection } {
  if (name !== undefined) return { preset: getPreset(name) };
  const d = detectPreset(PRESETS, sampleOf(first, header), shown);
  return d ? { preset: d.preset, detection: d } : { preset: getPreset('canonical') };
}

/**
 * The log as batches of requests; rejected and skipped records are counted in `stats` (filled as it
 * goes; the warnings once the stream ends). Big files are parsed in a worker thread (see
 * LogOptions.thread). Without opts.preset the preset is detected from the first records.
 */
export async function* readLog(opts: LogOptions, stats: LogStats): AsyncGenerator<SimRequest[]> {
  const open = useThread(opts) ? openLogInWorker : openLog;
  const cwd = opts.cwd ?? process.cwd();
  if (opts.preset !== undefined) getPreset(opts.preset); // an unknown name fails before the file is opened
  const path = opts.file === '-' ? '-' : isAbsolute(opts.file) ? opts.file : resolve(cwd, opts.file);
  const shown = shownPath(opts.file, cwd);
  const batchSize = batchSizeOf(opts);

  const sampler = opts.sample && lineSampler(opts.sample);
  const log = await (sampler || opts.range
    ? openLog(path, shown, opts.stdin, sampler, opts.range)
    : open(path, shown, opts.stdin));
  try {
    stats.format = log.format;
    stats.gzip = log.gzip;
    stats.position = log.position;
    if (log.files !== undefined) stats.files = log.files;
    const batches = log.records[Symbol.asyncIterator]();
    const firstBatch = await batches.next();
    const { preset, detection } = choosePreset(opts.preset, firstBatch.done ? [] : firstBatch.value, log.header, shown);
    stats.preset = preset.name;
    if (preset.relativeTime) stats.relativeTime = true;
    if (detection) {
      stats.detected = { fields: detection.fields, note: detectionNote(detection, shown) };
      opts.notify?.(stats.detected.note);
    }
    const columns = effectiveColumns(preset, opts.map);

    if (preset.needsModel && !opts.model && !opts.map?.model) {
      throw userError('USAGE', `the ${preset.name} trace has no model column: say which model to price it as`, {
        where: '--model',
        hint: `add --model, e.g. --model claude-sonnet-4-5 (any id from \`llmcost pricing list\`)`,
      });
    }
    // A CSV header must be a log's, name each column once and carry every required column.
    if (log.header) checkCsvHeader(log.header, columns, preset, opts.model, opts.timestamp, shown);

    const used = new Set<string>();
    for (const fields of Object.values(columns)) for (const f of fields ?? []) used.add(f.split('.')[0]!);
    for (const fields of Object.values(preset.tags ?? {})) for (const f of fields) used.add(f.split('.')[0]!);
    for (const k of [
      'hash_ids',
      'attributes',
      'metadata',
      'response',
      'error',
      'cache_hit',
      'usage',
      'usageDetails',
      'costDetails',
    ])
      used.add(k);
    const csv = log.header ? csvLayout(columns, log.header, used, preset) : undefined;
    if (csv?.extra.length) stats.tagColumns = csv.extra.map(([name]) => name);
    // a JSON log's tags are known row by row: the names its first rows carry (for --by's hint)
    const jsonTags = csv ? undefined : new Map<string, number>();
    const tokens = new TokenCounter();
    const ctx: RowContext = {
      preset,
      columns,
      getters: gettersOf(columns),
      flat: flatPlanOf(columns),
      used,
      tokens,
      ...(opts.map?.[CACHE_TOKENS_KEY] ? { cacheTokens: opts.map[CACHE_TOKENS_KEY] as CacheConvention } : {}),
      ...(preset.dedupeKey ? { seenKeys: new Set<string>() } : {}),
      prefixes: new Map(),
      ...(csv ? { csv } : {}),
      ...(opts.model ? { fallbackModel: opts.model } : {}),
      ...(opts.timestamp !== undefined ? { fallbackAtMs: opts.timestamp } : {}),
      models: new RecentMap((m: string) => m),
      ...(opts.book ? bookChecks(opts.book) : {}),
      ...(preset.relativeTime ? {} : { timeRange: opts.timestampRange ?? DEFAULT_TIMESTAMP_RANGE }),
    };
    const spread = new PeriodSpread();
    // Whether a row reads its fields as they are (no preset hook works on the record, none expands
    // it): only then can a sample decide on a row by its unit column before the row is built.
    const readsAsIs = !hooksOnFields(preset) && !preset.expand;
    // the sample's unit, read from the line before it is parsed (a plain CSV row, the unit in a column)
    if (sampler && ctx.csv && readsAsIs) {
      const at = (c: Column): number[] => ctx.csv!.at[CANONICAL_COLUMNS.indexOf(c)] ?? [];
      opts.sample!.decideUnit(at('prefix_key').length > 0, at('conversation_id').length > 0);
      sampler.columns = { unit: at(opts.sample!.unit), id: at('request_id') };
    }
    // There, a sample also decides on a record before it becomes a request: the unit column is read
    // as toRequest reads it (sampleUnitOf), and a row outside the sample is counted and not built
    // (the lines a scan left out never get here). Set once the first request has settled the unit
    // (decideUnit); a JSON Lines log's byte scan (sampled.ts) is given the unit's fields then.
    const plainRecords = opts.sample !== undefined && readsAsIs;
    /** whether a record is in the sample by its unit column (the one rule the pre-filter and a Parquet read apply) */
    let inSample: ((src: Fields | string[], line: number, off: number) => boolean) | undefined;
    const topLevel = (c: Column): (string | null)[] => (columns[c] ?? []).map((f) => (f.includes('.') ? null : f));
    // request id -> line, for the last two windows of rows
    const ids = new DuplicateIds(shown);
    const rejects = opts.rejectsFile ? new RejectsWriter(resolve(cwd, opts.rejectsFile), opts.rejectsFile) : undefined;
    // the rejects file becomes visible only when the whole log was read
    let complete = false;
    let firstFields: string[] | undefined;
    let lastMs = -Infinity;
    let batch: SimRequest[] = [];
    try {
      for (let b = firstBatch; !b.done; b = await batches.next())
        for (const whole of b.value) {
          const parts = preset.expand && whole.fields ? expandRecord(preset, whole) : [whole];
          if (!parts.length) {
            stats.read++;
            skipped(stats, 'envelope without spans');
          }
          for (const rec of parts) {
            stats.read++;
            let kind: string;
            let detail: string;
            const src = rec.values ?? rec.fields;
            if (src) {
              firstFields ??= rec.fields ? Object.keys(rec.fields) : log.header;
              if (inSample && !inSample(src, rec.line, rec.offset ?? 0)) {
                stats.unsampled = (stats.unsampled ?? 0) + 1;
                skipped(stats, OUTSIDE_SAMPLE);
                continue;
              }
              let r = toRequest(src, rec.line, ctx, rec.offset);
              if (r.needsEncoder) {
                // first text to count for this tokenizer: load it (lazily, once), then read the row again
                await tokens.ensure(r.needsEncoder);
                r = toRequest(src, rec.line, ctx, rec.offset);
              }
              if (r.req) {
                const q = r.req;
                const outside = opts.sample && !opts.sample.keeps(q, r.unbilledPrefixKey);
                if (plainRecords && !inSample) {
                  const unit = opts.sample!.unit;
                  const keep = (src: Fields | string[], line: number, off: number): boolean =>
                    opts.sample!.keepsKey(sampleUnitOf(src, line, ctx, off, unit));
                  inSample = keep;
                  if (sampler && log.format === 'jsonl')
                    sampler.jsonFields = { unit: topLevel(unit), id: topLevel('request_id') };
                  if (sampler && log.format === 'parquet') {
                    const deciding = [...(columns[unit] ?? []), ...(columns.request_id ?? [])];
                    sampler.rows = {
                      columns: [...new Set(deciding.map((f) => f.split('.')[0]!))],
                      keep: (fields, line) => keep(fields, line, 0),
                    };
                  }
                }
                if (outside) {
                  stats.unsampled = (stats.unsampled ?? 0) + 1;
                  skipped(stats, OUTSIDE_SAMPLE);
                  continue;
                }
                stats.priced++;
                if (r.overWindow) {
                  stats.overWindow = (stats.overWindow ?? 0) + 1;
                  stats.firstOverWindow ??= `${rec.file ?? shown}:${rec.line}: model '${q.model}', ${r.overWindow.inputTokens.toLocaleString('en-US')} input tokens > its ${r.overWindow.contextWindow.toLocaleString('en-US')}-token context window`;
                }
                // a range of a parallel read: the ids are checked again over the whole table (table/read.ts recount)
                if (!opts.range && !opts.callerChecksIds) ids.see(q.id, q.line ?? 0);
                if (jsonTags && stats.priced <= TAG_NAMES_FROM)
                  for (const k in q.tags) if (!jsonTags.has(k)) jsonTags.set(k, stats.priced);
                if (q.atMs < lastMs) stats.outOfOrder++;
                else lastMs = q.atMs;
                spread.add(q.atMs, rec.line);
                if (r.unbilled) {
                  stats.unbilled = (stats.unbilled ?? 0) + 1;
                  if (r.unbilled === 'usage dropped') stats.unbilledUsage = (stats.unbilledUsage ?? 0) + 1;
                }
                stats.startMs = stats.startMs === null ? q.atMs : Math.min(stats.startMs, q.atMs);
                stats.endMs = stats.endMs === null ? q.atMs : Math.max(stats.endMs, q.atMs);
                if (r.costUsd !== undefined) {
                  addExact((stats.costUsdParts ??= []), r.costUsd);
                  stats.costRows = (stats.costRows ?? 0) + 1;
                }
                batch.push(q);
                if (batch.length >= batchSize) {
                  yield batch;
                  batch = [];
                }
                continue;
              }
              if (r.skip !== undefined) {
                skipped(stats, r.skip);
                continue;
              }
              kind = r.reject!.kind;
              detail = r.reject!.detail;
            } else {
              kind = rec.error!.kind;
              detail = rec.error!.detail;
            }
            const where = `${rec.file ?? shown}:${rec.line}`;
            stats.rejected++;
            stats.reasons[kind] = (stats.reasons[kind] ?? 0) + 1;
            if (stats.firstRejects.length < FIRST_REJECTS_KEPT) stats.firstRejects.push({ where, reason: detail });
            rejects?.write(rec.line, detail, rawText(rec));
            if (opts.strict) {
              throw userError('LOG_ROW', detail, {
                where,
                hint: 'fix or remove the row, or run without --strict to skip rejected rows (they are counted and reported; --rejects FILE lists them)',
              });
            }
          }
        }
      if (batch.length) yield batch;
      complete = true;
    } finally {
      stats.tokenizedTexts = tokens.encoded;
      // the rejects file appears only for a log read to its end
      if (complete) rejects?.commit();
      else rejects?.abort();
    }
    if (sampler?.dropped) {
      // left out before parsing: read (looked at) and skipped, like the rows dropped after parsing
      stats.read += sampler.dropped;
      stats.unsampled = (stats.unsampled ?? 0) + sampler.dropped;
      stats.skipped += sampler.dropped;
      stats.skipReasons[OUTSIDE_SAMPLE] = (stats.skipReasons[OUTSIDE_SAMPLE] ?? 0) + sampler.dropped;
    }

    if (stats.costUsdParts) stats.costUsdSum = exactValue(stats.costUsdParts);
    ids.finish(stats);
    finishWarnings(stats, spread, shown);
    if (jsonTags) {
      const names = jsonTagColumns(jsonTags.keys());
      if (names) stats.tagColumns = names;
      if (opts.range) stats.tagNamesAt = [...jsonTags];
    }
    // JSON has no header: when nothing could be priced for a missing column, say so like a header error
    // (a range of the log leaves it to the whole: nothingPriced)
    if (!opts.range && nothingPriced(stats)) {
      const top = Object.entries(stats.reasons).sort((a, b) => b[1] - a[1])[0];
      if (top && /missing$/.test(top[0]))
        throw missingJsonlColumn(top[0].replace(/ missing$/, ''), firstFields ?? [], columns, preset, shown);
    }
  } finally {
    // A reader thread stops here, whether the log was read to its end or not; a file is closed here
    // (a read that ended early, at a --strict reject, an error or a consumer that stopped, leaves
    // its chunks' generator suspended: the collector would close the file later, and Node warn)
    await log.close?.();
  }
}

/** A JSON log none of whose rows could be priced: read as one stream, it says which column is missing. */
export function nothingPriced(stats: LogStats): boolean {
  return stats.priced === 0 && stats.rejected > 0 && stats.format !== 'csv';
}

function skipped(stats: LogStats, reason: string): void {
  stats.skipped++;
  stats.skipReasons[reason] = (stats.skipReasons[reason] ?? 0) + 1;
}

/** The records one source record holds (preset.expand), on the same line and file. */
function expandRecord(preset: Preset, rec: RawRecord): RawRecord[] {
  const parts = preset.expand!(rec.fields!);
  if (parts === undefined) return [rec];
  return parts.map((fields) => ({ line: rec.line, fields, ...(rec.file !== undefined ? { file: rec.file } : {}) }));
}
