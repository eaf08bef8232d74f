// `replay LOG`: the figures beyond the waterfall - cost per successful request, the cost of
// retries and failed calls, reconciliation with the log's billed cost, reject counts. Computed
// here once; renderers only lay out report.extras.replay.
import { Ledger } from '../engine/ledger.js';
import { priceCells } from '../engine/price.js';
import type { SimRequest } from '../engine/request.js';
import type { PriceBook } from '../pricing/pricebook.js';
import { int } from '../report/format.js';
import type { LogStats } from '../traffic/logs/read.js';

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const pct = (part: number, whole: number): number | null =>
  whole === 0 ? null : Math.round((part / whole) * 100 * 1e4) / 1e4;

/** Requests of one kind (retries, failed calls) priced exactly like the main ledger. */
export class Slice {
  readonly ledger: Ledger;
  requests = 0;
  constructor(thresholds: number[]) {
    this.ledger = new Ledger(thresholds);
  }
  add(r: SimRequest): void {
    this.requests++;
    this.ledger.add(r);
  }
  /** exact USD (unrounded) */
  exactUsd(book: PriceBook): number {
    return Number(priceCells(this.ledger.cells, this.ledger.thresholds, book).total) / 1e18;
  }
}

export async function* tap(
  src: AsyncIterable<SimRequest[]>,
  each: (r: SimRequest) => void,
): AsyncGenerator<SimRequest[]> {
  for await (const batch of src) {
    for (const r of batch) each(r);
    yield batch;
  }
}

export function rejectSummary(s: LogStats): string {
  const reasons = Object.entries(s.reasons)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ×${int(n)}`)
    .join(', ');
  const first = s.firstRejects
    .slice(0, 3)
    .map((f) => `${f.where}: ${f.reason}`)
    .join('; ');
  return `${int(s.rejected)} of ${int(s.read)} rows rejected (${reasons}); first: ${first}`;
}

export function skipSummary(s: LogStats): string {
  const reasons = Object.entries(s.skipReasons)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([k, n]) => `${k} ×${int(n)}`)
    .join(', ');
  return `${int(s.skipped)} of ${int(s.read)} records skipped, not billed model calls (${reasons})`;
}

/** replay-specific figures, already computed (renderers only format them). */
export function replayExtras(
  s: LogStats,
  /** exact computed total, USD */
  totalUsd: number,
  successes: number,
  slices: { retries: Slice; failed: Slice; wasted: Slice },
  book: PriceBook,
): Record<string, unknown> {
  const retriesUsd = slices.retries.exactUsd(book);
  const failedUsd = slices.failed.exactUsd(book);
  const wastedUsd = slices.wasted.exactUsd(book);
  const out: Record<string, unknown> = {
    log: {
      format: `${s.format}${s.gzip ? ' (gzip)' : ''}`,
      preset: s.preset,
      presetDetected: s.detected !== undefined,
      ...(s.files !== undefined ? { files: s.files } : {}),
      read: s.read,
      priced: s.priced,
      rejected: s.rejected,
      skipped: s.skipped,
      outOfOrder: s.outOfOrder,
      tokenizedTexts: s.tokenizedTexts ?? 0,
    },
    outcomes: {
      requests: s.priced,
      successful: successes,
      costPerSuccessUsd: successes > 0 ? round6(totalUsd / successes) : null,
      retryRequests: slices.retries.requests,
      retriesCostUsd: round6(retriesUsd),
      retriesSharePct: pct(retriesUsd, totalUsd),
      failedRequests: slices.failed.requests,
      failedCostUsd: round6(failedUsd),
      failedSharePct: pct(failedUsd, totalUsd),
      retriesOrFailedCostUsd: round6(wastedUsd),
      retriesOrFailedSharePct: pct(wastedUsd, totalUsd),
    },
  };
  if (s.costUsdSum !== null) {
    const billed = round6(s.costUsdSum);
    out.reconciliation = {
      rowsBilled: s.costRows ?? 0,
      rowsPriced: s.priced,
      billedUsd: billed,
      computedUsd: round6(totalUsd),
      // from the exact figures: the rounded billed sum would show a difference that is only rounding
      differenceUsd: round6(totalUsd - s.costUsdSum),
      differencePct: pct(totalUsd - s.costUsdSum, s.costUsdSum),
      note:
        (s.costRows ?? 0) < s.priced
          ? 'some priced rows have no cost_usd: the billed sum covers fewer rows than the computed cost'
          : 'difference = computed - billed; positive means llmcost prices higher than the log',
    };
  }
  if (s.skipped > 0) {
    out.skipped = {
      byReason: Object.entries(s.skipReasons)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([reason, records]) => ({ reason, records })),
    };
  }
  if (s.rejected > 0) {
    out.rejects = {
      byReason: Object.entries(s.reasons)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
        .map(([reason, rows]) => ({ reason, rows })),
      first: s.firstRejects.map((f) => ({ where: f.where, reason: f.reason })),
    };
  }
  return out;
}
