// `replay --rows FILE`: every model call with its token classes and exact cost, for joining with
// the user's own data - the baseline (the log as billed) and, with --scenario, every call after the
// strategies (a cascade's two calls, a batch's discounted one; a request served from a cache has no
// final row). Streamed as the run goes: one line per call, nothing kept; the file appears under its
// name only when the log was read to its end (shared/output-file.ts).
import { addToCell, CELL_WIDTH, Q } from '../engine/ledger.js';
import { bandOf, CLASS_COLUMNS, extrasCost } from '../engine/price.js';
import type { SimRequest } from '../engine/request.js';
import { type ModelInfo, type Pricing, TIERS } from '../pricing/pricebook.js';
import { csvLines } from '../shared/csv.js';
import { openOutput, type OutputStream } from '../shared/output-file.js';

export const ROW_COLUMNS = [
  'stage',
  'line',
  'request_id',
  'timestamp',
  'model',
  'service_tier',
  'status',
  'conversation_id',
  'input_tokens',
  'cache_read_tokens',
  'cache_write_5m_tokens',
  'cache_write_1h_tokens',
  'output_tokens',
  'cost_usd',
] as const;

export type RowsFormat = 'csv' | 'jsonl';

/** The format a --rows file is written in, from its name (.csv, .jsonl or .ndjson); undefined when neither. */
export function rowsFormatOf(path: string): RowsFormat | undefined {
  if (/\.csv$/i.test(path)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  return undefined;
}

/**
 * atto-USD (not negative) as an exact decimal string (at most 18 places, trailing zeros dropped):
 * the digits cut where the point goes (a BigInt division and remainder per call cost ~1 s per
 * million calls)
 */
export function usdText(atto: bigint): string {
  const digits = atto.toString().padStart(19, '0');
  const point = digits.length - 18;
  let end = digits.length;
  while (end > point && digits.charCodeAt(end - 1) === 48) end--;
  return end > point ? `${digits.slice(0, point)}.${digits.slice(point, end)}` : digits.slice(0, point);
}

/** Where --rows goes: the resolved path, the name as the user gave it, the format. */
export interface RowsTarget {
  path: string;
  shown: string;
  format: RowsFormat;
}

export class RowsWriter {
  private readonly out: OutputStream;
  private readonly periodOf?: (atMs: number) => number;
  rows = 0;

  private readonly format: RowsFormat;

  constructor(
    target: RowsTarget,
    private readonly book: Pricing,
    private readonly thresholds: number[],
  ) {
    this.format = target.format;
    this.out = openOutput(target.path, { flag: '--rows', shown: target.shown });
    if (book.tables().length > 1) this.periodOf = (atMs) => book.periodOf(atMs);
    if (this.format === 'csv') this.out.write(`${csvLines([[...ROW_COLUMNS]])}\n`);
  }

  /**
   * per model, then per (tier, input bucket, pricing period): the model as the pricing resolves it
   * and each priced class's atto-USD per token (priced on first use)
   */
  private readonly prices = new Map<string, Map<number, { m: ModelInfo; p: (bigint | undefined)[] }>>();
  private readonly cell = new Float64Array(CELL_WIDTH);
  private lastMs = Number.NaN;
  private lastIso = '';

  /** one call: its quantities as a ledger cell holds them, priced as priceCells prices cells */
  write(stage: 'baseline' | 'final', r: SimRequest): void {
    const c = this.cell;
    c.fill(0);
    addToCell(c, r);
    let bucket = 0;
    for (const t of this.thresholds) if (r.inputTokens > t) bucket++;
    const period = this.periodOf ? this.periodOf(r.atMs) : 0;
    let byModel = this.prices.get(r.model);
    if (!byModel) this.prices.set(r.model, (byModel = new Map()));
    const key = (TIERS.indexOf(r.serviceTier) * 1024 + bucket) * 2 ** 20 + period;
    let entry = byModel.get(key);
    if (!entry) byModel.set(key, (entry = { m: this.book.resolve(r.model, undefined, period), p: [] }));
    const { m, p } = entry;
    let atto = 0n;
    for (let i = 0; i < CLASS_COLUMNS.length; i++) {
      const qty = c[CLASS_COLUMNS[i]![1]]!;
      if (qty <= 0) continue;
      // priced on first use: a class a model has no price for (audio) is asked only when a call has it
      p[i] ??= this.book.price(m, r.serviceTier, bandOf(m, bucket, this.thresholds), CLASS_COLUMNS[i]![0]);
      atto += BigInt(qty) * p[i]!;
    }
    // storage and per-call fees, as priceCells prices them
    if (c[Q.storage]! > 0 || c[Q.webSearch]! > 0) atto += extrasCost(c, m);
    const q = (col: number): number => c[col]!;
    // a call's baseline and final lines share its time: its text made once
    if (r.atMs !== this.lastMs) {
      this.lastMs = r.atMs;
      this.lastIso = new Date(r.atMs).toISOString();
    }
    const values = [
      stage,
      r.line ?? null,
      r.id,
      this.lastIso,
      r.model,
      r.serviceTier,
      r.status,
      r.conversationId ?? null,
      // input and output as logs count them: the audio/image/reasoning parts included
      q(Q.input) + q(Q.audioInput) + q(Q.imageInput),
      q(Q.cacheRead),
      q(Q.cacheWrite5m),
      q(Q.cacheWrite1h),
      q(Q.output) + q(Q.reasoning) + q(Q.audioOutput),
      usdText(atto),
    ];
    this.rows++;
    if (this.format === 'csv') this.out.write(`${csvLines([values])}\n`);
    else this.out.write(`${JSON.stringify(Object.fromEntries(ROW_COLUMNS.map((c, i) => [c, values[i]])))}\n`);
  }

  commit(): void {
    this.out.commit();
  }

  abort(): void {
    this.out.abort();
  }
}
