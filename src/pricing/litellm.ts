// LiteLLM's model_prices_and_context_window.json <-> our pricing tables. Pure (the CLI reads the
// file). LiteLLM prices are per-token JSON floats (3e-06); ours are decimal strings per 1M tokens.
// Conversion is exact decimal arithmetic on the float's shortest representation ("3e-06" ->
// "3.00"), never float multiplication (3e-06 * 1e6 = 2.9999999999999996).
import { z } from 'zod';
import { formatPicoPerM, parseUsd } from './money.js';
import type { ModelInfo, PriceBook, Tier } from './pricebook.js';

export type LiteLLMEntry = Record<string, unknown>;
export type LiteLLMFile = Record<string, LiteLLMEntry>;

/** Per-token float -> USD per 1M tokens as a decimal string (>= 2 decimals, <= 12), exactly. */
export function perTokenToPerM(x: number): { value: string; rounded: boolean } | null {
  if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) return null;
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(String(x));
  if (!m) return null;
  const digits = `${m[1]}${m[2] ?? ''}`;
  // value = digits * 10^(exp - fracLen); per 1M tokens: * 10^6
  const shift = Number(m[3] ?? 0) - (m[2]?.length ?? 0) + 6;
  let intPart: string;
  let frac: string;
  if (shift >= 0) {
    intPart = digits + '0'.repeat(shift);
    frac = '';
  } else {
    const padded = digits.padStart(-shift + 1, '0');
    intPart = padded.slice(0, padded.length + shift);
    frac = padded.slice(padded.length + shift);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  frac = frac.replace(/0+$/, '');
  let rounded = false;
  if (frac.length > 12) {
    // Round half-up to 12 decimals (pico-USD per 1M tokens, the table's precision).
    rounded = true;
    const keep = BigInt(intPart + frac.slice(0, 12)) + (Number(frac[12]) >= 5 ? 1n : 0n);
    const s = keep.toString().padStart(13, '0');
    intPart = s.slice(0, -12).replace(/^0+(?=\d)/, '') || '0';
    frac = s.slice(-12).replace(/0+$/, '');
  }
  if (frac.length < 2) frac = frac.padEnd(2, '0');
  return { value: `${intPart || '0'}.${frac}`, rounded };
}

const PROVIDERS: Record<string, { provider: string; source: string; prefixes: string[] }> = {
  anthropic: { provider: 'anthropic', source: 'https://www.anthropic.com/pricing', prefixes: ['anthropic/'] },
  openai: { provider: 'openai', source: 'https://openai.com/api/pricing/', prefixes: ['openai/'] },
  gemini: { provider: 'google', source: 'https://ai.google.dev/gemini-api/docs/pricing', prefixes: ['gemini/'] },
  'vertex_ai-language-models': {
    provider: 'google',
    source: 'https://cloud.google.com/vertex-ai/generative-ai/pricing',
    prefixes: ['vertex_ai/'],
  },
};
const ALL_PREFIXES = ['', ...new Set(Object.values(PROVIDERS).flatMap((p) => p.prefixes))];

/** Find a model's entry: the exact key, else a provider-prefixed key (gemini/gemini-2.5-pro). */
export function findEntry(file: LiteLLMFile, name: string): { key: string; entry: LiteLLMEntry } | undefined {
  for (const p of ALL_PREFIXES) {
    const key = `${p}${name}`;
    // own keys only: a model asked for as `constructor` or `__proto__` is not Object's
    const e = Object.hasOwn(file, key) ? file[key] : undefined;
    if (e && typeof e === 'object' && !Array.isArray(e) && key !== 'sample_spec') return { key, entry: e };
  }
  return undefined;
}

/** Names of chat models in the file (for did-you-mean). */
export function chatModelNames(file: LiteLLMFile): string[] {
  return Object.entries(file)
    .filter(
      ([k, e]) =>
        k !== 'sample_spec' &&
        e &&
        typeof e === 'object' &&
        (e.mode === 'chat' || e.mode === 'responses') &&
        typeof e.input_cost_per_token === 'number',
    )
    .map(([k]) => k);
}

/** The prices and rules LiteLLM states for one model, in our units (USD per 1M, strings). */
export interface TheirFields {
  [field: string]: string | undefined;
}

