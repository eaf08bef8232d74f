// A PriceBook is one pricing table made exact: every (tier, band, token class) price in integer
// pico-USD per 1M tokens, aliases resolved, and unknown models refused with did-you-mean.
// Pure: no files. The loader (load.ts) builds it from YAML.
import type { EndpointKind, FeeKind, ModelFile, PricingTableFile } from '../config/pricing-schema.js';
import { didYouMean, suggestionHint, userError } from '../diagnostics.js';
import { type Channel, channelLabel, channelReadings, upliftKey } from './channels.js';
import { parseRatio } from '../shared/decimal.js';
import { mulDiv, parseUsd } from './money.js';

/**
 * Token classes with a price per 1M tokens. reasoning is part of output, audio/image input part of
 * input: each is priced apart only where a table says so (see priceOf for the fallbacks).
 */
export const TOKEN_CLASSES = [
  'input',
  'cacheRead',
  'cacheWrite5m',
  'cacheWrite1h',
  'output',
  'reasoning',
  'audioInput',
  'audioOutput',
  'imageInput',
] as const;
export type TokenClass = (typeof TOKEN_CLASSES)[number];
/** classes billed like input (scaled with it in bands and tiers) and like output */
const INPUT_LIKE: readonly TokenClass[] = ['audioInput', 'imageInput'];
const OUTPUT_LIKE: readonly TokenClass[] = ['reasoning', 'audioOutput'];

/**
 * The split classes (reasoning, audio, image) of a price set derived from `base` (a band or a tier
 * with its own input and output prices): the prices given, else the base price scaled by the set's
 * input ratio (audio/image input) or output ratio (reasoning, audio output).
 */
function splitClasses(
  given: { reasoning?: string; audio_input?: string; audio_output?: string; image_input?: string },
  base: ClassPrices,
  to: { input: bigint | undefined; output: bigint | undefined },
): Pick<ClassPrices, 'reasoning' | 'audioInput' | 'audioOutput' | 'imageInput'> {
  const of = {
    reasoning: given.reasoning,
    audioInput: given.audio_input,
    audioOutput: given.audio_output,
    imageInput: given.image_input,
  };
  const out = {} as Pick<ClassPrices, 'reasoning' | 'audioInput' | 'audioOutput' | 'imageInput'>;
  for (const k of [...INPUT_LIKE, ...OUTPUT_LIKE] as (keyof typeof of)[]) {
    const like = OUTPUT_LIKE.includes(k) ? 'output' : 'input';
    const den = base[like]!;
    out[k] = of[k] !== undefined ? req(of[k]) : scale(base[k], to[like]!, den === 0n ? 1n : den);
  }
  return out;
}
/** priority = OpenAI Priority processing, renamed Fast mode; ultrafast = OpenAI Ultrafast mode */
export const TIERS = ['standard', 'batch', 'flex', 'priority', 'ultrafast'] as const;
export type Tier = (typeof TIERS)[number];
export type Band = 'base' | 'long';

/** pico-USD per 1M tokens per class; undefined = the provider has no such price. */
export type ClassPrices = Record<TokenClass, bigint | undefined>;

export interface ModelInfo {
  id: string;
  provider: string;
  source: string;
  checked: string;
  aliases: string[];
  contextWindow?: number;
  cache?: {
    style: 'explicit' | 'automatic';
    minTokens: number;
    /** automatic caches: cached tokens are billed in steps of this above minTokens (1 = no rounding) */
    increment: number;
    has1h: boolean;
    /**
     * false: no implicit (automatic) hits at the table's date, only explicit caches (Gemini 1.5/2.0);
     * simulated caching of the model is explicit
     */
    implicit: boolean;
    /**
     * explicit context caches billed per token-hour while they live (Gemini): pico-USD per 1M tokens
     * per hour. Such caches take any TTL, bill writes at the input price and are not refreshed by hits.
     */
    storagePerHourPicoPerM?: bigint;
    /** explicit caches: positions a breakpoint's lookback checks (table lookback_blocks) */
    lookbackBlocks?: number;
    /** explicit caches: breakpoints per request (table max_breakpoints) */
    maxBreakpoints?: number;
    /** automatic caches: requests per minute per routing key before overflow (table overflow_rpm) */
    overflowRpm?: number;
    /** automatic caches: default idle retention in ms (table retention) */
    retentionMs?: number;
    /** automatic caches with a write premium (table write): writes are priced as the cacheWrite5m class */
    hasWrite?: boolean;
  };
  /** requests with inputTokens > threshold are priced entirely in the long band */
  longContextThreshold?: number;
  tiers: Tier[];
  /** prices[tier][band]; absent tier = not offered */
  prices: Partial<Record<Tier, Record<Band, ClassPrices>>>;
  /** self-hosted synthetic models: priced per GPU time, described here for the report */
  synthetic?: string;
  /** multipliers per channel endpoint (decimal strings as the table gives them) */
  uplift?: Partial<Record<EndpointKind, string>>;
  /** per-call fees of server tools: pico-USD per 1,000 calls (the model's own, else the table's for its provider) */
  fees?: Partial<Record<FeeKind, bigint>>;
  /** price overlays applied (labels, in order), e.g. "negotiated 20% off Anthropic" */
  overlays?: string[];
  /** which table priced it: a table version, or the catalog (community prices, not checked) */
  pricedBy?: { kind: 'table' | 'catalog'; version: string };
  /** the channel the request came through, when its id named one (bedrock/vertex/azure) */
  channel?: Channel & { uplift?: string };
}

