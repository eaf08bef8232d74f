// `llmcost audit-cache LOG`: flags -> app/audit-cache.ts -> a renderer of report/cache-audit/.
import type { Command } from 'commander';
import { auditCache, DEFAULT_FAMILY } from '../app/audit-cache.js';
import { AUDIT_RENDERERS } from '../report/cache-audit/render.js';
import { type Format, formatsOf, renderWith } from '../report/formats.js';
import { PRESETS } from '../traffic/logs/presets.js';
import type { App } from './app.js';
import { addModelOptions, addOutputOptions, addPricingOptions } from './common.js';
import {
  addLogThreadsOption,
  addRowTimeOption,
  addTimestampRangeOption,
  type LogFlags,
  logInput,
} from './log-flags.js';
import { emit } from './io.js';
import { parseBy } from './simulate.js';

interface Opts extends LogFlags {
  family?: string;
  ttl: string;
  format: Format;
  out?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];

export function registerAuditCache(program: Command, app: App): void {
  const cmd = program
    .command('audit-cache')
    .argument('<log>', "request log with the provider's cache counts: CSV or JSONL, optionally .gz; '-' reads stdin")
    .description(
      "compare a log's own cache reads and writes with what the ideal and the realistic cache rules predict, per prefix family",
    )
    .option(
      '-p, --preset <name>',
      `log format: ${PRESETS.map((p) => p.name).join('|')} (default: detected from the first records, named on stderr)`,
    )
    .option('--map <column=field>', 'map a canonical column to a field of your log (repeatable)', collect, [])
    .option('-m, --model <model>', 'model for rows without one')
    .option('--strict', 'stop at the first rejected row (exit 2, with its file:line)')
    .option('--rejects <file>', 'write rejected rows to a CSV file (line, reason, raw)');
  addTimestampRangeOption(addRowTimeOption(cmd))
    .option(
      '--family <dims>',
      `dimensions naming a prefix family, first with a value wins (default ${DEFAULT_FAMILY.join(',')}; else the prefix key, else the model)`,
    )
    .option('--ttl <ttl>', 'explicit-cache TTL the predictions assume: 5m or 1h (e.g. Claude Code writes 1h)', '5m');
  addPricingOptions(cmd);
  addModelOptions(cmd);
  addLogThreadsOption(cmd);
  addOutputOptions(cmd, formatsOf(AUDIT_RENDERERS));
  cmd.addHelpText(
    'after',
    `
Examples:
  llmcost audit-cache scenarios/logs/support-bot.csv
  llmcost audit-cache test/fixtures/exports/litellm_spendlogs_psql_copy.csv --as-of 2024-12-01 --family feature --format md
  llmcost audit-cache test/fixtures/exports/langfuse_observations_api_page.json --as-of 2024-12-01 --format json --out audit.json

The log's cached_input_tokens / cache_write_tokens are the actual figures. The simulations use the
log's prefix_key/prefix_tokens (or Mooncake hash blocks); without them each request's cacheable
prefix is inferred from its reported reads + writes (a conversation's prefixes extend each other).
Gap to ideal = actual cost - cost with the ideal rules: what the family leaves on the table. See
docs/strategies-caching.md ("Cache audit").`,
  );
  cmd.action(async (log: string, o: Opts) => {
    const report = await auditCache(
      {
        ...logInput(log, o),
        family: o.family !== undefined ? parseBy(o.family) : undefined,
        ttl: o.ttl,
      },
      app,
    );
    emit(app.io, renderWith(AUDIT_RENDERERS, report, o.format), o.out);
  });
}
