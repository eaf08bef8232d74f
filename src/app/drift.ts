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
import { runScenario, type ScenarioRun, scenarioSyntheticModels } from './scenario.js';

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
    let ran: ScenarioRun;
    try {
      ran = await runScenario({
        scenarioPath: file,
        io: ctx.io,
        book: simBook,
        thresholds,
        seed: input.seed,
        warn: ctx.warn,
        command: 'drift',
        version: ctx.version,
      });
    } catch (e) {
      // Name the scenario in every message: drift runs many.
      if (e instanceof UserError) {
        throw new UserError(
          e.diagnostics.map((d) =>
            // a model neither table has (resolve's error names the model as data)
            d.code === 'UNKNOWN_MODEL' && d.data?.reason !== undefined && d.data.model !== undefined
              ? {
                  ...d,
                  message: `scenario ${shown}: model '${d.data.model}' is in neither --baseline ${oldBook.version} nor --current ${newBook.version}`,
                  hint: 'drift can only compare models one of the two tables prices; pick other tables or change the scenario',
                }
              : { ...d, message: `scenario ${shown}: ${d.message}` },
          ),
        );
      }
      throw e;
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
