// `llmcost simulate SCENARIO`: run a scenario file through its strategies and print the savings
// waterfall. --check turns budgets and the quality floor into exit code 1.
import type { Command } from 'commander';
import { userError } from '../diagnostics.js';
import { DIMENSIONS } from '../engine/ledger.js';
import { DEFAULT_STALE_AFTER_DAYS, parseStaleAfter } from '../pricing/staleness.js';
import { render } from '../report/render.js';
import type { App } from './app.js';
import {
  addAllowPathOption,
  addCacheRealismOption,
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  intFlag,
  type ModelFlags,
  parseDeployments,
} from './common.js';
import { emit, FORMATS, renderOptions, type Format } from './io.js';
import { createProgress } from './progress.js';
import { runScenario } from './run-scenario.js';
import { runMonteCarlo } from './monte-carlo.js';
import { unknownDimension } from '../config/scenario.js';

interface Opts {
  seed?: string;
  standalone?: boolean;
  by?: string;
  check?: boolean;
  runs?: string;
  pricing?: string;
  asOf?: string;
  staleAfter?: string;
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
    '--runs <n>',
    'Monte Carlo: also run seeds seed+1..seed+N-1 and report p5/p50/p95 bands (see docs/sweep.md)',
  );
  addPricingOptions(cmd);
  addCacheRealismOption(cmd);
  addModelOptions(cmd);
  addAllowPathOption(cmd);
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost simulate scenarios/support-bot.yaml
  llmcost simulate scenarios/chatbot-10k.yaml --standalone --by tenant,feature --format md
  llmcost simulate scenarios/platform-100k.yaml --as-of 2026-11-15 --check --format json --out report.json
  llmcost simulate scenarios/chatbot-10k.yaml --runs 20     # low/expected/high band over 20 seeds
  llmcost simulate scenarios/agent-loop.yaml --cache-realism ideal   # the saving under the original, generous cache rules
  llmcost simulate scenarios/mooncake-blocks.yaml --standalone   # a real trace's first 10 minutes, bundled

--pricing/--as-of beat the scenario's own pricing; without either, a log is priced with the table
in force at each row's time and a profile with the table in force on its start date. Files the scenario names must lie under its folder or the current
folder unless --allow-path admits theirs (docs/ci.md). Budgets (scenario key budgets:) and the quality
floor (quality.floor) are always checked and listed in the report; with --check a violation exits 1.`,
  );
  cmd.action(async (scenarioPath: string, o: Opts & ModelFlags) => {
    const format = o.format;
    const seed = o.seed !== undefined ? intFlag(o.seed, '--seed', 0, 2 ** 32 - 1) : undefined;
    const runs = o.runs !== undefined ? intFlag(o.runs, '--runs', 1, 10_000) : undefined;
    const by = parseBy(o.by);
    for (const d of by) {
      const w = unknownDimension(d);
      if (w) app.warn({ code: 'UNKNOWN_KEY', severity: 'warning', message: w.message, where: '--by', hint: w.hint });
    }
    const staleAfterDays = parseStaleAfter(o.staleAfter);
    if (staleAfterDays === undefined)
      throw userError('USAGE', `--stale-after '${o.staleAfter}' is not a whole number of days`, {
        where: '--stale-after',
        hint: `e.g. --stale-after ${DEFAULT_STALE_AFTER_DAYS}`,
      });
    // Progress on an interactive stderr only (never in pipes or tests).
    const progress = createProgress(app.io, 'simulating');
    const onProgress =
      app.io.stderr.isTTY === true ? (n: number, f: number | null): void => progress.update(n, f) : undefined;
    const models = { catalog: o.catalog !== false, deployments: parseDeployments(o.deployment) };
    const first = await runScenario({
      scenarioPath,
      io: app.io,
      pricing: { ...(o.pricing ? { pricing: o.pricing } : {}), ...(o.asOf ? { asOf: o.asOf } : {}) },
      models,
      ...(seed !== undefined ? { seed } : {}),
      standalone: o.standalone ?? false,
      ...(o.cacheRealism !== undefined ? { cacheRealism: o.cacheRealism } : {}),
      staleAfterDays,
      ...(onProgress ? { onProgress } : {}),
      by,
      allowPaths: o.allowPath,
      warn: (d) => app.warn(d),
      command: 'simulate',
      version: app.version,
    });
    progress.done();
    const report = first.report;
    // --runs: bands over seeds; the report's own figures stay the scenario-seed run (run 0).
    if (runs !== undefined)
      report.monteCarlo = await runMonteCarlo(app, first, runs, {
        pricing: { ...(o.pricing ? { pricing: o.pricing } : {}), ...(o.asOf ? { asOf: o.asOf } : {}) },
        models,
        allowPaths: o.allowPath,
        command: 'simulate',
        version: app.version,
      });
    const text = render(report, format, renderOptions(app.io, o.out));
    emit(app.io, text, o.out);
    const failed = report.checks.filter((c) => !c.ok);
    for (const c of failed) app.io.stderr.write(`${o.check ? 'check failed' : 'warning'}: ${c.name}: ${c.message}\n`);
    if (o.check && failed.length) app.exitCode = 1;
  });
}
