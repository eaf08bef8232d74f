// `replay --rows FILE`: every model call with its token classes and exact cost, for joining with
// the user's own data - the baseline (the log as billed) and, with --scenario, every call after the
// strategies (a cascade's two calls, a batch's discounted one; a request served from a cache has no
// final row). Streamed as the run goes: one line per call, nothing kept; the file appears under its
// name only when the log was read to its end (shared/output-file.ts).
import { addToCell, CELL_WIDTH, Q } from '../engine/ledger.js';
import { bandOf, CLASS_COLUMNS, extrasCost } from '../engine/price.js';
import type { SimRequest } from '../engine/request.js';
import type { Pricing } from '../pricing/pricebook.js';
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

/** atto-USD as an exact decimal string (at most 18 places, trailing zeros dropped) */
function usdText(atto: bigint): string {
  const int = atto / 10n ** 18n;
  const frac = (atto % 10n ** 18n).toString().padStart(18, '0').replace(/0+$/, '');
  return frac ? `${int}.${frac}` : `${int}`;
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

  /** per (model, tier, input bucket, pricing period): each priced class's atto-USD per token */
  private readonly prices = new Map<string, (bigint | undefined)[]>();
  private readonly cell = new Float64Array(CELL_WIDTH);

  /** one call: its quantities as a ledger cell holds them, priced as priceCells prices cells */
  write(stage: 'baseline' | 'final', r: SimRequest): void {
    const c = this.cell;
    c.fill(0);
    addToCell(c, r);
    let bucket = 0;
    for (const t of this.thresholds) if (r.inputTokens > t) bucket++;
    const period = this.periodOf ? this.periodOf(r.atMs) : 0;
    const key = `${r.model}\u0001${r.serviceTier}\u0001${bucket}\u0001${period}`;
    let p = this.prices.get(key);
    if (!p) this.prices.set(key, (p = []));
    const m = this.book.resolve(r.model, undefined, period);
    let atto = 0n;
    for (let i = 0; i < CLASS_COLUMNS.length; i++) {
      const qty = c[CLASS_COLUMNS[i]![1]]!;
      if (qty <= 0) continue;
      // priced on first use: a class a model has no price for (audio) is asked only when a call has it
      p[i] ??= this.book.price(m, r.serviceTier, bandOf(m, bucket, this.thresholds), CLASS_COLUMNS[i]![0]);
      atto += BigInt(qty) * p[i]!;
    }
    // storage and per-call fees, as priceCells prices them
    if (c[Q.storage]! > 0 || c[Q.webSearch]! > 0) atto += extrasCost(c, this.book.resolve(r.model, undefined, period));
    const q = (col: number): number => c[col]!;
    const values = [
      stage,
      r.line ?? null,
      r.id,
      new Date(r.atMs).toISOString(),
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
