// Sweep planning: `--set path=v1,v2` flags -> axes resolved against the scenario -> every
// configuration's scenario, validated before any run. read (scenario file) -> pure planner
// (engine/sweep.ts) -> runs -> render.
import { dirname, resolve } from 'node:path';
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
import { readText } from '../pricing/tables.js';
import { buildSweepReport, type SweepReport } from '../report/sweep/model.js';
import { STRATEGIES } from '../strategies/registry.js';
import { type Context, makeContext, onceEach } from './context.js';
import { prepareScenario } from './scenario.js';
import { runVariants } from './variants.js';
import { DEFAULT_STALE_AFTER_DAYS } from '../pricing/staleness.js';

export const DEFAULT_MAX_RUNS = 200;

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

/** The --set flags that make one configuration, for messages. */
export const flagsOf = (p: SweepPoint): string => p.assignments.map((x) => `--set ${x.path}=${x.text}`).join(' ');

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

export interface SweepInput {
  /** the scenario file, relative to the Io's cwd */
  scenario: string;
  /** `path=v1,v2,...` assignments; the grid is every combination, the first varying slowest */
  sets: string[];
  /** one seed for every configuration (refused when a --set sweeps the seed) */
  seed?: number;
  /** refuse grids larger than this (default DEFAULT_MAX_RUNS) */
  maxRuns?: number;
  /** folders the scenario's named files may also lie in (besides its own folder and the working folder) */
  allowPaths?: string[];
  /** threads to run the configurations on (default 1); explicitThreads: asked for, so even a small log uses them */
  threads?: number;
  explicitThreads?: boolean;
  /** told how the configurations ran (--verbose) */
  verbose?: (message: string) => void;
}

/** Run the scenario once per configuration of the grid and mark the cheapest that passes its checks. */
export async function sweep(input: SweepInput, context: Partial<Context> = {}): Promise<SweepReport> {
  const ctx = makeContext(context);
  const { seed } = input;
  const scenarioPath = input.scenario;
  const abs = resolve(ctx.io.cwd, scenarioPath);
  // The file itself must be valid first: its errors keep their file:line:col.
  const base = loadScenarioFile(abs, scenarioPath);
  for (const w of base.warnings) ctx.warn(w);
  const plan = planSweep(
    readText(abs, 'scenario'),
    scenarioPath,
    dirname(abs),
    input.sets,
    input.maxRuns ?? DEFAULT_MAX_RUNS,
  );
  const seedAxis = plan.axes.find((a) => a.resolved.length === 1 && a.resolved[0] === 'seed');
  if (seed !== undefined && seedAxis)
    throw userError('USAGE', `--seed ${seed} would override every value of ${seedAxis.flag}`, {
      where: '--seed',
      hint: 'drop --seed to sweep seeds, or drop the seed --set',
    });
  const shown = new Set(base.warnings.map((d) => formatDiagnostic({ ...d, where: '' })));
  for (const w of plan.warnings) if (!shown.has(formatDiagnostic({ ...w, where: '' }))) ctx.warn(w);

  const tty = ctx.io.stderr.isTTY === true;
  // every configuration says the same things: each once (clearing the status line first)
  const warn = onceEach((d) => {
    if (tty) ctx.io.stderr.write('\r\x1b[K');
    ctx.warn(d);
  });
  const located = (i: number, e: unknown): unknown => {
    if (tty) ctx.io.stderr.write('\r\x1b[K');
    // a value the loader accepts may still fail the run (a model the table lacks): name the --set
    // (not for a setting of the environment, e.g. LLMCOST_TABLE_MB: every configuration would fail on it)
    if (e instanceof UserError)
      return new UserError(
        e.diagnostics.map((d) =>
          d.where?.startsWith('LLMCOST_')
            ? d
            : {
                ...d,
                message: `${d.message} (configuration #${i + 1}: ${flagsOf(plan.points[i]!)})`,
                where: d.where ?? flagsOf(plan.points[i]!),
              },
        ),
      );
    return e;
  };
  // Configurations that read the same traffic the same way (a log, or a profile only strategies
  // change) share one read of it and run in parallel over it; a configuration whose profile no
  // other shares generates its own as it streams.
  const run = {
    io: ctx.io,
    seed,
    warn,
    command: 'sweep',
    version: ctx.version,
    // PRICING_STALE as simulate says it (said once: the same warning of every configuration is one)
    staleAfterDays: DEFAULT_STALE_AFTER_DAYS,
    allowPaths: input.allowPaths,
    threads: input.threads ?? 1,
    explicitThreads: input.explicitThreads ?? false,
    ...(input.verbose ? { verbose: input.verbose } : {}),
  } as const;
  const preps = plan.scenarios.map((scenario, i) => {
    try {
      return prepareScenario({ ...run, scenario });
    } catch (e) {
      throw located(i, e);
    }
  });
  let done = 0;
  const runs = await runVariants(preps, run, {
    located,
    onGroup: (m) => {
      const upTo = `${done + m.length}/${plan.scenarios.length}`;
      if (tty)
        ctx.io.stderr.write(
          `\r  sweep: ${m.length > 1 ? `configurations ${done + 1}-${upTo}` : `configuration ${upTo}`}…`,
        );
      done += m.length;
    },
  });
  const results = runs.map((r) => r.report);
  if (tty) ctx.io.stderr.write('\r\x1b[K');
  const cheapest = pickCheapest(
    results.map((r) => ({ finalCost: r.final.cost, checksOk: r.checks.every((c) => c.ok) })),
  );
  return buildSweepReport({
    scenario: base.scenario.name,
    seed: seed ?? base.scenario.seed,
    version: ctx.version,
    axes: plan.axes.map((a) => ({ path: a.path, values: a.values.map((v) => v.text) })),
    qualityFloor: base.scenario.quality?.floor ?? null,
    points: plan.points.map((p, i) => ({
      assignments: p.assignments.map((x) => ({ path: x.path, value: x.text })),
      report: results[i]!,
    })),
    cheapest,
  });
}
