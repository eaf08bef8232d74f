// The ledger holds quantities, never money: integer token counts per (model, tier, input-size
// bucket, pricing period) and, when asked, per attribution key. The period is the pricing table in
// force at the request's time (Pricing.periodOf), so a log that spans a price change keeps both sides. Money is applied once at the end (price.ts), which
// keeps sums exact and lets `drift` re-price the same ledgers under another table.
import { RecentMap } from '../shared/recent.js';
import { type SimRequest, tagOf } from './request.js';

/** Column layout of one cell. */
export const Q = {
  calls: 0,
  input: 1, // plain (uncached) input tokens
  cacheRead: 2,
  cacheWrite5m: 3,
  cacheWrite1h: 4,
  output: 5,
  successes: 6, // successful answers at quality 1 (a count; other qualities: Ledger.successesAt)
  answering: 7, // calls whose answer is used
  // The columns below split classes out of input and output where a request says so (a log's
  // reasoning/audio/image counts); input and output above hold the rest.
  reasoning: 8, // part of the output spent on reasoning
  audioInput: 9,
  audioOutput: 10,
  imageInput: 11,
  storage: 12, // explicit-cache storage, token-seconds
  webSearch: 13, // web search calls (a per-call fee)
} as const;
export const CELL_WIDTH = 14;

const BUILT_IN: Record<string, (r: SimRequest) => string> = {
  tenant: (r) => r.tags.tenant ?? '(none)',
  feature: (r) => r.tags.feature ?? '(none)',
  route: (r) => r.tags.route ?? '(none)',
  prompt_version: (r) => r.tags.promptVersion ?? '(none)',
  intent: (r) => r.tags.intent ?? '(none)',
  model: (r) => r.model,
  model_raw: (r) => r.model,
  tier: (r) => r.serviceTier,
  status: (r) => r.status,
  day: (r) => new Date(r.atMs).toISOString().slice(0, 10),
  conversation: (r) => r.conversationId ?? '(none)',
};
/**
 * Attribution dimensions: CLI name -> how to read it from a request. `model` is the model as the
 * request names it; a ledger given a resolver (see dimensionReader) groups it by canonical id
 * instead, and `model_raw` keeps the name as the log spells it ('openai/gpt-4o-2024-08-06').
 * No prototype: a --by name such as `__proto__` or `toString` is looked up as an own key (absent:
 * a tag of that name), never an Object member.
 */
export const DIMENSIONS: Readonly<Record<string, (r: SimRequest) => string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, (r: SimRequest) => string>, BUILT_IN),
);
/** `canonical` turns a model name into its canonical id (the pricing table's), for the model dimension. */
export function dimensionReader(dim: string, canonical?: (model: string) => string): (r: SimRequest) => string {
  if (dim === 'model' && canonical) {
    const ids = new Map<string, string>();
    return (r) => {
      let id = ids.get(r.model);
      if (id === undefined) ids.set(r.model, (id = canonical(r.model)));
      return id;
    };
  }
  return DIMENSIONS[dim] ?? ((r: SimRequest) => tagOf(r, dim) ?? '(none)');
}

export type Cells = Map<string, Float64Array>;

export interface CellKey {
  model: string;
  tier: SimRequest['serviceTier'];
  /** number of long-context thresholds the request's input exceeds */
  bucket: number;
  /** index of the pricing table in force at the request's time (0 with one table) */
  period: number;
}
export function parseCellKey(k: string): CellKey {
  const [model, tier, bucket, period] = k.split('\u0001');
  return { model: model!, tier: tier as CellKey['tier'], bucket: Number(bucket), period: Number(period ?? 0) };
}

function cellOf(cells: Cells, key: string): Float64Array {
  let c = cells.get(key);
  if (!c) {
    c = new Float64Array(CELL_WIDTH);
    cells.set(key, c);
  }
  return c;
}

/** adds r to cell c; returns the quality of a successful answer below 1 (for Ledger.successesAt), else -1 */
export function addToCell(c: Float64Array, r: SimRequest): number {
  const cached = r.cached;
  const read = cached ? cached.read : 0;
  const w5 = cached ? cached.write5m : 0;
  const w1 = cached ? cached.write1h : 0;
  c[Q.calls]! += 1;
  let input = r.inputTokens - read - w5 - w1;
  let output = r.outputTokens;
  // Split classes are parts of the uncached input and of the output. A strategy that shortened the
  // request (trim, compress, cap-output) may leave a part larger than what is left: it is clamped.
  if (r.audioInputTokens || r.imageInputTokens) {
    const audio = Math.min(r.audioInputTokens ?? 0, input);
    const image = Math.min(r.imageInputTokens ?? 0, input - audio);
    c[Q.audioInput]! += audio;
    c[Q.imageInput]! += image;
    input -= audio + image;
  }
  if (r.audioOutputTokens || r.reasoningTokens) {
    const audio = Math.min(r.audioOutputTokens ?? 0, output);
    const reasoning = Math.min(r.reasoningTokens ?? 0, output - audio);
    c[Q.audioOutput]! += audio;
    c[Q.reasoning]! += reasoning;
    output -= audio + reasoning;
  }
  c[Q.input]! += input;
  c[Q.cacheRead]! += read;
  c[Q.cacheWrite5m]! += w5;
  c[Q.cacheWrite1h]! += w1;
  c[Q.output]! += output;
  if (cached?.storageTokenSeconds) c[Q.storage]! += cached.storageTokenSeconds;
  if (r.webSearchCalls) c[Q.webSearch]! += r.webSearchCalls;
  if (r.answers !== false) {
    c[Q.answering]! += 1;
    if (r.status === 'ok') {
      const q = r.quality ?? 1;
      if (q === 1) c[Q.successes]! += 1;
      else return q;
    }
  }
  return -1;
}

