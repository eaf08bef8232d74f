// `llmcost fit LOG -o scenario.yaml`: a scenario whose profile is fitted from a request log, so
// the log's traffic can be simulated at another volume (simulate --scale) with caching that
// follows that volume. Reading is replay's (same presets, flags and rejects); fitting is
// traffic/fit.ts; the file written is traffic/fit-scenario.ts.
import type { Command } from 'commander';
import { fitLog } from '../app/fit.js';
import { fidelityText } from '../report/fit.js';
import { int } from '../report/format.js';
import { PRESETS } from '../traffic/logs/presets.js';
import type { App } from './app.js';
import { addModelOptions, addPricingOptions, intFlag } from './common.js';
import {
  addLogThreadsOption,
  addRowTimeOption,
  addTimestampRangeOption,
  type LogFlags,
  logInput,
} from './log-flags.js';
import { emit } from './io.js';

interface Opts extends LogFlags {
  by?: string;
  start?: string;
  out?: string;
  check?: string | boolean;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerFit(program: Command, app: App): void {
  const cmd = program
    .command('fit')
    .argument(
      '<log>',
      "request log, read as replay reads it (CSV, JSONL, JSON, Parquet, .gz, a transcript folder; '-' stdin)",
    )
    .description(
      'fit a traffic profile from a request log and write it as a scenario: segments, token distributions, conversations, shared prefixes, errors, arrival curve',
    )
    .option('-o, --out <file>', 'write the scenario here (atomically) instead of stdout')
    .option(
      '--check [seeds]',
      'then replay the log and simulate the scenario with seeds 1..N (default 5) and print how close they are, on stderr',
    )
    .option(
      '--by <dims>',
      'segment by these dimensions besides the model: tenant, feature, route, prompt_version, intent or any column (default: feature when the log has it)',
    )
    .option(
      '--start <date>',
      "place a trace whose timestamps count from 0 (Mooncake, Azure) at this UTC date or date-time (default: the newest pricing table's date, the table replay prices it with)",
    )
    .option(
      '-p, --preset <name>',
      `log format: ${PRESETS.map((p) => p.name).join('|')} (default: detected from the first records)`,
    )
    .option('--map <column=field>', 'map a canonical column to a field of your log (as replay --map)', collect, [])
    .option('-m, --model <model>', 'model for rows without one (traces such as Mooncake or Azure have none)')
    .option('--strict', 'stop at the first rejected row (exit 2, with its file:line)')
    .option('--rejects <file>', 'write rejected rows to a CSV file (line, reason, raw)');
  addTimestampRangeOption(addRowTimeOption(cmd));
  addPricingOptions(cmd);
  addModelOptions(cmd);
  addLogThreadsOption(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost fit scenarios/logs/support-bot.csv -o support-fitted.yaml
  llmcost simulate support-fitted.yaml --standalone
  llmcost fit scenarios/traces/mooncake_conversation_trace.first10min.jsonl.gz --preset mooncake --model claude-sonnet-4-5 -o mooncake-fitted.yaml
  llmcost fit scenarios/logs/litellm-spend.jsonl --by tenant --check 3

The scenario is commented: what each value was fitted from, from how many rows. Simulated at the
log's own volume it reproduces the log's replayed cost and its simulated prompt-cache hit rate
within the tolerances of docs/fit.md; --check measures it on your log (seeds 1..N, default 5).
Cached tokens the log reports are not fitted: the scenario's prompt-cache step simulates caching,
so it follows the volume. Traces whose timestamps count from 0 are placed at --start.`,
  );
  cmd.action(async (log: string, o: Opts) => {
    const by = o.by
      ?.split(',')
      .map((x) => x.trim())
      .filter(Boolean);
    const check =
      o.check === undefined || o.check === false
        ? undefined
        : o.check === true
          ? 5
          : intFlag(o.check, '--check', 1, 100);
    const result = await fitLog({ ...logInput(log, o), by, start: o.start, out: o.out, check }, app);
    emit(app.io, result.yaml, o.out);
    const s = result.summary;
    app.io.stderr.write(
      `fitted ${int(s.requests)} requests (${int(s.conversations)} conversations, ${int(s.segments)} segment${s.segments === 1 ? '' : 's'}, ${int(s.prefixes)} shared prefixes)${o.out ? `: wrote ${o.out}` : ''}\n`,
    );
    if (result.fidelity) app.io.stderr.write(fidelityText(result.fidelity));
  });
}
