// `replay --rows FILE`: every model call with its token classes and exact cost, for joining with
// the user's own data - the baseline (the log as billed) and, with --scenario, every call after the
// strategies (a cascade's two calls, a batch's discounted one; a request served from a cache has no
// final row). Streamed as the run goes: one line per call, nothing kept; the file appears under its
// name only when the log was read to its end (shared/output-file.ts).
import { addToCell, CELL_WIDTH, Q } from '../engine/ledger.js';
import { bandOf, CLASS_COLUMNS } from '../engine/price.js';
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
  private readonly prices = new Map<string, bigint[]>();
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
    if (!p) {
      const m = this.book.resolve(r.model, undefined, period);
      const band = bandOf(m, bucket, this.thresholds);
      p = CLASS_COLUMNS.map(([cls]) => this.book.price(m, r.serviceTier, band, cls));
      this.prices.set(key, p);
    }
    let atto = 0n;
    for (let i = 0; i < CLASS_COLUMNS.length; i++) {
      const qty = c[CLASS_COLUMNS[i]![1]]!;
      if (qty > 0) atto += BigInt(qty) * p[i]!;
    }
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
      q(Q.input),
      q(Q.cacheRead),
      q(Q.cacheWrite5m),
      q(Q.cacheWrite1h),
      q(Q.output),
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
