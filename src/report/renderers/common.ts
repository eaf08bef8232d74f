// Shared shapes for renderers: the generic layout of report.extras and the stage label. Structure
// only — no arithmetic (numbers come from the report model, strings from format.ts).
import type { Report } from '../model.js';
import { type Display, cell, count, days, elapsed, int, isoDay, overlaysNote, usd } from '../format.js';

export type ExtraSection =
  | { title: string; kind: 'scalar'; value: string }
  /** numeric[i]: row i's value is a number (right-aligned) */
  | { title: string; kind: 'kv'; rows: [string, string][]; numeric: boolean[] }
  /** numeric[j]: every value in column j is a number */
  | { title: string; kind: 'table'; head: string[]; rows: string[][]; numeric: boolean[] }
  | { title: string; kind: 'list'; items: string[] };

const isScalar = (v: unknown): boolean => v === null || ['string', 'number', 'boolean'].includes(typeof v);
const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A field name of report.extras as people read it: `keptUnits` -> "kept units", `costPerSuccessUsd`
 * -> "cost per success" (the value shows its currency), `retriesSharePct` -> "retries share %".
 * Only identifier-like names change: a key that is data (a tenant, a skip reason) is shown as is.
 */
export function extraLabel(key: string): string {
  if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) return key;
  const unit = /^(.+?)(Usd|Pct)$/.exec(key);
  const words = (unit ? unit[1]! : key).replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return unit?.[2] === 'Pct' ? `${words} %` : words;
}

/** Lay out report.extras: scalars, objects (key/value; nested objects become their own section), arrays. */
export function extraSections(extras: Record<string, unknown> | undefined, prefix = '', d?: Display): ExtraSection[] {
  const out: ExtraSection[] = [];
  for (const [k, v] of Object.entries(extras ?? {})) {
    const title = prefix ? `${prefix} · ${extraLabel(k)}` : extraLabel(k);
    if (isScalar(v)) out.push({ title, kind: 'scalar', value: cell(k, v, d) });
    else if (Array.isArray(v)) {
      if (v.length && v.every(isPlainObject)) {
        const head = [...new Set(v.flatMap((o) => Object.keys(o as object)))];
        const at = (o: unknown, h: string): unknown => (o as Record<string, unknown>)[h];
        out.push({
          title,
          kind: 'table',
          head: head.map(extraLabel),
          rows: v.map((o) => head.map((h) => cell(h, at(o, h), d))),
          numeric: head.map((h) =>
            v.every((o) => typeof at(o, h) === 'number' || at(o, h) === undefined || at(o, h) === null),
          ),
        });
      } else out.push({ title, kind: 'list', items: v.map((x) => cell(k, x, d)) });
    } else if (isPlainObject(v)) {
      const flat = Object.entries(v).filter(([, x]) => isScalar(x) || (Array.isArray(x) && x.every(isScalar)));
      if (flat.length)
        out.push({
          title,
          kind: 'kv',
          rows: flat.map(([kk, x]) => [
            extraLabel(kk),
            Array.isArray(x) ? x.map((y) => cell(kk, y, d)).join(', ') : cell(kk, x, d),
          ]),
          numeric: flat.map(([, x]) => typeof x === 'number'),
        });
      const nested = Object.fromEntries(
        Object.entries(v).filter(([, x]) => !(isScalar(x) || (Array.isArray(x) && x.every(isScalar)))),
      );
      out.push(...extraSections(nested, title, d));
    }
  }
  return out;
}

/** The warnings as shown: with their code in brackets when the report has it (report.diagnostics). */
export function warningTexts(r: Report): string[] {
  return r.diagnostics ? r.diagnostics.map((d) => (d.code ? `[${d.code}] ${d.message}` : d.message)) : r.warnings;
}

export function stepName(b: { kind: string; step?: number; label: string }): string {
  return b.kind === 'step' ? `${b.step}. ${b.label}` : b.label;
}

/**
 * "12,000 requests over 1 day (2026-11-01 .. 2026-11-01)"; a trace whose times count from its start:
 * "12,031 requests over 1 h 2 min (times from the trace's start, no dates)"
 */
export function volumeLine(r: Report): string {
  const { startMs, endMs, relative } = r.period;
  if (relative && startMs !== null && endMs !== null)
    return `${count(r.requests, 'request')} over ${elapsed(endMs - startMs)} (times from the trace's start, no dates)`;
  const span = r.period.startMs !== null ? ` (${isoDay(r.period.startMs)} .. ${isoDay(r.period.endMs)})` : '';
  return `${count(r.requests, 'request')} over ${r.period.days === 1 ? '1 day' : `${int(r.period.days)} days`}${span}`;
}

/** "rows: N read · N priced · N rejected", then the rows outside a sample and the calls not billed */
export function rowsLine(rows: Report['rows']): string {
  const unsampled = rows.unsampled ?? 0;
  const notBilled = (rows.skipped ?? 0) - unsampled;
  const outside = unsampled ? ` · ${int(unsampled)} outside the sample` : '';
  const skipped = notBilled > 0 ? ` · ${int(notBilled)} skipped (not billed calls)` : '';
  return `rows: ${int(rows.read)} read · ${int(rows.priced)} priced · ${int(rows.rejected)} rejected${outside}${skipped}`;
}

export const FIXED_NOT_ATTRIBUTED =
  'Attribution covers per-request costs; fixed (one-time) costs are not split by key.';

/**
 * Break-even sentences: the whole plan's (final.breakEvenDays) and, where a step brings its own
 * one-time costs, that step's (steps[k].breakEvenDays: its costs over its own saving in order).
 */
export function breakEvenLines(r: Report): string[] {
  const out: string[] = [];
  if (r.final.breakEvenDays !== undefined)
    out.push(`Break-even of all one-time costs: ${days(r.final.breakEvenDays)} of this traffic.`);
  r.steps.forEach((s, i) => {
    const be = (s as { breakEvenDays?: number | null }).breakEvenDays;
    if (be !== undefined) out.push(`Break-even of step ${i + 1} (${s.label}): ${days(be)}.`);
  });
  return out;
}

/** Which cache rules the run used: "cache rules: realistic (breakpoints, overflow, ...)" or "ideal". */
export function cacheLine(c: NonNullable<Report['cache']>): string {
  const which = c.rules.length ? c.rules.join(', ') : 'none: every block cached, no lookback, overflow or delay';
  return `cache rules: ${c.realism} (${which})`;
}

/**
 * The pricing line of every header: one table, or the tables in force per request with their
 * request counts; then the requests and dollars priced from the catalog (community prices).
 */
export function pricingLine(p: Report['pricing'], d?: Display): string {
  const tables = p.tables ?? [];
  // per request, name the tables that priced rows: the newest table may have priced none of them
  const head =
    p.perRequest && tables.length
      ? `pricing per request: ${tables.map((t) => `${t.version} (${int(t.requests)} req)`).join(', ')}`
      : `pricing ${p.version} (effective ${p.effective})`;
  const overlays = overlaysNote(p.overlays);
  if (!p.catalog) return `${head}${overlays}`;
  return `${head}${overlays}; catalog ${p.catalog.version}: ${int(p.catalog.requests)} req, ${usd(p.catalog.baselineCost, d)} (community prices, not vendor-checked)`;
}
