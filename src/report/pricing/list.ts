// `pricing list`: every model of a table, USD per 1M tokens (model + renderers).
import { formatPicoPerM } from '../../pricing/money.js';
import type { ModelInfo, PriceBook } from '../../pricing/pricebook.js';
import { int } from '../format.js';
import { csvLines } from '../../shared/csv.js';
import { makeTable } from '../terminal.js';
import { mdEscape, terminalText } from '../text.js';

/** A price as the table states it ("3.00"), or '-' when the model has none. */
export const perMText = (x: bigint | undefined): string => (x === undefined ? '-' : formatPicoPerM(x));

export interface ModelRow {
  model: string;
  provider: string;
  input: string;
  output: string;
  cacheRead: string | null;
  cacheWrite5m: string | null;
  cacheWrite1h: string | null;
  cacheStyle: string | null;
  cacheMinTokens: number | null;
  batchInput: string | null;
  batchOutput: string | null;
  longContextThreshold: number | null;
  tiers: string[];
  aliases: string[];
  source: string;
  checked: string;
}

export function modelRow(m: ModelInfo): ModelRow {
  const s = m.prices.standard!;
  return {
    model: m.id,
    provider: m.provider,
    input: perMText(s.base.input),
    output: perMText(s.base.output),
    cacheRead: m.cache ? perMText(s.base.cacheRead) : null,
    // an automatic cache's write premium (cache.write) is priced as the cacheWrite5m class
    cacheWrite5m: m.cache?.style === 'explicit' || m.cache?.hasWrite ? perMText(s.base.cacheWrite5m) : null,
    cacheWrite1h: m.cache?.style === 'explicit' && m.cache.has1h ? perMText(s.base.cacheWrite1h) : null,
    cacheStyle: m.cache?.style ?? null,
    cacheMinTokens: m.cache?.minTokens ?? null,
    batchInput: m.prices.batch ? perMText(m.prices.batch.base.input) : null,
    batchOutput: m.prices.batch ? perMText(m.prices.batch.base.output) : null,
    longContextThreshold: m.longContextThreshold ?? null,
    tiers: m.tiers,
    aliases: m.aliases,
    source: m.source,
    checked: m.checked,
  };
}

export const PRICING_LIST_SCHEMA = 'llmcost.pricing-list/v1';

export interface PricingList {
  schema: typeof PRICING_LIST_SCHEMA;
  pricing: { version: string; effective: string };
  models: ModelRow[];
}

export function pricingList(book: PriceBook): PricingList {
  const models = [...book.models.values()]
    .sort((a, b) => (a.provider + a.id < b.provider + b.id ? -1 : 1))
    .map(modelRow);
  return { schema: PRICING_LIST_SCHEMA, pricing: { version: book.version, effective: book.effective }, models };
}

const HEAD = [
  'model',
  'provider',
  'input',
  'output',
  'cache read',
  'write 5m',
  'write 1h',
  'cache min',
  'batch in/out',
  'long ctx >',
];

function cells(l: PricingList): string[][] {
  return l.models.map((r) =>
    [
      r.model,
      r.provider,
      r.input,
      r.output,
      r.cacheRead ?? '-',
      r.cacheWrite5m ?? '-',
      r.cacheWrite1h ?? '-',
      r.cacheMinTokens === null ? '-' : int(r.cacheMinTokens),
      r.batchInput ? `${r.batchInput}/${r.batchOutput}` : '-',
      r.longContextThreshold === null ? '-' : int(r.longContextThreshold),
    ].map(String),
  );
}

const title = (l: PricingList): string =>
  `pricing ${l.pricing.version} (effective ${l.pricing.effective}) · USD per 1M tokens · ${l.models.length} models`;

export const PRICING_LIST_RENDERERS = {
  table: (l: PricingList): string => {
    const t = makeTable(HEAD);
    for (const c of cells(l)) t.push(c.map((x) => terminalText(x)));
    return `${terminalText(title(l))}\n${t.toString()}`;
  },
  json: (l: PricingList): string => JSON.stringify(l, null, 2),
  md: (l: PricingList): string =>
    [
      `**${mdEscape(title(l))}**`,
      '',
      `| ${HEAD.join(' | ')} |`,
      `|${HEAD.map(() => '---').join('|')}|`,
      ...cells(l).map((c) => `| ${c.map(mdEscape).join(' | ')} |`),
    ].join('\n'),
  csv: (l: PricingList): string => csvLines([HEAD, ...cells(l)]),
};
