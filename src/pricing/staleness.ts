// Staleness: is the pricing table in force older than N days on the reference date? Pure: the
// reference date is --as-of, or the end of the traffic's period (scenario/log timestamps), NEVER
// the wall clock, so the same inputs always give the same warnings.
import { type Diagnostic, warning } from '../diagnostics.js';
import type { PriceBook } from './pricebook.js';

export const DEFAULT_STALE_AFTER_DAYS = 120;
const DAY_MS = 86_400_000;

/** Whole days from `from` to `to` (YYYY-MM-DD, UTC); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A timestamp (ms since the epoch, from the traffic) -> its UTC date. */
export function dateOfMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * PRICING_STALE when the table's effective date is more than `staleAfterDays` before
 * `referenceDate`. Undefined when fresh, or when there is no reference date (no --as-of and no
 * traffic period): without one the check is skipped rather than guessed from the clock.
 */
export function stalenessWarning(
  book: Pick<PriceBook, 'version' | 'effective' | 'file'>,
  referenceDate: string | undefined,
  staleAfterDays: number = DEFAULT_STALE_AFTER_DAYS,
  referenceFrom = '--as-of',
): Diagnostic | undefined {
  if (referenceDate === undefined) return undefined;
  const age = daysBetween(book.effective, referenceDate);
  if (!(age > staleAfterDays)) return undefined;
  return warning(
    'PRICING_STALE',
    `pricing table ${book.version} (effective ${book.effective}) is ${age} days older than ${referenceDate} (${referenceFrom}); prices may have changed since`,
    {
      where: book.file,
      hint: `add a newer table to pricing/ (see docs/pricing-sources.md; \`llmcost pricing check --against litellm FILE\` lists disagreements), pass --pricing FILE, or raise --stale-after (now ${staleAfterDays} days)`,
    },
  );
}

/** Parse --stale-after: whole days >= 0. Returns undefined for an invalid value (the caller reports it). */
export function parseStaleAfter(value: string | undefined): number | undefined {
  if (value === undefined) return DEFAULT_STALE_AFTER_DAYS;
  return /^\d{1,6}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}

/**
 * For commands that know their traffic period (simulate, replay): the reference date is --as-of
 * when given, else the UTC date of the last request (`endMs`). Push the result into
 * report.warnings (as `formatDiagnostic(d)`) and print it on stderr.
 */
export function stalenessForRun(
  book: Pick<PriceBook, 'version' | 'effective' | 'file'>,
  opts: { asOf?: string; endMs?: number | null; staleAfterDays?: number },
): Diagnostic | undefined {
  if (opts.asOf) return stalenessWarning(book, opts.asOf, opts.staleAfterDays);
  if (opts.endMs === undefined || opts.endMs === null || !Number.isFinite(opts.endMs)) return undefined;
  return stalenessWarning(book, dateOfMs(opts.endMs), opts.staleAfterDays, 'end of the traffic period');
}
