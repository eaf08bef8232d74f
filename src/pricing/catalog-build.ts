// Compile LiteLLM's model_prices_and_context_window.json into the bundled catalog: every priced
// chat model, its prices converted exactly to decimal USD per 1M tokens (litellm.ts), known-wrong
// entries corrected from a documented file, and an entry that cannot be priced skipped with its
// reason (listed in the catalog), never aborting the build. Pure: scripts/build-catalog.mjs does I/O.
import { z } from 'zod';
import { CATALOG_FIELDS, CATALOG_SCHEMA, type CatalogFile, catalogModelFile, type CatalogRow } from './catalog.js';
import { cacheStyleOf, implausible, type LiteLLMEntry, type LiteLLMFile, splitPrices, theirFields } from './litellm.js';
import { buildModel } from './pricebook.js';

/** One correction: which entries (exact keys and/or a regex), and what to set, drop or skip. */
export const correctionSchema = z.strictObject({
  keys: z.array(z.string().min(1)).optional(),
  /** a regular expression on the key, e.g. "claude-sonnet-4-5" */
  match: z.string().optional(),
  /** LiteLLM fields to set (per-token USD, as LiteLLM writes them) */
  set: z.record(z.string(), z.number().nonnegative()).optional(),
  /** LiteLLM fields to remove; `*` matches any run of characters (*_above_200k_tokens) */
  drop: z.array(z.string().min(1)).optional(),
  /** leave the entries out of the catalog */
  skip: z.boolean().optional(),
  reason: z.string().min(1),
  source: z.url(),
});
/** @public read by scripts/build-catalog.mjs through dist/ (an import knip cannot follow) */
export const correctionsFileSchema = z.strictObject({ corrections: z.array(correctionSchema) });
export type Correction = z.infer<typeof correctionSchema>;

/** Modes of LiteLLM entries that are text-token models (embeddings, images, audio are not). */
const TEXT_MODES = new Set(['chat', 'responses', 'completion']);
/** Price fields that must be plain non-negative numbers when present. */
const PRICE_FIELD = /(_cost_per_token|_token_cost)/;

function globRe(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
}

function applies(c: Correction, key: string): boolean {
  return (c.keys?.includes(key) ?? false) || (c.match !== undefined && new RegExp(c.match).test(key));
}

/** The entry with every correction that applies to its key; null when a correction skips it. */
function corrected(
  key: string,
  e: LiteLLMEntry,
  corrections: Correction[],
  log: CatalogFile['corrected'],
): LiteLLMEntry | null {
  let out = e;
  for (const c of corrections) {
    if (!applies(c, key)) continue;
    if (c.skip) {
      log.push({ key, reason: c.reason });
      return null;
    }
    out = { ...out };
    const touched: string[] = [];
    for (const pattern of c.drop ?? []) {
      const re = globRe(pattern);
      for (const f of Object.keys(out))
        if (re.test(f)) {
          delete out[f];
          touched.push(`-${f}`);
        }
    }
    for (const [f, v] of Object.entries(c.set ?? {})) {
      out[f] = v;
      touched.push(f);
    }
    if (touched.length) log.push({ key, reason: `${c.reason} (${touched.join(', ')})` });
  }
  return out;
}

/** Why an entry cannot be priced, or undefined when it can. */
function unpriceable(e: LiteLLMEntry): string | undefined {
  for (const [f, v] of Object.entries(e)) {
    if (!PRICE_FIELD.test(f) || v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) return `${f} is ${JSON.stringify(v)}, not a price`;
  }
  if (typeof e.input_cost_per_token !== 'number' || typeof e.output_cost_per_token !== 'number')
    return 'no input/output token price';
  if (e.input_cost_per_token === 0 && e.output_cost_per_token === 0)
    return 'input and output priced 0 (a free preview or a placeholder): left unknown rather than $0';
  return undefined;
}

