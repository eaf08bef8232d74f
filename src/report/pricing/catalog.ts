// `pricing catalog`: the model (what the bundled catalog is, what it left out or corrected, the
// models a search found with their prices) and its renderers.
import type { Catalog } from '../../pricing/catalog.js';
import { formatPicoPerM } from '../../pricing/money.js';
import { int } from '../format.js';
import { makeTable } from '../terminal.js';
import { terminalText } from '../text.js';

export interface CatalogMatch {
  model: string;
  provider: string;
  input: string;
  output: string;
  cacheRead: string | null;
  /** audio input/output prices, null when the entry gives none (a row with audio tokens is then refused) */
  audioInput: string | null;
  audioOutput: string | null;
}

export const PRICING_CATALOG_SCHEMA = 'llmcost.pricing-catalog/v1';

export interface PricingCatalog {
  schema: typeof PRICING_CATALOG_SCHEMA;
  catalog: { version: string; source: string; notice: string; models: number; providers: number };
  search?: string;
  matches?: CatalogMatch[];
  skipped?: { key: string; reason: string }[];
  corrected?: { key: string; reason: string }[];
  skippedCount?: number;
  correctedCount?: number;
}

/** The model of `pricing catalog`: `search` lists matches, `skipped` lists what was left out. */
export function pricingCatalog(c: Catalog, o: { search?: string; skipped?: boolean }): PricingCatalog {
  const info = c.info;
  const p = (x: bigint | undefined): string => (x === undefined ? '-' : formatPicoPerM(x));
  const found = o.search !== undefined ? c.search(o.search) : [];
  const matches = found.map((k) => {
    const m = c.lookup(k)!;
    const s = m.prices.standard!.base;
    return {
      model: k,
      provider: m.provider,
      input: p(s.input),
      output: p(s.output),
      cacheRead: m.cache ? p(s.cacheRead) : null,
      audioInput: s.audioInput === undefined ? null : p(s.audioInput),
      audioOutput: s.audioOutput === undefined ? null : p(s.audioOutput),
    };
  });
  return {
    schema: PRICING_CATALOG_SCHEMA,
    catalog: {
      version: info.version,
      source: info.source,
      notice: info.notice,
      models: c.size,
      providers: info.providers.length,
    },
    ...(o.search !== undefined ? { search: o.search, matches } : {}),
    ...(o.skipped
      ? { skipped: info.skipped, corrected: info.corrected }
      : { skippedCount: info.skipped.length, correctedCount: info.corrected.length }),
  };
}

function table(m: PricingCatalog): string {
  const k = m.catalog;
  const skipped = m.skipped?.length ?? m.skippedCount ?? 0;
  const corrected = m.corrected?.length ?? m.correctedCount ?? 0;
  const lines = [
    `catalog litellm-${k.version}: ${int(k.models)} models from ${k.providers} providers (community prices, not vendor-checked)`,
    `source: ${k.source}`,
    k.notice,
    `${int(skipped)} LiteLLM entries left out, ${int(corrected)} corrected${m.skipped ? ':' : ' (--skipped lists them)'}`,
  ];
  for (const s of m.skipped ?? []) lines.push(`  skipped ${s.key}: ${s.reason}`);
  for (const s of m.corrected ?? []) lines.push(`  corrected ${s.key}: ${s.reason}`);
  if (m.search !== undefined) {
    const found = m.matches ?? [];
    lines.push(`${int(found.length)} match${found.length === 1 ? '' : 'es'} for '${m.search}' (USD per 1M tokens):`);
    // audio prices only when a match has one (most text models have none)
    const audio = found.some((x) => x.audioInput !== null || x.audioOutput !== null);
    const t = makeTable(['model', 'provider', 'input', 'output', 'cache read', ...(audio ? ['audio in/out'] : [])]);
    for (const x of found)
      t.push([
        x.model,
        x.provider,
        x.input,
        x.output,
        x.cacheRead ?? '-',
        ...(audio ? [`${x.audioInput ?? '-'}/${x.audioOutput ?? '-'}`] : []),
      ]);
    if (found.length) lines.push(t.toString());
  }
  return lines.map((l) => terminalText(l, { lines: true })).join('\n');
}

export const PRICING_CATALOG_RENDERERS = {
  table,
  json: (m: PricingCatalog): string => JSON.stringify(m, null, 2),
};