const num = (e: LiteLLMEntry, k: string): number | undefined =>
  typeof e[k] === 'number' ? (e[k] as number) : undefined;

/**
 * Flatten an entry to our field names. `rounded` collects fields whose float needed more than 12
 * decimals per 1M tokens (LiteLLM entries derived by multiplication, e.g. 2.9999900000000002e-06).
 */
export function theirFields(e: LiteLLMEntry, rounded: string[] = []): TheirFields {
  const f: TheirFields = {};
  const price = (ours: string, theirs: string): void => {
    const v = num(e, theirs);
    if (v === undefined) return;
    const c = perTokenToPerM(v);
    if (!c) return;
    if (c.rounded) rounded.push(`${ours} (${theirs}=${v})`);
    f[ours] = c.value;
  };
  price('input', 'input_cost_per_token');
  price('output', 'output_cost_per_token');
  // split classes LiteLLM prices per token (its per-image and per-second prices have no token count to bill)
  price('reasoning', 'output_cost_per_reasoning_token');
  price('audio_input', 'input_cost_per_audio_token');
  price('audio_output', 'output_cost_per_audio_token');
  price('image_input', 'input_cost_per_image_token');
  price('cache.read', 'cache_read_input_token_cost');
  price('cache.write_5m', 'cache_creation_input_token_cost');
  price('cache.write_1h', 'cache_creation_input_token_cost_above_1hr');
  for (const tier of ['batch', 'flex', 'priority'] as const) {
    const suffix = tier === 'batch' ? 'batches' : tier;
    price(`${tier}.input`, `input_cost_per_token_${suffix}`);
    price(`${tier}.output`, `output_cost_per_token_${suffix}`);
    price(`${tier}.cache.read`, `cache_read_input_token_cost_${suffix}`);
  }
  // Long-context band: LiteLLM names it by threshold, e.g. input_cost_per_token_above_200k_tokens.
  const band = Object.keys(e)
    .map((k) => /^input_cost_per_token_above_(\d+)k_tokens$/.exec(k))
    .find((m) => m !== null);
  if (band) {
    const k = band[1]!;
    f['long_context.threshold'] = String(Number(k) * 1000);
    price('long_context.input', `input_cost_per_token_above_${k}k_tokens`);
    price('long_context.output', `output_cost_per_token_above_${k}k_tokens`);
    price('long_context.cache.read', `cache_read_input_token_cost_above_${k}k_tokens`);
    price('long_context.cache.write_5m', `cache_creation_input_token_cost_above_${k}k_tokens`);
    price('long_context.cache.write_1h', `cache_creation_input_token_cost_above_1hr_above_${k}k_tokens`);
  }
  const ctx = num(e, 'max_input_tokens');
  if (ctx !== undefined && Number.isInteger(ctx) && ctx > 0) f.context_window = String(ctx);
  const min = num(e, 'prompt_cache_min_tokens');
  if (min !== undefined && Number.isInteger(min) && min > 0) f['cache.min_tokens'] = String(min);
  return f;
}

/**
 * Above this many USD per 1M tokens a price is a unit error, not a price: the dearest real ones are
 * o1-pro's $150/$600. LiteLLM has stored per-1K and per-1M figures in its per-token fields
 * (the catalog's corrections.yaml fixes the known ones); the catalog and import leave such an entry out,
 * never pricing it 1,000x high.
 */
const MAX_PLAUSIBLE_PER_M = 1000;
/** Fields of theirFields that are not prices. */
const NOT_PRICES = new Set(['context_window', 'cache.min_tokens', 'long_context.threshold']);

/** Why an entry's prices cannot be right, or undefined. */
export function implausible(e: LiteLLMEntry): string | undefined {
  for (const [field, v] of Object.entries(theirFields(e)))
    if (!NOT_PRICES.has(field) && v !== undefined && Number(v) > MAX_PLAUSIBLE_PER_M)
      return `${field} is $${v} per 1M tokens, above $${MAX_PLAUSIBLE_PER_M}: a price stored at the wrong unit (per 1K or per 1M in a per-token field)`;
  return undefined;
}

/**
 * How an entry caches. A cache-write field does not make Anthropic-style caching: DeepSeek lists
 * a write price of 0 (a miss is plain input) and OpenAI's GPT-5.6+ bill writes on an automatic
 * cache. Explicit (breakpoints, 5m/1h TTL prices) only for Claude models whose write costs more
 * than input; another write above input is an automatic cache's `write`; one at or below input is
 * no premium at all and is dropped. No cache read price: no caching.
 */
