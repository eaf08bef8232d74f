// One log record -> one SimRequest, or a reject with a reason. Pure: no I/O (token counting is
// passed in). Every check that can fail names the column and the value.
import { createHash } from 'node:crypto';
import { excerpt } from '../../diagnostics.js';
import { MAX_TOKENS_PER_REQUEST, newTags, type PrefixBlock, type SimRequest } from '../../engine/request.js';
import { TIERS, type Tier } from '../../pricing/pricebook.js';
import type { TokenCounter } from '../tokens.js';
import { CANONICAL_COLUMNS, type Column, compilePath, type Fields, type Getter, lookup, present } from './columns.js';
import type { RecentMap } from '../../shared/recent.js';
import { outOfRange, type TimestampRange } from './period.js';
import type { CacheConvention, Preset, TimestampUnit } from './preset.js';

export interface Reject {
  /** short, stable reason: counted per kind */
  kind: string;
  /** the detail shown with the location */
  detail: string;
}

export interface RowResult {
  req?: SimRequest;
  reject?: Reject;
  /** not a billed model call (a span, an event, a repeated transcript line): the reason, counted */
  skip?: string;
  costUsd?: number;
  /** a failed call charged nothing: it recorded no usage, or the usage it recorded was not billed */
  unbilled?: 'no usage' | 'usage dropped';
  /** text must be counted and the tokenizer for this model is not loaded: load it, call again */
  needsEncoder?: string;
  /** the row sends more input tokens than its model's context window: priced, and counted in a warning */
  overWindow?: { inputTokens: number; contextWindow: number };
  /**
   * the prefix_key column of a call that bills nothing (whose prefix is left empty: it reads and
   * writes no cache): a sample by prefix key keeps the call with its key's other calls, as the
   * column-based rule of docs/scale.md (and the CSV scan, which reads the column) does
   */
  unbilledPrefixKey?: string;
}

/** Bill dimensions a row may use that not every model prices (checked against the row's table). */
export type PricedDimension = 'audio input tokens' | 'audio output tokens' | 'cache storage' | 'web search calls';

export interface RowContext {
  preset: Preset;
  /** canonical column -> source fields (preset, overridden by --map) */
  columns: Partial<Record<Column, string[]>>;
  /** top-level source fields used by `columns` (the rest become tags) */
  used: Set<string>;
  /** `columns` compiled (gettersOf), by column number */
  getters: Getter[][];
  /** a record object's fields found in one pass (flatPlanOf); CSV rows read by index (csv) do without */
  flat: FlatPlan;
  /** CSV only: the header's layout (see csvLayout); JSONL rows use lookup() */
  csv?: CsvLayout;
  fallbackModel?: string;
  /** epoch ms of a row without a timestamp (--timestamp); else such a row is rejected */
  fallbackAtMs?: number;
  /**
   * model names as first read: a row's name is a fresh substring, and every later comparison of it
   * with a stored name (pricing, ledger cells, strategies' plans) would compare characters
   */
  models?: RecentMap<string>;
  /** false = no pricing table (nor the catalog) knows the model; atMs picks the table asked first */
  acceptModel?: (model: string, atMs: number) => boolean;
  /** e.g. "did you mean 'gpt-4o-mini'?" for a refused model */
  modelHint?: (model: string) => string | undefined;
  /** false = the model has no such service tier in the pricing table: reject the row */
  acceptTier?: (model: string, tier: Tier, atMs: number) => boolean;
  /** false = the model has no 1-hour cache write price in the pricing table: a row with 1-hour writes is rejected */
  accept1h?: (model: string, atMs: number) => boolean;
  /** timestamps outside it reject the row (undefined: no check, for relative-time traces) */
  timeRange?: TimestampRange;
  /**
   * the first of `dims` the model has no price for at the row's date (the row is rejected), and what
   * priced the model ('pricing table 2026-11-18', 'the catalog litellm-2026-08-01'); else undefined
   */
  unpriced?: (
    model: string,
    atMs: number,
    dims: PricedDimension[],
  ) => { dimension: PricedDimension; pricedBy: string } | undefined;
  /** the model's context window at the row's date, when the table gives one */
  contextWindow?: (model: string, atMs: number) => number | undefined;
  tokens: TokenCounter;
  /** `--map cache_tokens=inside|beside`: the user's word wins over the preset's */
  cacheTokens?: CacheConvention;
  /** keys of the records seen so far, for presets that de-duplicate (preset.dedupeKey) */
  seenKeys?: Set<string>;
  /** one-block prefixes (prefix_key, prefix_tokens) by key, shared by the rows that repeat them */
  prefixes?: Map<string, PrefixBlock[]>;
}

/**
 * The one-block prefix of a row's prefix_key and prefix_tokens: the same array for every row with
 * the same ones (strategies never change a request's prefix in place, and the request table shares
 * them too), so a log's few thousand prefixes are not built a million times, and later lookups of
 * the key meet a string whose hash is known.
 */
