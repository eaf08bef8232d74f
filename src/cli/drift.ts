// `llmcost drift --baseline OLD --current NEW SCENARIO...`: the CI check on pricing drift.
// Each scenario is simulated ONCE (bucketed by both tables' long-context thresholds) and the same
// ledgers are priced under both tables; exit 1 when a scenario's final cost rises past a limit.
import { existsSync, readdirSync, statSync, writeFileSync, renameSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Command } from 'commander';
import { UserError, userError } from '../diagnostics.js';
import {
  buildDriftReport,
  type DriftLimits,
  driftScenario,
  type ScenarioDriftExact,
  simulationBook,
} from '../engine/drift.js';
import { renderDrift } from '../report/drift.js';
import type { App } from './app.js';
import { addAllowPathOption, addOutputOptions, intFlag } from './common.js';
import { emit, resolvePath, type Format } from './io.js';
import { loadTableArg } from './pricing-arg.js';
import { runScenario, scenarioBook, scenarioSyntheticModels } from './run-scenario.js';
import { loadScenarioFile } from '../config/scenario.js';
import type { ModelInfo, PriceBook } from '../pricing/pricebook.js';

const FORMATS = ['table', 'md', 'json'] as const;

interface Opts {
  baseline: string;
  current: string;
  scenarios?: string;
  maxIncrease?: string;
  maxIncreaseUsd?: string;
  onlyIncreases?: boolean;
  seed?: string;
  format: Format;
  out?: string;
  allowPath: string[];
}

/** A non-negative decimal limit ("5", "2.5", "5%", "$100"), as a plain decimal string. */
export function decimalFlag(value: string, flag: string, strip: RegExp): string {
  const v = value.trim().replace(strip, '').replace(/_/g, '');
  if (!/^\d+(\.\d{1,12})?$/.test(v))
    throw userError('USAGE', `${flag} '${value}' is not a non-negative number`, {
      where: flag,
      hint:
        flag === '--max-increase'
          ? 'a percentage, e.g. --max-increase 5 (fails above +5%)'
          : 'USD, e.g. --max-increase-usd 100',
    });
  return v;
}