/**
 * What prices a run: one table (a PriceBook) or the tables in force per request (PriceSchedule,
 * which adds the catalog and deployment names). `period` says which table is in force: a ledger
 * keeps cells per period (periodOf(request time)); a single table has one period, 0.
 */
export interface Pricing {
  readonly version: string;
  readonly effective: string;
  periodOf(atMs: number): number;
  /** the model as priced in that period (channel uplift applied), or undefined */
  lookup(name: string, period?: number): ModelInfo | undefined;
  /** lookup or throw UNKNOWN_MODEL with did-you-mean; default period: the newest */
  resolve(name: string, where?: string, period?: number): ModelInfo;
  /** distinct long-context thresholds of every model this pricing may use, ascending */
  thresholds(): number[];
  price(m: ModelInfo, tier: Tier, band: Band, cls: TokenClass): bigint;
  /** the tables periods refer to, ascending by effective date */
  tables(): { version: string; effective: string }[];
  allNames(): string[];
  /** the known names nearest to an unknown one (did-you-mean) */
  nearNames(name: string): string[];
  /** the labels of the price overlays on every model, in order (none: undefined or empty) */
  readonly overlayLabels?: string[];
}

/** A full price set from the classes given (the others absent: priceOf's fallbacks apply). */
export function classPrices(p: Partial<ClassPrices>): ClassPrices {
  return Object.fromEntries(TOKEN_CLASSES.map((k) => [k, p[k]])) as ClassPrices;
}

/** "30m" / "24h" -> milliseconds (the schema admits only whole minutes or hours) */
function retentionMs(v: string): number {
  return Number(v.slice(0, -1)) * (v.endsWith('h') ? 3_600_000 : 60_000);
}

function req(v: string | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  const p = parseUsd(v);
  if (p === null) throw new Error(`internal: unvalidated price ${v}`);
  return p;
}

function scale(p: bigint | undefined, num: bigint, den: bigint): bigint | undefined {
  return p === undefined ? undefined : mulDiv(p, num, den);
}