/** LiteLLM fields (our names, per 1M) -> one compact catalog row. */
function rowOf(key: string, e: LiteLLMEntry, provider: number): CatalogRow {
  const f = theirFields(e);
  const cache = cacheStyleOf(key, e, f);
  const n = (s: string | undefined): number | null => (s === undefined ? null : Number(s));
  const pair = (tier: string): [string | null, string | null] =>
    f[`${tier}.input`] !== undefined && f[`${tier}.output`] !== undefined
      ? [f[`${tier}.input`]!, f[`${tier}.output`]!]
      : [null, null];
  const [batchIn, batchOut] = pair('batch');
  const [flexIn, flexOut] = pair('flex');
  const [prioIn, prioOut] = pair('priority');
  const long = f['long_context.input'] !== undefined && f['long_context.output'] !== undefined;
  const values: Record<(typeof CATALOG_FIELDS)[number], string | number | null> = {
    provider,
    input: f.input!,
    output: f.output!,
    cache_style: cache ? (cache.style === 'explicit' ? 'e' : 'a') : null,
    cache_read: cache ? f['cache.read']! : null,
    cache_write: cache?.write ? f['cache.write_5m']! : null,
    cache_write_1h: cache?.style === 'explicit' ? (f['cache.write_1h'] ?? null) : null,
    cache_min_tokens: cache ? n(f['cache.min_tokens']) : null,
    context_window: n(f.context_window),
    batch_input: batchIn,
    batch_output: batchOut,
    flex_input: flexIn,
    flex_output: flexOut,
    priority_input: prioIn,
    priority_output: prioOut,
    long_threshold: long ? n(f['long_context.threshold']) : null,
    long_input: long ? f['long_context.input']! : null,
    long_output: long ? f['long_context.output']! : null,
    long_cache_read: long && cache ? (f['long_context.cache.read'] ?? null) : null,
    reasoning: null,
    audio_input: null,
    audio_output: null,
    image_input: null,
  };
  // as `pricing import` writes them: a class at the price it is billed at anyway is left out
  for (const [field, v] of splitPrices(f)) values[field] = v;
  const row: CatalogRow = CATALOG_FIELDS.map((k) => values[k]);
  while (row.length && row[row.length - 1] === null) row.pop();
  return row;
}

export interface BuildResult {
  catalog: CatalogFile;
  /** one line per skipped or corrected entry */
  warnings: string[];
}

/** Compile a LiteLLM price map into a catalog. Deterministic: same file, same bytes. */
export function compileCatalog(
  file: LiteLLMFile,
  corrections: Correction[],
  meta: { version: string; source: string; notice: string },
): BuildResult {
  const catalog: CatalogFile = {
    schema: CATALOG_SCHEMA,
    version: meta.version,
    source: meta.source,
    notice: meta.notice,
    fields: [...CATALOG_FIELDS],
    providers: [],
    thresholds: [],
    models: {},
    corrected: [],
    skipped: [],
  };
  const providers = new Map<string, number>();
  const thresholds = new Set<number>();
  for (const key of Object.keys(file).sort()) {
    const raw = file[key];
    if (key === 'sample_spec' || !raw || typeof raw !== 'object') continue;
    if (!TEXT_MODES.has(String(raw.mode))) continue;
    const e = corrected(key, raw, corrections, catalog.corrected);
    if (!e) continue;
    const wrong = implausible(e);
    const why = unpriceable(e) ?? (wrong && `${wrong}: add a correction (corrections.yaml) with the vendor's price`);
    if (why) {
      catalog.skipped.push({ key, reason: why });
      continue;
    }
    const provider = String(e.litellm_provider ?? 'unknown');
    let p = providers.get(provider);
    if (p === undefined) {
      p = catalog.providers.length;
      providers.set(provider, p);
      catalog.providers.push(provider);
    }
    const row = rowOf(key, e, p);
    // The row must make a consistent model (long band above base, ...), as a table row would.
    const problems: string[] = [];
    const info = buildModel(key, catalogModelFile(catalog, row), (_path, message) => problems.push(message));
    if (problems.length) {
      catalog.skipped.push({ key, reason: problems.join('; ') });
      continue;
    }
    if (info.longContextThreshold !== undefined) thresholds.add(info.longContextThreshold);
    catalog.models[key] = row;
  }
  catalog.thresholds = [...thresholds].sort((a, b) => a - b);
  const warnings = [
    ...catalog.skipped.map((s) => `skipped ${s.key}: ${s.reason}`),
    ...catalog.corrected.map((c) => `corrected ${c.key}: ${c.reason}`),
  ];
  return { catalog, warnings };
}
