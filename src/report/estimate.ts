// The `estimate` output: its model (EstimateDoc) and renderers (table, Markdown, CSV, JSON).
import type { EstimateRow } from '../engine/estimate.js';
import { int, num, pct, usd } from './format.js';
import { makeTable } from './terminal.js';

/** Field order is the JSON output's order. */
export interface EstimateDoc {
  model: string;
  pricing: { version: string; effective: string; source: string };
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

function renderEstimate(format: string, doc: EstimateDoc): string {
  const head = [
    'requests/day',
    'daily (no cache)',
    'daily (cache)',
    `${doc.assumptions.days}-day (no cache)`,
    `${doc.assumptions.days}-day (cache)`,
    'saving',
    'cache writes/day',
    'naive writes/day',
    'naive daily (cache)',
  ];
  const body = doc.rows.map((r) => [
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
  const title = `${doc.model} · pricing ${doc.pricing.version} · ${int(doc.assumptions.systemTokens)} cacheable + ${int(doc.assumptions.inputTokens)} input + ${int(doc.assumptions.outputTokens)} output tokens · cache ${doc.assumptions.cache} (${doc.assumptions.cacheStyle})`;
  if (format === 'csv')
    return [
      head,
      ...doc.rows.map((r) => [
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
    ]
      .map((l) => l.join(','))
      .join('\n');
  if (format === 'md') {
    return [
      `**${title}**`,
      '',
      `| ${head.join(' | ')} |`,
      `|${head.map(() => '---:').join('|')}|`,
      ...body.map((b) => `| ${b.join(' | ')} |`),
      '',
      ...doc.notes.map((n) => `> ${n}`),
    ].join('\n');
  }
  const t = makeTable(head);
  for (const b of body) t.push(b);
  return [title, t.toString(), ...doc.notes.map((n) => `note: ${n}`)].join('\n');
}

export const ESTIMATE_RENDERERS = {
  table: (d: EstimateDoc): string => renderEstimate('table', d),
  json: (d: EstimateDoc): string => JSON.stringify(d, null, 2),
  md: (d: EstimateDoc): string => renderEstimate('md', d),
  csv: (d: EstimateDoc): string => renderEstimate('csv', d),
};