function systemPrefix(ctx: RowContext, key: string, tokens: number): PrefixBlock[] {
  const memo = ctx.prefixes;
  if (!memo) return [{ key, tokens, kind: 'system' }];
  const hit = memo.get(key);
  if (hit !== undefined && hit[0]!.tokens === tokens) return hit;
  if (memo.size >= PREFIXES_KEPT) memo.clear();
  const p: PrefixBlock[] = [{ key, tokens, kind: 'system' }];
  memo.set(key, p);
  return p;
}
const PREFIXES_KEPT = 65_536;

const rej = (kind: string, detail: string): RowResult => ({ reject: { kind, detail } });

/**
 * The value of a canonical column: the first of its source fields that is present. CSV rows are
 * read by column index (ctx.csv, built once from the header), so no per-row object is built.
 */
function pick(ctx: RowContext, f: Fields | undefined, values: string[] | undefined, off: number, col: number): unknown {
  if (values) {
    const idx = ctx.csv!.at[col];
    if (idx) {
      for (let k = 0; k < idx.length; k++) {
        const v = values[off + idx[k]!];
        if (present(v)) return v;
      }
    }
    return undefined;
  }
  const flat = ctx.flat;
  if (flat.of !== f) readFlat(flat, f!, ctx.used);
  if (flat.flat[col] === 1) return flat.values[col];
  const getters = ctx.getters[col]!;
  for (let k = 0; k < getters.length; k++) {
    const v = getters[k]!(f);
    if (present(v)) return v;
  }
  return undefined;
}

/** Each canonical column's candidate fields as compiled getters, by column number (for pick). */
export function gettersOf(columns: RowContext['columns']): Getter[][] {
  const memo = new Map<string, Getter>();
  return CANONICAL_COLUMNS.map((c) => (columns[c] ?? []).map((f) => compilePath(f, memo)));
}

/**
 * A record object's fields found in one pass over its own keys (for...in, which V8 runs from the
 * shape's cached key list): each column whose source fields are all top-level names gets its first
 * present one, and the fields no column or tag uses are kept for the tags, where pick() would ask for
 * each of the column's names in turn (~29 a row for the canonical layout, most of them absent: a keyed
 * lookup of a varying name is V8's slow, megamorphic kind) and the tags would take Object.entries.
 * A column with a dotted source field (usage.input_tokens) is read by its getters, as before. The
 * same answers: a column's value is its present source field of the lowest rank (its place in the
 * column's list), and the leftover fields come in the record's key order.
 */
export interface FlatPlan {
  /** source field -> [column, rank, column, rank, ...] of the columns read here it is a candidate of */
  byName: Map<string, number[]>;
  /** by column number: read here (1) or by its getters (0) */
  flat: Uint8Array;
  /** the record the fields below are of */
  of: object | undefined;
  /** by column number: the value found, and its rank (NOT_FOUND: none) */
  values: unknown[];
  ranks: Int32Array;
  /** the record's fields that are no source field (nor in `used`), in its key order: the tags' candidates */
  extraNames: string[];
  extraValues: unknown[];
  extras: number;
}
const NOT_FOUND = 0x7fffffff;

/** The flat plan of `columns` (see FlatPlan). */
export function flatPlanOf(columns: RowContext['columns']): FlatPlan {
  const byName = new Map<string, number[]>();
  const flat = new Uint8Array(CANONICAL_COLUMNS.length);
  for (let col = 0; col < CANONICAL_COLUMNS.length; col++) {
    const fields = columns[CANONICAL_COLUMNS[col]!] ?? [];
    if (fields.some((name) => name.includes('.'))) continue;
    flat[col] = 1;
    for (let rank = 0; rank < fields.length; rank++) {
      const name = fields[rank]!;
      let at = byName.get(name);
      if (!at) byName.set(name, (at = []));
      at.push(col, rank);
    }
  }
  return {
    byName,
    flat,
    of: undefined,
    values: new Array<unknown>(CANONICAL_COLUMNS.length).fill(undefined),
    ranks: new Int32Array(CANONICAL_COLUMNS.length),
    extraNames: [],
    extraValues: [],
    extras: 0,
  };
}

/** reads record f into the plan (see FlatPlan) */
function readFlat(plan: FlatPlan, f: Fields, used: Set<string>): void {
  plan.of = f;
  const { byName, values, ranks } = plan;
  values.fill(undefined);
  ranks.fill(NOT_FOUND);
  let extras = 0;
  for (const k in f) {
    const v = f[k];
    const at = byName.get(k);
    if (at === undefined) {
      if (!used.has(k)) {
        plan.extraNames[extras] = k;
        plan.extraValues[extras++] = v;
      }
      continue;
    }
    for (let i = 0; i < at.length; i += 2) {
      const col = at[i]!;
      if (at[i + 1]! < ranks[col]! && present(v)) {
        ranks[col] = at[i + 1]!;
        values[col] = v;
      }
    }
  }
  plan.extras = extras;
}

/** Canonical columns by number, for pick(): C.timestamp is CANONICAL_COLUMNS.indexOf('timestamp'). */
const C = Object.fromEntries(CANONICAL_COLUMNS.map((c, i) => [c, i])) as Record<Column, number>;

/** How a CSV header is read: each column's candidate field indices, and the other columns (tags). */
export interface CsvLayout {
  header: string[];
  /** by column number (C.x): indices of its candidate fields that the header has, in preference order */
  at: (number[] | undefined)[];
  /** header columns no canonical column uses: [name, index], in header order (they become tags) */
  extra: [string, number][];
  /** the preset's hooks read the record as an object: build one per row */
  needsObject: boolean;
}