/** Build the exact price grid of one model. Errors are cross-field inconsistencies. */
export function buildModel(
  id: string,
  m: ModelFile,
  errors: (path: string[], message: string, hint: string) => void,
): ModelInfo {
  const base: ClassPrices = {
    input: req(m.input),
    output: req(m.output),
    cacheRead: req(m.cache?.read),
    // An automatic cache's write premium (OpenAI GPT-5.6+) is the cacheWrite5m class: the one write class it bills.
    cacheWrite5m: req(m.cache?.style === 'automatic' ? m.cache.write : m.cache?.write_5m),
    cacheWrite1h: req(m.cache?.write_1h),
    reasoning: req(m.reasoning),
    audioInput: req(m.audio_input),
    audioOutput: req(m.audio_output),
    imageInput: req(m.image_input),
  };
  if (m.cache?.style === 'automatic' && (m.cache.write_5m !== undefined || m.cache.write_1h !== undefined)) {
    errors(
      ['models', id, 'cache', 'style'],
      `model '${id}': automatic caching has no TTL write classes, but write_5m/write_1h are given`,
      'use style: explicit for Anthropic-style caching; an automatic cache with a write premium gives cache.write',
    );
  }
  if (m.cache?.style === 'explicit' && m.cache.write !== undefined) {
    errors(
      ['models', id, 'cache', 'write'],
      `model '${id}': cache.write is the write premium of an automatic cache`,
      'explicit caches give write_5m (and write_1h)',
    );
  }
  if (m.cache?.style === 'explicit' && m.cache.write_5m === undefined) {
    errors(
      ['models', id, 'cache'],
      `model '${id}': explicit caching needs cache.write_5m`,
      'add write_5m (Anthropic: 1.25x input)',
    );
  }
  if (m.cache?.style === 'explicit' && (m.cache.implicit !== undefined || m.cache.increment !== undefined)) {
    errors(
      ['models', id, 'cache', m.cache.implicit !== undefined ? 'implicit' : 'increment'],
      `model '${id}': implicit and increment describe automatic caches`,
      'an explicit cache is never implicit and is billed to the token; remove the key',
    );
  }
  if (m.cache?.implicit === false && m.cache.storage_per_hour === undefined) {
    errors(
      ['models', id, 'cache', 'implicit'],
      `model '${id}': implicit: false leaves only explicit caches, but the model has no storage_per_hour to price them`,
      'add storage_per_hour (the explicit-cache storage price per 1M tokens per hour), or remove the cache block',
    );
  }
  let long: ClassPrices | undefined;
  if (m.long_context) {
    const lc = m.long_context;
    const li = req(lc.input)!;
    const lo = req(lc.output)!;
    if (li < base.input! || lo < base.output!) {
      errors(
        ['models', id, 'long_context'],
        `model '${id}': long-context prices are lower than the base prices`,
        'long_context holds the prices ABOVE the threshold; check input/output',
      );
    }
    if (m.context_window !== undefined && lc.threshold >= m.context_window) {
      errors(
        ['models', id, 'long_context', 'threshold'],
        `model '${id}': long-context threshold ${lc.threshold} is not below the context window ${m.context_window}`,
        'the band could never apply; fix threshold or context_window',
      );
    }
    // Cache prices in the band: explicit when given, else scaled by the band's input ratio; reasoning and
    // audio output by its output ratio, audio and image input by its input ratio.
    const ratioNum = li;
    const ratioDen = base.input! === 0n ? 1n : base.input!;
    long = {
      input: li,
      output: lo,
      cacheRead: lc.cache?.read !== undefined ? req(lc.cache.read) : scale(base.cacheRead, ratioNum, ratioDen),
      cacheWrite5m:
        lc.cache?.write_5m !== undefined ? req(lc.cache.write_5m) : scale(base.cacheWrite5m, ratioNum, ratioDen),
      cacheWrite1h:
        lc.cache?.write_1h !== undefined ? req(lc.cache.write_1h) : scale(base.cacheWrite1h, ratioNum, ratioDen),
      ...splitClasses(lc, base, { input: li, output: req(lc.output) }),
    };
  }
  const prices: ModelInfo['prices'] = { standard: { base, long: long ?? base } };
  const tierOf = (t: NonNullable<ModelFile['batch']>): Record<Band, ClassPrices> => {
    if (t.discount !== undefined) {
      const r = parseRatio(t.discount)!;
      const d = (c: ClassPrices): ClassPrices =>
        Object.fromEntries(TOKEN_CLASSES.map((k) => [k, scale(c[k], r.num, r.den)])) as ClassPrices;
      return { base: d(base), long: d(long ?? base) };
    }
    // Explicit tier prices; classes not listed keep the standard price scaled by the tier's input
    // ratio (output-like classes by its output ratio).
    const ti = req(t.input)!;
    const den = base.input! === 0n ? 1n : base.input!;
    const tb: ClassPrices = {
      input: ti,
      output: req(t.output),
      cacheRead: t.cache_read !== undefined ? req(t.cache_read) : scale(base.cacheRead, ti, den),
      cacheWrite5m: t.cache_write_5m !== undefined ? req(t.cache_write_5m) : scale(base.cacheWrite5m, ti, den),
      cacheWrite1h: t.cache_write_1h !== undefined ? req(t.cache_write_1h) : scale(base.cacheWrite1h, ti, den),
      ...splitClasses(t, base, { input: ti, output: req(t.output) }),
    };
    if (!long) return { base: tb, long: tb };
    // Long band of an explicit tier: each class scaled by the standard long/base ratio of that class.
    const tl = Object.fromEntries(
      TOKEN_CLASSES.map((k) => {
        const b = base[k];
        const l = long![k];
        const v = tb[k];
        return [k, v === undefined || b === undefined || l === undefined || b === 0n ? v : mulDiv(v, l, b)];
      }),
    ) as ClassPrices;
    return { base: tb, long: tl };
  };
  if (m.batch) prices.batch = tierOf(m.batch);
  if (m.flex) prices.flex = tierOf(m.flex);
  if (m.priority) prices.priority = tierOf(m.priority);
  if (m.ultrafast) prices.ultrafast = tierOf(m.ultrafast);
  const cache = m.cache
    ? {
        style: m.cache.style,
        minTokens: m.cache.min_tokens,
        // only OpenAI documents billing steps (128 tokens); a table says so, no default rounding
        increment: m.cache.increment ?? 1,
        has1h: m.cache.write_1h !== undefined,
        implicit: m.cache.style === 'automatic' && m.cache.implicit !== false,
        ...(m.cache.storage_per_hour !== undefined ? { storagePerHourPicoPerM: req(m.cache.storage_per_hour)! } : {}),
        lookbackBlocks: m.cache.lookback_blocks,
        maxBreakpoints: m.cache.max_breakpoints,
        overflowRpm: m.cache.overflow_rpm,
        retentionMs: m.cache.retention === undefined ? undefined : retentionMs(m.cache.retention),
        hasWrite: m.cache.style === 'automatic' && m.cache.write !== undefined,
      }
    : undefined;
  return {
    id,
    provider: m.provider,
    source: m.source,
    checked: m.checked,
    aliases: m.aliases ?? [],
    ...(m.context_window !== undefined ? { contextWindow: m.context_window } : {}),
    ...(cache ? { cache } : {}),
    ...(m.long_context ? { longContextThreshold: m.long_context.threshold } : {}),
    tiers: TIERS.filter((t) => prices[t] !== undefined),
    prices,
    ...(m.uplift ? { uplift: m.uplift } : {}),
    ...(m.fees ? { fees: feesOf(m.fees) } : {}),
  };
}

