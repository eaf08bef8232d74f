// Apply money to ledger quantities, exactly (BigInt atto-USD), once, at the end.
import { describeChannel, type ModelInfo, type Pricing, type TokenClass } from '../pricing/pricebook.js';
import { type Cells, parseCellKey, Q } from './ledger.js';

export interface Breakdown {
  input: bigint;
  cacheRead: bigint;
  cacheWrite: bigint;
  output: bigint;
  storage: bigint;
  fixed: bigint;
}
export const BREAKDOWN_KEYS = ['input', 'cacheRead', 'cacheWrite', 'output', 'storage', 'fixed'] as const;

export function zeroBreakdown(): Breakdown {
  return { input: 0n, cacheRead: 0n, cacheWrite: 0n, output: 0n, storage: 0n, fixed: 0n };
}
export function sumBreakdown(b: Breakdown): bigint {
  return b.input + b.cacheRead + b.cacheWrite + b.output + b.storage + b.fixed;
}

/** The priced token classes: the class, its ledger column, the breakdown line it adds to. */
export const CLASS_COLUMNS: [TokenClass, number, keyof Breakdown][] = [
  ['input', Q.input, 'input'],
  ['cacheRead', Q.cacheRead, 'cacheRead'],
  ['cacheWrite5m', Q.cacheWrite5m, 'cacheWrite'],
  ['cacheWrite1h', Q.cacheWrite1h, 'cacheWrite'],
  ['output', Q.output, 'output'],
];

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
    const { model, tier, bucket, period } = parseCellKey(key);
    const m = pricing.resolve(model, undefined, period);
    const band = bandOf(m, bucket, thresholds);
    let cellTotal = 0n;
    for (const [cls, col, into] of CLASS_COLUMNS) {
      const qty = c[col]!;
      if (qty === 0) continue;
      if (qty < 0 || !Number.isInteger(qty))
        throw new Error(`internal: ledger ${cls} quantity ${qty} for ${model} is not a non-negative integer`);
      const cost = BigInt(qty) * pricing.price(m, tier, band, cls);
      breakdown[into] += cost;
      cellTotal += cost;
    }
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