/** For a CSV header (each name once: read.ts refuses repeats): where each column's candidate fields are. */
export function csvLayout(
  columns: RowContext['columns'],
  header: string[],
  used: Set<string>,
  preset: Preset,
): CsvLayout {
  const at = new Map<string, number>();
  header.forEach((h, i) => at.set(h, i));
  const index = CANONICAL_COLUMNS.map((col) => {
    const found = (columns[col] ?? []).filter((f) => at.has(f)).map((f) => at.get(f)!);
    return found.length ? found : undefined;
  });
  const extra = [...at].filter(([name]) => !used.has(name));
  return {
    header,
    at: index,
    extra,
    needsObject: hooksOnFields(preset),
  };
}

/**
 * Whether the preset's hooks read a record as an object (reshape it, skip or refuse it, name its
 * prefix, tags, cache counts or repeats from its fields): a CSV row is then built into one, and a
 * sample cannot decide on the row by its unit column alone (read.ts).
 */
export function hooksOnFields(preset: Preset): boolean {
  return !!(
    preset.prepare ||
    preset.skip ||
    preset.reject ||
    preset.prefix ||
    preset.tags ||
    preset.dedupeKey ||
    preset.cacheTokensOf
  );
}

function fieldsOf(values: string[], off: number, header: string[]): Fields {
  // header names are the user's (a column may be called __proto__): no prototype to collide with
  const f: Fields = Object.create(null);
  for (let i = 0; i < header.length; i++) f[header[i]!] = values[off + i];
  return f;
}

/** Integer token count: undefined when absent, a Reject when bad. */
export function parseCount(v: unknown, col: string): number | Reject | undefined {
  if (!present(v)) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v.trim()) : NaN;
  if (Number.isInteger(n) && n >= 0 && n <= MAX_TOKENS_PER_REQUEST && typeof v !== 'boolean') return n;
  const shown = typeof v === 'string' ? `'${excerpt(v)}'` : excerpt(v);
  if (typeof v === 'boolean' || Number.isNaN(n))
    return { kind: `${col} not a number`, detail: `${col} ${shown} is not a number` };
  if (!Number.isFinite(n)) return { kind: `${col} not a number`, detail: `${col} ${shown} is not finite` };
  if (n < 0) return { kind: `${col} negative`, detail: `${col} ${shown} is negative` };
  if (!Number.isInteger(n))
    return { kind: `${col} not an integer`, detail: `${col} ${shown} is not a whole number of tokens` };
  return {
    kind: `${col} too large`,
    detail: `${col} ${shown} exceeds ${MAX_TOKENS_PER_REQUEST.toLocaleString('en-US')} tokens for one request`,
  };
}

const isReject = (x: unknown): x is Reject => typeof x === 'object' && x !== null && 'kind' in x;

/** days from 1970-01-01 to y-m-d (proleptic Gregorian; H. Hinnant's days_from_civil) */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  return era * 146_097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719_468;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** the decimal number v[from..to) (at most 4 digits), or -1 when a character is not a digit */
function digits(v: string, from: number, to: number): number {
  let x = 0;
  for (let i = from; i < to; i++) {
    const c = v.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    x = x * 10 + c;
  }
  return x;
}

/** epoch ms of exactly YYYY-MM-DDTHH:MM:SSZ or YYYY-MM-DDTHH:MM:SS.sssZ (a real date and time), else undefined */
export function isoUtcMs(v: string): number | undefined {
  const n = v.length;
  if (
    (n !== 20 && n !== 24) ||
    v.charCodeAt(n - 1) !== 90 ||
    v.charCodeAt(4) !== 45 ||
    v.charCodeAt(7) !== 45 ||
    v.charCodeAt(10) !== 84 ||
    v.charCodeAt(13) !== 58 ||
    v.charCodeAt(16) !== 58
  )
    return undefined;
  if (n === 24 && v.charCodeAt(19) !== 46) return undefined;
  const y = digits(v, 0, 4),
    mo = digits(v, 5, 7),
    d = digits(v, 8, 10),
    h = digits(v, 11, 13),
    mi = digits(v, 14, 16),
    s = digits(v, 17, 19);
  const ms = n === 24 ? digits(v, 20, 23) : 0;
  if ((y | mo | d | h | mi | s | ms) < 0 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!)) return undefined;
  return daysFromCivil(y, mo, d) * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + ms;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|z|UTC|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * Timestamps: ISO 8601 with or without a zone (no zone = UTC), date only, "YYYY-MM-DD HH:MM:SS.fff"
 * (Azure traces, any number of fraction digits); or a number. Numbers with unit 'auto' are decided
 * by magnitude: < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds (OTLP).
 * Returns epoch ms (fractions rounded), or undefined when unparseable.
 */