/**
 * The cells of one run's ledgers numbered once for all of them: a slot per (model, tier, bucket,
 * period), the same in every tap. A request that a stage passed on unchanged reaches the next tap
 * as the same object, so the slot of the last request asked for is kept: a tap after a stage that
 * did not change the request finds its cell by number alone, and only a changed request is looked
 * up (a short scan of the few (model, tier) pairs in play, then its bucket and period).
 */
export class CellSlots {
  /** slot -> its cell key (model, tier, bucket, period joined by \u0001; parseCellKey reads it) */
  readonly keys: string[] = [];
  private readonly stride: number;
  private readonly byModel = new Map<string, Map<string, number[]>>();
  // a few (model, tier) pairs looked up lately: a log interleaves a handful of models, and a short
  // scan of them is cheaper than two map lookups
  private readonly recentModel: string[] = [];
  private readonly recentTier: string[] = [];
  private readonly recentSlots: number[][] = [];
  private replace = 0;
  private lastReq: SimRequest | undefined;
  private lastSlot = -1;
  private lastModel = '';
  private lastTier = '';
  private lastSlots: number[] = [];

  constructor(
    /** ascending long-context thresholds (a slot per bucket they make) */
    readonly thresholds: readonly number[],
    /** the pricing period of a request's time (Pricing.periodOf); default: one period */
    private readonly periodOf?: (atMs: number) => number,
  ) {
    this.stride = thresholds.length + 1;
  }

  bucketOf(inputTokens: number): number {
    let b = 0;
    for (let i = 0; i < this.thresholds.length; i++) if (inputTokens > this.thresholds[i]!) b++;
    return b;
  }

  /** the slot of r's cell (the same object asked for again: no lookup) */
  slotOf(r: SimRequest): number {
    return this.lookup(r, true);
  }

  /** r's slot when a request of its model, tier, bucket and period was given one before, else -1 */
  existing(r: SimRequest): number {
    return this.lookup(r, false);
  }

  private lookup(r: SimRequest, make: boolean): number {
    if (r === this.lastReq) return this.lastSlot;
    const bucket = this.stride > 1 ? this.bucketOf(r.inputTokens) : 0;
    const period = this.periodOf ? this.periodOf(r.atMs) : 0;
    const at = period * this.stride + bucket;
    const model = r.model;
    const tier = r.serviceTier;
    const models = this.recentModel;
    let slots: number[] | undefined;
    // A request a stage made from the last one carries the very same model string: compared first,
    // equal at once (a log's model names are fresh strings per row, compared character by character).
    if (model === this.lastModel && tier === this.lastTier) slots = this.lastSlots;
    else
      for (let i = 0; i < models.length; i++)
        if (models[i] === model && this.recentTier[i] === tier) {
          slots = this.recentSlots[i]!;
          break;
        }
    if (slots === undefined) {
      let byTier = this.byModel.get(model);
      if (!byTier) this.byModel.set(model, (byTier = new Map()));
      slots = byTier.get(tier);
      if (!slots) byTier.set(tier, (slots = []));
      // keep it at hand (round robin once the list is full)
      const i = models.length < RECENT ? models.length : (this.replace = (this.replace + 1) % RECENT);
      models[i] = model;
      this.recentTier[i] = tier;
      this.recentSlots[i] = slots;
    }
    let slot = slots[at];
    if (slot === undefined) {
      if (!make) return -1;
      slot = slots[at] = this.keys.length;
      this.keys.push(`${model}\u0001${tier}\u0001${bucket}\u0001${period}`);
    }
    this.lastReq = r;
    this.lastSlot = slot;
    this.lastModel = model;
    this.lastTier = tier;
    this.lastSlots = slots;
    return slot;
  }
}

/** (model, tier) pairs CellSlots keeps at hand */
const RECENT = 6;

/** Cells by slot (CellSlots), and the same cells by key, in the order they were first added to. */
interface SlotTable {
  bySlot: (Float64Array | undefined)[];
  cells: Cells;
}

function cellAt(t: SlotTable, slots: CellSlots, slot: number): Float64Array {
  let c = t.bySlot[slot];
  if (c === undefined) {
    t.bySlot[slot] = c = cellOf(t.cells, slots.keys[slot]!);
  }
  return c;
}

