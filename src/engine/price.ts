// Apply money to ledger quantities, exactly (BigInt atto-USD), once, at the end.
import {
  describeChannel,
  feePrice,
  type ModelInfo,
  type Pricing,
  storagePrice,
  type TokenClass,
} from '../pricing/pricebook.js';
import { mulDiv } from '../pricing/money.js';
import { type CellKey, type Cells, parseCellKey, Q } from './ledger.js';

/**
 * Money per bill dimension (atto-USD). cacheWrite = 5-minute writes and automatic caches' write
 * premium; cacheWrite1h = 1-hour writes; audio = audio input and output tokens; image = image input
 * tokens priced apart; storage = explicit-cache storage (token-hours); fees = per-call tool fees.
 */
export interface Breakdown {
  input: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  cacheWrite1h: bigint;
  output: bigint;
  reasoning: bigint;
  audio: bigint;
  image: bigint;
  storage: bigint;
  fees: bigint;
  fixed: bigint;
}
export const BREAKDOWN_KEYS = [
  'input',
  'cacheRead',
  'cacheWrite',
  'cacheWrite1h',
  'output',
  'reasoning',
  'audio',
  'image',
  'storage',
  'fees',
  'fixed',
] as const;
/** the classes every report shows; the others are shown where a stage has any (reports from before them stay as they were) */
export const CORE_BREAKDOWN_KEYS: readonly (keyof Breakdown)[] = [
  'input',
  'cacheRead',
  'cacheWrite',
  'output',
  'storage',
  'fixed',
];

export function zeroBreakdown(): Breakdown {
  return Object.fromEntries(BREAKDOWN_KEYS.map((k) => [k, 0n])) as unknown as Breakdown;
}
export function sumBreakdown(b: Breakdown): bigint {
  let s = 0n;
  for (const k of BREAKDOWN_KEYS) s += b[k];
  return s;
}

/** The priced token classes: the class, its ledger column, the breakdown line it adds to. */
export const CLASS_COLUMNS: [TokenClass, number, keyof Breakdown][] = [
  ['input', Q.input, 'input'],
  ['cacheRead', Q.cacheRead, 'cacheRead'],
  ['cacheWrite5m', Q.cacheWrite5m, 'cacheWrite'],
  ['cacheWrite1h', Q.cacheWrite1h, 'cacheWrite1h'],
  ['output', Q.output, 'output'],
  ['reasoning', Q.reasoning, 'reasoning'],
  ['audioInput', Q.audioInput, 'audio'],
  ['audioOutput', Q.audioOutput, 'audio'],
  ['imageInput', Q.imageInput, 'image'],
];

const SECONDS_PER_HOUR = 3600n;

function quantity(qty: number, what: string, model: string): bigint {
  if (qty < 0 || !Number.isInteger(qty))
    throw new Error(`internal: ledger ${what} quantity ${qty} for ${model} is not a non-negative integer`);
  return BigInt(qty);
}

/** storage: token-seconds x pico-USD per 1M token-hours = atto-USD x 3600, rounded once per cell */
function storageCost(c: Float64Array, m: ModelInfo): bigint {
  return mulDiv(quantity(c[Q.storage]!, 'storage', m.id) * storagePrice(m), 1n, SECONDS_PER_HOUR);
}

/** fees: calls x pico-USD per 1,000 calls = atto-USD / 1,000 (pico x 1e6 / 1e3: exact) */
function feesCost(c: Float64Array, m: ModelInfo): bigint {
  return quantity(c[Q.webSearch]!, 'web search', m.id) * feePrice(m, 'web_search') * 1000n;
}

/** The dimensions of one cell not priced per token: explicit-cache storage and per-call fees (atto-USD). */
export function extrasCost(c: Float64Array, m: ModelInfo): bigint {
  return (c[Q.storage]! > 0 ? storageCost(c, m) : 0n) + (c[Q.webSearch]! > 0 ? feesCost(c, m) : 0n);
}

/** Who priced a set of requests: a table version or the catalog. */
export interface PricedBy {
  kind: 'table' | 'catalog' | 'synthetic';
  version: string;
  calls: number;
  atto: bigint;
}

/** One row of the per-model figures: a model through one channel. */
export interface ModelLine {
  model: string;
  /** "bedrock regional +10%", or null for the vendor's own API */
  channel: string | null;
  /** table versions (and/or the catalog) that priced it, ascending */
  pricedBy: string[];
  atto: bigint;
}