export function parseTimestamp(v: unknown, unit: TimestampUnit = 'auto'): number | undefined {
  let num: number | undefined;
  if (typeof v === 'number') num = v;
  else if (typeof v === 'string') {
    // Fast path for the common export shape 2026-11-01T12:00:00Z / ...00.123Z; anything else
    // (and anything this refuses) takes the full parse below.
    const fast = isoUtcMs(v);
    if (fast !== undefined) return fast;
    const s = v.trim();
    if (/^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(s)) num = Number(s);
    else {
      const m = ISO.exec(s);
      if (!m) return undefined;
      const [, y, mo, d, h = '0', mi = '0', sec = '0', frac = '', zone] = m;
      const Y = Number(y),
        M = Number(mo),
        D = Number(d),
        H = Number(h),
        MI = Number(mi),
        S = Number(sec);
      if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || MI > 59 || S > 60) return undefined;
      let ms = Date.UTC(Y, M - 1, D, H, MI, S) + (frac ? Math.round(Number(`0.${frac}`) * 1000) : 0);
      if (new Date(Date.UTC(Y, M - 1, D)).getUTCDate() !== D) return undefined; // 2024-02-30
      if (zone && zone !== 'Z' && zone !== 'z' && zone !== 'UTC') {
        const zm = /^([+-])(\d{2}):?(\d{2})?$/.exec(zone)!;
        const off = (Number(zm[2]) * 60 + Number(zm[3] ?? '0')) * 60_000;
        ms -= zm[1] === '+' ? off : -off;
      }
      return ms;
    }
  }
  if (num === undefined || !Number.isFinite(num) || num < 0) return undefined;
  const a = Math.abs(num);
  const u = unit !== 'auto' ? unit : a < 1e11 ? 's' : a < 1e14 ? 'ms' : a < 1e17 ? 'us' : 'ns';
  const ms = u === 's' ? num * 1000 : u === 'ms' ? num : u === 'us' ? num / 1000 : num / 1e6;
  return Math.round(ms);
}

const OK = new Set([
  'ok',
  'success',
  'succeeded',
  'successful',
  'completed',
  'complete',
  'true',
  'default',
  'debug',
  'info',
  'warning',
]);
const ERR = new Set([
  'error',
  'failed',
  'failure',
  'fail',
  'cancelled',
  'canceled',
  'expired',
  'timeout',
  'timed_out',
  'false',
  'rate_limited',
]);

/**
 * A failed call the provider refused before doing any work, so nothing is billed: an HTTP 4xx or
 * 5xx other than 408/499 (a timeout or a client that hung up may come after generation, which is
 * billed), a rate limit, an expired batch request. See docs/logs.md#failed-requests for each
 * provider's rule and its source.
 */
export function refusedBeforeWork(v: unknown): boolean {
  const s = String(v).trim().toLowerCase();
  if (/^\d{3}$/.test(s)) {
    const code = Number(s);
    return code >= 400 && code !== 408 && code !== 499;
  }
  return s === 'rate_limited' || s === 'expired';
}

export function parseStatus(v: unknown): 'ok' | 'error' | undefined {
  // the words canonical logs write, without trimming or lower-casing a copy
  if (v === 'ok') return 'ok';
  if (v === 'error') return 'error';
  if (!present(v)) return 'ok';
  const s = String(v).trim().toLowerCase();
  if (OK.has(s)) return 'ok';
  if (ERR.has(s)) return 'error';
  if (/^\d{3}$/.test(s)) {
    const code = Number(s);
    if (code >= 200 && code < 300) return 'ok';
    if (code >= 400) return 'error';
  }
  return undefined;
}

function parseBool(v: unknown): boolean | undefined {
  if (!present(v)) return false;
  const s = String(v).trim().toLowerCase();
  if (['true', '1', 'yes', 'y'].includes(s)) return true;
  if (['false', '0', 'no', 'n'].includes(s)) return false;
  return undefined;
}

/**
 * service_tier as logs write it -> the table's tier. OpenAI: default/auto = standard; Scale Tier
 * (prepaid capacity) is priced at the list (standard) price; Priority processing was renamed Fast
 * mode on 2026-07-30 and GPT-6 responses say "fast" (= priority). Bedrock: on_demand = standard.
 */
const TIER_ALIASES: Record<string, Tier> = {
  default: 'standard',
  auto: 'standard',
  on_demand: 'standard',
  scale: 'standard',
  fast: 'priority',
};

export function parseTier(v: unknown, dflt: Tier): Tier | undefined {
  if (!present(v)) return dflt;
  const s = String(v).trim().toLowerCase();
  const alias = TIER_ALIASES[s];
  if (alias) return alias;
  return (TIERS as readonly string[]).includes(s) ? (s as Tier) : undefined;
}

/** Text of a prompt/completion field: a string, or the contents of a message list. */
export function textOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(textOf).join('\n');
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('content' in o) return textOf(o.content);
    if ('text' in o) return textOf(o.text);
    if ('messages' in o) return textOf(o.messages);
    if ('choices' in o) return textOf(o.choices);
    if ('message' in o) return textOf(o.message);
    return JSON.stringify(v);
  }
  return v === undefined || v === null ? '' : String(v);
}

/**
 * A prompt or completion that is really there: not absent, and not an empty JSON container. LiteLLM
 * writes "messages": "{}" when prompts are not stored; hashing that would make every row the same prompt.
 */
