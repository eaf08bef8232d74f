// `replay LOG`: the actual cost of a request log (cached tokens as the log reports them),
// attribution, and the figures beyond the waterfall - cost per successful request, the cost of
// retries and failed calls, reconciliation with the log's billed cost, reject counts. Computed
// here once; renderers only lay out report.extras.replay. With a scenario: its strategies on the
// log (the simulate pipeline with the log as traffic).
import { readerFor, threadCount, threadsAsked } from './threads.js';
import { basename, resolve } from 'node:path';
import { loadScenarioFile, type Scenario } from '../config/scenario.js';
import { type Diagnostic, suggestionHint, userError, warning } from '../diagnostics.js';
import { DIMENSIONS } from '../engine/ledger.js';
import { priceCells } from '../engine/price.js';
import type { SimRequest } from '../engine/request.js';
import type { RunResult } from '../engine/run.js';
import { replayRun, type ReplayTally, type Slice } from './replay-run.js';
import { RowsWriter, type RowsTarget, rowsFormatOf } from '../report/rows.js';
import { resolvePath } from './io.js';
import type { Pricing } from '../pricing/pricebook.js';
import type { PriceSchedule } from '../pricing/schedule.js';
import { int } from '../report/format.js';
import { percentOf, round6 } from '../shared/numbers.js';
import { buildReport, type Report } from '../report/model.js';
import {
  type LogOptions,
  type LogStats,
  logFraction,
  newLogStats,
  logDiagnostics,
  readerThread,
  rejectSummary,
  skipSummary,
} from '../traffic/logs/read.js';
import { type Context, makeContext, NO_PROGRESS, sayNote } from './context.js';
import { loadPricing, type ModelChoice, type TableChoice } from './pricing-choice.js';
import { beforeFirstTable, runScenario, staleOnLastDay } from './scenario.js';
import { DEFAULT_STALE_AFTER_DAYS } from '../pricing/staleness.js';
import type { TimestampRange } from '../traffic/logs/period.js';

/** How to read a request log: what replay and audit-cache share. */
export interface LogInput extends TableChoice, ModelChoice {
  /** the log file (CSV, JSONL, JSON, Parquet, optionally .gz, or a folder of transcripts); '-' reads the Io's stdin */
  log: string;
  /** log layout (default: detected from the first records) */
  preset?: string;
  /** canonical column -> field of the log */
  map?: Record<string, string>;
  /** model for rows without one */
  model?: string;
  /** epoch ms of rows without a timestamp */
  timestamp?: number;
  /** stop at the first rejected row */
  strict?: boolean;
  /** write rejected rows here (CSV: line, reason, raw) */
  rejects?: string;
  /** rows timestamped outside this range are rejected (default 2015..2100) */
  timestampRange?: TimestampRange;
  /** --threads: 1 reads on this thread; 2 or more read a big CSV in byte ranges (replay) or parse it in a second thread (default: LLMCOST_THREADS, the idle cores) */
  threads?: string;
}

/** The reader's options for a LogInput, priced against `book` (unknown models are rejected rows). */
export function logReader(input: LogInput, book: Pricing, ctx: Context): LogOptions {
  return {
    file: input.log,
    preset: input.preset,
    map: input.map ?? {},
    model: input.model,
    ...(input.timestamp !== undefined ? { timestamp: input.timestamp } : {}),
    strict: input.strict,
    rejectsFile: input.rejects,
    timestampRange: input.timestampRange,
    stdin: ctx.io.stdin,
    cwd: ctx.io.cwd,
    book,
    // --threads, else LLMCOST_THREADS or the idle cores, say whether a reader thread pays
    thread: readerThread(ctx.io.env) ?? readerFor(threadCount(input.threads, ctx.io.env)),
    notify: (m) => sayNote(ctx.io, m),
  };
}

export interface ReplayInput extends LogInput {
  /** attribution dimensions */
  by?: string[];
  /** what-if: run this scenario's strategies on the log */
  scenario?: string;
  /** with a scenario: also each strategy alone on the baseline */
  standalone?: boolean;
  /** with a scenario: folders its named files may also lie in (besides its own folder and the working folder) */
  allowPaths?: string[];
  /** write every call's token classes and exact cost to this file (.csv or .jsonl), baseline and after the scenario */
  rows?: string;
  /** told how the log was read: in byte ranges on several threads, or as one stream and why (--verbose) */
  verbose?: (message: string) => void;
}

