// The `estimate` output: its model (EstimateDoc) and renderers (table, Markdown, CSV, JSON).
import type { Display } from './format.js';
import type { EstimateRow } from '../engine/estimate.js';
import { displayNote, int, moneyOf, num, overlaysNote, pct } from './format.js';
import { csvLines } from '../shared/csv.js';
import { makeTable } from './terminal.js';
import { mdEscape, terminalText } from './text.js';

export const ESTIMATE_SCHEMA = 'llmcost.estimate/v1';

/** Field order is the JSON output's order. */
export interface EstimateDoc {
  schema: typeof ESTIMATE_SCHEMA;
  /** the display currency money is shown in (`--currency`/`--fx`); every figure stays USD */
  display?: Display;
  model: string;
  /** pricedBy: the table version, or 'catalog <version>'; channel: Bedrock, Vertex AI, Azure, ... (null = the vendor's API) */
  pricing: {
    version: string;
    effective: string;
    source: string;
    pricedBy: string;
    channel: string | null;
    /** the price overlays applied to the model (--pricing-overlay), in order; absent when none */
    overlays?: string[];
  };
  assumptions: {
    systemTokens: number;
    inputTokens: number;
    outputTokens: number;
    cache: string;
    cacheStyle: string;
    tier: string;
    days: number;
  };
  rows: EstimateRow[];
  notes: string[];
}

const head = (d: EstimateDoc): string[] => [
  'requests/day',
  'daily (no cache)',
  'daily (cache)',
  `${d.assumptions.days}-day (no cache)`,
  `${d.assumptions.days}-day (cache)`,
  'saving',
  'cache writes/day',
  'naive writes/day',
  'naive daily (cache)',
];

/** The rows as shown (money, percent and counts formatted). */
const body = (d: EstimateDoc, { usd } = moneyOf(d.display)): string[][] =>
  d.rows.map((r) => [
    int(r.requestsPerDay),
    usd(r.daily.noCache),
    usd(r.daily.withCache),
    usd(r.monthly.noCache),
    usd(r.monthly.withCache),
    pct(r.saving.pct),
    num(r.cacheWritesPerDay, 1),
    num(r.naive.cacheWritesPerDay, 1),
    usd(r.naive.daily.withCache),
  ]);

const title = (d: EstimateDoc): string =>
  `${d.model}${d.pricing.channel ? ` (${d.pricing.channel})` : ''} · pricing ${d.pricing.pricedBy}${overlaysNote(d.pricing.overlays)} · ${int(d.assumptions.systemTokens)} cacheable + ${int(d.assumptions.inputTokens)} input + ${int(d.assumptions.outputTokens)} output tokens${d.assumptions.tier !== 'standard' ? ` · ${d.assumptions.tier} tier` : ''} · cache ${d.assumptions.cache} (${d.assumptions.cacheStyle})`;

export const ESTIMATE_RENDERERS = {
  table: (d: EstimateDoc): string => {
    const t = makeTable(head(d));
    for (const b of body(d)) t.push(b);
    return [title(d), t.toString(), ...d.notes.map((n) => `note: ${n}`), ...(d.display ? [displayNote(d.display)] : [])]
      .map((l) => terminalText(l, { lines: true }))
      .join('\n');
  },
  json: (d: EstimateDoc): string => JSON.stringify(d, null, 2),
  md: (d: EstimateDoc): string =>
    [
      `**${mdEscape(title(d))}**`,
      '',
      ...(d.display ? [`_${mdEscape(displayNote(d.display))}_`, ''] : []),
      `| ${head(d).join(' | ')} |`,
      `|${head(d)
        .map(() => '---:')
        .join('|')}|`,
      ...body(d).map((b) => `| ${b.join(' | ')} |`),
      '',
      ...d.notes.map((n) => `> ${mdEscape(n)}`),
    ].join('\n'),
  /** raw numbers (plain decimals), one row per volume */
  csv: (d: EstimateDoc): string =>
    csvLines([
      head(d),
      ...d.rows.map((r) => [
        r.requestsPerDay,
        r.daily.noCache,
        r.daily.withCache,
        r.monthly.noCache,
        r.monthly.withCache,
        r.saving.pct,
        r.cacheWritesPerDay,
        r.naive.cacheWritesPerDay,
        r.naive.daily.withCache,
      ]),
    ]),
};