/** Scenario files: the arguments, then every *.yaml / *.yml in --scenarios DIR (sorted). */
export function scenarioFiles(app: App, args: string[], dir?: string): string[] {
  const files = [...args];
  if (dir) {
    const abs = resolvePath(app.io, dir);
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

export function registerDrift(program: Command, app: App): void {
  const cmd = program
    .command('drift')
    .argument('[scenario...]', 'scenario YAML files (see `llmcost simulate --help`)')
    .description('CI check: each scenario under the baseline vs the current pricing table; exit 1 past a limit')
    .requiredOption('--baseline <file|version>', 'the old pricing table (file, or a bundled version)')
    .requiredOption('--current <file|version>', 'the new pricing table (file, or a bundled version)')
    .option('--scenarios <dir>', 'also check every *.yaml scenario in this directory')
    .option('--max-increase <pct>', "fail (exit 1) when a scenario's final cost rises more than this %")
    .option('--max-increase-usd <usd>', "fail (exit 1) when a scenario's final cost rises more than this many USD")
    .option('--only-increases', 'table/md: list only scenarios whose cost went up; print NOTHING when none did')
    .option('--seed <n>', "override every scenario's seed");
  addAllowPathOption(cmd);
  addOutputOptions(cmd, FORMATS);
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost drift --baseline 2025-10-01 --current 2026-11-01 scenarios/support-bot.yaml
  llmcost drift --baseline 2025-10-01 --current pricing/2026-11-01.yaml --scenarios scenarios --max-increase 5 --format md > drift.md
  llmcost drift --baseline pricing/2025-10-01.yaml --current pricing/2026-11-01.yaml --scenarios scenarios --max-increase-usd 50 --only-increases --format md --out drift.md

Each scenario runs once; its quantities (before strategies = baseline, after = final) are priced
under both tables, so the difference is the price change alone. The scenario's own pricing
setting is ignored, except for a model neither table knows: it runs with the scenario's own table
and is unpriced under both. Files a scenario names must lie under its folder or the current folder
unless --allow-path admits theirs (docs/ci.md). A model the current table cannot price is reported
as unpriced (never $0) and fails the check; a model only the current table knows has an unknown old
cost (a warning).
Exit codes: 0 all checks passed, 1 a limit was exceeded or a model is unpriced, 2 bad input.
With --only-increases and no increase, nothing is printed (an --out file is left empty), so a CI
step can post the comment only when the file is not empty. JSON always lists every scenario.
See docs/ci.md for a GitHub Actions workflow.`,
  );
  cmd.action(async (args: string[], o: Opts) => {
    const format = o.format as (typeof FORMATS)[number];
    const limits: DriftLimits = {
      ...(o.maxIncrease !== undefined ? { maxIncreasePct: decimalFlag(o.maxIncrease, '--max-increase', /%$/) } : {}),
      ...(o.maxIncreaseUsd !== undefined
        ? { maxIncreaseUsd: decimalFlag(o.maxIncreaseUsd, '--max-increase-usd', /^\$/) }
        : {}),
    };
    const seed = o.seed !== undefined ? intFlag(o.seed, '--seed', 0, 2 ** 32 - 1) : undefined;
    const oldBook = loadTableArg(app, o.baseline, '--baseline');
    const newBook = loadTableArg(app, o.current, '--current');
    const files = scenarioFiles(app, args, o.scenarios);
    const simBook = simulationBook(oldBook, newBook);
    const results: ScenarioDriftExact[] = [];
    for (const file of files) {
      const shown = relative(app.io.cwd, resolvePath(app.io, file)) || file;
      const run = (book: PriceBook) =>
        runScenario({
          scenarioPath: file,
          io: app.io,
          book,
          ...(seed !== undefined ? { seed } : {}),
          allowPaths: o.allowPath,
          warn: (d) => app.warn(d),
          command: 'drift',
          version: app.version,
        });
      let ran: Awaited<ReturnType<typeof runScenario>>;
      try {
        ran = await run(simBook);
      } catch (e) {
        // A model neither table knows (a scenario pinned to an older table, e.g. chatbot-10k on
        // 2024 prices) still runs through the strategies with its entry from the scenario's own
        // table, and is then reported as unpriced under both: the check fails (exit 1) and every
        // other scenario is still compared. A model no table knows stays a usage error.
        const own = e instanceof UserError && e.diagnostics.every((d) => d.code === 'UNKNOWN_MODEL');
        const extra = own ? ownTableModels(app, file, simBook) : [];
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
    const report = buildDriftReport(results, oldBook, newBook, limits);
    for (const w of report.warnings) app.warn(w);
    const text = renderDrift(report, format, { onlyIncreases: o.onlyIncreases ?? false });
    if (text === '') {
      app.io.stderr.write(
        `no cost increase: ${results.length} scenario${results.length === 1 ? '' : 's'} checked, pricing ${oldBook.version} -> ${newBook.version}\n`,
      );
      if (o.out && o.out !== '-') writeEmpty(app, o.out);
    } else emit(app.io, text, o.out);
    for (const c of report.checks.filter((x) => !x.ok))
      app.io.stderr.write(`check failed: ${c.scenario}: ${c.name}: ${c.message}\n`);
    if (!report.ok) app.exitCode = 1;
  });
}

/** An empty --out file (atomically), so `[ -s drift.md ]` tells a CI step there is nothing to post. */
function writeEmpty(app: App, out: string): void {
  const file = resolvePath(app.io, out);
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, '');
    renameSync(tmp, file);
  } catch (e) {
    throw userError('WRITE', `cannot write ${out}: ${(e as Error).message}`, {
      where: '--out',
      hint: 'check that the directory exists and is writable',
    });
  }
}

/** Name the scenario in every message of a user error (drift runs many). */
function namedError(e: unknown, shown: string, oldBook: PriceBook, newBook: PriceBook): unknown {
  if (!(e instanceof UserError)) return e;
  return new UserError(
    e.diagnostics.map((d) => ({
      ...d,
      message: `scenario ${shown}: ${d.message}`,
      ...(d.code === 'UNKNOWN_MODEL' && /is not in pricing table/.test(d.message)
        ? {
            message: `scenario ${shown}: ${d.message.replace(/is not in pricing table .*$/, `is in neither --baseline ${oldBook.version}, --current ${newBook.version} nor the scenario's own table`)}`,
            hint: "drift can only simulate models that one of the two tables or the scenario's own pricing table knows; pick other tables or change the scenario",
          }
        : {}),
    })),
  );
}

/** The models of the scenario's own pricing tables that the simulation book lacks (none if it has no usable table). */
function ownTableModels(app: App, file: string, simBook: PriceBook): ModelInfo[] {
  try {
    const { scenario } = loadScenarioFile(resolvePath(app.io, file), file);
    const own = scenarioBook(scenario, app.io, {}, { catalog: false }).book;
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