export interface Priced {
  breakdown: Breakdown;
  total: bigint;
  /** per model line: key = model + channel (see modelLineKey) */
  byModel: Map<string, ModelLine>;
  /** per table version / catalog that priced the cells, keyed by kind + version */
  byTable: Map<string, PricedBy>;
}

export function modelLineKey(m: Pick<ModelInfo, 'id' | 'channel'>): string {
  return m.channel ? `${m.id} (${describeChannel(m.channel)})` : m.id;
}

/** A bucket's price band for a model: long when the bucket's lower bound is at or past the model's own threshold. */
export function bandOf(m: ModelInfo, bucket: number, thresholds: number[]): 'long' | 'base' {
  const lower = bucket > 0 ? thresholds[bucket - 1]! : -1;
  return m.longContextThreshold !== undefined && lower >= m.longContextThreshold ? 'long' : 'base';
}

/** What prices a cell: its key's model (as the request named it), resolved model, tier and band. */
interface CellPrice {
  model: string;
  m: ModelInfo;
  tier: CellKey['tier'];
  band: 'long' | 'base';
}

function cellPrice(key: string, thresholds: number[], pricing: Pricing): CellPrice {
  const { model, tier, bucket, period } = parseCellKey(key);
  const m = pricing.resolve(model, undefined, period);
  return { model, m, tier, band: bandOf(m, bucket, thresholds) };
}

/** One cell's cost (atto-USD), each class also added to `breakdown` when given. */
function cellCost(c: Float64Array, p: CellPrice, pricing: Pricing, breakdown?: Breakdown): bigint {
  let total = 0n;
  for (const [cls, col, into] of CLASS_COLUMNS) {
    const qty = c[col]!;
    if (qty === 0) continue;
    const cost = quantity(qty, cls, p.model) * pricing.price(p.m, p.tier, p.band, cls);
    if (breakdown) breakdown[into] += cost;
    total += cost;
  }
  if (c[Q.storage]! > 0) {
    const cost = storageCost(c, p.m);
    if (breakdown) breakdown.storage += cost;
    total += cost;
  }
  if (c[Q.webSearch]! > 0) {
    const cost = feesCost(c, p.m);
    if (breakdown) breakdown.fees += cost;
    total += cost;
  }
  return total;
}

/**
 * priceCells(cells, thresholds, pricing).total, with each cell key resolved once per `memo`: a
 * sampled run prices every kept unit's cells (thousands of units, a few keys), where priceCells'
 * breakdown, per-model and per-table lines would be built for each and thrown away.
 */
export function priceTotal(cells: Cells, thresholds: number[], pricing: Pricing, memo: Map<string, CellPrice>): bigint {
  let total = 0n;
  for (const [key, c] of cells) {
    let p = memo.get(key);
    if (!p) memo.set(key, (p = cellPrice(key, thresholds, pricing)));
    total += cellCost(c, p, pricing);
  }
  return total;
}

/**
 * Price a set of cells. A cell's bucket b means input > thresholds[b-1]; it is in a model's long
 * band when that lower bound is >= the model's own threshold (thresholds include every model's).
 * A cell's period picks the table in force when its requests ran (one table: always period 0).
 */
export function priceCells(cells: Cells, thresholds: number[], pricing: Pricing): Priced {
  const breakdown = zeroBreakdown();
  const byModel = new Map<string, ModelLine>();
  const byTable = new Map<string, PricedBy>();
  for (const [key, c] of cells) {
    const p = cellPrice(key, thresholds, pricing);
    const { m } = p;
    const cellTotal = cellCost(c, p, pricing, breakdown);
    const by = m.pricedBy ?? { kind: 'synthetic' as const, version: m.id };
    const label = by.kind === 'catalog' ? `catalog ${by.version}` : by.version;
    const lineKey = modelLineKey(m);
    let line = byModel.get(lineKey);
    if (!line) {
      line = { model: m.id, channel: m.channel ? describeChannel(m.channel) : null, pricedBy: [], atto: 0n };
      byModel.set(lineKey, line);
    }
    line.atto += cellTotal;
    if (!line.pricedBy.includes(label)) {
      line.pricedBy.push(label);
      line.pricedBy.sort();
    }
    const tableKey = `${by.kind}\u0001${by.version}`;
    let t = byTable.get(tableKey);
    if (!t) byTable.set(tableKey, (t = { kind: by.kind, version: by.version, calls: 0, atto: 0n }));
    t.calls += c[Q.calls]!;
    t.atto += cellTotal;
  }
  return { breakdown, total: sumBreakdown(breakdown), byModel, byTable };
}
