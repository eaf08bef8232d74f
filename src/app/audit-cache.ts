// `audit-cache LOG`: the cache reads and writes a log reports, per prefix family, beside what prompt
// caching would give the same requests under the ideal and the realistic rules, with the gap in
// dollars and its likely causes. Computation: strategies/prompt-cache/audit.ts (quantities); model
// and renderers: report/cache-audit/.
import { basename } from 'node:path';
import { userError } from '../diagnostics.js';
import { int } from '../report/format.js';
import { buildCacheAudit, type CacheAuditReport } from '../report/cache-audit/model.js';
import { modelView } from '../engine/run.js';
import { auditCaches } from '../strategies/prompt-cache/audit.js';
import { newLogStats, readLog, rejectSummary } from '../traffic/logs/read.js';
import { type Context, makeContext } from './context.js';
import { loadPricing } from './pricing-choice.js';
import { type LogInput, logReader, warnLogProblems, warnLogTables } from './replay.js';

/** The dimensions that name a prefix family when none are given. */
export const DEFAULT_FAMILY = ['prompt_version', 'feature'];

export interface AuditCacheInput extends LogInput {
  /** dimensions naming a prefix family, first with a value wins (default DEFAULT_FAMILY) */
  family?: string[];
  /** explicit-cache TTL the predictions assume: 5m or 1h */
  ttl?: string;
}

export async function auditCache(input: AuditCacheInput, context: Partial<Context> = {}): Promise<CacheAuditReport> {
  const ctx = makeContext(context);
  const { log } = input;
  // as replay prices a log: each row by the table in force at its time (unless one is pinned), the
  // catalog for models no table knows, deployments and overlays
  const book = await loadPricing(input, true, ctx);
  if (input.model) book.resolve(input.model, '--model');
  const family = input.family ?? DEFAULT_FAMILY;
  if (!family.length)
    throw userError('USAGE', '--family needs at least one dimension', {
      where: '--family',
      hint: 'e.g. --family prompt_version,feature',
    });
  const ttl = input.ttl ?? '5m';
  if (ttl !== '5m' && ttl !== '1h')
    throw userError('USAGE', `--ttl '${ttl}' is not 5m or 1h`, { where: '--ttl', hint: 'use --ttl 5m or --ttl 1h' });
  const stats = newLogStats();
  const source = readLog(logReader(input, book, ctx), stats);
  const warnings: string[] = [];
  const raw = await auditCaches(source, modelView(book), book.thresholds(), {
    family,
    ttl,
    seed: 1,
    warn: (m) => warnings.push(m),
    periodOf: (atMs) => book.periodOf(atMs),
  });
  warnLogProblems(stats, input, ctx);
  if (stats.priced === 0)
    throw userError(
      'LOG_ROW',
      `no row of ${log} could be priced (${int(stats.read)} read, ${int(stats.rejected)} rejected)`,
      {
        where: stats.firstRejects[0]?.where ?? log,
        hint: '--preset, --map and --model tell llmcost how to read the log',
      },
    );
  const dated = warnLogTables(input, book, stats, ctx);
  return buildCacheAudit(raw, book, {
    log: log === '-' ? 'stdin' : basename(log),
    version: ctx.version,
    rows: {
      read: stats.read,
      priced: stats.priced,
      rejected: stats.rejected,
      ...(stats.skipped ? { skipped: stats.skipped } : {}),
    },
    familyBy: family,
    warnings: [
      ...dated.map((d) => d.message),
      ...(stats.rejected ? [rejectSummary(stats)] : []),
      ...stats.warnings.map((w) => w.message),
      ...warnings,
    ],
  });
}
