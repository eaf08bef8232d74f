// The cache-audit report (schema llmcost.cache-audit/v1): per prefix family, the cache reads and
// writes the provider reported beside the ideal and realistic predictions, their cost, and the
// likely causes of the gap. Built once from engine/cache-audit.ts's ledgers; renderers only lay it out.
import type { AuditRaw, AuditSide, Family, FamilyRaw } from '../../strategies/prompt-cache/audit.js';
import { type PricedBy, priceCells } from '../../engine/price.js';
import type { Pricing } from '../../pricing/pricebook.js';
import { type ReportPricing, reportPricing } from '../model.js';
import { CACHE_RULES, type CacheRule } from '../../strategies/prompt-cache/rules.js';

export const CACHE_AUDIT_SCHEMA = 'llmcost.cache-audit/v1';

/** A difference smaller than this share of a family's input tokens counts as "as predicted". */
export const AUDIT_TOLERANCE = 0.02;

export interface AuditFigures {
  /** tokens read from the cache / written to it */
  read: number;
  written: number;
  /** read / input tokens, 0..1 */
  readShare: number;
  /** cost of the family's requests with these cache classes (USD) */
  cost: number;
}

export interface FamilyAudit {
  family: string;
  requests: number;
  inputTokens: number;
  /** where the simulated prefix came from: the log's prefix columns, the reported counts, or nowhere */
  prefixFrom: { log: number; counts: number; none: number };
  actual: AuditFigures;
  ideal: AuditFigures;
  realistic: AuditFigures;
  /** read share with only that realistic rule on */
  ruleAlone: Record<CacheRule, number>;
  /** actual cost minus predicted cost: what the family pays beyond the ideal / the realistic rules */
  gapToIdeal: number;
  gapToRealistic: number;
  causes: string[];
}

export interface CacheAuditReport {
  schema: typeof CACHE_AUDIT_SCHEMA;
  tool: { name: 'llmcost'; version: string };
  command: 'audit-cache';
  log: string;
  /** as simulate's and replay's: with tables chosen per request, those that priced the logged requests */
  pricing: ReportPricing;
  /** skipped: records that are not billed model calls (present when there are any) */
  rows: { read: number; priced: number; rejected: number; skipped?: number };
  /** dimensions that name a prefix family (the first with a value wins) */
  familyBy: string[];
  tolerance: number;
  total: FamilyAudit;
  families: FamilyAudit[];
  warnings: string[];
}

const r6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const share = (part: number, whole: number): number => (whole === 0 ? 0 : r6(part / whole));

/** exact cost of one side (atto-USD) and its token sums */
interface Priced {
  read: number;
  written: number;
  atto: bigint;
}

/** one side priced; `tables`, when given, gathers the calls and cost each table (or the catalog) priced */
function priced(s: AuditSide, pricing: Pricing, thresholds: number[], tables?: Map<string, PricedBy>): Priced {
  const p = priceCells(s.ledger.cells, thresholds, pricing);
  if (tables)
    for (const [k, t] of p.byTable) {
      const into = tables.get(k);
      if (into) {
        into.calls += t.calls;
        into.atto += t.atto;
      } else tables.set(k, { ...t });
    }
  return { read: s.read, written: s.written, atto: p.total };
}

function figures(p: Priced, input: number): AuditFigures {
  return { read: p.read, written: p.written, readShare: share(p.read, input), cost: r6(Number(p.atto) / 1e18) };
}

const RULE_CAUSE: Record<CacheRule, string> = {
  breakpoints:
    'breakpoints: turns add more content blocks than the 20-block lookback reaches, or the prefix is cached only where a breakpoint was written (add a breakpoint at the end of the history)',
  overflow:
    'overflow: more than ~15 requests per minute share one prefix and spill to machines without it (give related requests a prompt_cache_key)',
  'fan-out': 'fan-out: parallel requests start before the first response has written the cache (send one first)',
  batch: 'batch: cache hits inside a batch are best-effort',
  semantic: 'semantic: not a prompt-cache rule',
};

/**
 * Likely causes, from the three read shares (tolerance: AUDIT_TOLERANCE of the family's input).
 * `logReportsCache`: some row of the whole log reports cache reads or writes; when none does, a
 * family's missing hits say nothing about its prefixes (caching off, or counts not exported).
 */
