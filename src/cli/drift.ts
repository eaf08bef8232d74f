// `llmcost drift --baseline OLD --current NEW SCENARIO...`: the CI check on pricing drift.
// Each scenario is simulated ONCE (bucketed by both tables' long-context thresholds) and the same
// ledgers are priced under both tables; exit 1 when a scenario's final cost rises past a limit.
import type { Command } from 'commander';
import { drift } from '../app/drift.js';
import { resolvePath } from '../app/io.js';
import { type DriftLimits, driftWarnings } from '../report/drift/model.js';
import { warning } from '../diagnostics.js';
import { DRIFT_RENDERERS } from '../report/drift/render.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';
import { writeOutputFile } from '../shared/output-file.js';
import type { App } from './app.js';
import {
  addAllowPathOption,
  addOutputOptions,
  decimalFlag,
  intFlag,
  addDisplayOptions,
  displayFlags,
  type DisplayFlags,
} from './common.js';
import { emit } from './io.js';

interface Opts extends DisplayFlags {
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
  addDisplayOptions(cmd);
  addOutputOptions(cmd, formatsOf(DRIFT_RENDERERS));
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
    const display = displayFlags(o);
    const limits: DriftLimits = {
      ...(o.maxIncrease !== undefined ? { maxIncreasePct: decimalFlag(o.maxIncrease, '--max-increase', /%$/) } : {}),
      ...(o.maxIncreaseUsd !== undefined
        ? { maxIncreaseUsd: decimalFlag(o.maxIncreaseUsd, '--max-increase-usd', /^\$/) }
        : {}),
    };
    const seed = o.seed !== undefined ? intFlag(o.seed, '--seed', 0, 2 ** 32 - 1) : undefined;
    const report = await drift(
      {
        baseline: o.baseline,
        current: o.current,
        scenarios: args,
        scenarioDir: o.scenarios,
        limits,
        seed,
        allowPaths: o.allowPath,
      },
      app,
    );
    for (const w of driftWarnings(report)) app.warn(w.code ? warning(w.code, w.message) : w.message);
    const text = renderWith(DRIFT_RENDERERS, display ? { ...report, display } : report, o.format, {
      onlyIncreases: o.onlyIncreases ?? false,
    });
    if (text === '') {
      const n = report.scenarios.length;
      app.note(
        `no cost increase: ${n} scenario${n === 1 ? '' : 's'} checked, pricing ${report.baseline.version} -> ${report.current.version}`,
      );
      // an empty --out file, so `[ -s drift.md ]` tells a CI step there is nothing to post
      if (o.out && o.out !== '-') writeOutputFile(resolvePath(app.io, o.out), '', { flag: '--out', shown: o.out });
    } else emit(app.io, text, o.out);
    for (const c of report.checks.filter((x) => !x.ok))
      app.note(`check failed: ${c.scenario}: ${c.name}: ${c.message}`);
    if (!report.ok) app.exitCode = 1;
  });
}
