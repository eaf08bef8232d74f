// `llmcost simulate SCENARIO`: run a scenario file through its strategies and print the savings
// waterfall. --check turns budgets and the quality floor into exit code 1.
import type { Command } from 'commander';
import { simulate } from '../app/simulate.js';
import { unknownDimension } from '../config/scenario.js';
import { userError } from '../diagnostics.js';
import { DIMENSIONS } from '../engine/ledger.js';
import { FORMATS, type Format } from '../report/formats.js';
import { render } from '../report/render.js';
import type { App } from './app.js';
import {
  addAllowPathOption,
  addCacheRealismOption,
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  addThreadOptions,
  intFlag,
  type ModelFlags,
  modelChoice,
  type PricingFlags,
  staleAfterFlag,
  type ThreadFlags,
  threadsOf,
  addDisplayOptions,
  displayFlags,
  type DisplayFlags,
} from './common.js';
import { parseSampleRate, SAMPLE_UNITS, type SampleUnit } from '../traffic/sample.js';
import { emit, renderOptions } from './io.js';

interface Opts extends DisplayFlags, PricingFlags, ModelFlags, ThreadFlags {
  sample?: string;
  sampleBy?: string;
  seed?: string;
  standalone?: boolean;
  by?: string;
  check?: boolean;
  runs?: string;
  scale?: string;
  cacheRealism?: string;
  format: Format;
  out?: string;
  allowPath: string[];
}

export function parseBy(value: string | undefined): string[] {
  if (!value) return [];
  const dims = value
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  for (const d of dims) {
    if (!/^[A-Za-z_][\w.-]*$/.test(d))
      throw userError('USAGE', `--by '${d}' is not a dimension name`, {
        where: '--by',
        hint: `use a comma-separated list of ${Object.keys(DIMENSIONS).join(', ')} (or a tag name)`,
      });
  }
  return dims;
}

