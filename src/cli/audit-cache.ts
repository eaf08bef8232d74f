// `llmcost audit-cache LOG`: the cache reads and writes a log reports, per prefix family, beside what
// prompt caching would give the same requests under the ideal and the realistic rules, with the gap
// in dollars and its likely causes. Computation: engine/cache-audit.ts; model and renderers:
// report/cache-audit/.
import { basename } from 'node:path';
import type { Command } from 'commander';
import { userError, warning } from '../diagnostics.js';
import { auditCaches } from '../engine/cache-audit.js';
import { int } from '../report/format.js';
import { buildCacheAudit } from '../report/cache-audit/model.js';
import { AUDIT_FORMATS, AUDIT_RENDERERS, type AuditFormat } from '../report/cache-audit/render.js';
import { newLogStats, parseMap, readLog } from '../traffic/logs/read.js';
import { PRESETS } from '../traffic/logs/presets.js';
import type { App } from './app.js';
import { addOutputOptions, addPricingOptions, loadBook, logOptions } from './common.js';
import { emit } from './io.js';
import { rejectSummary } from './replay.js';
import { parseBy } from './simulate.js';

interface Opts {
  preset?: string;
  map: string[];
  model?: string;
  strict?: boolean;
  rejects?: string;
  family?: string;
  ttl: string;
  pricing?: string;
  asOf?: string;
  staleAfter?: string;
  format: AuditFormat;
  out?: string;
}

const collect = (v: string, prev: string[]): string[] => [...prev, v];
const DEFAULT_FAMILY = ['prompt_version', 'feature'];

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
    .option('--rejects <file>', 'write rejected rows to a CSV file (line, reason, raw)')
    .option(
      '--family <dims>',
      `dimensions naming a prefix family, first with a value wins (default ${DEFAULT_FAMILY.join(',')}; else the prefix key, else the model)`,
    )
    .option('--ttl <ttl>', 'explicit-cache TTL the predictions assume: 5m or 1h (e.g. Claude Code writes 1h)', '5m');
  addPricingOptions(cmd);
  addOutputOptions(cmd, AUDIT_FORMATS);
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
    const book = loadBook(app, o);
    if (o.model) book.resolve(o.model, '--model');
    const family = o.family !== undefined ? parseBy(o.family) : DEFAULT_FAMILY;
    if (!family.length)
      throw userError('USAGE', '--family needs at least one dimension', {
        where: '--family',
        hint: 'e.g. --family prompt_version,feature',
      });
    if (o.ttl !== '5m' && o.ttl !== '1h')
      throw userError('USAGE', `--ttl '${o.ttl}' is not 5m or 1h`, {
        where: '--ttl',
        hint: 'use --ttl 5m or --ttl 1h',
      });
    const stats = newLogStats();
    const source = readLog(logOptions(app, log, o, parseMap(o.map), book), stats);
    const warnings: string[] = [];
    const raw = await auditCaches(source, book, { family, ttl: o.ttl, seed: 1, warn: (m) => warnings.push(m) });
    if (stats.rejected > 0)
      app.warn(
        warning('LOG_ROW', rejectSummary(stats), {
          where: log === '-' ? '<stdin>' : log,
          hint: o.rejects ? `rejected rows are in ${o.rejects}` : 'add --rejects FILE to list every rejected row',
        }),
      );
    for (const w of stats.warnings) app.warn(warning(w.code, w.message));
    if (stats.priced === 0)
      throw userError(
        'LOG_ROW',
        `no row of ${log} could be priced (${int(stats.read)} read, ${int(stats.rejected)} rejected)`,
        {
          where: stats.firstRejects[0]?.where ?? log,
          hint: '--preset, --map and --model tell llmcost how to read the log',
        },
      );
    const report = buildCacheAudit(raw, book, {
      log: log === '-' ? 'stdin' : basename(log),
      version: app.version,
      rows: { read: stats.read, priced: stats.priced, rejected: stats.rejected },
      familyBy: family,
      warnings: [
        ...(stats.rejected ? [rejectSummary(stats)] : []),
        ...stats.warnings.map((w) => w.message),
        ...warnings,
      ],
    });
    emit(app.io, AUDIT_RENDERERS[o.format](report), o.out);
  });
}