export function cacheStyleOf(
  key: string,
  e: LiteLLMEntry,
  f: TheirFields,
): { style: 'explicit' | 'automatic'; write: boolean } | undefined {
  if (f['cache.read'] === undefined) return undefined;
  const write = f['cache.write_5m'] !== undefined ? parseUsd(f['cache.write_5m']) : null;
  const input = parseUsd(f.input ?? '0') ?? 0n;
  const premium = write !== null && write > input;
  const claude = /claude/.test(key) || /anthropic/.test(String(e.litellm_provider ?? ''));
  if (premium && claude) return { style: 'explicit', write: true };
  return { style: 'automatic', write: premium };
}

/** Our effective fields for the same names, from the PriceBook (exact; tiers after discounts). */
export function ourFields(m: ModelInfo): TheirFields {
  const f: TheirFields = {};
  const p = (x: bigint | undefined): string | undefined => (x === undefined ? undefined : formatPicoPerM(x));
  const std = m.prices.standard!;
  f.input = p(std.base.input);
  f.output = p(std.base.output);
  f.reasoning = p(std.base.reasoning);
  f.audio_input = p(std.base.audioInput);
  f.audio_output = p(std.base.audioOutput);
  f.image_input = p(std.base.imageInput);
  if (m.cache) {
    f['cache.read'] = p(std.base.cacheRead);
    // an automatic cache that bills writes (OpenAI GPT-5.6+) compares as LiteLLM's cache_creation price too
    if (m.cache.style === 'explicit' || std.base.cacheWrite5m !== undefined)
      f['cache.write_5m'] = p(std.base.cacheWrite5m);
    if (m.cache.style === 'explicit' && m.cache.has1h) f['cache.write_1h'] = p(std.base.cacheWrite1h);
    f['cache.min_tokens'] = String(m.cache.minTokens);
  }
  for (const tier of ['batch', 'flex', 'priority'] as Tier[]) {
    const t = m.prices[tier];
    if (!t) continue;
    f[`${tier}.input`] = p(t.base.input);
    f[`${tier}.output`] = p(t.base.output);
    if (m.cache) f[`${tier}.cache.read`] = p(t.base.cacheRead);
  }
  if (m.longContextThreshold !== undefined) {
    f['long_context.threshold'] = String(m.longContextThreshold);
    f['long_context.input'] = p(std.long.input);
    f['long_context.output'] = p(std.long.output);
    if (m.cache) f['long_context.cache.read'] = p(std.long.cacheRead);
    if (m.cache?.style === 'explicit' || std.base.cacheWrite5m !== undefined)
      f['long_context.cache.write_5m'] = p(std.long.cacheWrite5m);
    if (m.cache?.style === 'explicit' && m.cache.has1h) f['long_context.cache.write_1h'] = p(std.long.cacheWrite1h);
  }
  if (m.contextWindow !== undefined) f.context_window = String(m.contextWindow);
  return f;
}

export interface Disagreement {
  model: string;
  /** the LiteLLM key compared against */
  key: string;
  field: string;
  ours: string | null;
  theirs: string | null;
  /** differs: both give a value; only-theirs: LiteLLM has a price we lack */
  kind: 'differs' | 'only-theirs';
  /** price: a price or the long-context threshold (what a bill depends on); metadata: context window, cache minimum */
  category: 'price' | 'metadata';
  /** set when an accepted-differences entry covers it: the recorded reason */
  accepted?: string;
}

const same = (a: string, b: string): boolean => {
  const pa = parseUsd(a);
  const pb = parseUsd(b);
  return pa !== null && pb !== null ? pa === pb : a === b;
};

/**
 * The split classes a table takes from LiteLLM, and the class each is billed as when absent: one at
 * that price is left out (the table bills it so anyway); audio has none (a request with it is refused).
 */
export const SPLIT_CLASSES = [
  ['reasoning', 'output'],
  ['audio_input', undefined],
  ['audio_output', undefined],
  ['image_input', 'input'],
] as const;