/** fees as the table gives them (USD per 1,000 calls) -> pico-USD per 1,000 calls */
function feesOf(f: NonNullable<ModelFile['fees']>): Partial<Record<FeeKind, bigint>> {
  const out: Partial<Record<FeeKind, bigint>> = {};
  if (f.web_search !== undefined) out.web_search = req(f.web_search);
  return out;
}

/** Every price of a model times num/den (a channel endpoint's uplift), rounded half-up per price. */
function scaleModel(m: ModelInfo, num: bigint, den: bigint): ModelInfo['prices'] {
  const out: ModelInfo['prices'] = {};
  for (const tier of m.tiers) {
    const t = m.prices[tier]!;
    const s = (c: ClassPrices): ClassPrices =>
      Object.fromEntries(TOKEN_CLASSES.map((k) => [k, scale(c[k], num, den)])) as ClassPrices;
    const base = s(t.base);
    out[tier] = { base, long: t.long === t.base ? base : s(t.long) };
  }
  return out;
}

/** The model as served through a channel: its endpoint's uplift applied when the table gives one. */
export function throughChannel(m: ModelInfo, channel: Channel | undefined): ModelInfo {
  if (!channel) return m;
  const key = upliftKey(channel);
  const uplift = key ? m.uplift?.[key] : undefined;
  if (uplift === undefined) return { ...m, channel };
  const r = parseRatio(uplift)!;
  const cache = m.cache?.storagePerHourPicoPerM
    ? { ...m.cache, storagePerHourPicoPerM: mulDiv(m.cache.storagePerHourPicoPerM, r.num, r.den) }
    : m.cache;
  return {
    ...m,
    ...(cache ? { cache } : {}),
    prices: scaleModel(m, r.num, r.den),
    channel: { ...channel, uplift },
  };
}

/** "bedrock regional +10%" (the uplift as a percent, exact to 0.01%). */
export function describeChannel(c: NonNullable<ModelInfo['channel']>): string {
  if (c.uplift === undefined) return channelLabel(c);
  const r = parseRatio(c.uplift)!;
  const bp = Number(mulDiv(r.num - r.den, 10_000n, r.den)) / 100;
  return `${channelLabel(c)} ${bp >= 0 ? '+' : ''}${bp}%`;
}

