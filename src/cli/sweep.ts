// `llmcost sweep SCENARIO --set path=v1,v2 [--set ...]`: run the scenario once per configuration
// of a grid of assignments and show which configuration is cheapest while meeting the quality
// floor and budgets. read (scenario file) -> pure planner (engine/sweep.ts) -> runs -> render.
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { parse as parseYamlValue, stringify as stringifyYaml } from 'yaml';
import { type Diagnostic, formatDiagnostic, UserError, userError } from '../diagnostics.js';
import { loadScenarioFile, parseScenarioText, type Scenario } from '../config/scenario.js';
import { scenarioSchema } from '../config/scenario-schema.js';
import { knownKeysAt, locate } from '../config/yaml.js';
import {
  applyPoint,
  expandGrid,
  gridSize,
  type PathSeg,
  pickCheapest,
  resolvePath,
  setAt,
  showPath,
  splitPath,
  type SweepAxis,
  type SweepPoint,
} from '../engine/sweep.js';
import { readText } from '../pricing/load.js';
import type { Report } from '../report/model.js';
import { buildSweepReport, renderSweep } from '../report/sweep.js';
import { STRATEGIES } from '../strategies/registry.js';
import type { App } from './app.js';
import { addAllowPathOption, addOutputOptions, intFlag } from './common.js';
import { emit, FORMATS, renderOptions, type Format } from './io.js';
import { runScenario } from './run-scenario.js';

export const DEFAULT_MAX_RUNS = 200;

interface Opts {
  set?: string[];
  seed?: string;
  maxRuns?: string;
  check?: boolean;
  format: Format;
  out?: string;
  allowPath: string[];
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** `path=v1,v2,...` -> path and value texts (values are YAML scalars; a value cannot contain a comma). */
export function parseSetFlag(raw: string): { flag: string; path: string; texts: string[] } {
  const flag = `--set ${raw}`;
  const eq = raw.indexOf('=');
  if (eq <= 0)
    throw userError('USAGE', `--set '${raw}' is not path=value[,value...]`, {
      where: flag,
      hint: 'e.g. --set traffic.profile.requests_per_day=1000,10000 or --set strategies.prompt-cache.ttl=5m,1h',
    });
  const path = raw.slice(0, eq).trim();
  const texts = raw
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim());
  if (texts.some((v) => v === ''))
    throw userError('USAGE', `--set ${path} has an empty value`, {
      where: flag,
      hint: 'separate values with single commas and no trailing comma: path=a,b,c',
    });
  if (new Set(texts).size !== texts.length)
    throw userError('USAGE', `--set ${path} lists a value twice`, { where: flag, hint: 'give each value once' });
  return { flag, path, texts };
}

/** A value as YAML reads it (1000 -> number, 5m -> string, true -> boolean); lists and maps are refused. */
function scalar(text: string, flag: string): unknown {
  let v: unknown;
  try {
    v = parseYamlValue(text);
  } catch (e) {
    throw userError('USAGE', `value '${text}' is not a YAML scalar: ${(e as Error).message.split('\n')[0]}`, {
      where: flag,
      hint: 'quote-free scalars only: numbers, words, true/false',
    });
  }
  if (v !== null && typeof v === 'object')
    throw userError('USAGE', `value '${text}' is a YAML ${Array.isArray(v) ? 'list' : 'map'}, not a single value`, {
      where: flag,
      hint: 'sweep one scalar per path; address the key inside it instead',
    });
  return v;
}

/** Keys the schema allows under a resolved parent path (a strategy's options come from its own schema). */
function knownKeysFor(raw: unknown): (parent: PathSeg[]) => string[] {
  return (parent) => {
    if (parent[0] === 'strategies' && parent.length >= 2) {
      const item = (raw as { strategies?: unknown[] }).strategies?.[parent[1] as number] as
        | { use?: unknown }
        | undefined;
      const strategy = STRATEGIES.find((s) => s.name === item?.use);
      if (!strategy) return [];
      const rest = parent.slice(2);
      const keys = knownKeysAt(strategy.options, rest);
      return rest.length === 0 && keys.length ? [...keys, 'use', 'label'] : keys;
    }
    return knownKeysAt(scenarioSchema, parent);
  };
}

