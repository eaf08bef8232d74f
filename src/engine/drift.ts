// Drift runs each scenario once under a simulation book that knows every model of both tables and
// buckets input sizes by both tables' long-context thresholds; report/drift/model.ts then prices
// the same ledgers under each table.
import type { ModelInfo, PriceBook } from '../pricing/pricebook.js';

/** Ascending distinct long-context thresholds of both books: what the ledgers must be bucketed by. */
export function unionThresholds(a: PriceBook, b: PriceBook): number[] {
  return [...new Set([...a.thresholds(), ...b.thresholds()])].sort((x, y) => x - y);
}

/**
 * The book to SIMULATE with: the current table, plus the models only the baseline table knows
 * (so a model removed from the current table still flows through the strategies and is then
 * reported as unpriced under the current table instead of aborting the run).
 */
export function simulationBook(baseline: PriceBook, current: PriceBook): PriceBook {
  const missing: ModelInfo[] = [];
  for (const m of baseline.models.values()) {
    if ([m.id, ...m.aliases].every((n) => current.tryResolve(n) === undefined)) missing.push(m);
  }
  // The run is bucketed by both tables' thresholds (unionThresholds), passed to it explicitly.
  return missing.length ? current.withModels(missing) : current;
}
