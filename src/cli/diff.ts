// `llmcost diff BASE_SCENARIO HEAD_SCENARIO`: the cost review of a change, for a pull request.
// Both scenarios run with the same seed (and the same traffic when their traffic sections agree);
// exit 1 when the final cost rises past --max-increase.
import type { Command } from 'commander';
import { diff } from '../app/diff.js';
import { unknownDimension } from '../config/scenario.js';
import { userError } from '../diagnostics.js';
import type { DiffLimits } from '../report/diff/model.js';
import { DIFF_RENDERERS } from '../report/diff/render.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';
import type { App } from './app.js';
import {
  addAllowPathOption,
  addCacheRealismOption,
  addModelOptions,
  addOutputOptions,
  increaseLimitFlag,
  runChoice,
  type RunFlags,
  addDisplayOptions,
  displayFlags,
  type DisplayFlags,
} from './common.js';
import { emit } from './io.js';
import { parseBy } from './simulate.js';

interface Opts extends RunFlags, DisplayFlags {
  maxIncrease?: string;
  maxIncreaseUsd?: string;
  by?: string;
  traffic: string;
  baseName?: string;
  headName?: string;
  format: Format;
  out?: string;
}

export function registerDiff(program: Command, app: App): void {
  const cmd = program
    .command('diff')
    .argument('<base>', "the scenario before the change (e.g. the base branch's copy)")
    .argument('<head>', 'the scenario after the change')
    .description('cost review of a change: two scenarios on the same traffic and seed, the delta line by line')
    .option(
      '--max-increase <limit>',
      "fail (exit 1) when the final cost rises more than this: 5 or 5% (of BASE's), or $50",
    )
    .option('--max-increase-usd <usd>', 'fail (exit 1) when the final cost rises more than this many USD')
    .option('--seed <n>', "the seed of both runs (default: BASE's)")
    .option(
      '--by <dims>',
      'extra attribution dimensions on both sides, comma-separated (tenant, feature, ... or a tag)',
    )
    .option(
      '--traffic <which>',
      "each: every scenario its own traffic; base: HEAD's strategies on BASE's traffic",
      'each',
    )
    .option('--base-name <name>', 'how the report names BASE (default: the file as given)')
    .option('--head-name <name>', 'how the report names HEAD (default: the file as given)')
    .option('--pricing <file|version>', "price both sides with this table (default: each scenario's own pricing)")
    .option('--as-of <date>', 'price both sides with the bundled table in force on this date (YYYY-MM-DD)');
  addCacheRealismOption(cmd);
  addModelOptions(cmd);
  addAllowPathOption(cmd);
  addDisplayOptions(cmd);
  addOutputOptions(cmd, formatsOf(DIFF_RENDERERS));
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost diff scenarios/system-prompt-8k-1k.yaml scenarios/system-prompt-8k.yaml
  llmcost diff scenarios/system-prompt-8k-1k.yaml scenarios/system-prompt-8k.yaml --max-increase 5 --format md --out cost.md
  llmcost diff scenarios/system-prompt-8k-1k.yaml scenarios/system-prompt-8k.yaml --max-increase '$500' --format json

The change is read as BASE -> HEAD: a positive change costs more. Both run with BASE's seed (or
--seed); when their traffic sections are the same, they see the same requests, so the delta is the
change's alone. A change to the traffic itself (a longer system prompt, another model) is part of
the delta; --traffic base leaves it out. Compared: the baseline (before strategies) and final cost,
each step's saving (steps matched by label), each model, token class and attribution key (final).
Exit codes: 0 within the limit (or none set), 1 over the limit, 2 bad input.
See docs/ci.md for the GitHub Action that posts this as one pull request comment.`,
  );
  cmd.action(async (base: string, head: string, o: Opts) => {
    const display = displayFlags(o);
    const limits: DiffLimits = { maxIncreasePct: null, maxIncreaseUsd: null };
    if (o.maxIncrease !== undefined) {
      const l = increaseLimitFlag(o.maxIncrease, '--max-increase');
      if ('pct' in l) limits.maxIncreasePct = l.pct;
      else limits.maxIncreaseUsd = l.usd;
    }
    if (o.maxIncreaseUsd !== undefined) {
      const l = increaseLimitFlag(`$${o.maxIncreaseUsd.replace(/^\$/, '')}`, '--max-increase-usd');
      if ('usd' in l) limits.maxIncreaseUsd = l.usd;
    }
    if (o.traffic !== 'each' && o.traffic !== 'base')
      throw userError('USAGE', `--traffic '${o.traffic}' is not each or base`, {
        where: '--traffic',
        hint: "--traffic base runs HEAD's strategies on BASE's traffic; each (the default) runs each on its own",
      });
    const by = parseBy(o.by);
    for (const d of by) {
      const w = unknownDimension(d);
      if (w) app.warn({ code: 'UNKNOWN_KEY', severity: 'warning', message: w.message, where: '--by', hint: w.hint });
    }
    const report = await diff(
      {
        base,
        head,
        baseName: o.baseName,
        headName: o.headName,
        traffic: o.traffic,
        by,
        limits,
        ...runChoice(o),
      },
      app,
    );
    emit(app.io, renderWith(DIFF_RENDERERS, display ? { ...report, display } : report, o.format), o.out);
    for (const c of report.checks.filter((x) => !x.ok)) app.note(`check failed: ${c.name}: ${c.message}`);
    if (!report.ok) app.exitCode = 1;
  });
}