function promptOf(v: unknown): unknown {
  if (!present(v)) return undefined;
  if (typeof v === 'string') {
    const t = v.trim();
    return t === '{}' || t === '[]' || t === '""' || t === 'null' ? undefined : v;
  }
  if (Array.isArray(v)) return v.length ? v : undefined;
  if (typeof v === 'object') return Object.keys(v as object).length ? v : undefined;
  return v;
}

const str = (v: unknown): string | undefined =>
  present(v) ? (typeof v === 'string' ? v.trim() : typeof v === 'object' ? JSON.stringify(v) : String(v)) : undefined;

/** canonical columns kept as tags, and their tag names */
const TAG_COLUMNS = [
  [C.tenant, 'tenant'],
  [C.feature, 'feature'],
  [C.route, 'route'],
  [C.prompt_version, 'promptVersion'],
] as const;

/**
 * The tags a row gets from its canonical columns (each a --by dimension of its own) and the prompt
 * hash: the rest of a request's tags are the log's own fields.
 */
export const ROW_TAGS: ReadonlySet<string> = new Set([...TAG_COLUMNS.map(([, tag]) => tag), 'promptHash']);

/** A row's request id: its request_id column, else line-N (its line in the log). */
function rowId(
  ctx: RowContext,
  f: Fields | undefined,
  values: string[] | undefined,
  off: number,
  line: number,
): string {
  return str(pick(ctx, f, values, off, C.request_id)) ?? `line-${line}`;
}

/**
 * The sample unit the row's request would carry (traffic/sample.ts unitKey), read before the row is
 * turned into one: the unit column as toRequest reads it (the first present candidate, trimmed),
 * else its request id, else line-N. Only for a row read as it is (a CSV row by index, a record
 * whose preset has no hook that reshapes, skips or names its prefix): readLog asks it so a row
 * outside a sample is counted without being built.
 */
export function sampleUnitOf(src: Fields | string[], line: number, ctx: RowContext, off: number, unit: Column): string {
  const values = Array.isArray(src) ? src : undefined;
  const f = values ? undefined : (src as Fields);
  return str(pick(ctx, f, values, off, C[unit])) ?? rowId(ctx, f, values, off, line);
}

/**
 * One record -> a request or a reject. `src` is a JSONL object, or CSV values (read via ctx.csv):
 * the row's are src[off], src[off + 1], ... (a batch from the reader thread is one array).
 */