/** The split-class prices of LiteLLM's fields `f` that a table needs (those not billed so anyway). */
export function splitPrices(f: TheirFields): [(typeof SPLIT_CLASSES)[number][0], string][] {
  const out: [(typeof SPLIT_CLASSES)[number][0], string][] = [];
  for (const [field, like] of SPLIT_CLASSES) {
    const v = f[field];
    if (v !== undefined && (like === undefined || f[like] === undefined || !same(v, f[like]))) out.push([field, v]);
  }
  return out;
}

/** Fields that describe a model without changing what a request costs. */
const METADATA_FIELDS = new Set(['context_window', 'cache.min_tokens']);

/**
 * An accepted-differences file: disagreements a team reviewed and keeps (the vendor page wins
 * over LiteLLM). `theirs`, when given, pins LiteLLM's value: if LiteLLM changes it, the entry no
 * longer matches and the difference fails again, to be reviewed anew.
 */
export const acceptedFileSchema = z.strictObject({
  accepted: z.array(
    z.strictObject({
      /** our model id */
      model: z.string().min(1),
      /** only when checking this table version (a historical price LiteLLM no longer has) */
      table: z
        .union([z.string().min(1), z.date()])
        .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
        .optional(),
      /** the field as `pricing check` names it: input, cache.read, priority.output, context_window, ... */
      field: z.string().min(1),
      /** LiteLLM's value this acceptance is for (optional) */
      theirs: z.union([z.string(), z.number()]).transform(String).optional(),
      /** why our value stands, with the page that says so */
      reason: z.string().min(1),
      /** when it was reviewed (YYYY-MM-DD) */
      reviewed: z
        .union([z.string(), z.date()])
        .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v)),
    }),
  ),
});
export type AcceptedFile = z.infer<typeof acceptedFileSchema>;

export const PRICING_CHECK_SCHEMA = 'llmcost.pricing-check/v1';

export interface CheckResult {
  schema: typeof PRICING_CHECK_SCHEMA;
  pricing: { version: string; file: string };
  against: string;
  compared: number;
  /** our models with no LiteLLM entry under their id or an alias */
  notFound: string[];
  disagreements: Disagreement[];
  /** price values that differ and no accepted entry covers: what makes the check fail */
  failing: number;
  /** accepted entries that matched nothing (fixed since, or LiteLLM's value moved): review them */
  unusedAccepted: { model: string; field: string; theirs?: string }[];
  /** fields only our table has (LiteLLM often omits batch/priority prices): counted, not listed */
  onlyOurs: number;
  rounded: string[];
}

/**
 * Every disagreement between our table and a LiteLLM file (model, field, ours, theirs), sorted
 * into price and metadata differences; those an accepted-differences entry covers carry its reason.
 */
export function checkAgainstLiteLLM(
  book: PriceBook,
  file: LiteLLMFile,
  against: string,
  accepted: AcceptedFile['accepted'] = [],
): CheckResult {
  const out: CheckResult = {
    schema: PRICING_CHECK_SCHEMA,
    pricing: { version: book.version, file: book.file },
    against,
    compared: 0,
    notFound: [],
    disagreements: [],
    failing: 0,
    unusedAccepted: [],
    onlyOurs: 0,
    rounded: [],
  };
  // entries for another table version neither match nor count as unused
  accepted = accepted.filter((a) => a.table === undefined || a.table === book.version);
  const used = new Set<number>();
  const push = (d: Omit<Disagreement, 'category' | 'accepted'>): void => {
    const i = accepted.findIndex(
      (a) =>
        a.model === d.model &&
        a.field === d.field &&
        (a.theirs === undefined || (d.theirs !== null && same(a.theirs, d.theirs))),
    );
    if (i >= 0) used.add(i);
    const category = METADATA_FIELDS.has(d.field) ? 'metadata' : 'price';
    out.disagreements.push({ ...d, category, ...(i >= 0 ? { accepted: accepted[i]!.reason } : {}) });
    if (i < 0 && category === 'price' && d.kind === 'differs') out.failing++;
  };
  for (const m of [...book.models.values()].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (m.synthetic !== undefined) continue;
    const hit = [m.id, ...m.aliases].map((n) => findEntry(file, n)).find((h) => h !== undefined);
    if (!hit) {
      out.notFound.push(m.id);
      continue;
    }
    out.compared++;
    const rounded: string[] = [];
    const theirs = theirFields(hit.entry, rounded);
    out.rounded.push(...rounded.map((r) => `${m.id}: ${r}`));
    const ours = ourFields(m);
    // A class our table bills at another's price compares as that price; when LiteLLM also bills it
    // so, the other class's comparison already says it all.
    for (const [cls, like] of SPLIT_CLASSES) {
      if (like === undefined || ours[cls] !== undefined || theirs[cls] === undefined) continue;
      if (theirs[like] !== undefined && same(theirs[cls], theirs[like])) delete theirs[cls];
      else ours[cls] = ours[like];
    }
    const fields = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])];
    for (const field of fields) {
      const a = ours[field];
      const b = theirs[field];
      if (a !== undefined && b !== undefined) {
        if (!same(a, b)) push({ model: m.id, key: hit.key, field, ours: a, theirs: b, kind: 'differs' });
      } else if (b !== undefined)
        push({ model: m.id, key: hit.key, field, ours: null, theirs: b, kind: 'only-theirs' });
      else if (a !== undefined) out.onlyOurs++;
    }
  }
  const comparedIds = new Set(out.disagreements.map((d) => d.model));
  for (const m of book.models.values()) if (!out.notFound.includes(m.id)) comparedIds.add(m.id);
  out.unusedAccepted = accepted
    // an entry for a model this table lacks is not stale, just about another table
    .filter((a, i) => !used.has(i) && comparedIds.has(a.model))
    .map((a) => ({ model: a.model, field: a.field, ...(a.theirs !== undefined ? { theirs: a.theirs } : {}) }));
  return out;
}

