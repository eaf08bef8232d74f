// `llmcost sweep SCENARIO --set path=v1,v2 [--set ...]`: run the scenario once per configuration
// of a grid of assignments and show which configuration is cheapest while meeting the quality
// floor and budgets. The plan is app/sweep.ts; this file parses flags, runs and emits.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { type Diagnostic, formatDiagnostic, UserError, userError } from '../diagnostics.js';
import { loadScenarioFile } from '../config/scenario.js';
import { pickCheapest } from '../engine/sweep.js';
import { readText } from '../pricing/load.js';
import type { Report } from '../report/model.js';
import { buildSweepReport } from '../report/sweep/model.js';
import { renderSweep } from '../report/sweep/render.js';
import { FORMATS, type Format } from '../report/render.js';
import { runScenario } from '../app/simulate.js';
import { DEFAULT_MAX_RUNS, flagsOf, planSweep } from '../app/sweep.js';
import type { App } from './app.js';
import { addOutputOptions, intFlag } from './common.js';
import { emit, renderOptions } from './io.js';

interface Opts {
  set?: string[];
  seed?: string;
  maxRuns?: string;
  check?: boolean;
  format: Format;
  out?: string;
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
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost sweep scenarios/system-prompt-8k.yaml --set traffic.profile.requests_per_day=1000,10000,100000 --set strategies.prompt-cache.ttl=5m,1h
  llmcost sweep scenarios/system-prompt-8k.yaml --set strategies.route.rules[0].quality=0.9,0.95,0.99 --format csv
  llmcost sweep scenarios/support-bot.yaml --set strategies.prompt-cache.ttl=5m,1h --format html --out sweep.html

A path addresses the scenario YAML with dots; a list item by index (strategies[1] or strategies.1)
or by name (a strategy's label or its 'use', a segment's or tenant's name). Values are YAML scalars
(1000, 0.5, 5m, true). The grid runs in --set order, the first --set varying slowest; the HTML
chart plots final cost against the first --set, one line per value of the others. See docs/sweep.md.`,
  );
  cmd.action(async (scenarioPath: string, o: Opts) => {
    const format = o.format;
    if (!o.set?.length)
      throw userError('USAGE', 'sweep needs at least one --set path=v1,v2,...', {
        where: '--set',
        hint: 'e.g. --set traffic.profile.requests_per_day=1000,10000,100000',
      });
    const seed = o.seed !== undefined ? intFlag(o.seed, '--seed', 0, 2 ** 32 - 1) : undefined;
    const maxRuns = intFlag(o.maxRuns ?? String(DEFAULT_MAX_RUNS), '--max-runs', 1);
    const abs = resolve(app.io.cwd, scenarioPath);
    // The file itself must be valid first: its errors keep their file:line:col.
    const base = loadScenarioFile(abs, scenarioPath);
    for (const w of base.warnings) app.warn(w);
    const plan = planSweep(readText(abs, 'scenario'), scenarioPath, dirname(abs), o.set, maxRuns);
    const seedAxis = plan.axes.find((a) => a.resolved.length === 1 && a.resolved[0] === 'seed');
    if (seed !== undefined && seedAxis)
      throw userError('USAGE', `--seed ${seed} would override every value of ${seedAxis.flag}`, {
        where: '--seed',
        hint: 'drop --seed to sweep seeds, or drop the seed --set',
      });
    const shown = new Set(base.warnings.map((d) => formatDiagnostic({ ...d, where: '' })));
    for (const w of plan.warnings) if (!shown.has(formatDiagnostic({ ...w, where: '' }))) app.warn(w);

    const tty = app.io.stderr.isTTY === true;
    const seen = new Set<string>();
    const warn = (d: Diagnostic | string): void => {
      const key = typeof d === 'string' ? d : formatDiagnostic(d);
      if (!seen.has(key)) {
        seen.add(key);
        if (tty) app.io.stderr.write('\r\x1b[K');
        app.warn(d);
      }
    };
    const results: Report[] = [];
    for (let i = 0; i < plan.scenarios.length; i++) {
      if (tty) app.io.stderr.write(`\r  sweep: configuration ${i + 1}/${plan.scenarios.length}…`);
      try {
        const { report } = await runScenario({
          scenario: plan.scenarios[i]!,
          io: app.io,
          ...(seed !== undefined ? { seed } : {}),
          warn,
          command: 'sweep',
          version: app.version,
        });
        results.push(report);
      } catch (e) {
        if (tty) app.io.stderr.write('\r\x1b[K');
        // a value the loader accepts may still fail the run (a model the table lacks): name the --set
        if (e instanceof UserError)
          throw new UserError(
            e.diagnostics.map((d) => ({
              ...d,
              message: `${d.message} (configuration #${i + 1}: ${flagsOf(plan.points[i]!)})`,
              where: d.where ?? flagsOf(plan.points[i]!),
            })),
          );
        throw e;
      }
    }
    if (tty) app.io.stderr.write('\r\x1b[K');
    const cheapest = pickCheapest(
      results.map((r) => ({ finalCost: r.final.cost, checksOk: r.checks.every((c) => c.ok) })),
    );
    const sweep = buildSweepReport({
      scenario: base.scenario.name,
      seed: seed ?? base.scenario.seed,
      version: app.version,
      axes: plan.axes.map((a) => ({ path: a.path, values: a.values.map((v) => v.text) })),
      qualityFloor: base.scenario.quality?.floor ?? null,
      points: plan.points.map((p, i) => ({
        assignments: p.assignments.map((x) => ({ path: x.path, value: x.text })),
        report: results[i]!,
      })),
      cheapest,
    });
    emit(app.io, renderSweep(sweep, format, renderOptions(app.io, o.out)), o.out);
    if (cheapest === null) {
      app.io.stderr.write(
        `${o.check ? 'check failed' : 'warning'}: no configuration meets the quality floor and budgets\n`,
      );
      if (o.check) app.exitCode = 1;
    }
  });
}
