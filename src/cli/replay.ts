// `llmcost replay LOG`: the actual cost of a request log (cached tokens as the log reports them),
// attribution, cost per successful request, the cost of retries and failed calls, and
// reconciliation against the provider's billed cost_usd. No strategies: baseline = final.
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { suggestionHint, userError, warning } from '../diagnostics.js';
import { DIMENSIONS, Ledger } from '../engine/ledger.js';
import { priceCells } from '../engine/price.js';
import { runSimulation } from '../engine/replay.js';
import type { SimRequest } from '../engine/request.js';
import type { Pricing } from '../pricing/pricebook.js';
import { buildReport } from '../report/model.js';
import { render, RENDERERS } from '../report/render.js';
import { int } from '../report/format.js';
import { logFraction, type LogStats, newLogStats, parseMap, readLog } from '../traffic/logs/read.js';
import { DEFAULT_TIMESTAMP_RANGE, parseTimestampRange, type TimestampRange } from '../traffic/logs/period.js';
import { PRESETS } from '../traffic/logs/presets.js';
import type { App } from './app.js';
import { loadScenarioFile, type Scenario } from '../config/scenario.js';
import {
  addAllowPathOption,
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  loadPricing,
  logOptions,
  type ModelFlags,
  parseDeployments,
} from './common.js';
import { emit, type Format, FORMATS, renderOptions } from './io.js';
import { createProgress } from './progress.js';
import { parseStaleAfter, stalenessForRun } from '../pricing/staleness.js';
import { runScenario, tableAt } from './run-scenario.js';

interface Opts {
  preset?: string;
  map: string[];
  model?: string;
  strict?: boolean;
  rejects?: string;
  by?: string;
  pricing?: string;
  asOf?: string;
  staleAfter?: string;
  format: Format;
  out?: string;
  scenario?: string;
  standalone?: boolean;
  timestampRange?: TimestampRange;
  allowPath: string[];
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const pct = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 100 * 1e4) / 1e4;

