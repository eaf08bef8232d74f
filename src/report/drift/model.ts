// The drift report (schema llmcost.drift/v1): the SAME simulated quantities (ledgers) priced under
// two tables. Pure: no files, no process. The run must have been bucketed by the union of both
// books' long-context thresholds (engine/drift.ts unionThresholds), so a request above either
// book's threshold is priced in the right band.
//
// A model (or tier/cache class) one table cannot price is reported as "unpriced" with the reason,
// never as $0: its cost under that table is unknown, and so is the scenario's total.
import type { Display } from '../format.js';
import type { ReportWarning } from '../model.js';
import { UserError } from '../../diagnostics.js';
import { attoToUsd, usdToAtto } from '../../pricing/money.js';
import { parseRatio } from '../../shared/decimal.js';
import type { PriceBook } from '../../pricing/pricebook.js';
import { unionThresholds } from '../../engine/drift.js';
import { type Cells, type Ledger, parseCellKey } from '../../engine/ledger.js';
import { priceCells } from '../../engine/price.js';
import type { RunResult } from '../../engine/run.js';

export const DRIFT_SCHEMA = 'llmcost.drift/v1';

/** Old vs new money of one quantity; null = unknown (a table could not price part of it). */
export interface MoneyPair {
  old: number | null;
  new: number | null;
  /** new - old, USD rounded to 1e-6; null when either side is unknown */
  delta: number | null;
  /** delta as % of old (rounded to 1e-4); null when unknown or old is 0 */
  deltaPct: number | null;
}

export interface ModelDrift {
  /** model id in the current table (the baseline's id when the current table lacks it) */
  model: string;
  baseline: MoneyPair;
  final: MoneyPair;
}

export interface Unpriced {
  model: string;
  /** which table cannot price it */
  table: 'baseline' | 'current';
  reason: string;
}

export interface ScenarioDrift {
  scenario: string;
  requests: number;
  /** cost before any strategy (tap 0) */
  baseline: MoneyPair;
  /** cost after every strategy (the last tap): what the checks look at */
  final: MoneyPair;
  /** per model, sorted by |final delta| descending (unknown deltas first) */
  models: ModelDrift[];
  unpriced: Unpriced[];
}

export interface DriftScenarioInput {
  scenario: string;
  run: RunResult;
  /** fixed one-time costs (USD decimal strings) already in the scenario's totals; equal under both tables */
  fixedUsd?: { baseline: string; final: string };
}

interface Side {
  total: bigint | null;
  byModel: Map<string, bigint | null>;
}

/** Price cells under one book, model by model, turning "cannot price" into null + a reason. */
function priceSide(
  cells: Cells,
  thresholds: number[],
  book: PriceBook,
  nameOf: (raw: string) => string,
  unpriced: Map<string, string>,
): Side {
  const groups = new Map<string, Cells>();
  for (const [key, c] of cells) {
    const raw = parseCellKey(key).model;
    let g = groups.get(raw);
    if (!g) groups.set(raw, (g = new Map()));
    g.set(key, c);
  }
  const byModel = new Map<string, bigint | null>();
  let total: bigint | null = 0n;
  for (const [raw, g] of groups) {
    const name = nameOf(raw);
    let cost: bigint | null;
    try {
      cost = priceCells(g, thresholds, book).total;
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      cost = null;
      // the reason without the table's file path (it would leak runner paths into PR comments)
      const d = e.diagnostics[0];
      if (!unpriced.has(name)) unpriced.set(name, d?.data?.reason ?? d?.message ?? e.message);
    }
    const prev = byModel.get(name);
    byModel.set(name, prev === null || cost === null ? null : (prev ?? 0n) + cost);
    total = total === null || cost === null ? null : total + cost;
  }
  return { total, byModel };
}