export function causesOf(
  f: Pick<FamilyAudit, 'actual' | 'ideal' | 'realistic' | 'ruleAlone' | 'prefixFrom'>,
  logReportsCache = true,
): string[] {
  const a = f.actual.readShare;
  const i = f.ideal.readShare;
  const re = f.realistic.readShare;
  const t = AUDIT_TOLERANCE;
  const out: string[] = [];
  if (a + t < re && !logReportsCache)
    out.push(
      'no hits in the log: no row of it reports cache reads or writes, so either caching is not enabled for this traffic or the export does not carry the counts (see the warning on mapping them)',
    );
  else if (a + t < re)
    out.push(
      'fewer hits than even the realistic rules predict: the cached prefix changes between requests (a timestamp or per-request data before the breakpoint; tool definitions, tool_choice, images or the thinking setting changing), a breakpoint sits after content that varies, or caching is not enabled for these requests',
    );
  if (re + t < i) {
    const rules = CACHE_RULES.filter((r) => r !== 'semantic' && i - f.ruleAlone[r] > t / 4)
      .sort((x, y) => f.ruleAlone[x] - f.ruleAlone[y])
      .map((r) => `${RULE_CAUSE[r]} (alone: ${((i - f.ruleAlone[r]) * 100).toFixed(1)} points of input)`);
    out.push(
      `the realistic rules read ${((i - re) * 100).toFixed(1)} points of input less than the ideal ones${rules.length ? `: ${rules.join('; ')}` : ''}`,
    );
  }
  if (a > i + t)
    out.push(
      'more hits than even the ideal rules: the prefix information is incomplete (prefix_tokens shorter than what is cached), the pricing table states a higher minimum cacheable length than the provider applied, or requests are missing from the log',
    );
  else if (a > re + t)
    out.push(
      'more hits than the realistic rules predict: a rule to re-check for this traffic (a retention longer than assumed, e.g. 24-hour extended retention; breakpoints placed more densely; less overflow than modelled)',
    );
  if (!out.length) out.push('as predicted by the realistic rules');
  if (f.prefixFrom.counts > 0)
    out.push('prefix lengths inferred from the reported cache counts (the log has no prefix_key/prefix_tokens)');
  if (f.prefixFrom.none > 0 && f.prefixFrom.log + f.prefixFrom.counts === 0)
    out.push('no prefix information: nothing to compare (add prefix_key/prefix_tokens, or cache counts)');
  return out;
}

type PricedFamily = Family<Priced>;

/** A family priced; the tables that priced its logged requests (the actual side) are added to `tables`. */
function pricedFamily(
  raw: FamilyRaw,
  pricing: Pricing,
  thresholds: number[],
  tables: Map<string, PricedBy>,
): PricedFamily {
  return {
    family: raw.family,
    requests: raw.requests,
    inputTokens: raw.inputTokens,
    prefixFrom: raw.prefixFrom,
    actual: priced(raw.actual, pricing, thresholds, tables),
    ideal: priced(raw.ideal, pricing, thresholds),
    realistic: priced(raw.realistic, pricing, thresholds),
    alone: raw.alone,
  };
}

function audit(p: PricedFamily, logReportsCache: boolean): FamilyAudit {
  const input = p.inputTokens;
  const actual = figures(p.actual, input);
  const ideal = figures(p.ideal, input);
  const realistic = figures(p.realistic, input);
  const ruleAlone = Object.fromEntries(CACHE_RULES.map((r) => [r, share(p.alone[r], input)])) as Record<
    CacheRule,
    number
  >;
  const f = {
    family: p.family,
    requests: p.requests,
    inputTokens: input,
    prefixFrom: p.prefixFrom,
    actual,
    ideal,
    realistic,
    ruleAlone,
    // gaps from exact sums, rounded once
    gapToIdeal: r6(Number(p.actual.atto - p.ideal.atto) / 1e18),
    gapToRealistic: r6(Number(p.actual.atto - p.realistic.atto) / 1e18),
  };
  return { ...f, causes: causesOf(f, logReportsCache) };
}

/** All families summed into one (exact atto sums). */
function totalOf(fs: PricedFamily[]): PricedFamily {
  const sum = (pick: (f: PricedFamily) => number): number => fs.reduce((s, f) => s + pick(f), 0);
  const side = (pick: (f: PricedFamily) => Priced): Priced => ({
    read: sum((f) => pick(f).read),
    written: sum((f) => pick(f).written),
    atto: fs.reduce((s, f) => s + pick(f).atto, 0n),
  });
  return {
    family: '(all)',
    requests: sum((f) => f.requests),
    inputTokens: sum((f) => f.inputTokens),
    prefixFrom: {
      log: sum((f) => f.prefixFrom.log),
      counts: sum((f) => f.prefixFrom.counts),
      none: sum((f) => f.prefixFrom.none),
    },
    actual: side((f) => f.actual),
    ideal: side((f) => f.ideal),
    realistic: side((f) => f.realistic),
    alone: Object.fromEntries(CACHE_RULES.map((r) => [r, sum((f) => f.alone[r])])) as Record<CacheRule, number>,
  };
}

export interface AuditMeta {
  log: string;
  version: string;
  rows: CacheAuditReport['rows'];
  familyBy: string[];
  warnings: string[];
}

export function buildCacheAudit(raw: AuditRaw, pricing: Pricing, meta: AuditMeta): CacheAuditReport {
  const tables = new Map<string, PricedBy>();
  const pricedFamilies = raw.families.map((f) => pricedFamily(f, pricing, raw.thresholds, tables));
  const reportsCache = pricedFamilies.some((f) => f.actual.read + f.actual.written > 0);
  const families = pricedFamilies
    .map((f) => audit(f, reportsCache))
    // the families that leave the most on the table first; ties by name (deterministic)
    .sort((x, y) => y.gapToIdeal - x.gapToIdeal || (x.family < y.family ? -1 : x.family > y.family ? 1 : 0));
  const warnings = [...meta.warnings];
  const total = audit(totalOf(pricedFamilies), reportsCache);
  if (!reportsCache)
    warnings.push(
      'no row reports cache reads or writes: if your export has them, map them with --map cached_input_tokens=FIELD,cache_write_tokens=FIELD',
    );
  return {
    schema: CACHE_AUDIT_SCHEMA,
    tool: { name: 'llmcost', version: meta.version },
    command: 'audit-cache',
    log: meta.log,
    pricing: reportPricing(pricing, tables),
    rows: meta.rows,
    familyBy: meta.familyBy,
    tolerance: AUDIT_TOLERANCE,
    total,
    families,
    warnings,
  };
}
