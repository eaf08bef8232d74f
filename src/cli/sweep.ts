// `llmcost sweep SCENARIO --set path=v1,v2 [--set ...]`: run the scenario once per configuration
// of a grid of assignments and show which configuration is cheapest while meeting the quality
// floor and budgets. The plan is app/sweep.ts; this file parses flags, runs and emits.
import type { Command } from 'commander';
import { DEFAULT_MAX_RUNS, sweep } from '../app/sweep.js';
import { userError } from '../diagnostics.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';
import { SWEEP_RENDERERS } from '../report/sweep/render.js';
import type { App } from './app.js';
import {
  addAllowPathOption,
  addOutputOptions,
  addThreadOptions,
  intFlag,
  type ThreadFlags,
  threadsOf,
  addDisplayOptions,
  displayFlags,
  type DisplayFlags,
} from './common.js';
import { emit, renderOptions } from './io.js';

interface Opts extends ThreadFlags, DisplayFlags {
  set?: string[];
  seed?: string;
  maxRuns?: string;
  check?: boolean;
  format: Format;
  out?: string;
  allowPath: string[];
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

export function registerSweep(program: Command, app: App): void {
  const cmd = program
    .command('sweep')
    .argument('<scenario>', 'scenario YAML file')
    .description(
      'what-if grid: run a scenario for every combination of --set values; the cheapest configuration meeting the quality floor and budgets is marked',
    )
    .option(
      '--set <path=values>',
      'a scenario value and the values to try, comma-separated (repeatable; the grid is every combination)',
      collect,
    )
    .option('--seed <n>', "override the scenario's seed (every configuration runs with the same seed)")
    .option('--max-runs <n>', `refuse grids larger than this`, String(DEFAULT_MAX_RUNS))
    .option('--check', 'exit 1 when no configuration meets the quality floor and budgets');
  addAllowPathOption(cmd);
  addThreadOptions(cmd);
  addDisplayOptions(cmd);
  addOutputOptions(cmd, formatsOf(SWEEP_RENDERERS));
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost sweep scenarios/system-prompt-8k.yaml --set traffic.profile.requests_per_day=1000,10000,100000 --set strategies.prompt-cache.ttl=5m,1h
  llmcost sweep scenarios/system-prompt-8k.yaml --set strategies.route.rules[0].quality=0.9,0.95,0.99 --format csv
  llmcost sweep scenarios/support-bot.yaml --set strategies.prompt-cache.ttl=5m,1h --format html --out sweep.html
  llmcost sweep scenarios/mooncake-blocks.yaml --set strategies[0].ttl=5m,1h
  llmcost sweep scenarios/log-what-if.yaml --set strategies.route.rules[0].share=0.3,0.6 --threads 2 --verbose   # the log read once, the configurations on 2 threads

A path addresses the scenario YAML with dots; a list item by index (strategies[1] or strategies.1)
or by name (a strategy's label or its 'use', a segment's or tenant's name). Values are YAML scalars
(1000, 0.5, 5m, true). The grid runs in --set order, the first --set varying slowest; the HTML
chart plots final cost against the first --set, one line per value of the others. See docs/sweep.md.`,
  );
  cmd.action(async (scenarioPath: string, o: Opts) => {
    const display = displayFlags(o);
    if (!o.set?.length)
      throw userError('USAGE', 'sweep needs at least one --set path=v1,v2,...', {
        where: '--set',
        hint: 'e.g. --set traffic.profile.requests_per_day=1000,10000,100000',
      });
    const seed = o.seed !== undefined ? intFlag(o.seed, '--seed', 0, 2 ** 32 - 1) : undefined;
    const maxRuns = intFlag(o.maxRuns ?? String(DEFAULT_MAX_RUNS), '--max-runs', 1);
    const report = await sweep(
      {
        scenario: scenarioPath,
        sets: o.set,
        seed,
        maxRuns,
        allowPaths: o.allowPath,
        ...threadsOf(o, app.io.env, (l) => app.note(l)),
      },
      app,
    );
    const ro = renderOptions(app.io, o.out);
    emit(app.io, renderWith(SWEEP_RENDERERS, display ? { ...report, display } : report, o.format, ro), o.out, {
      styled: ro.color,
    });
    if (report.cheapest === null) {
      app.note(`${o.check ? 'check failed' : 'warning'}: no configuration meets the quality floor and budgets`);
      if (o.check) app.exitCode = 1;
    }
  });
}
