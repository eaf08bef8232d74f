// Apply money to ledger quantities, exactly (BigInt atto-USD), once, at the end.
import type { PriceBook, TokenClass } from '../pricing/pricebook.js';
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

const CLASS_COLUMNS: [TokenClass, number, keyof Breakdown][] = [
  ['input', Q.input, 'input'],
  ['cacheRead', Q.cacheRead, 'cacheRead'],
  ['cacheWrite5m', Q.cacheWrite5m, 'cacheWrite'],
  ['cacheWrite1h', Q.cacheWrite1h, 'cacheWrite'],
  ['output', Q.output, 'output'],
];

export interface Priced {
  breakdown: Breakdown;
  total: bigint;
  /** per resolved model id */
  byModel: Map<string, bigint>;
}

/**
 * Price a set of cells. A cell's bucket b means input > thresholds[b-1]; it is in a model's long
 * band when that lower bound is >= the model's own threshold (thresholds include every model's).
 */
export function priceCells(cells: Cells, thresholds: number[], book: PriceBook): Priced {
  const breakdown = zeroBreakdown();
  const byModel = new Map<string, bigint>();
  for (const [key, c] of cells) {
    const { model, tier, bucket } = parseCellKey(key);
    const m = book.resolve(model);
    const lower = bucket > 0 ? thresholds[bucket - 1]! : -1;
    const band = m.longContextThreshold !== undefined && lower >= m.longContextThreshold ? 'long' : 'base';
    let cellTotal = 0n;
    for (const [cls, col, into] of CLASS_COLUMNS) {
      const qty = c[col]!;
      if (qty === 0) continue;
      if (qty < 0 || !Number.isInteger(qty))
        throw new Error(`internal: ledger ${cls} quantity ${qty} for ${model} is not a non-negative integer`);
      const cost = BigInt(qty) * book.price(m, tier, band, cls);
      breakdown[into] += cost;
      cellTotal += cost;
    }
    byModel.set(m.id, (byModel.get(m.id) ?? 0n) + cellTotal);
  }
  return { breakdown, total: sumBreakdown(breakdown), byModel };
}
