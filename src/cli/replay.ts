// `llmcost replay LOG`: the actual cost of a request log (cached tokens as the log reports them),
// attribution, cost per successful request, the cost of retries and failed calls, and
// reconciliation against the provider's billed cost_usd. No strategies: baseline = final.
import { basename, resolve } from 'node:path';
import type { Command } from 'commander';
import { suggestionHint, userError, warning } from '../diagnostics.js';
import { DIMENSIONS } from '../engine/ledger.js';
import { priceCells } from '../engine/price.js';
import { runSimulation } from '../engine/run.js';
import { buildReport } from '../report/model.js';
import { render, RENDERERS } from '../report/render.js';
import { int } from '../report/format.js';
import { logFraction, newLogStats, parseMap, readLog } from '../traffic/logs/read.js';
import { PRESETS } from '../traffic/logs/presets.js';
import type { App } from './app.js';
import { loadScenarioFile, type LogTraffic, type Scenario } from '../config/scenario.js';
import { addOutputOptions, addPricingOptions, loadBook, logOptions } from './common.js';
import { emit, renderOptions } from './io.js';
import { type Format, FORMATS } from '../report/render.js';
import { createProgress } from './progress.js';
import { runScenario } from '../app/simulate.js';
import { rejectSummary, replayExtras, Slice, skipSummary, tap } from '../app/replay.js';

interface Opts {
  preset?: string;
  map: string[];
  model?: string;
  strict?: boolean;
  rejects?: string;
  by?: string;
  pricing?: string;
  asOf?: string;
  format: Format;
  out?: string;
  scenario?: string;
  standalone?: boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
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
      '--by <dims>',
      'attribute cost by: tenant,feature,model,route,prompt_version,day (or any other column of the log); model groups by canonical id, model_raw by the name as the log spells it',
    )
    .option(
      '--scenario <file>',
      "what-if: run this scenario's strategies on the log (the log replaces the scenario's traffic)",
    )
    .option('--standalone', 'with --scenario: also run each strategy alone on the baseline');
  addPricingOptions(cmd);
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost replay scenarios/logs/support-bot.csv --by tenant,feature
  llmcost replay test/fixtures/exports/litellm_spendlogs_psql_copy.csv --as-of 2024-12-01 --by model
  llmcost replay ~/.claude/projects/my-project --by conversation      # a directory of Claude Code transcripts
  llmcost replay ../shared/data/traces/mooncake_conversation_trace.jsonl --preset mooncake --model claude-sonnet-4-5
  llmcost replay spend.jsonl --preset litellm --map tenant=metadata.user_api_key_team_id --rejects rejects.csv
  zcat log.csv.gz | llmcost replay - --format json
  llmcost replay scenarios/logs/support-bot.csv --scenario scenarios/support-bot.yaml --by tenant

Without --preset the layout is detected from the first records (said on stderr); presets: litellm,
langfuse, helicone, openai, openai-batch, anthropic, claude-code, otel, mooncake, azure, burstgpt.
Canonical columns: timestamp, model, input_tokens, output_tokens (required); cached_input_tokens,
cache_write_tokens, cache_write_1h_tokens, reasoning_tokens, request_id, conversation_id, tenant,
feature, route, prompt_version, prefix_key, prefix_tokens, batchable, status, retry_of, prompt,
completion, cost_usd, service_tier. input_tokens includes cached tokens (OpenAI style; --map
cache_tokens=beside for a log that counts them beside). Timestamps: ISO 8601 (no zone = UTC) or epoch
seconds/milliseconds. Rejected rows are counted and reported (see docs/logs.md).
A CSV of 8 MB or more is parsed in a second thread; LLMCOST_READER_THREAD=off keeps one thread.`,
  );
  cmd.action(async (log: string, o: Opts) => {
    const format = o.format;
    if (!RENDERERS[format])
      throw userError('USAGE', `format '${format}' is not available for replay yet`, {
        where: '--format',
        hint: 'use --format table or --format json',
      });
    const book = loadBook(app, o);
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
    const retries = new Slice(th);
    const failed = new Slice(th);
    const wasted = new Slice(th);
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
  o: Opts,
  by: string[],
  map: Record<string, string>,
  format: Format,
): Promise<void> {
  const scenarioPath = resolve(app.io.cwd, o.scenario!);
  const loaded = loadScenarioFile(scenarioPath, o.scenario!);
  for (const w of loaded.warnings) app.warn(w);
  const traffic: LogTraffic = {
    file: log === '-' ? '-' : resolve(app.io.cwd, log),
    ...(o.preset ? { preset: o.preset } : {}),
    ...(Object.keys(map).length ? { map } : {}),
    ...(o.model ? { model: o.model } : {}),
    ...(o.strict ? { strict: true } : {}),
    ...(o.rejects ? { rejectsFile: resolve(app.io.cwd, o.rejects) } : {}),
  };
  const scenario: Scenario = { ...loaded.scenario, traffic: { log: traffic } };
  const { report } = await runScenario({
    scenario,
    io: app.io,
    pricing: { ...(o.pricing ? { pricing: o.pricing } : {}), ...(o.asOf ? { asOf: o.asOf } : {}) },
    standalone: o.standalone ?? false,
    by,
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
