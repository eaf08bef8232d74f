// Renderers of the cache-audit report (table, Markdown, CSV, JSON): they only lay out fields of
// CacheAuditReport; every figure and cause is computed in ./model.ts.
import { int, ratioPct, usd } from '../format.js';
import { csvLines } from '../../shared/csv.js';
import { makeTable } from '../terminal.js';
import { pricingLine, rowsLine } from '../renderers/common.js';
import { mdEscape as e, terminalText } from '../text.js';

/** one line of user text, terminal-safe */
const L = (s: string): string => terminalText(s);
import type { CacheAuditReport, FamilyAudit } from './model.js';

export const AUDIT_FORMATS = ['table', 'md', 'csv', 'json'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

const head = (r: CacheAuditReport): string =>
  `cache audit · ${r.log} · ${pricingLine(r.pricing)} · families by ${r.familyBy.join(', ')} · ${rowsLine(r.rows)}`;

/** "read 41.2% · wrote 3,100" */
const side = (f: FamilyAudit, k: 'actual' | 'ideal' | 'realistic'): string =>
  `${ratioPct(f[k].readShare)} · ${usd(f[k].cost)}`;

const summary = (t: FamilyAudit): string =>
  `${int(t.requests)} request${t.requests === 1 ? '' : 's'}, ${int(t.inputTokens)} input tokens: read from cache ${ratioPct(t.actual.readShare)} (ideal ${ratioPct(t.ideal.readShare)}, realistic ${ratioPct(t.realistic.readShare)}); cost ${usd(t.actual.cost)} vs ${usd(t.ideal.cost)} ideal, ${usd(t.realistic.cost)} realistic: ${usd(t.gapToIdeal)} left on the table, ${usd(t.gapToRealistic)} beyond what the realistic rules expect`;

export function renderAuditTable(r: CacheAuditReport): string {
  const out = [L(head(r)), L(summary(r.total)), ''];
  const t = makeTable(
    ['family', 'requests', 'actual read · cost', 'ideal', 'realistic', 'gap to ideal', 'gap to realistic'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  for (const f of r.families)
    t.push([
      L(f.family),
      int(f.requests),
      side(f, 'actual'),
      side(f, 'ideal'),
      side(f, 'realistic'),
      usd(f.gapToIdeal),
      usd(f.gapToRealistic),
    ]);
  out.push(t.toString(), '', 'Likely causes');
  for (const f of r.families) out.push(`- ${L(f.family)}: ${L(f.causes.join('; '))}`);
  for (const w of r.warnings) out.push(`! ${L(w)}`);
  return `${out.join('\n')}\n`;
}

export function renderAuditMarkdown(r: CacheAuditReport): string {
  const lines = [
    `### Cache audit: ${e(r.log)}`,
    '',
    e(summary(r.total)),
    '',
    '| family | requests | actual read · cost | ideal | realistic | gap to ideal | gap to realistic |',
    '|---|--:|--:|--:|--:|--:|--:|',
    ...r.families.map(
      (f) =>
        `| ${e(f.family)} | ${int(f.requests)} | ${side(f, 'actual')} | ${side(f, 'ideal')} | ${side(f, 'realistic')} | ${usd(f.gapToIdeal)} | ${usd(f.gapToRealistic)} |`,
    ),
    '',
    '**Likely causes**',
    '',
    ...r.families.map((f) => `- \`${e(f.family)}\`: ${e(f.causes.join('; '))}`),
    ...r.warnings.map((w) => `- warning: ${e(w)}`),
    '',
    `<sub>llmcost ${e(r.tool.version)} · audit-cache · ${e(pricingLine(r.pricing))} · families by ${e(r.familyBy.join(', '))}</sub>`,
  ];
  return `${lines.join('\n')}\n`;
}

export const AUDIT_CSV_COLUMNS = [
  'family',
  'requests',
  'inputTokens',
  'actualRead',
  'actualWritten',
  'actualReadShare',
  'actualCost',
  'idealRead',
  'idealWritten',
  'idealReadShare',
  'idealCost',
  'realisticRead',
  'realisticWritten',
  'realisticReadShare',
  'realisticCost',
  'gapToIdeal',
  'gapToRealistic',
  'causes',
] as const;

export function renderAuditCsv(r: CacheAuditReport): string {
  const row = (f: FamilyAudit) => [
    f.family,
    f.requests,
    f.inputTokens,
    f.actual.read,
    f.actual.written,
    f.actual.readShare,
    f.actual.cost,
    f.ideal.read,
    f.ideal.written,
    f.ideal.readShare,
    f.ideal.cost,
    f.realistic.read,
    f.realistic.written,
    f.realistic.readShare,
    f.realistic.cost,
    f.gapToIdeal,
    f.gapToRealistic,
    f.causes.join('; '),
  ];
  return `${csvLines([[...AUDIT_CSV_COLUMNS], ...r.families.map(row), row(r.total)])}\n`;
}

export const AUDIT_RENDERERS: Record<AuditFormat, (r: CacheAuditReport) => string> = {
  table: renderAuditTable,
  md: renderAuditMarkdown,
  csv: renderAuditCsv,
  json: (r) => `${JSON.stringify(r, null, 2)}\n`,
};