export class Ledger {
  private readonly slots: CellSlots;
  private readonly table: SlotTable;
  readonly cells: Cells;
  /** answering requests dropped by strategies up to this stage (served from a cache, de-duplicated) */
  dropped = 0;
  /** per dimension -> key -> cells */
  readonly by = new Map<string, Map<string, Cells>>();
  /**
   * Successful answers whose quality is below 1, counted per quality value (a handful: a route's,
   * a cascade's): summed in a fixed order at the end (total), so the sum does not depend on the
   * order requests arrived in, and ledgers of a split run add up exactly (merge).
   */
  private readonly qualities: number[] = [];
  private readonly qualityCounts: number[] = [];
  private readonly readers: {
    read: (r: SimRequest) => string;
    tables: RecentMap<SlotTable>;
  }[];

  constructor(
    /** ascending long-context thresholds shared by every PriceBook that will price this ledger */
    readonly thresholds: number[],
    dims: string[] = [],
    /** canonical model ids for the model dimension (the same ids the Models table shows) */
    canonical?: (model: string) => string,
    /** the pricing period of a request's time (Pricing.periodOf); default: one period */
    periodOf?: (atMs: number) => number,
    /** slots shared with the other ledgers of the run (same thresholds and periods); default its own */
    slots?: CellSlots,
  ) {
    this.slots = slots ?? new CellSlots(thresholds, periodOf);
    this.table = { bySlot: [], cells: new Map() };
    this.cells = this.table.cells;
    this.readers = dims.map((d) => {
      const out = new Map<string, Cells>();
      this.by.set(d, out);
      const tables = new RecentMap((k): SlotTable => {
        const t: SlotTable = { bySlot: [], cells: new Map() };
        out.set(k, t.cells);
        return t;
      });
      return { read: dimensionReader(d, canonical), tables };
    });
  }

  bucketOf(inputTokens: number): number {
    return this.slots.bucketOf(inputTokens);
  }

  add(r: SimRequest): void {
    const slots = this.slots;
    const slot = slots.slotOf(r);
    const q = addToCell(cellAt(this.table, slots, slot), r);
    if (q >= 0) this.countQuality(q, 1);
    for (let i = 0; i < this.readers.length; i++) {
      const d = this.readers[i]!;
      addToCell(cellAt(d.tables.get(d.read(r)), slots, slot), r);
    }
  }

  private countQuality(q: number, n: number): void {
    const qs = this.qualities;
    for (let i = 0; i < qs.length; i++)
      if (qs[i] === q) {
        this.qualityCounts[i]! += n;
        return;
      }
    qs.push(q);
    this.qualityCounts.push(n);
  }

  /** successful answers per quality value below 1 (see qualities) */
  get successesAt(): Map<number, number> {
    return new Map(this.qualities.map((q, i) => [q, this.qualityCounts[i]!]));
  }

  total(col: number): number {
    let s = 0;
    for (const c of this.cells.values()) s += c[col]!;
    if (col === Q.successes) for (const [q, n] of [...this.successesAt].sort((a, b) => a[0] - b[0])) s += q * n;
    return s;
  }

  /**
   * Add another ledger's quantities (a part of the same run): integer sums, so the result is exact
   * in any order. Only for a ledger that takes no more add(): its lookup index does not know the merged cells.
   */
  merge(other: LedgerData): void {
    addCells(this.cells, other.cells);
    for (const [dim, keys] of other.by) {
      let mine = this.by.get(dim);
      if (!mine) this.by.set(dim, (mine = new Map()));
      for (const [key, cells] of keys) {
        let c = mine.get(key);
        if (!c) mine.set(key, (c = new Map()));
        addCells(c, cells);
      }
    }
    for (const [q, n] of other.successesAt) this.countQuality(q, n);
    this.dropped += other.dropped;
  }

  /** every successes-at-quality count times n (scaleLedger) */
  scaleQualities(n: number): void {
    for (let i = 0; i < this.qualityCounts.length; i++) this.qualityCounts[i]! *= n;
  }
}

/**
 * Every quantity of a (finished) ledger multiplied by a whole number: a 1/n sample stands for n
 * times its requests. Whole numbers times a whole number stay exact.
 */
export function scaleLedger(l: Ledger, n: number): void {
  const scale = (cells: Cells): void => {
    for (const c of cells.values()) for (let i = 0; i < CELL_WIDTH; i++) c[i]! *= n;
  };
  scale(l.cells);
  for (const keys of l.by.values()) for (const cells of keys.values()) scale(cells);
  l.scaleQualities(n);
  l.dropped *= n;
}

/** A ledger's quantities as plain data (what crosses between threads; Ledger.merge takes it). */
export interface LedgerData {
  cells: Cells;
  by: Map<string, Map<string, Cells>>;
  successesAt: Map<number, number>;
  dropped: number;
}

export function ledgerData(l: Ledger): LedgerData {
  return { cells: l.cells, by: l.by, successesAt: l.successesAt, dropped: l.dropped };
}

function addCells(into: Cells, from: Cells): void {
  for (const [k, c] of from) {
    const mine = into.get(k);
    if (!mine) into.set(k, Float64Array.from(c));
    else for (let i = 0; i < CELL_WIDTH; i++) mine[i]! += c[i]!;
  }
}