export function toRequest(src: Fields | string[], line: number, ctx: RowContext, off = 0): RowResult {
  const { preset } = ctx;
  // A CSV row is read by index, unless the preset's hooks need it as an object (then it is one, as JSONL is).
  const csvRow = Array.isArray(src);
  const values = csvRow && !ctx.csv!.needsObject ? src : undefined;
  const fields = values ? undefined : csvRow ? fieldsOf(src, off, ctx.csv!.header) : src;
  const f = fields && preset.prepare ? preset.prepare(fields) : fields;
  const skip = f && preset.skip?.(f);
  if (skip) return { skip };
  const refused = f && preset.reject?.(f);
  if (refused) return { reject: refused };

  // status first: a failed call may lack usage (and a model), and is then counted, not rejected
  const stRaw = pick(ctx, f, values, off, C.status);
  const status = (present(stRaw) ? preset.status?.(stRaw) : undefined) ?? parseStatus(stRaw);
  if (!status)
    return rej('status unknown', `status '${excerpt(stRaw)}' is not ok/success/error/failed or an HTTP code`);
  const inRaw = pick(ctx, f, values, off, C.input_tokens);
  const outRaw = pick(ctx, f, values, off, C.output_tokens);
  const noUsage = !present(inRaw) && !present(outRaw);

  // model
  let model = str(pick(ctx, f, values, off, C.model)) ?? ctx.fallbackModel;
  if (!model) {
    if (status === 'error' && noUsage) return { skip: 'failed call without model or usage (not billed)' };
    return rej('model missing', 'no model in the row and no --model given');
  }
  if (preset.model) model = preset.model(model);
  if (ctx.models) model = ctx.models.get(model);

  // timestamp (before the model check: it says which pricing table is in force for the row)
  const tsRaw = pick(ctx, f, values, off, C.timestamp);
  const given = present(tsRaw);
  if (!given && ctx.fallbackAtMs === undefined) return rej('timestamp missing', 'timestamp is empty');
  const atMs = given ? parseTimestamp(tsRaw, preset.timestampUnit ?? 'auto') : ctx.fallbackAtMs;
  if (atMs === undefined)
    return rej('timestamp unparseable', `timestamp '${excerpt(tsRaw)}' is not ISO 8601 or epoch seconds/milliseconds`);
  if (ctx.timeRange && (atMs < ctx.timeRange.fromMs || atMs >= ctx.timeRange.untilMs))
    return rej(
      'timestamp out of range',
      `timestamp ${given ? `'${excerpt(tsRaw)}'` : '(--timestamp)'} ${outOfRange(atMs, ctx.timeRange)}`,
    );

  if (ctx.acceptModel && !ctx.acceptModel(model, atMs)) {
    const hint = ctx.modelHint?.(model);
    return rej(
      `unknown model '${excerpt(model)}'`,
      `model '${excerpt(model)}' is in no pricing table${hint ? ` (${hint})` : ''}`,
    );
  }
  // records that repeat one API call (after the checks above: a repeat of a rejected record is not a repeat)
  if (preset.dedupeKey && f && ctx.seenKeys) {
    const key = preset.dedupeKey(f);
    if (key !== undefined) {
      if (ctx.seenKeys.has(key)) return { skip: 'repeats an earlier record of the same API call' };
      ctx.seenKeys.add(key);
    }
  }

  // token counts (text columns are counted only when the counts are absent; a failed call without usage has none)
  const failedWithoutUsage = status === 'error' && noUsage;
  let input = failedWithoutUsage ? 0 : parseCount(inRaw, 'input_tokens');
  if (isReject(input)) return { reject: input };
  if (input === undefined) {
    const p = promptOf(pick(ctx, f, values, off, C.prompt));
    if (p !== undefined) {
      input = ctx.tokens.countSync(textOf(p), model);
      if (input === undefined) return { needsEncoder: model };
    }
  }
  if (input === undefined) return rej('input_tokens missing', 'input_tokens is empty (and no prompt text to count)');
  let output = failedWithoutUsage ? 0 : parseCount(outRaw, 'output_tokens');
  if (isReject(output)) return { reject: output };
  if (output === undefined) {
    const c = promptOf(pick(ctx, f, values, off, C.completion));
    if (c !== undefined) {
      output = ctx.tokens.countSync(textOf(c), model);
      if (output === undefined) return { needsEncoder: model };
    }
  }
  if (output === undefined)
    return rej('output_tokens missing', 'output_tokens is empty (and no completion text to count)');
  const cached = parseCount(pick(ctx, f, values, off, C.cached_input_tokens), 'cached_input_tokens') ?? 0;
  if (isReject(cached)) return { reject: cached };
  const writes = cacheWrites(ctx, f, values, off);
  if (isReject(writes)) return { reject: writes };
  const { write, write1h } = writes;
  if (write1h > 0 && ctx.accept1h && !ctx.accept1h(model, atMs))
    return rej(
      'no 1-hour cache write price',
      `model '${model}' has no 1-hour cache write price in the pricing table, and the row has ${write1h} 1-hour cache write tokens (a table from before the 1-hour TTL? try --as-of the row's date)`,
    );
  const media = mediaCounts(ctx, f, values, off);
  if (isReject(media)) return { reject: media };
  const reasoning = parseCount(pick(ctx, f, values, off, C.reasoning_tokens), 'reasoning_tokens');
  if (isReject(reasoning)) return { reject: reasoning };
  if (reasoning !== undefined && preset.reasoningTokens === 'beside') output += reasoning;
  if (preset.mediaTokens === 'beside') {
    input += media.audioIn + media.imageIn;
    output += media.audioOut;
  }
  if ((reasoning ?? 0) + media.audioOut > output)
    return rej(
      reasoning !== undefined && reasoning > output ? 'reasoning > output' : 'audio output > output',
      `reasoning_tokens + audio_output_tokens (${reasoning ?? 0} + ${media.audioOut}) exceed output_tokens (${output}); output_tokens must include reasoning and audio tokens`,
    );
  const convention =
    ctx.cacheTokens ?? (f && preset.cacheTokensOf?.(f, { input, cached, write })) ?? preset.cacheTokens;
  if (convention === 'beside') input += cached + write;
  else if (cached + write > input) {
    return rej(
      'cached > input',
      `cached_input_tokens + cache_write_tokens (${cached} + ${write}) exceed input_tokens (${input}); input_tokens must include cached tokens (OpenAI style), or say --map cache_tokens=beside`,
    );
  }
  if (media.audioIn + media.imageIn > input - cached - write)
    return rej(
      'audio/image > input',
      `audio_input_tokens + image_input_tokens (${media.audioIn} + ${media.imageIn}) exceed the uncached input tokens (${input - cached - write}); input_tokens must include them`,
    );
  const storageRaw = pick(ctx, f, values, off, C.cache_storage_token_hours);
  let storageTokenSeconds = 0;
  if (present(storageRaw)) {
    const h = typeof storageRaw === 'number' ? storageRaw : Number(String(storageRaw).trim());
    if (!Number.isFinite(h) || h < 0 || typeof storageRaw === 'boolean')
      return rej(
        'cache_storage_token_hours not a number',
        `cache_storage_token_hours '${excerpt(storageRaw)}' is not a non-negative number of token-hours`,
      );
    // token-seconds (whole): the ledger's unit, exact sums
    storageTokenSeconds = Math.round(h * 3600);
  }
  const webSearch = parseCount(pick(ctx, f, values, off, C.web_search_calls), 'web_search_calls') ?? 0;
  if (isReject(webSearch)) return { reject: webSearch };
  if (ctx.unpriced && (media.audioIn || media.audioOut || storageTokenSeconds || webSearch)) {
    const dims: PricedDimension[] = [];
    if (media.audioIn) dims.push('audio input tokens');
    if (media.audioOut) dims.push('audio output tokens');
    if (storageTokenSeconds) dims.push('cache storage');
    if (webSearch) dims.push('web search calls');
    const gap = ctx.unpriced(model, atMs, dims);
    if (gap) {
      const missing = gap.dimension;
      return rej(
        `no price for ${missing}`,
        `model '${model}' has no price for ${missing} in ${gap.pricedBy}, and the row has ${missing === 'cache storage' ? `${excerpt(storageRaw)} token-hours` : String(missing === 'web search calls' ? webSearch : missing === 'audio input tokens' ? media.audioIn : media.audioOut)} of them (never priced as $0 or as text: add the price to a pricing table, or leave these rows out)`,
      );
    }
  }
  if (input > MAX_TOKENS_PER_REQUEST)
    return rej(
      'input_tokens too large',
      `input_tokens ${input} exceeds ${MAX_TOKENS_PER_REQUEST} tokens for one request`,
    );

  // tier, flags
  const tier = parseTier(pick(ctx, f, values, off, C.service_tier), preset.serviceTier ?? 'standard');
  if (!tier)
    return rej(
      'service_tier unknown',
      `service_tier '${excerpt(pick(ctx, f, values, off, C.service_tier))}' is not one of ${TIERS.join(', ')} (or default, auto, scale, fast, on_demand)`,
    );
  if (ctx.acceptTier && !ctx.acceptTier(model, tier, atMs))
    return rej(
      `service tier '${tier}' not offered`,
      `model '${excerpt(model)}' has no '${tier}' service tier in the pricing table`,
    );
  const batchableRaw = pick(ctx, f, values, off, C.batchable);
  const batchable = parseBool(batchableRaw);
  if (batchable === undefined)
    return rej('batchable not a boolean', `batchable '${excerpt(batchableRaw)}' is not true/false`);

  let costUsd: number | undefined;
  const costRaw = pick(ctx, f, values, off, C.cost_usd);
  if (present(costRaw)) {
    const c = typeof costRaw === 'number' ? costRaw : Number(String(costRaw).trim().replace(/^\$/, ''));
    if (!Number.isFinite(c) || c < 0)
      return rej('cost_usd not a number', `cost_usd '${excerpt(costRaw)}' is not a non-negative number`);
    costUsd = c;
  }

  // What a failed call is billed (docs/logs.md#failed-requests): the log's own cost decides when it
  // has one (0 = not billed); else nothing for a call refused before any work (429, 5xx, ...) or
  // one without usage; else the usage it recorded (a timeout or a cancel after generation).
  let unbilled: RowResult['unbilled'];
  if (status === 'error') {
    if (input + output === 0) unbilled = 'no usage';
    else if (costUsd !== undefined ? costUsd === 0 : refusedBeforeWork(stRaw)) unbilled = 'usage dropped';
  }
  const billed = unbilled === undefined;

  // prefix blocks
  let prefix: PrefixBlock[] = [];
  let unbilledPrefixKey: string | undefined;
  if (!billed) {
    // a call that bills nothing reads and writes no cache either (its key still names its sample unit)
    if (!preset.prefix) unbilledPrefixKey = str(pick(ctx, f, values, off, C.prefix_key));
  } else if (preset.prefix && f) {
    const p = preset.prefix(f, input);
    if (typeof p === 'string') return rej('prefix invalid', p);
    prefix = p;
  } else {
    const key = str(pick(ctx, f, values, off, C.prefix_key));
    if (key) {
      const pt = parseCount(pick(ctx, f, values, off, C.prefix_tokens), 'prefix_tokens');
      if (isReject(pt)) return { reject: pt };
      if (pt === undefined) return rej('prefix_tokens missing', `prefix_key '${excerpt(key)}' has no prefix_tokens`);
      if (pt > input) return rej('prefix_tokens > input', `prefix_tokens (${pt}) exceed input_tokens (${input})`);
      prefix = systemPrefix(ctx, key, pt);
    }
  }

  const tags = newTags();
  for (let k = 0; k < TAG_COLUMNS.length; k++) {
    const [col, tag] = TAG_COLUMNS[k]!;
    const v = str(pick(ctx, f, values, off, col));
    if (v !== undefined) tags[tag] = v;
  }
  if (f)
    for (const [tag, fieldsFor] of Object.entries(preset.tags ?? {})) {
      for (const field of fieldsFor) {
        const v = str(lookup(f, field));
        if (v !== undefined) {
          tags[tag] ??= v;
          break;
        }
      }
    }
  // The prompt text itself is not kept (memory); a hash of it is, so response-cache can key
  // exact repeats on real logs (tags.promptHash).
  const promptText = promptOf(pick(ctx, f, values, off, C.prompt));
  if (promptText !== undefined && tags.promptHash === undefined) {
    tags.promptHash = createHash('sha1')
      .update(`${model}\u0000${textOf(promptText).trim()}`)
      .digest('hex')
      .slice(0, 16);
  }
  // Any other top-level scalar field is a tag too, so --by can use it.
  if (values) {
    const extra = ctx.csv!.extra;
    for (let k = 0; k < extra.length; k++) {
      const [name, i] = extra[k]!;
      const v = values[off + i]!;
      if (v.length <= 100 && !(name in tags) && v.trim() !== '') tags[name] = v.trim();
    }
  } else {
    const flat = ctx.flat;
    if (flat.of !== f) readFlat(flat, f!, ctx.used);
    for (let i = 0; i < flat.extras; i++) {
      const k = flat.extraNames[i]!;
      const v = flat.extraValues[i];
      if (k in tags) continue;
      if (
        (typeof v === 'string' && v.length <= 100 && v.trim() !== '') ||
        typeof v === 'number' ||
        typeof v === 'boolean'
      )
        tags[k] = String(v).trim();
    }
  }

  const id = rowId(ctx, f, values, off, line);
  const retryOf = str(pick(ctx, f, values, off, C.retry_of));
  const conv = str(pick(ctx, f, values, off, C.conversation_id));
  const counts: SimRequest['cached'] =
    billed && (cached + write > 0 || storageTokenSeconds > 0)
      ? storageTokenSeconds > 0
        ? { read: cached, write5m: write - write1h, write1h, storageTokenSeconds }
        : { read: cached, write5m: write - write1h, write1h }
      : undefined;
  // every field, in makeRequest's order (one hidden class for all requests: see engine/request.ts)
  const req: SimRequest = {
    id,
    atMs,
    model,
    serviceTier: tier,
    inputTokens: billed ? input : 0,
    outputTokens: billed ? output : 0,
    reasoningTokens: billed ? reasoning : undefined,
    audioInputTokens: (billed && media.audioIn) || undefined,
    audioOutputTokens: (billed && media.audioOut) || undefined,
    imageInputTokens: (billed && media.imageIn) || undefined,
    webSearchCalls: (billed && webSearch) || undefined,
    historyTokens: 0,
    prefix,
    cached: counts,
    reported: counts,
    batchable,
    status,
    retryOf: retryOf || undefined,
    conversationId: conv || undefined,
    tags,
    quality: undefined,
    answers: undefined,
    line,
  };
  preset.finish?.(req);
  const contextWindow = ctx.contextWindow?.(model, atMs);
  if (billed && contextWindow !== undefined && input > contextWindow)
    return { req, costUsd, unbilled, overWindow: { inputTokens: input, contextWindow }, unbilledPrefixKey };
  return { req, costUsd, unbilled, unbilledPrefixKey };
}

