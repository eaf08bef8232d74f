// `llmcost advise SCENARIO|LOG`: flags -> app/advise.ts (every alternative simulated) -> a renderer
// of report/advise.ts.
import type { Command } from 'commander';
import { advise } from '../app/advise.js';
import { parseMap } from '../traffic/logs/read.js';
import { ADVISE_RENDERERS } from '../report/advise.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';
import { PRESETS } from '../traffic/logs/presets.js';
import type { App } from './app.js';
import {
  addAllowPathOption,
  addCacheRealismOption,
  addModelOptions,
  addOutputOptions,
  addPricingOptions,
  addThreadOptions,
  intFlag,
  runChoice,
  type RunFlags,
  type PricingFlags,
  staleAfterFlag,
  type ThreadFlags,
  threadsOf,
} from './common.js';
import { emit } from './io.js';
import { parseBy } from './simulate.js';
import type { TimestampRange } from '../traffic/logs/period.js';
import { addRowTimeOption, addTimestampRangeOption, rowTimeOf } from './log-flags.js';

interface Opts extends PricingFlags, RunFlags, ThreadFlags {
  preset?: string;
  map: string[];
  model?: string;
  timestamp?: string;
  timestampRange?: TimestampRange;
  familyBy: string;
  maxFamilies: string;
  format: Format;
  out?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerAdvise(program: Command, app: App): void {
  const cmd = program
    .command('advise')
    .argument('<input>', 'a scenario (.yaml) or a request log (CSV, JSONL, Parquet, .gz) read as replay reads it')
    .description(
      'try cache TTLs (all traffic and per prefix family), breakpoint placements and the batch API per feature; list the changes whose own simulation costs less',
    )
    .option('-p, --preset <name>', `a log's format: ${PRESETS.map((p) => p.name).join('|')} (default: detected)`)
    .option('--map <column=field>', 'map a canonical column to a field of the log (repeatable)', collect, [])
    .option('-m, --model <model>', "model for a log's rows without one");
  addTimestampRangeOption(addRowTimeOption(cmd))
    .option('--family-by <dim>', 'the dimension naming a prefix family for per-family TTLs', 'prompt_version')
    .option('--max-families <n>', 'families (and features) tried one by one: the largest N by cost', '8')
    .option('--seed <n>', "override the scenario's seed (every alternative runs with the same one)");
  addPricingOptions(cmd);
  addCacheRealismOption(cmd);
  addModelOptions(cmd);
  addAllowPathOption(cmd);
  addThreadOptions(cmd);
  addOutputOptions(cmd, formatsOf(ADVISE_RENDERERS));
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost advise scenarios/support-bot.yaml
  llmcost advise scenarios/mooncake-blocks.yaml --format md
  llmcost advise scenarios/traces/mooncake_conversation_trace.first10min.jsonl.gz --preset mooncake --model claude-sonnet-4-5
  llmcost advise scenarios/support-bot.yaml --threads 2 --verbose   # the alternatives on 2 threads

Each alternative is the scenario with one change, run with the same seed and traffic; a change is
listed only when its own run's final cost is lower (the saving is the difference of the two runs).
Tried: the other cache TTL for all traffic, a 5m/1h TTL per family (--family-by), breakpoint
positions and cache scopes, and the batch API per feature (listed with the condition that the
feature can wait for the 24-hour window). A log is advised as written: no strategy, priced per row.
The traffic is read (or generated) once; the alternatives run over it in parallel (--threads).
See docs/strategies-caching.md ("The cache advisor").`,
  );
  cmd.action(async (input: string, o: Opts) => {
    const report = await advise(
      {
        input,
        log: {
          preset: o.preset,
          map: parseMap(o.map),
          model: o.model,
          ...(o.timestampRange ? { timestampRange: o.timestampRange } : {}),
          ...rowTimeOf(o),
        },
        familyBy: parseBy(o.familyBy)[0] ?? 'prompt_version',
        maxFamilies: intFlag(o.maxFamilies, '--max-families', 1, 100),
        staleAfterDays: staleAfterFlag(o.staleAfter),
        ...runChoice(o),
        ...threadsOf(o, app.io.env, (l) => app.note(l)),
      },
      app,
    );
    emit(app.io, renderWith(ADVISE_RENDERERS, report, o.format), o.out);
  });
}
