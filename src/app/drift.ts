// `drift`: each scenario simulated ONCE (bucketed by both tables' long-context thresholds) and the
// same ledgers priced under the baseline and the current table (report/drift/model.ts).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { UserError, userError } from '../diagnostics.js';
import { simulationBook, unionThresholds } from '../engine/drift.js';
import {
  buildDriftReport,
  type DriftLimits,
  type DriftReport,
  driftScenario,
  type ScenarioDriftExact,
} from '../report/drift/model.js';
import { type Context, makeContext } from './context.js';
import { type Io, resolvePath } from './io.js';
import { loadTable } from './pricing.js';
import { loadScenarioFile } from '../config/scenario.js';
import type { ModelInfo, PriceBook } from '../pricing/pricebook.js';
import { runScenario, type ScenarioRun, scenarioBook, scenarioSyntheticModels } from './scenario.js';

export interface DriftInput {
  /** the old table: a file or a bundled version */
  baseline: string;
  /** the new table: a file or a bundled version */
  current: string;
  /** scenario files */
  scenarios: string[];
  /** also every *.yaml / *.yml in this folder */
  scenarioDir?: string;
  limits: DriftLimits;
  /** override every scenario's seed */
  seed?: number;
  /** folders the scenarios' named files may also lie in (besides each one's folder and the working folder) */
  allowPaths?: string[];
}

/** Scenario files: the arguments, then every *.yaml / *.yml in `dir` (sorted). */
export function scenarioFiles(io: Io, args: string[], dir?: string): string[] {
  const files = [...args];
  if (dir) {
    const abs = resolvePath(io, dir);
    if (!existsSync(abs) || !statSync(abs).isDirectory())
      throw userError('FILE_NOT_FOUND', `scenario directory '${dir}' does not exist`, {
        where: '--scenarios',
        hint: 'pass a directory of scenario YAML files, e.g. --scenarios scenarios',
      });
    const found = readdirSync(abs)
      .filter((f) => /\.ya?ml$/.test(f))
      .sort()
      .map((f) => join(dir, f));
    if (!found.length)
      throw userError('FILE_NOT_FOUND', `no *.yaml scenario files in '${dir}'`, {
        where: '--scenarios',
        hint: 'put scenario files there, or name them as arguments',
      });
    files.push(...found);
  }
  if (!files.length)
    throw userError('USAGE', 'no scenario to check', {
      where: 'SCENARIO',
      hint: 'name scenario files (llmcost drift --baseline A --current B scenarios/chat.yaml) or pass --scenarios DIR',
    });
  return [...new Set(files)];
}

export async function drift(input: DriftInput, context: Partial<Context> = {}): Promise<DriftReport> {
  const ctx = makeContext(context);
  const oldBook = loadTable(input.baseline, '--baseline', ctx);
  const newBook = loadTable(input.current, '--current', ctx);
  const files = scenarioFiles(ctx.io, input.scenarios, input.scenarioDir);
  const simBook = simulationBook(oldBook, newBook);
  // every request bucketed by both tables' long-context thresholds, so each prices it in its band
  const thresholds = unionThresholds(oldBook, newBook);
  const results: ScenarioDriftExact[] = [];
  for (const file of files) {
    const shown = relative(ctx.io.cwd, resolvePath(ctx.io, file)) || file;
    const run = (book: PriceBook): Promise<ScenarioRun> =>
      runScenario({
        scenarioPath: file,
        io: ctx.io,
        book,
        thresholds,
        seed: input.seed,
        allowPaths: input.allowPaths,
        warn: ctx.warn,
        command: 'drift',
        version: ctx.version,
      });
    let ran: ScenarioRun;
    try {
      ran = await run(simBook);
    } catch (e) {
      // A model neither table knows (a scenario pinned to an older table, e.g. chatbot-10k on
      // 2024 prices) still runs through the strategies with its entry from the scenario's own
      // table, and is then reported as unpriced under both: the check fails (exit 1) and every
      // other scenario is still compared. A model no table knows stays a usage error.
      const own = e instanceof UserError && e.diagnostics.every((d) => d.code === 'UNKNOWN_MODEL');
      const extra = own ? ownTableModels(ctx.io, file, simBook) : [];
      try {
        if (!extra.length) throw e;
        ran = await run(simBook.withModels(extra));
      } catch (e2) {
        throw namedError(e2, shown, oldBook, newBook);
      }
    }
    const synth = scenarioSyntheticModels(ran.scenario);
    const a = synth.length ? oldBook.withModels(synth) : oldBook;
    const b = synth.length ? newBook.withModels(synth) : newBook;
    const fixed = (x: number): string => x.toFixed(6);
    // names key the checks and rows: two files with the same scenario name get their file added
    const label = results.some((r) => r.scenario === ran.scenario.name)
      ? `${ran.scenario.name} (${shown})`
      : ran.scenario.name;
    results.push(
      driftScenario(
        {
          scenario: label,
          run: ran.run,
          fixedUsd: {
            baseline: fixed(ran.report.baseline.breakdown.fixed),
            final: fixed(ran.report.final.breakdown.fixed),
          },
        },
        a,
        b,
      ),
    );
  }
  return buildDriftReport(results, oldBook, newBook, input.limits);
}

/** Name the scenario in every message of a user error (drift runs many). */
function namedError(e: unknown, shown: string, oldBook: PriceBook, newBook: PriceBook): unknown {
  if (!(e instanceof UserError)) return e;
  return new UserError(
    e.diagnostics.map((d) =>
      // a model no table has (resolve's error names the model as data)
      d.code === 'UNKNOWN_MODEL' && d.data?.reason !== undefined && d.data.model !== undefined
        ? {
            ...d,
            message: `scenario ${shown}: model '${d.data.model}' is in neither --baseline ${oldBook.version}, --current ${newBook.version} nor the scenario's own table`,
            hint: "drift can only simulate models that one of the two tables or the scenario's own pricing table knows; pick other tables or change the scenario",
          }
        : { ...d, message: `scenario ${shown}: ${d.message}` },
    ),
  );
}

/** The models of the scenario's own pricing tables that the simulation book lacks (none if it has no usable table). */
function ownTableModels(io: Io, file: string, simBook: PriceBook): ModelInfo[] {
  try {
    const { scenario } = loadScenarioFile(resolvePath(io, file), file);
    const own = scenarioBook(scenario, io, {}, { catalog: false }).book;
    const missing = new Map<string, ModelInfo>();
    for (const name of own.allNames()) {
      const m = own.lookup(name);
      if (m && !missing.has(m.id) && [m.id, ...m.aliases].every((n) => simBook.tryResolve(n) === undefined))
        missing.set(m.id, m);
    }
    return [...missing.values()];
  } catch {
    return [];
  }
}
