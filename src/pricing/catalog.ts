// The bundled catalog: LiteLLM's community price map compiled into one compact, dated file
// (catalog-build.ts), for the models the curated tables lack (DeepSeek, Mistral, xAI, Cohere,
// Llama/Qwen on Groq/Together/Fireworks, ...). Curated tables always win; a catalog price is
// reported as such (provenance), never mistaken for a checked one. Loaded lazily: the file is
// read only when a name misses every curated table, and each entry becomes a ModelInfo on first use.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ModelFile } from '../config/pricing-schema.js';
import { userError } from '../diagnostics.js';
import { channelReadings } from './channels.js';
import { buildModel, type ModelInfo } from './pricebook.js';

export const CATALOG_SCHEMA = 'llmcost.catalog/v1';
/** Where the catalog came from (every catalog model's `source`). */
export const LITELLM_SOURCE = 'https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json';

/** Columns of a catalog row, in order; prices are decimal USD per 1M tokens, trailing nulls trimmed. */
/** split classes (LiteLLM's per-token prices; reasoning and image_input only where they differ from output/input) */
const SPLIT_FIELDS = ['reasoning', 'audio_input', 'audio_output', 'image_input'] as const;

export const CATALOG_FIELDS = [
  'provider', // index into providers
  'input',
  'output',
  'cache_style', // 'e' explicit (Claude), 'a' automatic, null no caching
  'cache_read',
  'cache_write', // explicit: 5-minute write; automatic: the write price it bills (OpenAI GPT-5.6+)
  'cache_write_1h',
  'cache_min_tokens', // null: not stated (1024 assumed)
  'context_window',
  'batch_input',
  'batch_output',
  'flex_input',
  'flex_output',
  'priority_input',
  'priority_output',
  'long_threshold',
  'long_input',
  'long_output',
  'long_cache_read',
  ...SPLIT_FIELDS,
] as const;
export type CatalogRow = (string | number | null)[];

export interface CatalogFile {
  schema: typeof CATALOG_SCHEMA;
  /** the date of the LiteLLM copy it was compiled from */
  version: string;
  /** where that copy came from */
  source: string;
  /** the licence notice of the source */
  notice: string;
  fields: string[];
  providers: string[];
  /** distinct long-context thresholds of the catalog's models, ascending */
  thresholds: number[];
  models: Record<string, CatalogRow>;
  /** entries changed or left out by the corrections file */
  corrected: { key: string; reason: string }[];
  /** entries that could not be priced, with the reason */
  skipped: { key: string; reason: string }[];
}

/** The small manifest beside the catalog: read at start-up (thresholds), the catalog only on demand. */
export interface CatalogManifest {
  schema: typeof CATALOG_SCHEMA;
  version: string;
  file: string;
  models: number;
  thresholds: number[];
}

export const BUNDLED_CATALOG_DIR = fileURLToPath(new URL('../../pricing/catalog/', import.meta.url));
export const MANIFEST_FILE = 'manifest.json';

const COLUMN = Object.fromEntries(CATALOG_FIELDS.map((f, i) => [f, i])) as Record<
  (typeof CATALOG_FIELDS)[number],
  number
>;

/** A catalog row as a pricing-table model entry (validated by buildModel like any table row). */
export function catalogModelFile(c: Pick<CatalogFile, 'providers' | 'version'>, row: CatalogRow): ModelFile {
  const v = (k: (typeof CATALOG_FIELDS)[number]): string | number | null => row[COLUMN[k]] ?? null;
  const s = (k: (typeof CATALOG_FIELDS)[number]): string | undefined => {
    const x = v(k);
    return x === null ? undefined : String(x);
  };
  const style = v('cache_style');
  const tier = (i: string | undefined, o: string | undefined): { input: string; output: string } | undefined =>
    i !== undefined && o !== undefined ? { input: i, output: o } : undefined;
  const m: ModelFile = {
    provider: c.providers[Number(v('provider'))] ?? 'unknown',
    source: LITELLM_SOURCE,
    checked: c.version,
    input: s('input')!,
    output: s('output')!,
  };
  const ctx = v('context_window');
  if (typeof ctx === 'number') m.context_window = ctx;
  for (const k of SPLIT_FIELDS) {
    const x = s(k);
    if (x !== undefined) m[k] = x;
  }
  if (style === 'e' || style === 'a') {
    const min = v('cache_min_tokens');
    m.cache = {
      style: style === 'e' ? 'explicit' : 'automatic',
      read: s('cache_read')!,
      min_tokens: typeof min === 'number' ? min : 1024,
    };
    // OpenAI documents billing cached tokens in 128-token steps (Azure OpenAI serves the same models);
    // no other provider documents a step, so none is assumed
    if (style === 'a' && (m.provider === 'openai' || m.provider === 'azure')) m.cache.increment = 128;
    const w = s('cache_write');
    if (w !== undefined && style === 'e') m.cache.write_5m = w;
    if (w !== undefined && style === 'a') m.cache.write = w;
    const w1 = s('cache_write_1h');
    if (w1 !== undefined && style === 'e') m.cache.write_1h = w1;
  }
  const batch = tier(s('batch_input'), s('batch_output'));
  if (batch) m.batch = batch;
  const flex = tier(s('flex_input'), s('flex_output'));
  if (flex) m.flex = flex;
  const priority = tier(s('priority_input'), s('priority_output'));
  if (priority) m.priority = priority;
  const th = v('long_threshold');
  if (typeof th === 'number' && s('long_input') !== undefined && s('long_output') !== undefined) {
    m.long_context = { threshold: th, input: s('long_input')!, output: s('long_output')! };
    const lr = s('long_cache_read');
    if (lr !== undefined && m.cache) m.long_context.cache = { read: lr };
  }
  return m;
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as T;
  } catch (e) {
    throw userError('FILE_READ', `${what} ${file} is unreadable: ${(e as Error).message}`, {
      where: file,
      hint: 'rebuild it with `npm run catalog` (docs/pricing-sources.md, "The catalog")',
    });
  }
}