/** Requests of one kind (retries, failed calls) priced exactly like the main ledger. */
class Slice {
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

export function registerReplay(program: Command, app: App): void {
  const cmd = program
    .command('replay')
    .argument(
      '<log>',
      "request log: CSV, JSONL, a JSON document or Parquet (optionally .gz), or a directory of JSONL transcripts; '-' reads standard input",
    )
    .description(
      'actual cost of a request log: attribution, cost per successful request, retries, reconciliation with billed cost',
    )
    .option(
      '-p, --preset <name>',
      `log format: ${PRESETS.map((p) => p.name).join('|')} (default: detected from the first records, named on stderr)`,
    )
    .option(
      '--map <column=field>',
      'map a canonical column to a field of your log (repeatable or comma-separated; dot paths reach nested JSON); cache_tokens=inside|beside says whether input counts cached tokens',
      collect,
      [],
    )
    .option('-m, --model <model>', 'model for rows without one (traces such as Mooncake or Azure have none)')
    .option('--strict', 'stop at the first rejected row (exit 2, with its file:line)')
    .option('--rejects <file>', 'write rejected rows to a CSV file (line, reason, raw)')
    .option(
      '--timestamp-range <from..until>',
      `rows timestamped outside these dates (UTC, until excluded) are rejected (default: ${DEFAULT_TIMESTAMP_RANGE.text})`,
      (v: string) => parseTimestampRange(v, '--timestamp-range'),
    )
    .option(
      '--by <dims>',
      'attribute cost by: tenant,feature,model,route,prompt_version,day (or any other column of the log); model groups by canonical id, model_raw by the name as the log spells it',
    )
    .option(
      '--scenario <file>',
      "what-if: run this scenario's strategies on the log (the log replaces the scenario's traffic)",
    )
    .option('--standalone', 'with --scenario: also run each strategy alone on the baseline');
  addPricingOptions(cmd);
  addModelOptions(cmd);
  addAllowPathOption(cmd);
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost replay scenarios/logs/support-bot.csv --by tenant,feature
  llmcost replay test/fixtures/exports/litellm_spendlogs_psql_copy.csv --by model
  llmcost replay test/fixtures/exports/claude-code-project --by conversation   # or ~/.claude/projects/<project>
  llmcost replay scenarios/logs/multi-vendor.csv --by model --deployment prod-chat=gpt-4.1
  llmcost replay scenarios/traces/mooncake_conversation_trace.first10min.jsonl.gz --preset mooncake --model claude-sonnet-4-5
  gzip -dc scenarios/logs/support-bot-short.csv.gz | llmcost replay - --format json
  llmcost replay scenarios/logs/support-bot.csv --scenario scenarios/support-bot.yaml --by tenant

Without --preset the layout is detected from the first records (said on stderr); presets: litellm,
langfuse, helicone, openai, openai-batch, anthropic, claude-code, otel, mooncake, azure, burstgpt.
Canonical columns: timestamp, model, input_tokens, output_tokens (required); cached_input_tokens,
cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, request_id, conversation_id, tenant,
feature, route, prompt_version, prefix_key, prefix_tokens, batchable, status, retry_of, prompt,
completion, cost_usd, service_tier. input_tokens includes cached tokens (OpenAI style; --map
cache_tokens=beside for a log that counts them beside). Timestamps: ISO 8601 (no zone = UTC) or epoch
seconds/milliseconds, within --timestamp-range. Rejected rows are counted and reported (see docs/logs.md).
Each row is priced with the bundled table in force at its timestamp (--pricing/--as-of pin one);
Bedrock, Vertex AI and Azure ids resolve to their model at the channel's price; models no table
knows are priced from the bundled LiteLLM catalog and counted as such (--no-catalog refuses them).
With --scenario, the files the scenario names lie under its folder or the current folder unless
--allow-path admits theirs (docs/ci.md).
A CSV of 8 MB or more is parsed in a second thread; LLMCOST_READER_THREAD=off keeps one thread.`,
  );
  cmd.action(async (log: string, o: Opts & ModelFlags) => {
    const format = o.format;
    if (!RENDERERS[format])
      throw userError('USAGE', `format '${format}' is not available for replay yet`, {
        where: '--format',
        hint: 'use --format table or --format json',
      });
    const book = loadPricing(app, o, true);
    const by = (o.by ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    if (o.model) book.resolve(o.model, '--model');
    const map = parseMap(o.map);
    if (o.scenario) return whatIf(app, log, o, by, map, format);
    if (o.standalone)
      throw userError('USAGE', '--standalone needs --scenario (replay alone runs no strategies)', {
        where: '--standalone',
        hint: 'add --scenario FILE with the strategies to try on the log',
      });
    const stats = newLogStats();
    const th = book.thresholds();
    const retries = new Slice(th, book);
    const failed = new Slice(th, book);
    const wasted = new Slice(th, book);
    let successes = 0;
    const source = tap(readLog(logOptions(app, log, o, map, book), stats), (r) => {
      if (r.retryOf) retries.add(r);
      if (r.status === 'error') failed.add(r);
      else successes++;
      if (r.retryOf || r.status === 'error') wasted.add(r);
    });
    const progress = createProgress(app.io, 'replaying');
    const run = await runSimulation({
      source,
      stages: [],
      book,
      seed: 0,
      by,
      warn: (m) => app.warn(m),
      onProgress: (n) => progress.update(n, logFraction(stats)),
    });
    progress.done();

    if (stats.rejected > 0)
      app.warn(
        warning('LOG_ROW', rejectSummary(stats), {
          where: log === '-' ? '<stdin>' : log,
          hint: o.rejects
            ? `rejected rows are in ${o.rejects}`
            : 'add --rejects FILE to list every rejected row, or --strict to stop at the first',
        }),
      );
    for (const w of stats.warnings) app.warn(warning(w.code, w.message));
    if (stats.skipped > 0) app.warn(warning('LOG_SKIPPED', skipSummary(stats)));
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

    // Without --as-of (judged when the table was chosen), the table's age is judged against the
    // log's own last timestamp, never the wall clock.
    const stale =
      o.asOf || stats.endMs === null
        ? undefined
        : stalenessForRun(tableAt(book, stats.endMs), {
            endMs: stats.endMs,
            staleAfterDays: parseStaleAfter(o.staleAfter),
          });
    if (stale) app.warn(stale);
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
      period: { startMs: stats.startMs, endMs: stats.endMs },
      warnings: [
        ...(stale ? [stale.message] : []),
        ...(stats.rejected ? [rejectSummary(stats)] : []),
        ...(stats.skipped ? [skipSummary(stats)] : []),
        ...stats.warnings.map((w) => w.message),
      ],
      version: app.version,
    });
    for (const dim of by) {
      const keys = report.by?.[dim] ?? [];
      if (!(dim in DIMENSIONS) && keys.length === 1 && keys[0]!.key === '(none)') {
        app.warn(
          warning('USAGE', `no row has a '${dim}' column or tag: every request is in '(none)'`, {
            where: '--by',
            hint: suggestionHint(
              dim,
              Object.keys(DIMENSIONS),
              `dimensions: ${Object.keys(DIMENSIONS).join(', ')}, or a column of the log`,
            ),
          }),
        );
      }
    }
    // exact total (the report's money is rounded to 1e-6): ratios are taken from exact figures
    const exactUsd = Number(priceCells(run.taps[0]!.cells, run.thresholds, book).total) / 1e18;
    report.extras = { replay: replayExtras(stats, exactUsd, successes, { retries, failed, wasted }, book) };
    emit(app.io, render(report, format, renderOptions(app.io, o.out)), o.out);
  });
}

/** `replay LOG --scenario FILE`: the scenario's strategies on the log (the shared simulate pipeline). */
async function whatIf(
  app: App,
  log: string,
  o: Opts & ModelFlags,
  by: string[],
  map: Record<string, string>,
  format: Format,
): Promise<void> {
  const scenarioPath = resolve(app.io.cwd, o.scenario!);
  // The log is the traffic: the scenario's own traffic section is not used (and may be left out),
  // except for its timestamp range when the command line gives none.
  const loaded = loadScenarioFile(scenarioPath, o.scenario!, (own) => ({
    log: {
      file: log === '-' ? '-' : resolve(app.io.cwd, log),
      ...(o.preset ? { preset: o.preset } : {}),
      ...(Object.keys(map).length ? { map } : {}),
      ...(o.model ? { model: o.model } : {}),
      ...(o.strict ? { strict: true } : {}),
      ...(o.rejects ? { rejectsFile: resolve(app.io.cwd, o.rejects) } : {}),
      timestampRange: o.timestampRange ?? own?.log?.timestampRange,
    },
  }));
  for (const w of loaded.warnings) app.warn(w);
  // the log comes from the command line: only the scenario's other paths (its pricing table) are checked
  const scenario: Scenario = {
    ...loaded.scenario,
    namedPaths: loaded.scenario.namedPaths.filter((p) => p.key[0] !== 'traffic'),
  };
  const { report } = await runScenario({
    scenario,
    io: app.io,
    pricing: { ...(o.pricing ? { pricing: o.pricing } : {}), ...(o.asOf ? { asOf: o.asOf } : {}) },
    models: { catalog: o.catalog !== false, deployments: parseDeployments(o.deployment) },
    // --as-of staleness was said when the table was chosen; otherwise the log's dates judge it
    ...(o.asOf ? {} : { staleAfterDays: parseStaleAfter(o.staleAfter) }),
    standalone: o.standalone ?? false,
    by,
    allowPaths: o.allowPath,
    warn: (d) => app.warn(d),
    command: 'replay',
    version: app.version,
  });
  const rows = report.rows;
  if (rows.rejected > 0) {
    app.warn(
      warning('LOG_ROW', `${int(rows.rejected)} of ${int(rows.read)} rows of ${log} rejected`, {
        where: log,
        hint: o.rejects
          ? `rejected rows are in ${o.rejects}`
          : 'run without --scenario for the reasons, or add --rejects FILE',
      }),
    );
  }
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
        scenario: o.scenario,
        read: rows.read,
        priced: rows.priced,
        rejected: rows.rejected,
        skipped: rows.skipped ?? 0,
      },
    },
  };
  emit(app.io, render(report, format, renderOptions(app.io, o.out)), o.out);
  for (const c of report.checks.filter((x) => !x.ok)) app.io.stderr.write(`warning: ${c.name}: ${c.message}\n`);
}

async function* tap(src: AsyncIterable<SimRequest[]>, each: (r: SimRequest) => void): AsyncGenerator<SimRequest[]> {
  for await (const batch of src) {
    for (const r of batch) each(r);
    yield batch;
  }
}

export function rejectSummary(s: LogStats): string {
  const reasons = Object.entries(s.reasons)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ×${int(n)}`)
    .join(', ');
  const first = s.firstRejects
    .slice(0, 3)
    .map((f) => `${f.where}: ${f.reason}`)
    .join('; ');
  return `${int(s.rejected)} of ${int(s.read)} rows rejected (${reasons}); first: ${first}`;
}

function skipSummary(s: LogStats): string {
  const reasons = Object.entries(s.skipReasons)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ×${int(n)}`)
    .join(', ');
  return `${int(s.skipped)} of ${int(s.read)} records skipped, not billed model calls (${reasons})`;
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
