// CSV: blank-line separated sections, each with its own header row (layout in docs/reports.md).
// Cells go through the one CSV writer (shared/csv.ts: RFC 4180 quoting, formula guard, plain numbers).
import type { Report, ReportChart } from '../model.js';
import { BREAKDOWN_KEYS } from '../../engine/price.js';
import { type CsvCell, csvLines } from '../../shared/csv.js';
import { bandRows } from '../monte-carlo.js';

export const STAGE_COLUMNS = [
  'stage',
  'strategy',
  'label',
  'cost',
  'saving',
  'savingPct',
  ...BREAKDOWN_KEYS,
  'calls',
  'successes',
  'successRate',
  'costPerSuccess',
  'standaloneCost',
  'standaloneSaving',
  'standaloneSavingPct',
] as const;

export function renderCsv(r: Report & { chart: ReportChart }): string {
  const stages: CsvCell[][] = [[...STAGE_COLUMNS]];
  const figs = (f: Report['baseline']): CsvCell[] => [
    ...BREAKDOWN_KEYS.map((k) => f.breakdown[k]),
    f.calls,
    f.successes,
    f.successRate,
    f.costPerSuccess,
  ];
  stages.push(['baseline', '', 'baseline', r.baseline.cost, 0, 0, ...figs(r.baseline), null, null, null]);
  r.steps.forEach((s, i) =>
    stages.push([
      i + 1,
      s.strategy,
      s.label,
      s.cost,
      s.saving,
      s.savingPct,
      ...figs(s),
      s.standalone?.cost,
      s.standalone?.saving,
      s.standalone?.savingPct,
    ]),
  );
  stages.push([
    'final',
    '',
    'final',
    r.final.cost,
    r.final.saving,
    r.final.savingPct,
    ...figs(r.final),
    null,
    null,
    null,
  ]);
  const sections = [csvLines(stages)];
  // the row accounting: every row read is priced, rejected or skipped (not a billed call)
  sections.push(
    csvLines([
      ['rowsRead', 'rowsPriced', 'rowsRejected', 'rowsSkipped'],
      [r.rows.read, r.rows.priced, r.rows.rejected, r.rows.skipped ?? 0],
    ]),
  );
  if (r.models.length)
    sections.push(
      csvLines([
        ['model', 'channel', 'pricedBy', 'baselineCost', 'finalCost'],
        ...r.models.map((m) => [m.model, m.channel ?? '', (m.pricedBy ?? []).join(' '), m.baselineCost, m.finalCost]),
      ]),
    );
  const tables = r.pricing.tables ?? [];
  if (tables.length || r.pricing.catalog)
    sections.push(
      csvLines([
        ['pricedBy', 'effective', 'requests', 'baselineCost'],
        ...tables.map((t) => [t.version, t.effective ?? '', t.requests, t.baselineCost]),
        ...(r.pricing.catalog
          ? [[`catalog ${r.pricing.catalog.version}`, '', r.pricing.catalog.requests, r.pricing.catalog.baselineCost]]
          : []),
      ]),
    );
  if (r.fixed.length)
    sections.push(csvLines([['fixedCost', 'from', 'usd'], ...r.fixed.map((f) => [f.label, f.from, f.usd])]));
  const by = Object.entries(r.by ?? {});
  if (by.length)
    sections.push(
      csvLines([
        ['dimension', 'key', 'requests', 'baselineCost', 'cost'],
        ...by.flatMap(([dim, rows]) => rows.map((x) => [dim, x.key, x.requests, x.baselineCost, x.cost])),
      ]),
    );
  if (r.checks.length)
    sections.push(
      csvLines([
        ['check', 'ok', 'actual', 'limit', 'message'],
        ...r.checks.map((k) => [k.name, k.ok ? 'true' : 'false', k.actual, k.limit, k.message]),
      ]),
    );
  // warnings: the text, and its code when the report carries codes (report.diagnostics)
  if (r.diagnostics?.length)
    sections.push(csvLines([['warning', 'code'], ...r.diagnostics.map((d) => [d.message, d.code ?? ''])]));
  else if (r.warnings.length) sections.push(csvLines([['warning'], ...r.warnings.map((w) => [w])]));
  if (r.cache)
    sections.push(
      csvLines([
        ['cacheRealism', 'rules'],
        [r.cache.realism, r.cache.rules.join('+')],
      ]),
    );
  if (r.monteCarlo)
    sections.push(
      csvLines([
        ['monteCarlo', 'p5', 'p50', 'p95', 'runs', 'firstSeed', 'lastSeed'],
        ...bandRows(r.monteCarlo).map((b) => [
          b.key,
          b.band.p5,
          b.band.p50,
          b.band.p95,
          r.monteCarlo!.runs,
          r.monteCarlo!.seeds[0],
          r.monteCarlo!.seeds[1],
        ]),
      ]),
    );
  // a display currency is for people: the CSV's figures stay USD plain numbers, this names the intent
  if (r.display)
    sections.push(
      csvLines([
        ['displayCurrency', 'fx', 'figures'],
        [r.display.currency, r.display.fx, 'USD'],
      ]),
    );
  return `${sections.join('\n\n')}\n`;
}