function pctOf(delta: bigint, old: bigint): number | null {
  if (old === 0n) return null;
  // percent rounded half away from zero to 1e-4: delta * 100 * 1e4 / old
  const scaled = delta * 1_000_000n;
  const q = scaled / old;
  const r = scaled % old;
  const up = (r < 0n ? -r : r) * 2n >= old ? (scaled < 0n ? -1n : 1n) : 0n;
  return Number(q + up) / 1e4;
}

export function moneyPair(old: bigint | null, cur: bigint | null): MoneyPair {
  const delta = old !== null && cur !== null ? cur - old : null;
  return {
    old: old === null ? null : attoToUsd(old),
    new: cur === null ? null : attoToUsd(cur),
    delta: delta === null ? null : attoToUsd(delta),
    deltaPct: delta === null || old === null ? null : pctOf(delta, old),
  };
}

/** Exact pairs kept beside the rounded ones, for the checks. */
export interface ExactPair {
  old: bigint | null;
  new: bigint | null;
}

export interface ScenarioDriftExact extends ScenarioDrift {
  exact: { baseline: ExactPair; final: ExactPair };
}

export function driftScenario(
  input: DriftScenarioInput,
  baselineBook: PriceBook,
  currentBook: PriceBook,
): ScenarioDriftExact {
  const { run } = input;
  const th = run.thresholds;
  for (const t of unionThresholds(baselineBook, currentBook)) {
    if (!th.includes(t))
      throw new Error(
        `internal: drift run was not bucketed by threshold ${t} (got ${th.join(',')}); pass thresholds: unionThresholds(a, b)`,
      );
  }
  // One display name per model across both tables: the current id, else the baseline id.
  const nameOf = (raw: string): string => currentBook.tryResolve(raw)?.id ?? baselineBook.tryResolve(raw)?.id ?? raw;
  const unpricedOld = new Map<string, string>();
  const unpricedNew = new Map<string, string>();
  const tap = (l: Ledger) => ({
    old: priceSide(l.cells, th, baselineBook, nameOf, unpricedOld),
    cur: priceSide(l.cells, th, currentBook, nameOf, unpricedNew),
  });
  const base = tap(run.taps[0]!);
  const fin = tap(run.taps[run.taps.length - 1]!);
  const fixedB = input.fixedUsd ? (usdToAtto(input.fixedUsd.baseline) ?? 0n) : 0n;
  const fixedF = input.fixedUsd ? (usdToAtto(input.fixedUsd.final) ?? 0n) : 0n;
  const plus = (x: bigint | null, f: bigint): bigint | null => (x === null ? null : x + f);
  const exact = {
    baseline: { old: plus(base.old.total, fixedB), new: plus(base.cur.total, fixedB) },
    final: { old: plus(fin.old.total, fixedF), new: plus(fin.cur.total, fixedF) },
  };
  const names = [
    ...new Set([
      ...base.old.byModel.keys(),
      ...base.cur.byModel.keys(),
      ...fin.old.byModel.keys(),
      ...fin.cur.byModel.keys(),
    ]),
  ];
  const get = (m: Map<string, bigint | null>, k: string): bigint | null => (m.has(k) ? m.get(k)! : 0n);
  const models: ModelDrift[] = names.map((model) => ({
    model,
    baseline: moneyPair(get(base.old.byModel, model), get(base.cur.byModel, model)),
    final: moneyPair(get(fin.old.byModel, model), get(fin.cur.byModel, model)),
  }));
  const key = (m: ModelDrift): number => (m.final.delta === null ? Infinity : Math.abs(m.final.delta));
  models.sort((a, b) => key(b) - key(a) || (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  const unpriced: Unpriced[] = [
    ...[...unpricedOld].map(([model, reason]) => ({ model, table: 'baseline' as const, reason })),
    ...[...unpricedNew].map(([model, reason]) => ({ model, table: 'current' as const, reason })),
  ];
  return {
    scenario: input.scenario,
    requests: run.requests,
    baseline: moneyPair(exact.baseline.old, exact.baseline.new),
    final: moneyPair(exact.final.old, exact.final.new),
    models,
    unpriced,
    exact,
  };
}

export interface DriftLimits {
  /** fail when a scenario's final cost rises by more than this % (decimal string, e.g. "5") */
  maxIncreasePct?: string;
  /** fail when a scenario's final cost rises by more than this many USD (decimal string) */
  maxIncreaseUsd?: string;
}

export interface DriftCheck {
  name: 'max-increase-pct' | 'max-increase-usd' | 'priced';
  scenario: string;
  ok: boolean;
  /** the measured value (% or USD); null when unknown */
  actual: number | null;
  limit: number | null;
  message: string;
}

/**
 * The checks of one scenario, decided on exact atto-USD (not on rounded numbers):
 * - priced: the current table must price every model the scenario uses (else the PR would ship
 *   a table that cannot cost this traffic). A model only the baseline lacks is a warning, and the
 *   limits are then "not checked" (nothing to compare), not failed.
 * - max-increase-pct: (new - old) / old > limit %  (old = 0 and new > 0 counts as an infinite rise)
 * - max-increase-usd: new - old > limit
 */
export function checkScenario(d: ScenarioDriftExact, limits: DriftLimits): DriftCheck[] {
  const checks: DriftCheck[] = [];
  const missingNew = d.unpriced.filter((u) => u.table === 'current');
  checks.push({
    name: 'priced',
    scenario: d.scenario,
    ok: missingNew.length === 0,
    actual: null,
    limit: null,
    message: missingNew.length
      ? `the current table cannot price ${missingNew.map((u) => `'${u.model}'`).join(', ')}: ${missingNew[0]!.reason}`
      : 'every model is priced by the current table',
  });
  const { old, new: cur } = d.exact.final;
  const known = old !== null && cur !== null;
  // Old cost unknown but new known: the scenario uses a model the baseline table lacks (e.g. a model
  // adopted in the same change). Nothing to compare: not checked (a warning says so), not failed.
  const notComparable = old === null && cur !== null;
  const skipped = (name: DriftCheck['name'], limit: number): DriftCheck => ({
    name,
    scenario: d.scenario,
    ok: true,
    actual: null,
    limit,
    message: `not checked: the baseline table cannot price ${d.unpriced
      .filter((u) => u.table === 'baseline')
      .map((u) => `'${u.model}'`)
      .join(', ')}`,
  });
  /** a limit that cannot be decided: not comparable (skipped) or unknown (failed) */
  const undecided = (name: DriftCheck['name'], limit: number): DriftCheck | undefined =>
    notComparable
      ? skipped(name, limit)
      : !known
        ? {
            name,
            scenario: d.scenario,
            ok: false,
            actual: null,
            limit,
            message: 'final cost change unknown (a table cannot price a model)',
          }
        : undefined;
  if (limits.maxIncreasePct !== undefined) {
    const r = parseRatio(limits.maxIncreasePct);
    if (!r) throw new Error(`internal: unvalidated --max-increase ${limits.maxIncreasePct}`);
    const limit = Number(limits.maxIncreasePct);
    const open = undecided('max-increase-pct', limit);
    if (open) checks.push(open);
    else if (old !== null && cur !== null) {
      const delta = cur - old;
      // delta / old * 100 > num / den  <=>  delta * 100 * den > num * old   (old >= 0)
      const over = old === 0n ? delta > 0n : delta * 100n * r.den > r.num * old;
      const actual = d.final.deltaPct;
      checks.push({
        name: 'max-increase-pct',
        scenario: d.scenario,
        ok: !over,
        actual,
        limit,
        message: over
          ? `final cost rose ${actual === null ? 'from $0' : `${actual}%`}, over the ${limit}% limit`
          : `final cost change ${actual ?? 0}% is within the ${limit}% limit`,
      });
    }
  }
  if (limits.maxIncreaseUsd !== undefined) {
    const lim = usdToAtto(limits.maxIncreaseUsd);
    if (lim === null) throw new Error(`internal: unvalidated --max-increase-usd ${limits.maxIncreaseUsd}`);
    const limit = Number(limits.maxIncreaseUsd);
    const open = undecided('max-increase-usd', limit);
    if (open) checks.push(open);
    else if (old !== null && cur !== null) {
      const over = cur - old > lim;
      checks.push({
        name: 'max-increase-usd',
        scenario: d.scenario,
        ok: !over,
        actual: d.final.delta,
        limit,
        message: over
          ? `final cost rose $${d.final.delta}, over the $${limit} limit`
          : `final cost change $${d.final.delta} is within the $${limit} limit`,
      });
    }
  }
  return checks;
}

export interface DriftReport {
  schema: typeof DRIFT_SCHEMA;
  /** the display currency money is shown in (`--currency`/`--fx`); every figure stays USD */
  display?: Display;
  baseline: { version: string; effective: string };
  current: { version: string; effective: string };
  limits: { maxIncreasePct: number | null; maxIncreaseUsd: number | null };
  scenarios: ScenarioDrift[];
  /** sum over scenarios of the final cost (null when any is unknown) */
  total: MoneyPair;
  checks: DriftCheck[];
  /** true when every check passed */
  ok: boolean;
  /** true when some scenario's final cost went up (or cannot be priced by the current table) */
  increased: boolean;
  warnings: string[];
  /** the warnings with their codes, in the same order (present when one has a code) */
  diagnostics?: ReportWarning[];
}

/** A drift report's warnings with their codes where they have one (`diagnostics`, else the plain texts). */
export function driftWarnings(r: Pick<DriftReport, 'warnings' | 'diagnostics'>): ReportWarning[] {
  return r.diagnostics ?? r.warnings.map((message) => ({ message }));
}

/** Assemble the drift report from per-scenario results (pure; the CLI runs the simulations). */
export function buildDriftReport(
  results: ScenarioDriftExact[],
  baselineBook: PriceBook,
  currentBook: PriceBook,
  limits: DriftLimits,
  warnings: string[] = [],
): DriftReport {
  const checks = results.flatMap((d) => checkScenario(d, limits));
  let oldSum: bigint | null = 0n;
  let newSum: bigint | null = 0n;
  for (const d of results) {
    oldSum = oldSum === null || d.exact.final.old === null ? null : oldSum + d.exact.final.old;
    newSum = newSum === null || d.exact.final.new === null ? null : newSum + d.exact.final.new;
  }
  const w: ReportWarning[] = warnings.map((message) => ({ message }));
  for (const d of results) {
    for (const u of d.unpriced)
      if (u.table === 'baseline')
        w.push({
          code: 'UNKNOWN_MODEL',
          message: `scenario '${d.scenario}': the baseline table ${baselineBook.version} cannot price '${u.model}' (${u.reason}); its old cost is unknown`,
        });
  }
  return {
    schema: DRIFT_SCHEMA,
    baseline: { version: baselineBook.version, effective: baselineBook.effective },
    current: { version: currentBook.version, effective: currentBook.effective },
    limits: {
      maxIncreasePct: limits.maxIncreasePct === undefined ? null : Number(limits.maxIncreasePct),
      maxIncreaseUsd: limits.maxIncreaseUsd === undefined ? null : Number(limits.maxIncreaseUsd),
    },
    scenarios: results.map(({ exact: _exact, ...rest }) => rest),
    total: moneyPair(oldSum, newSum),
    checks,
    ok: checks.every((c) => c.ok),
    increased: results.some(
      (d) => d.exact.final.new === null || (d.exact.final.old !== null && d.exact.final.new > d.exact.final.old),
    ),
    warnings: w.map((x) => x.message),
    ...(w.some((x) => x.code !== undefined) ? { diagnostics: w } : {}),
  };
}