/** A PriceBook as plain data (models in table order; prices are bigints, which structured clone keeps). */
export interface BookData {
  version: string;
  effective: string;
  file: string;
  models: ModelInfo[];
}

export class PriceBook implements Pricing {
  readonly models = new Map<string, ModelInfo>();
  private readonly byName = new Map<string, ModelInfo>();
  /** raw name -> resolved model (channel applied), or null: ids repeat on every row of a log */
  private readonly memo = new Map<string, ModelInfo | null>();

  constructor(
    readonly version: string,
    readonly effective: string,
    readonly file: string,
    models: ModelInfo[],
  ) {
    for (const m of models) this.add(m);
  }

  /** Build from a validated table. Returns cross-field errors (located by path) instead of throwing. */
  static fromTable(
    t: PricingTableFile,
    file: string,
  ): { book: PriceBook; problems: { path: string[]; message: string; hint: string }[] } {
    const problems: { path: string[]; message: string; hint: string }[] = [];
    const providerFees = t.fees?.web_search ?? {};
    const models = Object.entries(t.models).map(([id, m]) => {
      const built = buildModel(id, m, (path, message, hint) => problems.push({ path, message, hint }));
      // the table's fee for the provider, unless the model gives its own (own keys only: a provider
      // may be named like an Object member)
      const webSearch = Object.hasOwn(providerFees, m.provider) ? providerFees[m.provider] : undefined;
      if (webSearch && built.fees?.web_search === undefined)
        built.fees = { ...built.fees, web_search: parseUsd(webSearch.price)! };
      return { ...built, pricedBy: { kind: 'table' as const, version: t.version } };
    });
    const book = new PriceBook(t.version, t.effective, file, []);
    for (const m of models) {
      for (const name of [m.id, ...m.aliases]) {
        const prev = book.byName.get(name.toLowerCase());
        if (prev)
          problems.push({
            path: ['models', m.id],
            message: `model name '${name}' is used by both '${prev.id}' and '${m.id}'`,
            hint: 'each id and alias must be unique',
          });
      }
      book.add(m);
    }
    return { book, problems };
  }

  private add(m: ModelInfo): void {
    this.models.set(m.id, m);
    for (const name of [m.id, ...m.aliases])
      if (!this.byName.has(name.toLowerCase())) this.byName.set(name.toLowerCase(), m);
  }

  /** The book as plain data (it crosses to worker threads): fromData() builds it again. */
  toData(): BookData {
    return { version: this.version, effective: this.effective, file: this.file, models: [...this.models.values()] };
  }

  static fromData(d: BookData): PriceBook {
    return new PriceBook(d.version, d.effective, d.file, d.models);
  }

  /** A copy with extra (synthetic) models, e.g. a self-hosted route priced per GPU-hour. */
  withModels(extra: ModelInfo[]): PriceBook {
    return new PriceBook(this.version, this.effective, this.file, [...this.models.values(), ...extra]);
  }

  /**
   * A model by id, alias, or a channel id wrapping one (bedrock/..., us.anthropic....-v1:0,
   * vertex_ai/...@date, azure/...): the channel's endpoint uplift applied when the table gives one.
   */
  tryResolve(name: string): ModelInfo | undefined {
    const key = name.trim().toLowerCase();
    const known = this.memo.get(key);
    if (known !== undefined) return known ?? undefined;
    let hit = this.byName.get(key);
    if (!hit) {
      for (const r of channelReadings(key)) {
        const base = this.byName.get(r.model);
        if (base) {
          hit = throughChannel(base, r.channel);
          break;
        }
      }
    }
    this.memo.set(key, hit ?? null);
    return hit;
  }

  periodOf(_atMs: number): number {
    return 0;
  }

  lookup(name: string): ModelInfo | undefined {
    return this.tryResolve(name);
  }

  tables(): { version: string; effective: string }[] {
    return [{ version: this.version, effective: this.effective }];
  }

