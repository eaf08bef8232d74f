// `llmcost replay LOG`: the actual cost of a request log (cached tokens as the log reports them),
// attribution, cost per successful request, the cost of retries and failed calls, and
// reconciliation against the provider's billed cost_usd. No strategies: baseline = final.
import type { Command } from 'commander';
import { replayLog } from '../app/replay.js';
import { FORMATS, type Format } from '../report/formats.js';
import { render } from '../report/render.js';
import { PRESETS } from '../traffic/logs/presets.js';
import type { App } from './app.js';
import {
  addAllowPathOption,
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  addDisplayOptions,
  displayFlags,
  type DisplayFlags,
} from './common.js';
import {
  addLogThreadsOption,
  addRowTimeOption,
  addTimestampRangeOption,
  type LogFlags,
  logInput,
} from './log-flags.js';
import { emit, renderOptions } from './io.js';

interface Opts extends DisplayFlags, LogFlags {
  by?: string;
  format: Format;
  out?: string;
  scenario?: string;
  standalone?: boolean;
  allowPath: string[];
  rows?: string;
  verbose?: boolean;
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
    .option('--rejects <file>', 'write rejected rows to a CSV file (line, reason, raw)');
  addTimestampRangeOption(addRowTimeOption(cmd))
    .option(
      '--by <dims>',
      'attribute cost by: tenant,feature,model,route,prompt_version,day (or any other column of the log); model groups by canonical id, model_raw by the name as the log spells it',
    )
    .option(
      '--scenario <file>',
      "what-if: run this scenario's strategies on the log (the log replaces the scenario's traffic)",
    )
    .option('--standalone', 'with --scenario: also run each strategy alone on the baseline')
    .option(
      '--rows <file>',
      "write each call's token classes and exact cost to FILE (.csv or .jsonl, streamed): the log as billed, and with --scenario every call after the strategies",
    );
  addPricingOptions(cmd);
  addModelOptions(cmd);
  addAllowPathOption(cmd);
  addLogThreadsOption(
    cmd,
    'read a CSV or JSON Lines file of 8 MB or more in byte ranges, a Parquet file of 100,000 rows or more in runs of row groups, one per thread (with --rows, --rejects or --strict: parsed in a second thread; with --scenario: as simulate)',
  );
  cmd.option(
    '--verbose',
    'say on stderr how the log was read (in ranges on several threads, or as one stream and why); with --scenario, how the run was spread over the threads',
  );
  addOutputOptions(cmd, FORMATS);
  addDisplayOptions(cmd);
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
  llmcost replay scenarios/logs/support-bot.csv --scenario scenarios/log-what-if.yaml --rows calls.csv
  llmcost replay scenarios/logs/support-bot.csv --pricing-overlay scenarios/overlays/negotiated.yaml
  llmcost replay scenarios/logs/support-bot.csv --by feature --threads 1

Without --preset the layout is detected from the first records (said on stderr); presets: litellm,
langfuse, langsmith, helicone, openrouter, cloudflare, openai, openai-batch, anthropic, claude-code,
bedrock, gemini, otel, mooncake, azure, burstgpt.
Canonical columns: timestamp, model, input_tokens, output_tokens (required); cached_input_tokens,
cache_write_tokens, cache_write_1h_tokens, cache_write_5m_tokens, cache_storage_token_hours,
reasoning_tokens, audio_input_tokens, image_input_tokens, audio_output_tokens, web_search_calls,
request_id, conversation_id, tenant,
feature, route, prompt_version, prefix_key, prefix_tokens, batchable, status, retry_of, prompt,
completion, cost_usd, service_tier. input_tokens includes cached tokens (OpenAI style; --map
cache_tokens=beside for a log that counts them beside). Timestamps: ISO 8601 (no zone = UTC) or epoch
seconds/milliseconds, within --timestamp-range. Rejected rows are counted and reported (see docs/logs.md).
Each row is priced with the bundled table in force at its timestamp (--pricing/--as-of pin one);
Bedrock, Vertex AI and Azure ids resolve to their model at the channel's price; models no table
knows are priced from the bundled LiteLLM catalog and counted as such (--no-catalog refuses them).
--pricing-overlay applies negotiated discounts or uplifts on top (the report header lists them).
With --scenario, the files the scenario names lie under its folder or the current folder unless
--allow-path admits theirs (docs/ci.md).
A CSV or JSON Lines file of 8 MB or more is read in byte ranges, a Parquet file of 100,000 rows or
more in runs of row groups, one per thread, when a core is idle (with --rows, --rejects or --strict:
parsed in a second thread); --threads 1 keeps one thread, --threads 2 uses two. The report is the
same.`,
  );
  cmd.action(async (log: string, o: Opts) => {
    const display = displayFlags(o);
    const report = await replayLog(
      {
        ...logInput(log, o),
        by: (o.by ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
        scenario: o.scenario,
        standalone: o.standalone,
        allowPaths: o.allowPath,
        rows: o.rows,
        ...(o.verbose ? { verbose: (m: string) => app.note(m) } : {}),
      },
      app,
    );
    const ro = renderOptions(app.io, o.out);
    emit(app.io, render(display ? { ...report, display } : report, o.format, ro), o.out, { styled: ro.color });
    if (o.scenario) for (const c of report.checks.filter((x) => !x.ok)) app.warn(`${c.name}: ${c.message}`);
  });
}