export function registerSimulate(program: Command, app: App): void {
  const cmd = program
    .command('simulate')
    .argument('<scenario>', 'scenario YAML file (see `llmcost init` and docs/scenarios.md)')
    .description('simulate a scenario: baseline cost, the saving of each strategy in order, final cost')
    .option('--seed <n>', "override the scenario's seed")
    .option('--standalone', 'also run each strategy alone on the baseline (interaction effects)')
    .option(
      '--by <dims>',
      `attribute cost by dimensions, comma-separated: ${Object.keys(DIMENSIONS).join(',')} or a tag`,
    )
    .option('--check', 'exit 1 when a budget or the quality floor of the scenario is violated');
  cmd.option(
    '--scale <factor>',
    'growth what-if: conversations arrive FACTOR times as often (3x, 0.5x), the fitted structure kept, so cache hits follow the volume; profiles only',
  );
  cmd.option(
    '--runs <n>',
    'Monte Carlo: also run seeds seed+1..seed+N-1 and report p5/p50/p95 bands (see docs/sweep.md)',
  );
  cmd
    .option(
      '--sample <rate>',
      'simulate a key-consistent sample of the log (1%, 0.5%, ...: 1/N of it), scaled up, with a 95% band (docs/scale.md)',
    )
    .option(
      '--sample-by <unit>',
      `what a sample keeps whole: ${Object.keys(SAMPLE_UNITS).join(', ')} (default: prefix_key with prompt-cache on a log with prefix keys, else conversation_id)`,
    );
  addThreadOptions(cmd);
  addPricingOptions(cmd);
  addCacheRealismOption(cmd);
  addModelOptions(cmd);
  addAllowPathOption(cmd);
  addOutputOptions(cmd, FORMATS);
  addDisplayOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost simulate scenarios/support-bot.yaml
  llmcost simulate scenarios/support-bot.yaml --currency EUR --fx 0.92   # money shown as EUR 1,234.56 (1 USD = 0.92 EUR)
  llmcost simulate scenarios/chatbot-10k.yaml --standalone --by tenant,feature --format md
  llmcost simulate scenarios/platform-100k.yaml --as-of 2026-11-15 --check --format json --out report.json
  llmcost simulate scenarios/chatbot-10k.yaml --runs 20     # low/expected/high band over 20 seeds
  llmcost simulate scenarios/support-bot.yaml --scale 3x    # next quarter: three times the traffic
  llmcost simulate scenarios/agent-loop.yaml --cache-realism ideal   # the saving under the original, generous cache rules
  llmcost simulate scenarios/mooncake-blocks.yaml --standalone   # a real trace's first 10 minutes, bundled
  llmcost simulate scenarios/log-what-if.yaml --threads 2 --verbose
  llmcost simulate scenarios/log-what-if.yaml --sample 10% --sample-by conversation_id   # scaled x10, with a band

--pricing/--as-of beat the scenario's own pricing; without either, a log is priced with the table
in force at each row's time and a profile with the table in force on its start date. Files the scenario names must lie under its folder or the current
folder unless --allow-path admits theirs (docs/ci.md). Budgets (scenario key budgets:) and the quality
floor (quality.floor) are always checked and listed in the report; with --check a violation exits 1.`,
  );
  cmd.action(async (scenarioPath: string, o: Opts) => {
    const display = displayFlags(o);
    const seed = o.seed !== undefined ? intFlag(o.seed, '--seed', 0, 2 ** 32 - 1) : undefined;
    const runs = o.runs !== undefined ? intFlag(o.runs, '--runs', 1, 10_000) : undefined;
    const scale = o.scale !== undefined ? scaleFlag(o.scale) : undefined;
    const by = parseBy(o.by);
    for (const d of by) {
      const w = unknownDimension(d);
      if (w) app.warn({ code: 'UNKNOWN_KEY', severity: 'warning', message: w.message, where: '--by', hint: w.hint });
    }
    if (o.sampleBy !== undefined && o.sample === undefined)
      throw userError('USAGE', '--sample-by needs --sample', {
        where: '--sample-by',
        hint: 'e.g. --sample 1% --sample-by conversation_id',
      });
    if (o.sampleBy !== undefined && !Object.hasOwn(SAMPLE_UNITS, o.sampleBy))
      throw userError('USAGE', `--sample-by '${o.sampleBy}' is not a sample unit`, {
        where: '--sample-by',
        hint: `use one of ${Object.keys(SAMPLE_UNITS).join(', ')}`,
      });
    const sample =
      o.sample !== undefined
        ? { rate: parseSampleRate(o.sample), ...(o.sampleBy ? { unit: o.sampleBy as SampleUnit } : {}) }
        : undefined;
    const report = await simulate(
      {
        scenario: scenarioPath,
        seed,
        standalone: o.standalone,
        by,
        runs,
        pricing: o.pricing,
        asOf: o.asOf,
        staleAfterDays: staleAfterFlag(o.staleAfter),
        cacheRealism: o.cacheRealism,
        scale,
        allowPaths: o.allowPath,
        ...modelChoice(o),
        ...threadsOf(o, app.io.env, (l) => app.note(l)),
        ...(sample ? { sample } : {}),
      },
      app,
    );
    const ro = renderOptions(app.io, o.out);
    emit(app.io, render(display ? { ...report, display } : report, o.format, ro), o.out, { styled: ro.color });
    const failed = report.checks.filter((c) => !c.ok);
    for (const c of failed) app.note(`${o.check ? 'check failed' : 'warning'}: ${c.name}: ${c.message}`);
    if (o.check && failed.length) app.exitCode = 1;
  });
}

/** --scale 3x, 3, 0.5x: a positive factor (at most 10,000). */
function scaleFlag(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*x?\s*$/i.exec(v);
  const n = m ? Number(m[1]) : Number.NaN;
  if (!(n > 0 && n <= 10_000))
    throw userError('USAGE', `--scale '${v}' is not a growth factor`, {
      where: '--scale',
      hint: 'a positive number, optionally followed by x: --scale 3x (three times the traffic), --scale 0.5x',
    });
  return n;
}
