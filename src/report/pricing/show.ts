// `pricing show MODEL`: every price of one model (tiers x bands x token classes), its cache rules,
// source and checked date (model + renderers).
import type { ModelInfo, PriceBook } from '../../pricing/pricebook.js';
import { describeChannel, pricedByText, TOKEN_CLASSES } from '../../pricing/pricebook.js';
import { int } from '../format.js';
import { makeTable } from '../terminal.js';
import { terminalText } from '../text.js';
import { type ModelRow, modelRow, perMText } from './list.js';

export const PRICING_SHOW_SCHEMA = 'llmcost.pricing-show/v1';

export interface PricingShow extends ModelRow {
  schema: typeof PRICING_SHOW_SCHEMA;
  pricing: { version: string };
  /** the table (or catalog) that prices it */
  pricedBy: string;
  /** the channel (Bedrock, Vertex AI, Azure, a region) its price is for; null = the vendor's own API */
  channel: string | null;
  /** priced from the bundled LiteLLM catalog (community prices, not checked against the vendor's page) */
  catalog: boolean;
  cache: (Omit<NonNullable<ModelInfo['cache']>, 'storagePerHourPicoPerM'> & { storagePerHour?: string }) | null;
  contextWindow: number | null;
  /** one row per tier x band, each token class's price as text */
  prices: ({ tier: string; band: 'base' | 'long' } & Record<string, string>)[];
}

export function pricingShow(book: Pick<PriceBook, 'version'>, m: ModelInfo): PricingShow {
  const prices = m.tiers.flatMap((tier) =>
    (['base', 'long'] as const)
      .filter((b) => b === 'base' || m.longContextThreshold !== undefined)
      .map((band) => ({
        tier,
        band,
        ...Object.fromEntries(TOKEN_CLASSES.map((c) => [c, perMText(m.prices[tier]![band][c])])),
      })),
  );
  return {
    schema: PRICING_SHOW_SCHEMA,
    pricing: { version: book.version },
    pricedBy: pricedByText(m),
    channel: m.channel ? describeChannel(m.channel) : null,
    ...modelRow(m),
    // the catalog's prices are LiteLLM's community map, not checked against the vendor's page
    catalog: m.pricedBy?.kind === 'catalog',
    cache: m.cache
      ? {
          ...m.cache,
          storagePerHourPicoPerM: undefined,
          storagePerHour:
            m.cache.storagePerHourPicoPerM !== undefined ? perMText(m.cache.storagePerHourPicoPerM) : undefined,
        }
      : null,
    contextWindow: m.contextWindow ?? null,
    prices,
  } as PricingShow;
}

/** each token class as `pricing list` heads it (the JSON keeps the class names) */
const CLASS_LABEL: Record<(typeof TOKEN_CLASSES)[number], string> = {
  input: 'input',
  cacheRead: 'cache read',
  cacheWrite5m: 'write 5m',
  cacheWrite1h: 'write 1h',
  output: 'output',
  reasoning: 'reasoning',
  audioInput: 'audio in',
  audioOutput: 'audio out',
  imageInput: 'image in',
};

function table(s: PricingShow): string {
  const t = makeTable(['tier', 'band', ...TOKEN_CLASSES.map((c) => CLASS_LABEL[c])]);
  for (const g of s.prices)
    t.push([
      g.tier,
      g.band === 'long' ? `> ${int(s.longContextThreshold!)}` : 'base',
      ...TOKEN_CLASSES.map((c) => g[c]!),
    ]);
  const c = s.cache;
  const lines = [
    `${s.model} (${s.provider})${s.channel ? ` · ${s.channel}` : ''} · ${s.pricedBy} · USD per 1M tokens`,
    s.catalog
      ? `source: ${s.source} (LiteLLM's community price map of ${s.checked}; not checked against the vendor's page)`
      : `source: ${s.source} (checked ${s.checked})`,
    s.aliases.length ? `aliases: ${s.aliases.join(', ')}` : '',
    c ? cacheLine(c) : 'cache: none',
    s.contextWindow ? `context window: ${int(s.contextWindow)} tokens` : '',
    t.toString(),
  ].filter(Boolean);
  return lines.map((l) => terminalText(l, { lines: true })).join('\n');
}

/** The cache rules in words: style, minimum, rounding, write premium, retention, explicit storage. */
function cacheLine(c: NonNullable<PricingShow['cache']>): string {
  const parts = [
    `cache: ${c.implicit || c.style === 'explicit' ? c.style : 'explicit context caches only (no implicit hits at this date)'}`,
  ];
  parts.push(`minimum ${int(c.minTokens)} tokens`);
  if (c.style === 'automatic') {
    if (c.implicit) parts.push(c.increment > 1 ? `billed in steps of ${c.increment} tokens` : 'billed to the token');
    if (c.hasWrite) parts.push('writes billed at the write 5m price');
    if (c.retentionMs !== undefined) parts.push(`retention ${c.retentionMs / 60_000} min`);
  } else parts.push(`1h TTL ${c.has1h ? 'available' : 'not available'}`);
  if (c.storagePerHour !== undefined) parts.push(`explicit caches: storage ${c.storagePerHour} per 1M tokens per hour`);
  return parts.join(', ');
}

export const PRICING_SHOW_RENDERERS = {
  table,
  json: (s: PricingShow): string => JSON.stringify(s, null, 2),
};