/** Price a request log (and, with `scenario`, run its strategies on it). */
export async function replayLog(input: ReplayInput, context: Partial<Context> = {}): Promise<Report> {
  const ctx = makeContext(context);
  const { log } = input;
  const by = input.by ?? [];
  const map = input.map ?? {};
  const rows = rowsTarget(input.rows, ctx);
  const book = await loadPricing(input, true, ctx);
  if (input.model) book.resolve(input.model, '--model');
  if (input.scenario) return whatIf(input, input.scenario, by, map, ctx, rows);
  if (input.standalone)
    throw userError('USAGE', '--standalone needs --scenario (replay alone runs no strategies)', {
      where: '--standalone',
      hint: 'add --scenario FILE with the strategies to try on the log',
    });
  const stats = newLogStats();
  const progress = ctx.progress?.('replaying') ?? NO_PROGRESS;
  const writer = rows && new RowsWriter(rows, book, book.thresholds());
  let run: RunResult;
  let tally: ReplayTally;
  let ranges: number;
  let streamed: string | undefined;
  try {
    ({ run, tally, ranges, streamed } = await replayRun(
      {
        log: logReader(input, book, ctx),
        book,
        by,
        threads: threadCount(input.threads, ctx.io.env),
        warn: (m) => ctx.warn(m),
        onProgress: (n, f) => progress.update(n, f ?? logFraction(stats)),
        ...(writer ? { observe: (stage: 'baseline' | 'final', r: SimRequest) => writer.write(stage, r) } : {}),
      },
      stats,
    ));
  } catch (e) {
    writer?.abort();
    throw e;
  }
  writer?.commit();
  progress.done();
  input.verbose?.(
    ranges > 1
      ? `read in ${ranges} ${stats.format === 'parquet' ? 'runs of row groups' : 'byte ranges'}, one thread each`
      : `read as one stream: ${streamed ?? 'one pass'}`,
  );

  warnLogProblems(stats, input, ctx);
  // a log of only skipped records (spans, failed batch lines) is read correctly: it costs $0
  if (stats.priced === 0 && (stats.rejected > 0 || stats.skipped === 0)) {
    throw userError(
      'LOG_ROW',
      `no row of ${log} could be priced (${int(stats.read)} read, ${int(stats.rejected)} rejected)`,
      {
        where: stats.firstRejects[0]?.where ?? log,
        hint:
          stats.read === 0
            ? 'the log has no data rows'
            : 'see the reasons above; --preset, --map and --model tell llmcost how to read the log',
      },
    );
  }

  const dated = warnLogTables(input, book, stats, ctx);
  const report = buildReport({
    command: 'replay',
    scenario: log === '-' ? 'stdin' : basename(log),
    seed: 0,
    run,
    book,
    labels: [],
    rows: {
      read: stats.read,
      priced: stats.priced,
      rejected: stats.rejected,
      ...(stats.skipped ? { skipped: stats.skipped } : {}),
    },
    period: { startMs: stats.startMs, endMs: stats.endMs, ...(stats.relativeTime ? { relative: true as const } : {}) },
    warnings: [
      ...dated,
      ...(stats.rejected ? [{ code: 'LOG_ROW' as const, message: rejectSummary(stats) }] : []),
      ...(stats.skipped ? [{ code: 'LOG_SKIPPED' as const, message: skipSummary(stats) }] : []),
      ...stats.warnings,
    ],
    version: ctx.version,
  });
  for (const dim of by) {
    const keys = report.by?.[dim] ?? [];
    if (!(dim in DIMENSIONS) && keys.length === 1 && keys[0]!.key === '(none)') {
      ctx.warn(
        warning('USAGE', `no row has a '${dim}' column or tag: every request is in '(none)'`, {
          where: '--by',
          hint: suggestionHint(
            dim,
            [...Object.keys(DIMENSIONS), ...(stats.tagColumns ?? [])],
            `dimensions: ${Object.keys(DIMENSIONS).join(', ')}, or a column of the log${stats.tagColumns ? ` (this log's: ${stats.tagColumns.join(', ')})` : ''}`,
          ),
        }),
      );
    }
  }
  // exact total (the report's money is rounded to 1e-6): ratios are taken from exact figures
  const exactUsd = Number(priceCells(run.taps[0]!.cells, run.thresholds, book).total) / 1e18;
  report.extras = { replay: replayExtras(stats, exactUsd, tally.successes, tally, book) };
  return report;
}

/** `replay LOG --scenario FILE`: the scenario's strategies on the log (the shared simulate pipeline). */
async function whatIf(
  input: ReplayInput,
  scenarioFile: string,
  by: string[],
  map: Record<string, string>,
  ctx: Context,
  rowsFile: RowsTarget | undefined,
): Promise<Report> {
  const { log } = input;
  // The log is the traffic: the scenario's own traffic section is not used (and may be left out),
  // except for its timestamp range when the input gives none.
  const loaded = loadScenarioFile(resolve(ctx.io.cwd, scenarioFile), scenarioFile, (own) => ({
    log: {
      file: log === '-' ? '-' : resolve(ctx.io.cwd, log),
      ...(input.preset ? { preset: input.preset } : {}),
      ...(Object.keys(map).length ? { map } : {}),
      ...(input.model ? { model: input.model } : {}),
      ...(input.timestamp !== undefined ? { timestamp: input.timestamp } : {}),
      ...(input.strict ? { strict: true } : {}),
      ...(input.rejects ? { rejectsFile: resolve(ctx.io.cwd, input.rejects) } : {}),
      timestampRange: input.timestampRange ?? own?.log?.timestampRange,
      fromFlags: true,
    },
  }));
  for (const w of loaded.warnings) ctx.warn(w);
  // the log comes from the input: only the scenario's other paths (its pricing table) are checked
  const scenario: Scenario = {
    ...loaded.scenario,
    namedPaths: loaded.scenario.namedPaths.filter((p) => p.key[0] !== 'traffic'),
  };
  const { report } = await runScenario({
    scenario,
    io: ctx.io,
    pricing: { pricing: input.pricing, asOf: input.asOf },
    models: { catalog: input.catalog, deployments: input.deployments, overlay: input.overlay },
    // --as-of staleness was said when the table was chosen; otherwise the log's dates judge it
    ...(input.asOf ? {} : { staleAfterDays: input.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS }),
    standalone: input.standalone ?? false,
    by,
    allowPaths: input.allowPaths,
    rows: rowsFile,
    warn: ctx.warn,
    command: 'replay',
    version: ctx.version,
    // threads as simulate uses them: a big log split when the strategies allow (or --threads asks)
    threads: threadCount(input.threads, ctx.io.env),
    explicitThreads: threadsAsked(input.threads, ctx.io.env),
    ...(input.verbose ? { verbose: input.verbose } : {}),
  });
  // (rejected and skipped rows were said by the scenario's log source, LOG_ROW and LOG_SKIPPED)
  const rows = report.rows;
  if (rows.priced === 0)
    throw userError(
      'LOG_ROW',
      `no row of ${log} could be priced (${int(rows.read)} read, ${int(rows.rejected)} rejected)`,
      {
        where: log,
        hint: 'run `llmcost replay LOG` without --scenario to see why; --preset, --map and --model tell llmcost how to read the log',
      },
    );
  report.extras = {
    ...(report.extras ?? {}),
    replay: {
      log: {
        file: log,
        scenario: scenarioFile,
        read: rows.read,
        priced: rows.priced,
        rejected: rows.rejected,
        skipped: rows.skipped ?? 0,
      },
    },
  };
  return report;
}

const pct = (part: number, whole: number): number | null => percentOf(part, whole, null);

/** --rows FILE: where and in which format (from the file's name), checked before the log is read. */
function rowsTarget(rows: string | undefined, ctx: Context): RowsTarget | undefined {
  if (rows === undefined) return undefined;
  const format = rowsFormatOf(rows);
  if (!format)
    throw userError('USAGE', `--rows '${rows}' does not say its format`, {
      where: '--rows',
      hint: 'name the file .csv or .jsonl (one line per call either way)',
    });
  return { path: resolvePath(ctx.io, rows), shown: rows, format };
}

/**
 * What a log's dates say about the tables that priced it, to ctx.warn (and returned for the report):
 * PRICING_STALE (without --as-of, judged when the table was chosen) from the age of the table that
 * priced the last rows on the log's own last day, never the wall clock; PRICING_BEFORE_TABLES when
 * the log starts before the oldest table.
 */
export function warnLogTables(
  input: Pick<LogInput, 'asOf' | 'staleAfterDays'>,
  book: PriceSchedule,
  period: { startMs: number | null; endMs: number | null },
  ctx: Context,
): Diagnostic[] {
  if (input.asOf) return [];
  const out = [
    staleOnLastDay(book, period.endMs, input.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS),
    beforeFirstTable(book, period.startMs),
  ].filter((d) => d !== undefined);
  for (const d of out) ctx.warn(d);
  return out;
}

/**
 * What a command that reads a log (replay, audit-cache, fit) says about its rows, to ctx.warn: the
 * rejected rows (one located LOG_ROW), the reader's own warnings, then the skipped records by reason.
 */
export function warnLogProblems(stats: LogStats, input: Pick<LogInput, 'log' | 'rejects'>, ctx: Context): void {
  for (const d of logDiagnostics(stats, input.log === '-' ? '<stdin>' : input.log, input.rejects, 'flags')) ctx.warn(d);
}

/** replay-specific figures, already computed (renderers only format them). */
export function replayExtras(
  s: LogStats,
  /** exact computed total, USD */
  totalUsd: number,
  successes: number,
  slices: { retries: Slice; failed: Slice; wasted: Slice },
  book: Pricing,
): Record<string, unknown> {
  const retriesUsd = slices.retries.exactUsd(book);
  const failedUsd = slices.failed.exactUsd(book);
  const wastedUsd = slices.wasted.exactUsd(book);
  const out: Record<string, unknown> = {
    log: {
      format: `${s.format}${s.gzip ? ' (gzip)' : ''}`,
      preset: s.preset,
      presetDetected: s.detected !== undefined,
      ...(s.files !== undefined ? { files: s.files } : {}),
      read: s.read,
      priced: s.priced,
      rejected: s.rejected,
      skipped: s.skipped,
      outOfOrder: s.outOfOrder,
      tokenizedTexts: s.tokenizedTexts ?? 0,
    },
    outcomes: {
      requests: s.priced,
      successful: successes,
      costPerSuccessUsd: successes > 0 ? round6(totalUsd / successes) : null,
      retryRequests: slices.retries.requests,
      retriesCostUsd: round6(retriesUsd),
      retriesSharePct: pct(retriesUsd, totalUsd),
      failedRequests: slices.failed.requests,
      // failed calls charged nothing (refused by the provider, no usage, or cost_usd 0): docs/logs.md#failed-requests
      failedNotBilled: s.unbilled ?? 0,
      failedCostUsd: round6(failedUsd),
      failedSharePct: pct(failedUsd, totalUsd),
      retriesOrFailedCostUsd: round6(wastedUsd),
      retriesOrFailedSharePct: pct(wastedUsd, totalUsd),
    },
  };
  if (s.costUsdSum !== null) {
    const billed = round6(s.costUsdSum);
    out.reconciliation = {
      rowsBilled: s.costRows ?? 0,
      rowsPriced: s.priced,
      billedUsd: billed,
      computedUsd: round6(totalUsd),
      // from the exact figures: the rounded billed sum would show a difference that is only rounding
      differenceUsd: round6(totalUsd - s.costUsdSum),
      differencePct: pct(totalUsd - s.costUsdSum, s.costUsdSum),
      note:
        (s.costRows ?? 0) < s.priced
          ? 'some priced rows have no cost_usd: the billed sum covers fewer rows than the computed cost'
          : 'difference = computed - billed; positive means llmcost prices higher than the log',
    };
  }
  if (s.skipped > 0) {
    out.skipped = {
      byReason: Object.entries(s.skipReasons)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([reason, records]) => ({ reason, records })),
    };
  }
  if (s.rejected > 0) {
    out.rejects = {
      byReason: Object.entries(s.reasons)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([reason, rows]) => ({ reason, rows })),
      first: s.firstRejects.map((f) => ({ where: f.where, reason: f.reason })),
    };
  }
  return out;
}