export class Catalog {
  readonly version: string;
  readonly label: string;
  private readonly file: CatalogFile;
  /** lower-case key -> key */
  private readonly keys = new Map<string, string>();
  /** the name after the last '/' -> keys ending in it (a bare name may be priced by several hosts) */
  private readonly bare = new Map<string, string[]>();
  private readonly memo = new Map<string, ModelInfo | null>();

  constructor(file: CatalogFile) {
    if (file.schema !== CATALOG_SCHEMA) throw new Error(`internal: catalog schema ${file.schema}`);
    this.file = file;
    this.version = file.version;
    this.label = `litellm-${file.version}`;
    for (const k of Object.keys(file.models)) {
      const lower = k.toLowerCase();
      this.keys.set(lower, k);
      const b = lower.slice(lower.lastIndexOf('/') + 1);
      if (b !== lower) {
        const list = this.bare.get(b);
        if (list) list.push(k);
        else this.bare.set(b, [k]);
      }
    }
  }

  static load(dir = BUNDLED_CATALOG_DIR): Catalog {
    const manifest = readManifest(dir);
    if (!manifest)
      throw userError('FILE_NOT_FOUND', `no catalog in ${dir}`, {
        where: dir,
        hint: 'rebuild it with `npm run catalog`',
      });
    return new Catalog(readJson<CatalogFile>(`${dir}${manifest.file}`, 'catalog'));
  }

  get size(): number {
    return this.keys.size;
  }

  get info(): Pick<CatalogFile, 'version' | 'source' | 'notice' | 'providers' | 'corrected' | 'skipped'> {
    const { version, source, notice, providers, corrected, skipped } = this.file;
    return { version, source, notice, providers, corrected, skipped };
  }

  /** The catalog key a raw id names: exact, through a channel/gateway prefix, or a bare name one host prices. */
  keyOf(name: string): string | undefined {
    const key = name.trim().toLowerCase();
    const exact = this.keys.get(key);
    if (exact) return exact;
    for (const r of channelReadings(key)) {
      const k = this.keys.get(r.model);
      if (k) return k;
    }
    // cohere/command-r-plus, xai/grok-4 when the catalog has the bare or another prefix's key
    const slash = key.indexOf('/');
    if (slash > 0) {
      const rest = this.keys.get(key.slice(slash + 1));
      if (rest) return rest;
    }
    const hosts = this.bare.get(key);
    return hosts?.length === 1 ? hosts[0] : undefined;
  }

  /** Keys of the hosts that price a bare name, when several do (the name alone is ambiguous). */
  hostsOf(name: string): string[] {
    const hosts = this.bare.get(name.trim().toLowerCase()) ?? [];
    return hosts.length > 1 ? [...hosts].sort() : [];
  }

  lookup(name: string): ModelInfo | undefined {
    const lower = name.trim().toLowerCase();
    const known = this.memo.get(lower);
    if (known !== undefined) return known ?? undefined;
    const key = this.keyOf(lower);
    let m: ModelInfo | undefined;
    if (key) {
      const problems: string[] = [];
      const info = buildModel(key, catalogModelFile(this.file, this.file.models[key]!), (_p, msg) =>
        problems.push(msg),
      );
      // a row the build accepted is consistent; a hand-edited one that is not is left unknown
      if (!problems.length) m = { ...info, pricedBy: { kind: 'catalog', version: this.label } };
    }
    this.memo.set(lower, m ?? null);
    return m;
  }

  names(): string[] {
    return [...this.keys.values()];
  }

  /** Keys containing every word of the query (case-insensitive), sorted. */
  search(query: string): string[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return [...this.keys.entries()]
      .filter(([lower]) => words.every((w) => lower.includes(w)))
      .map(([, k]) => k)
      .sort();
  }
}

export function readManifest(dir = BUNDLED_CATALOG_DIR): CatalogManifest | undefined {
  const file = `${dir}${MANIFEST_FILE}`;
  if (!existsSync(file)) return undefined;
  return readJson<CatalogManifest>(file, 'catalog manifest');
}

/** The catalog, read on first use only (most runs never need it). */
export interface CatalogRef {
  /** the folder it is read from (a worker thread reads it again from there) */
  dir: string;
  manifest: CatalogManifest;
  get(): Catalog;
}

export function bundledCatalog(dir = BUNDLED_CATALOG_DIR): CatalogRef | undefined {
  const manifest = readManifest(dir);
  if (!manifest) return undefined;
  let catalog: Catalog | undefined;
  return {
    dir,
    manifest,
    get: () => (catalog ??= new Catalog(readJson<CatalogFile>(`${dir}${manifest.file}`, 'catalog'))),
  };
}