/** The grid's axes, resolved against the raw scenario data. */
export function planAxes(raw: unknown, sets: string[]): SweepAxis[] {
  const axes = sets.map((s) => {
    const { flag, path, texts } = parseSetFlag(s);
    const resolved = resolvePath(raw, splitPath(path, flag), flag, knownKeysFor(raw));
    return { flag, path, resolved, values: texts.map((text) => ({ text, value: scalar(text, flag) })) };
  });
  axes.forEach((a, i) => {
    const j = axes.findIndex((b) => showPath(b.resolved) === showPath(a.resolved));
    if (j !== i)
      throw userError('USAGE', `${a.flag} and ${axes[j]!.flag} set the same value (${showPath(a.resolved)})`, {
        where: a.flag,
        hint: 'list all the values in one --set',
      });
  });
  return axes;
}

const flagsOf = (p: SweepPoint): string => p.assignments.map((x) => `--set ${x.path}=${x.text}`).join(' ');

/** Validate a modified scenario with the normal loader; its errors name the --set flags that made it. */
function loadVariant(
  data: unknown,
  file: string,
  dir: string,
  flags: string,
): { scenario: Scenario; warnings: Diagnostic[] } {
  const r = parseScenarioText(stringifyYaml(data, { aliasDuplicateObjects: false }), file, dir);
  if (r.value) return { scenario: r.value, warnings: r.warnings };
  throw new UserError(
    r.errors.map((d) => ({
      ...d,
      where: flags,
      message: `${d.message} (in ${file} with ${flags})`,
      hint: d.hint ?? 'change the value of this --set',
    })),
  );
}

/** Every configuration's scenario, validated before any run (nothing half-done on a bad value). */
export function planSweep(
  text: string,
  file: string,
  dir: string,
  sets: string[],
  maxRuns: number,
): { axes: SweepAxis[]; points: SweepPoint[]; scenarios: Scenario[]; warnings: Diagnostic[] } {
  const raw: unknown = parseYamlValue(text, { maxAliasCount: 100 });
  const axes = planAxes(raw, sets);
  const size = gridSize(axes);
  if (size > maxRuns) {
    throw userError(
      'USAGE',
      `the grid has ${size} configurations (${axes.map((a) => a.values.length).join(' x ')}), more than --max-runs ${maxRuns}`,
      { where: '--max-runs', hint: `sweep fewer values, or raise the limit: --max-runs ${size}` },
    );
  }
  // Each value alone first, so a bad value is blamed on its own --set ...
  for (const a of axes)
    for (const v of a.values)
      loadVariant(setAt(raw, a.resolved, v.value), file, dir, `${a.flag.split('=')[0]}=${v.text}`);
  // ... then each combination (cross-field rules may still reject one).
  const warnings = new Map<string, Diagnostic>();
  const points = expandGrid(axes);
  const scenarios = points.map((p) => {
    const { scenario, warnings: w } = loadVariant(applyPoint(raw, p), file, dir, flagsOf(p));
    // errors found later (e.g. an unknown model) point into the user's file, not the rewritten text
    scenario.where = (path) => locate(text, file, path);
    for (const d of w) warnings.set(formatDiagnostic({ ...d, where: '' }), d);
    return scenario;
  });
  return { axes, points, scenarios, warnings: [...warnings.values()] };
}

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
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost sweep scenarios/system-prompt-8k.yaml --set traffic.profile.requests_per_day=1000,10000,100000 --set strategies.prompt-cache.ttl=5m,1h
  llmcost sweep scenarios/system-prompt-8k.yaml --set strategies.route.rules[0].quality=0.9,0.95,0.99 --format csv
  llmcost sweep scenarios/support-bot.yaml --set strategies.prompt-cache.ttl=5m,1h --format html --out sweep.html
  llmcost sweep scenarios/mooncake-blocks.yaml --set strategies[0].ttl=5m,1h

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
          allowPaths: o.allowPath,
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