export interface ImportResult {
  /** YAML text of a pricing table */
  yaml: string;
  warnings: string[];
}

/** A name as a YAML scalar: bare when it is a plain word (gpt-4o, vertex_ai/gemini-2.5-pro), else quoted. */
function plain(s: string): string {
  return /^[A-Za-z0-9][\w./-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(s) ? s : JSON.stringify(s);
}

/** Convert selected LiteLLM entries into a dated pricing table (YAML text, deterministic). */
export function importFromLiteLLM(
  _file: LiteLLMFile,
  models: { name: string; key: string; entry: LiteLLMEntry }[],
  version: string,
  fileLabel: string,
): ImportResult {
  const warnings: string[] = [];
  const q = (s: string): string => JSON.stringify(s);
  const lines = [
    '# llmcost pricing table. Prices: USD per 1M tokens, decimal strings.',
    `# Imported from LiteLLM ${fileLabel} by \`llmcost pricing import --from litellm\`.`,
    '# LiteLLM is a secondary source: check every figure against the provider page in `source`',
    '# before relying on it (docs/pricing-sources.md), and add aliases (dated snapshot ids) by hand.',
    `version: ${q(version)}`,
    `effective: ${q(version)}`,
    'currency: USD',
    'models:',
  ];
  for (const { name, key, entry } of models) {
    const rounded: string[] = [];
    const f = theirFields(entry, rounded);
    for (const r of rounded)
      warnings.push(`${name}: ${r} has more than 12 decimals per 1M tokens; rounded to ${'12'} decimals`);
    const provName = String(entry.litellm_provider ?? '');
    const prov = Object.hasOwn(PROVIDERS, provName) ? PROVIDERS[provName] : undefined;
    const provider = prov?.provider ?? String(entry.litellm_provider ?? 'unknown');
    const src =
      typeof entry.source === 'string' && /^https?:\/\//.test(entry.source)
        ? entry.source
        : (prov?.source ?? 'https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json');
    if (f.input === undefined || f.output === undefined) {
      warnings.push(`${name}: LiteLLM entry '${key}' has no input/output token price; skipped`);
      continue;
    }
    const wrong = implausible(entry);
    if (wrong) {
      warnings.push(
        `${name}: LiteLLM entry '${key}': ${wrong}; skipped: write the vendor's price into the table by hand`,
      );
      continue;
    }
    // names and texts from the file (or --models) are quoted: a key such as "x: {}" or a source with
    // a line break must stay one YAML value, never become structure
    const out: string[] = [
      `  ${plain(name)}:`,
      `    # LiteLLM key: ${JSON.stringify(key).slice(1, -1)}`,
      `    provider: ${plain(provider)}`,
      `    source: ${/^https?:\/\/[\w./:@%?=&+~#-]*$/.test(src) ? src : q(src)}`,
      `    checked: ${q(version)}`,
      `    input: ${q(f.input)}`,
      `    output: ${q(f.output)}`,
    ];
    const band = f['long_context.input'] && f['long_context.output'] ? f['long_context.threshold'] : undefined;
    if (f.context_window && band !== undefined && Number(band) >= Number(f.context_window))
      // Claude Sonnet 4/4.5: max_input_tokens is the default 200K window, the band prices the 1M one
      warnings.push(
        `${name}: LiteLLM's max_input_tokens (${f.context_window}) is not above its long-context threshold (${band}), so its band prices a longer window than it states (a beta or usage tier, e.g. Anthropic's context-1m); context_window left out: set it by hand from the provider's page`,
      );
    else if (f.context_window) out.push(`    context_window: ${f.context_window}`);
    for (const [field, v] of splitPrices(f)) out.push(`    ${field}: ${q(v)}`);
    const cache = cacheStyleOf(key, entry, f);
    const explicit = cache?.style === 'explicit';
    if (cache) {
      let min = f['cache.min_tokens'];
      if (!min) {
        min = provider === 'google' ? '2048' : '1024';
        warnings.push(
          `${name}: no prompt_cache_min_tokens in LiteLLM; cache.min_tokens set to ${min} (check the provider's caching docs)`,
        );
      }
      out.push('    cache:', `      style: ${cache.style}`, `      read: ${q(f['cache.read']!)}`);
      if (explicit) out.push(`      write_5m: ${q(f['cache.write_5m']!)}`);
      if (explicit && f['cache.write_1h'] !== undefined) out.push(`      write_1h: ${q(f['cache.write_1h'])}`);
      if (!explicit && cache.write) out.push(`      write: ${q(f['cache.write_5m']!)}`);
      out.push(`      min_tokens: ${min}`);
      if (!explicit && provider === 'openai') out.push('      increment: 128');
      if (!explicit && f['cache.write_5m'] !== undefined && !cache.write)
        warnings.push(
          `${name}: LiteLLM's cache write price (${f['cache.write_5m']}) is not above input: no write premium, left out (automatic cache)`,
        );
    } else if (f['cache.write_5m'] !== undefined) {
      warnings.push(`${name}: cache write price without a cache read price; cache omitted`);
    }
    for (const tier of ['batch', 'flex', 'priority'] as const) {
      const i = f[`${tier}.input`];
      const o = f[`${tier}.output`];
      if (i === undefined && o === undefined) continue;
      if (i === undefined || o === undefined) {
        warnings.push(
          `${name}: LiteLLM gives only the ${i === undefined ? 'output' : 'input'} price of the ${tier} tier; tier omitted`,
        );
        continue;
      }
      out.push(`    ${tier}:`, `      input: ${q(i)}`, `      output: ${q(o)}`);
      const cr = f[`${tier}.cache.read`];
      if (cr !== undefined && f['cache.read'] !== undefined) out.push(`      cache_read: ${q(cr)}`);
    }
    if (f['batch.input'] === undefined)
      warnings.push(
        `${name}: LiteLLM lists no batch prices; add \`batch: { discount: "0.5" }\` (or explicit prices) if ${provider} offers a batch discount`,
      );
    if (f['long_context.threshold'] && f['long_context.input'] && f['long_context.output']) {
      out.push(
        '    long_context:',
        `      threshold: ${f['long_context.threshold']}`,
        `      input: ${q(f['long_context.input'])}`,
        `      output: ${q(f['long_context.output'])}`,
      );
      const lr = f['long_context.cache.read'];
      const lw = explicit ? f['long_context.cache.write_5m'] : undefined;
      const lw1h = explicit && f['cache.write_1h'] !== undefined ? f['long_context.cache.write_1h'] : undefined;
      if ((lr !== undefined || lw !== undefined || lw1h !== undefined) && f['cache.read'] !== undefined) {
        out.push('      cache:');
        if (lr !== undefined) out.push(`        read: ${q(lr)}`);
        if (lw !== undefined) out.push(`        write_5m: ${q(lw)}`);
        if (lw1h !== undefined) out.push(`        write_1h: ${q(lw1h)}`);
      }
    }
    lines.push(...out);
  }
  return { yaml: `${lines.join('\n')}\n`, warnings };
}