  /** Resolve or throw UNKNOWN_MODEL with the nearest names: never price an unknown model at $0. */
  resolve(name: string, where?: string): ModelInfo {
    const m = this.tryResolve(name);
    if (m) return m;
    const reason = `model '${name}' is not in pricing table ${this.version}`;
    throw userError('UNKNOWN_MODEL', `${reason} (${this.file})`, {
      where: where ?? name,
      hint: suggestionHint(name, this.allNames(), '`llmcost pricing list` shows the known models'),
      data: { model: name, table: this.version, reason },
    });
  }

  allNames(): string[] {
    return [...this.models.values()].flatMap((m) => [m.id, ...m.aliases]);
  }

  nearNames(name: string): string[] {
    return didYouMean(name, this.allNames());
  }

  /** Distinct long-context thresholds, ascending: the ledger buckets input sizes by these. */
  thresholds(): number[] {
    return [
      ...new Set([...this.models.values()].flatMap((m) => (m.longContextThreshold ? [m.longContextThreshold] : []))),
    ].sort((a, b) => a - b);
  }

  price(m: ModelInfo, tier: Tier, band: Band, cls: TokenClass): bigint {
    return priceOf(m, tier, band, cls);
  }
}

/**
 * Price of one token class (pico-USD per 1M tokens). Classes a model lacks fall back as the
 * provider bills them: cached reads without a cache price are plain input; cache writes on an
 * automatic-cache or cache-less model are plain input (no write premium); reasoning tokens are
 * output and image tokens input unless the table prices them apart. A 1h write on a model without
 * a 1h price, or audio on a model without an audio price, is an error (never a silent $0 or text price).
 */
export function priceOf(m: ModelInfo, tier: Tier, band: Band, cls: TokenClass): bigint {
  const t = m.prices[tier];
  if (!t) {
    throw userError('UNKNOWN_MODEL', `model '${m.id}' has no '${tier}' service tier in ${pricedByText(m)}`, {
      where: m.id,
      hint: `tiers offered: ${m.tiers.join(', ')}; remove the tier or add its prices to the table`,
      data: { model: m.id },
    });
  }
  const c = t[band];
  const v = c[cls];
  if (v !== undefined) return v;
  if (cls === 'cacheRead' || cls === 'cacheWrite5m' || cls === 'imageInput') return c.input!;
  if (cls === 'reasoning') return c.output!;
  if (cls === 'cacheWrite1h') {
    // a storage-billed (Gemini) cache bills writes of any TTL as input
    if (!m.cache || m.cache.style === 'automatic' || m.cache.storagePerHourPicoPerM !== undefined) return c.input!;
    throw userError('UNKNOWN_MODEL', `model '${m.id}' has no 1-hour cache write price in ${pricedByText(m)}`, {
      where: m.id,
      hint: 'use ttl 5m for this model, or a pricing table in which the 1h TTL exists',
      data: { model: m.id },
    });
  }
  throw unpriced(m, cls === 'audioInput' ? 'audio input tokens' : 'audio output tokens');
}

/** An error naming the dimension a model has no price for (a request uses it: never priced at $0). */
export function unpriced(m: Pick<ModelInfo, 'id' | 'pricedBy'>, dimension: string): Error {
  return userError('UNPRICED_DIMENSION', `model '${m.id}' has no price for ${dimension} in ${pricedByText(m)}`, {
    where: m.id,
    hint: 'the vendor prices it apart or the model does not take it: add the price to a pricing table (docs/pricing-sources.md) or leave these requests out',
  });
}

/** Explicit-cache storage: pico-USD per 1M tokens per hour, or an error naming the dimension. */
export function storagePrice(m: ModelInfo): bigint {
  const p = m.cache?.storagePerHourPicoPerM;
  if (p === undefined) throw unpriced(m, 'cache storage (token-hours)');
  return p;
}

/** A per-call tool fee: pico-USD per 1,000 calls, or an error naming the dimension. */
export function feePrice(m: ModelInfo, kind: FeeKind): bigint {
  const p = m.fees?.[kind];
  if (p === undefined) throw unpriced(m, `${kind.replace('_', ' ')} calls`);
  return p;
}

/** "pricing table 2026-11-01" / "the catalog litellm-2026-08-01", for messages. */
export function pricedByText(m: Pick<ModelInfo, 'pricedBy'>): string {
  if (!m.pricedBy) return 'the pricing';
  return m.pricedBy.kind === 'catalog' ? `the catalog ${m.pricedBy.version}` : `pricing table ${m.pricedBy.version}`;
}
