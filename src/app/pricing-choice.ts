// How a command names its pricing (a table, a date, the catalog, deployments, overlays) and the
// pricing of a run from it. Apart from app/pricing.ts (the `pricing` pipelines) so that a command
// pricing with one bundled table (`estimate`) loads neither the YAML parser nor the schemas:
// they are imported only when a file must be parsed (pricing/tables.ts loadSchedule).
import type { Overlay } from '../pricing/overlay.js';
import type { PriceSchedule } from '../pricing/schedule.js';
import { DEFAULT_STALE_AFTER_DAYS, stalenessWarning } from '../pricing/staleness.js';
import { loadSchedule } from '../pricing/tables.js';
import type { Context } from './context.js';

export interface TableChoice {
  /** a table file, or the version of a bundled table (default: the table in force) */
  pricing?: string;
  /** the bundled table in force on this date (YYYY-MM-DD) */
  asOf?: string;
  /** warn (PRICING_STALE) when the table is older than this many days on the asOf date */
  staleAfterDays?: number;
}

/** How model names become priced models beyond the curated tables. */
export interface ModelChoice {
  /** false: price only with the curated tables (a model they lack is rejected, not priced from the catalog) */
  catalog?: boolean;
  /** deployment name (an Azure deployment, say) -> the model it serves */
  deployments?: Record<string, string>;
  /** a file of price overlays (negotiated discounts, uplifts) applied on top of the tables */
  overlay?: string;
  /** overlays already read (a scenario's pricing.overlays); the file's follow them */
  overlays?: Overlay[];
}

/**
 * The pricing of a run: pricing/asOf pin one table; otherwise a log (perRequest) is priced with
 * the table in force at each row's time, anything else with the newest table. Staleness is judged
 * against asOf only, and only for a pinned table (per request each row has its own).
 */
export async function loadPricing(
  choice: TableChoice & ModelChoice,
  perRequest: boolean,
  ctx: Context,
): Promise<PriceSchedule> {
  const overlays =
    choice.overlay === undefined
      ? choice.overlays
      : (await import('./pricing.js')).overlaysOf(choice, ctx.io.cwd, (d) => ctx.warn(d));
  const { pricing, warnings } = await loadSchedule({
    pricing: choice.pricing,
    asOf: choice.asOf,
    cwd: ctx.io.cwd,
    warn: (d) => ctx.warn(d),
    perRequest,
    catalog: choice.catalog !== false,
    deployments: { ...(choice.deployments ?? {}) },
    overlays,
  });
  for (const w of warnings) ctx.warn(w);
  if (pricing.pinned) {
    const stale = stalenessWarning(pricing.book(0), choice.asOf, choice.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
    if (stale) ctx.warn(stale);
  }
  return pricing;
}