/** a row without cache write columns, or without audio and image counts (shared: read, never changed) */
const NO_WRITES: Readonly<{ write: number; write1h: number }> = Object.freeze({ write: 0, write1h: 0 });
const NO_MEDIA: Readonly<{ audioIn: number; imageIn: number; audioOut: number }> = Object.freeze({
  audioIn: 0,
  imageIn: 0,
  audioOut: 0,
});

/**
 * Cache writes and their 1-hour part. Inside (the default): cache_write_tokens counts every TTL, the
 * 1h and 5m columns split it (absent total: their sum). Beside (Langfuse): the columns are exclusive,
 * the flat one without a TTL (priced as 5-minute writes).
 */
function cacheWrites(
  ctx: RowContext,
  f: Fields | undefined,
  values: string[] | undefined,
  off: number,
): { write: number; write1h: number } | Reject {
  const all = parseCount(pick(ctx, f, values, off, C.cache_write_tokens), 'cache_write_tokens');
  if (isReject(all)) return all;
  const w1 = parseCount(pick(ctx, f, values, off, C.cache_write_1h_tokens), 'cache_write_1h_tokens');
  if (isReject(w1)) return w1;
  const w5 = parseCount(pick(ctx, f, values, off, C.cache_write_5m_tokens), 'cache_write_5m_tokens');
  if (isReject(w5)) return w5;
  if (all === undefined && w1 === undefined && w5 === undefined) return NO_WRITES;
  if (ctx.preset.cacheWriteParts === 'beside') return { write: (all ?? 0) + (w5 ?? 0) + (w1 ?? 0), write1h: w1 ?? 0 };
  const write = all ?? (w5 ?? 0) + (w1 ?? 0);
  const write1h = w1 ?? (w5 !== undefined ? write - w5 : 0);
  if (write1h > write || write1h < 0 || (w5 ?? 0) + write1h > write)
    return {
      kind: w1 !== undefined ? 'cache_write_1h > cache_write' : 'cache_write_5m > cache_write',
      detail: `cache_write_1h_tokens + cache_write_5m_tokens (${w1 ?? '-'} + ${w5 ?? '-'}) exceed cache_write_tokens (${write}); cache_write_tokens counts writes of every TTL`,
    };
  return { write, write1h };
}

/** Audio and image token counts (0 when absent). */
function mediaCounts(
  ctx: RowContext,
  f: Fields | undefined,
  values: string[] | undefined,
  off: number,
): { audioIn: number; imageIn: number; audioOut: number } | Reject {
  const audioIn = parseCount(pick(ctx, f, values, off, C.audio_input_tokens), 'audio_input_tokens') ?? 0;
  if (isReject(audioIn)) return audioIn;
  const imageIn = parseCount(pick(ctx, f, values, off, C.image_input_tokens), 'image_input_tokens') ?? 0;
  if (isReject(imageIn)) return imageIn;
  const audioOut = parseCount(pick(ctx, f, values, off, C.audio_output_tokens), 'audio_output_tokens') ?? 0;
  if (isReject(audioOut)) return audioOut;
  if (audioIn === 0 && imageIn === 0 && audioOut === 0) return NO_MEDIA;
  return { audioIn, imageIn, audioOut };
}
