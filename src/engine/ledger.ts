// The ledger holds quantities, never money: integer token counts per (model, tier, input-size
// bucket) and, when asked, per attribution key. Money is applied once at the end (price.ts), which
// keeps sums exact and lets `drift` re-price the same ledgers under another table.
import type { SimRequest } from './request.js';

/** Column layout of one cell. */
export const Q = {
  calls: 0,
  input: 1, // plain (uncached) input tokens
  cacheRead: 2,
  cacheWrite5m: 3,
  cacheWrite1h: 4,
  output: 5,
  successes: 6, // expected successful answers (quality-weighted)
  answering: 7, // calls whose answer is used
} as const;
export const CELL_WIDTH = 8;

/** Attribution dimensions: CLI name -> how to read it from a request. */
export const DIMENSIONS: Record<string, (r: SimRequest) => string> = {
  tenant: (r) => r.tags.tenant ?? '(none)',
  feature: (r) => r.tags.feature ?? '(none)',
  route: (r) => r.tags.route ?? '(none)',
  prompt_version: (r) => r.tags.promptVersion ?? '(none)',
  intent: (r) => r.tags.intent ?? '(none)',
  model: (r) => r.model,
  tier: (r) => r.serviceTier,
  status: (r) => r.status,
  day: (r) => new Date(r.atMs).toISOString().slice(0, 10),
  conversation: (r) => r.conversationId ?? '(none)',
};
export function dimensionReader(dim: string): (r: SimRequest) => string {
  return DIMENSIONS[dim] ?? ((r: SimRequest) => r.tags[dim] ?? '(none)');
}

export type Cells = Map<string, Float64Array>;

export interface CellKey {
  model: string;
  tier: SimRequest['serviceTier'];
  /** number of long-context thresholds the request's input exceeds */
  bucket: number;
}
export function parseCellKey(k: string): CellKey {
  const [model, tier, bucket] = k.split('\u0001');
  return { model: model!, tier: tier as CellKey['tier'], bucket: Number(bucket) };
}

function cellOf(cells: Cells, key: string): Float64Array {
  let c = cells.get(key);
  if (!c) {
    c = new Float64Array(CELL_WIDTH);
    cells.set(key, c);
  }
  return c;
}

function addTo(cells: Cells, key: string, r: SimRequest): void {
  addToCell(cellOf(cells, key), r);
}

function addToCell(c: Float64Array, r: SimRequest): void {
  const cached = r.cached;
  const read = cached ? cached.read : 0;
  const w5 = cached ? cached.write5m : 0;
  const w1 = cached ? cached.write1h : 0;
  c[Q.calls]! += 1;
  c[Q.input]! += r.inputTokens - read - w5 - w1;
  c[Q.cacheRead]! += read;
  c[Q.cacheWrite5m]! += w5;
  c[Q.cacheWrite1h]! += w1;
  c[Q.output]! += r.outputTokens;
  if (r.answers !== false) {
    c[Q.answering]! += 1;
    if (r.status === 'ok') c[Q.successes]! += r.quality ?? 1;
  }
}

export class Ledger {
  readonly cells: Cells = new Map();
  /** answering requests dropped by strategies up to this stage (served from a cache, de-duplicated) */
  dropped = 0;
  /** per dimension -> key -> cells */
  readonly by = new Map<string, Map<string, Cells>>();
  private readonly readers: [string, (r: SimRequest) => string][];

  constructor(
    /** ascending long-context thresholds shared by every PriceBook that will price this ledger */
    readonly thresholds: number[],
    dims: string[] = [],
  ) {
    this.readers = dims.map((d) => [d, dimensionReader(d)]);
    for (const d of dims) this.by.set(d, new Map());
  }

  bucketOf(inputTokens: number): number {
    let b = 0;
    for (const t of this.thresholds) if (inputTokens > t) b++;
    return b;
  }

  /**
   * Hot path: model -> tier -> bucket -> the cell also held in `cells`, so adding a request builds
   * no key string (the waterfall adds every request once per tap).
   */
  private readonly fast = new Map<string, Map<string, Float64Array[]>>();

  private key(r: SimRequest, bucket: number): string {
    return `${r.model}\u0001${r.serviceTier}\u0001${bucket}`;
  }

  add(r: SimRequest): void {
    const bucket = this.thresholds.length ? this.bucketOf(r.inputTokens) : 0;
    let byTier = this.fast.get(r.model);
    if (!byTier) this.fast.set(r.model, (byTier = new Map()));
    let buckets = byTier.get(r.serviceTier);
    if (!buckets) byTier.set(r.serviceTier, (buckets = []));
    let cell = buckets[bucket];
    if (!cell) cell = buckets[bucket] = cellOf(this.cells, this.key(r, bucket));
    addToCell(cell, r);
    if (!this.readers.length) return;
    const key = this.key(r, bucket);
    for (const [dim, read] of this.readers) {
      const m = this.by.get(dim)!;
      const k = read(r);
      let cells = m.get(k);
      if (!cells) {
        cells = new Map();
        m.set(k, cells);
      }
      addTo(cells, key, r);
    }
  }

  total(col: number): number {
    let s = 0;
    for (const c of this.cells.values()) s += c[col]!;
    return s;
  }
}
