// The report model (schema llmcost.report/v1): the one contract every renderer reads.
// Built once from priced ledgers; renderers never compute. Money: USD numbers rounded to 1e-6.
import type { Display } from './format.js';
import { Q, type Ledger } from '../engine/ledger.js';
import {
  type Breakdown,
  BREAKDOWN_KEYS,
  CORE_BREAKDOWN_KEYS,
  type ModelLine,
  type PricedBy,
  priceCells,
  sumBreakdown,
} from '../engine/price.js';
import type { RunResult } from '../engine/run.js';
import type { Pricing } from '../pricing/pricebook.js';
import type { Code } from '../diagnostics.js';
import { attoToUsd, usdToAtto } from '../pricing/money.js';
import { percentOf, round6 } from '../shared/numbers.js';

export const REPORT_SCHEMA = 'llmcost.report/v1';

export type MoneyBreakdown = Record<(typeof BREAKDOWN_KEYS)[number], number>;

/** Quantities per bill dimension. input/output exclude the classes split out of them (reasoning, audio, image). */
export interface TokenTotals {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
  reasoning: number;
  audioInput: number;
  audioOutput: number;
  imageInput: number;
  /** explicit-cache storage in token-hours */
  storageTokenHours: number;
  webSearchCalls: number;
}

export interface StageFigures {
  cost: number;
  breakdown: MoneyBreakdown;
  tokens: TokenTotals;
  /** API calls billed at this stage (a cascade's escalation counts two) */
  calls: number;
  /** expected successful answers: status ok x quality, plus requests served by a cache/dedupe */
  successes: number;
  /** successes / requests */
  successRate: number;
  /** cost / successes; null when nothing succeeded */
  costPerSuccess: number | null;
}

export interface StepReport extends StageFigures {
  strategy: string;
  label: string;
  /** saving of this step: previous cumulative cost - this cost (steps add up to baseline - final) */
  saving: number;
  /** saving as % of the baseline cost */
  savingPct: number;
  /** this strategy alone on the baseline (with --standalone) */
  standalone?: { cost: number; saving: number; savingPct: number };
  /**
   * Only for a step that brings one-time costs (e.g. self-host fine-tuning): those costs over THIS
   * step's variable saving per day (marginal, in scenario order); null = the step saves nothing.
   * final.breakEvenDays is the whole plan's: all strategies' one-time costs over the total saving.
   */
  breakEvenDays?: number | null;
}

export interface FixedLine {
  label: string;
  usd: number;
  /** the step (strategy label) that brings it, or "scenario" */
  from: string;
}

export interface Check {
  name: string;
  ok: boolean;
  actual: number;
  limit: number;
  message: string;
}

/** A warning as the report keeps it: the message, and its diagnostic code when it has one. */
export interface ReportWarning {
  code?: Code;
  message: string;
}

export interface Report {
  schema: typeof REPORT_SCHEMA;
  /** the display currency the renderers show money in (`--currency`/`--fx`); every figure stays USD */
  display?: Display;
  tool: { name: 'llmcost'; version: string };
  command: string;
  scenario: string;
  pricing: ReportPricing;
  seed: number;
  /** logical requests at baseline */
  requests: number;
  /**
   * skipped: records that are not billed model calls (spans, events, cache hits) or are outside a
   * sample, present when any; unsampled: those outside a key-consistent sample (--sample)
   */
  rows: { read: number; priced: number; rejected: number; skipped?: number; unsampled?: number };
  /** relative: timestamps that count from the log's start (a trace), shown as a span, not as dates */
  period: { startMs: number | null; endMs: number | null; days: number; relative?: true };
  baseline: StageFigures;
  steps: StepReport[];
  final: StageFigures & { saving: number; savingPct: number; breakEvenDays?: number | null };
  fixed: FixedLine[];
  /** per model and channel; `channel` null = the vendor's own API; `pricedBy` = table versions or "catalog ..." */
  models: { model: string; channel?: string | null; pricedBy?: string[]; baselineCost: number; finalCost: number }[];
  by?: Record<string, { key: string; cost: number; baselineCost: number; requests: number }[]>;
  checks: Check[];
  /** every warning of the run, as text (the v1 field) */
  warnings: string[];
  /** the same warnings with their diagnostic codes, one per entry of `warnings` (absent when none has a code) */
  diagnostics?: ReportWarning[];
  /**
   * free-form extras a command adds (e.g. replay's reconciliation); renderers show them generically:
   * a scalar as "key: value", an object of scalars as a key/value table, an array of objects as a
   * table. Numbers under a key ending in cost/usd/saving are money; ending in pct are percents.
   */
  extras?: Record<string, unknown>;
  /** presentation figures derived from the fields above (see chartOf); render() recomputes them */
  chart?: ReportChart;
  /** `simulate --runs N`: p5/p50/p95 over N seeds (the report's other figures stay the scenario seed's run) */
  monteCarlo?: MonteCarlo;
  /** when a caching step ran: which rules decided when provider caches hit (--cache-realism) */
  cache?: CacheModel;
}

export interface CacheModel {
  /** realistic, ideal, or rules joined by '+' */
  realism: string;
  /** the realistic rules in force, in their documented order (none = the ideal rules) */
  rules: string[];
}

/**
 * Where the prices came from. `version`/`effective`: the table the run is dated by (with tables
 * chosen per request, the newest); `tables`: each table that priced baseline requests, with their
 * count and cost; `catalog`: requests priced from the bundled community catalog (not a checked table).
 */
export interface ReportPricing {
  version: string;
  effective: string;
  /** true when each request was priced with the table in force at its timestamp */
  perRequest?: boolean;
  tables?: { version: string; effective: string | null; requests: number; baselineCost: number }[];
  catalog?: { version: string; requests: number; baselineCost: number; models: string[] } | null;
  /** price overlays applied on top of the tables (negotiated discounts, uplifts), in order; absent when none */
  overlays?: string[];
}

/** A low / expected / high band: nearest-rank 5th, 50th and 95th percentiles over the runs. */
export interface Band {
  p5: number;
  p50: number;
  p95: number;
}

export interface MonteCarlo {
  runs: number;
  /** the first and last seed: runs use seed, seed+1, ..., seed+runs-1 */
  seeds: [number, number];
  percentiles: 'nearest-rank';
  requests: Band;
  baseline: Band;
  /** per step in scenario order: its cumulative cost and its own saving */
  steps: { strategy: string; label: string; cost: Band; saving: Band; savingPct: Band }[];
  final: Band;
  saving: Band;
  savingPct: Band;
  /** final success rate, 0..1 */
  successRate: Band;
}

export interface BuildInput {
  command: string;
  scenario: string;
  seed: number;
  run: RunResult;
  book: Pricing;
  labels: { strategy: string; label: string }[];
  /** fixed costs: per stage index (1-based) or 0 for the scenario */
  fixed?: { stage: number; label: string; usd: string }[];
  rows?: Report['rows'];
  period?: { startMs: number | null; endMs: number | null; relative?: true };
  /** plain text, or coded warnings (code shown in every format, listed in report.diagnostics) */
  warnings?: (string | ReportWarning)[];
  version: string;
}

const pct = (part: number, whole: number): number => percentOf(part, whole, 0);

/** A breakdown of zeros (hand-built reports, tests). */
export function zeroMoney(): MoneyBreakdown {
  return Object.fromEntries(BREAKDOWN_KEYS.map((k) => [k, 0])) as MoneyBreakdown;
}

/** Token totals of zeros (hand-built reports, tests). */
export function zeroTokens(): TokenTotals {
  return {
    input: 0,
    cacheRead: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    output: 0,
    reasoning: 0,
    audioInput: 0,
    audioOutput: 0,
    imageInput: 0,
    storageTokenHours: 0,
    webSearchCalls: 0,
  };
}

function money(b: Breakdown): MoneyBreakdown {
  return Object.fromEntries(BREAKDOWN_KEYS.map((k) => [k, attoToUsd(b[k])])) as MoneyBreakdown;
}

function tokens(l: Ledger): TokenTotals {
  return {
    input: l.total(Q.input),
    cacheRead: l.total(Q.cacheRead),
    cacheWrite5m: l.total(Q.cacheWrite5m),
    cacheWrite1h: l.total(Q.cacheWrite1h),
    output: l.total(Q.output),
    reasoning: l.total(Q.reasoning),
    audioInput: l.total(Q.audioInput),
    audioOutput: l.total(Q.audioOutput),
    imageInput: l.total(Q.imageInput),
    storageTokenHours: round6(l.total(Q.storage) / 3600),
    webSearchCalls: l.total(Q.webSearch),
  };
}

export function figures(
  l: Ledger,
  thresholds: number[],
  book: Pricing,
  fixedAtto: bigint,
  requests: number,
): { f: StageFigures; atto: bigint; byModel: Map<string, ModelLine>; byTable: Map<string, PricedBy> } {
  const priced = priceCells(l.cells, thresholds, book);
  const b = { ...priced.breakdown, fixed: priced.breakdown.fixed + fixedAtto };
  const atto = sumBreakdown(b);
  const successes = round6(l.total(Q.successes) + l.dropped);
  const cost = attoToUsd(atto);
  return {
    f: {
      cost,
      breakdown: money(b),
      tokens: tokens(l),
      calls: l.total(Q.calls),
      successes,
      successRate: requests === 0 ? 0 : round6(successes / requests),
      costPerSuccess: successes > 0 ? round6(cost / successes) : null,
    },
    atto,
    byModel: priced.byModel,
    byTable: priced.byTable,
  };
}

/** The pricing block of a report: the tables and the catalog that priced the baseline (`byTable`: priceCells'). */
export function reportPricing(book: Pricing, byTable: Map<string, PricedBy>): ReportPricing {
  const effective = new Map(book.tables().map((t) => [t.version, t.effective]));
  const used = [...byTable.values()];
  const catalog = used.filter((t) => t.kind === 'catalog');
  return {
    version: book.version,
    effective: book.effective,
    perRequest: book.tables().length > 1,
    ...(book.overlayLabels?.length ? { overlays: book.overlayLabels } : {}),
    tables: used
      .filter((t) => t.kind === 'table')
      .sort((a, b) => (a.version < b.version ? -1 : a.version > b.version ? 1 : 0))
      .map((t) => ({
        version: t.version,
        effective: effective.get(t.version) ?? null,
        requests: t.calls,
        baselineCost: attoToUsd(t.atto),
      })),
    catalog: catalog.length
      ? {
          version: catalog[0]!.version,
          requests: catalog.reduce((s, t) => s + t.calls, 0),
          baselineCost: attoToUsd(catalog.reduce((s, t) => s + t.atto, 0n)),
          models: [],
        }
      : null,
  };
}

export function buildReport(input: BuildInput): Report {
  const { run, book } = input;
  const th = run.thresholds;
  const fixedLines = input.fixed ?? [];
  const fixedUpTo = (k: number): bigint =>
    fixedLines.filter((f) => f.stage <= k).reduce((s, f) => s + (usdToAtto(f.usd) ?? 0n), 0n);
  const base = figures(run.taps[0]!, th, book, fixedUpTo(0), run.requests);
  const periodDays =
    input.period?.startMs != null && input.period?.endMs != null
      ? Math.max(1, Math.ceil((input.period.endMs - input.period.startMs + 1) / 86_400_000))
      : 1;
  const steps: StepReport[] = [];
  let prevAtto = base.atto;
  let last = base;
  for (let k = 1; k < run.taps.length; k++) {
    const fk = figures(run.taps[k]!, th, book, fixedUpTo(k), run.requests);
    const savingAtto = prevAtto - fk.atto;
    const lab = input.labels[k - 1]!;
    const step: StepReport = {
      strategy: lab.strategy,
      label: lab.label,
      ...fk.f,
      saving: attoToUsd(savingAtto),
      savingPct: pct(Number(savingAtto), Number(base.atto)),
    };
    const stepFixed = fixedUpTo(k) - fixedUpTo(k - 1);
    if (stepFixed > 0n) {
      const stepSavingPerDay = Number(savingAtto + stepFixed) / 1e18 / periodDays;
      step.breakEvenDays =
        stepSavingPerDay > 0 ? Math.round((Number(stepFixed) / 1e18 / stepSavingPerDay) * 100) / 100 : null;
    }
    const solo = run.standalone?.[k - 1];
    if (solo) {
      const fs = figures(
        solo,
        th,
        book,
        fixedLines.filter((f) => f.stage === 0 || f.stage === k).reduce((s, f) => s + (usdToAtto(f.usd) ?? 0n), 0n),
        run.requests,
      );
      step.standalone = {
        cost: fs.f.cost,
        saving: attoToUsd(base.atto - fs.atto),
        savingPct: pct(Number(base.atto - fs.atto), Number(base.atto)),
      };
    }
    steps.push(step);
    prevAtto = fk.atto;
    last = fk;
  }
  const startMs = input.period?.startMs ?? null;
  const endMs = input.period?.endMs ?? null;
  const days = startMs !== null && endMs !== null ? Math.max(1, Math.ceil((endMs - startMs + 1) / 86_400_000)) : 1;
  const fixedAtto = fixedUpTo(run.taps.length);
  const savingAtto = base.atto - last.atto;
  // Break-even: fixed costs over the variable saving per day of traffic.
  let breakEvenDays: number | null | undefined;
  // Scenario-level fixed costs (stage 0) are in the baseline too, so they never pay back: only
  // strategies' one-time costs count (with none, there is no break-even to report).
  if (fixedAtto - fixedUpTo(0) > 0n) {
    const variableSavingPerDay = Number(savingAtto + fixedAtto - fixedUpTo(0)) / 1e18 / days;
    breakEvenDays =
      variableSavingPerDay > 0
        ? Math.round((Number(fixedAtto - fixedUpTo(0)) / 1e18 / variableSavingPerDay) * 100) / 100
        : null;
  }
  const modelKeys = [...new Set([...base.byModel.keys(), ...last.byModel.keys()])].sort();
  const pricing = reportPricing(book, base.byTable);
  if (pricing.catalog)
    pricing.catalog.models = [
      ...new Set(
        [...base.byModel.values()].filter((l) => l.pricedBy.some((p) => p.startsWith('catalog '))).map((l) => l.model),
      ),
    ].sort();
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'llmcost', version: input.version },
    command: input.command,
    scenario: input.scenario,
    pricing,
    seed: input.seed,
    requests: run.requests,
    rows: input.rows ?? { read: run.requests, priced: run.requests, rejected: 0 },
    period: { startMs, endMs, days, ...(input.period?.relative ? { relative: true as const } : {}) },
    baseline: base.f,
    steps,
    final: {
      ...last.f,
      saving: attoToUsd(savingAtto),
      savingPct: pct(Number(savingAtto), Number(base.atto)),
      ...(breakEvenDays !== undefined ? { breakEvenDays } : {}),
    },
    fixed: fixedLines.map((f) => ({
      label: f.label,
      usd: attoToUsd(usdToAtto(f.usd) ?? 0n),
      from: f.stage === 0 ? 'scenario' : input.labels[f.stage - 1]!.label,
    })),
    models: modelKeys.map((k) => {
      const line = base.byModel.get(k) ?? last.byModel.get(k)!;
      const pricedBy = [
        ...new Set([...(base.byModel.get(k)?.pricedBy ?? []), ...(last.byModel.get(k)?.pricedBy ?? [])]),
      ];
      return {
        model: line.model,
        channel: line.channel,
        pricedBy: pricedBy.sort(),
        baselineCost: attoToUsd(base.byModel.get(k)?.atto ?? 0n),
        finalCost: attoToUsd(last.byModel.get(k)?.atto ?? 0n),
      };
    }),
    checks: [],
    warnings: (input.warnings ?? []).map((w) => (typeof w === 'string' ? w : w.message)),
  };
  const coded = (input.warnings ?? []).map((w) => (typeof w === 'string' ? { message: w } : w));
  if (coded.some((w) => w.code !== undefined)) report.diagnostics = coded;
  const baseTap = run.taps[0]!;
  const lastTap = run.taps[run.taps.length - 1]!;
  if (baseTap.by.size) {
    // keyed by --by names, which users choose (`__proto__` included): an object without a prototype
    report.by = Object.create(null) as NonNullable<Report['by']>;
    for (const [dim, keys] of lastTap.by) {
      const baseKeys = baseTap.by.get(dim)!;
      const all = [...new Set([...keys.keys(), ...baseKeys.keys()])];
      report.by[dim] = all
        .map((key) => {
          const cur = keys.get(key);
          const b = baseKeys.get(key);
          const cost = cur ? priceCells(cur, th, book).total : 0n;
          const bc = b ? priceCells(b, th, book).total : 0n;
          // Requests answered under this key after the strategies, like `cost`: a routed request
          // counts for the model (and tier, route) that answered it, an escalated cascade request
          // for the strong model only (its cheap call is paid, in `cost`, but answered nothing);
          // a request served from a cache is sent nowhere and counts nowhere.
          let n = 0;
          if (cur) for (const c of cur.values()) n += c[Q.answering]!;
          return { key, cost: attoToUsd(cost), baselineCost: attoToUsd(bc), requests: n };
        })
        .sort(
          (x, y) => y.cost - x.cost || y.baselineCost - x.baselineCost || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0),
        );
    }
  }
  return report;
}

// ---------------------------------------------------------------------------------------------
// Presentation figures (report.chart): every number a renderer shows that is not a plain field
// above — bar fractions, shares, the "top N and K more" remainders, axis ticks. Derived only from
// the fields above; render() recomputes it (withChart) so a saved or hand-built report and a fresh
// one render the same. Renderers scale fractions to their own width, nothing more.
// ---------------------------------------------------------------------------------------------

export type BreakdownKey = (typeof BREAKDOWN_KEYS)[number];
export const BREAKDOWN_LABELS: Record<BreakdownKey, string> = {
  input: 'input',
  cacheRead: 'cache read',
  cacheWrite: 'cache write',
  cacheWrite1h: 'cache write 1h',
  output: 'output',
  reasoning: 'reasoning',
  audio: 'audio',
  image: 'image',
  storage: 'storage',
  fees: 'tool fees',
  fixed: 'fixed',
};

/**
 * The classes a report shows: the core ones always, the others where a stage has any (so a report
 * without audio or fees looks as before). A saved report from before a class existed lacks it: 0.
 */
export function shownClasses(r: Pick<Report, 'baseline' | 'steps' | 'final'>): BreakdownKey[] {
  const stages = [r.baseline, ...r.steps, r.final];
  return BREAKDOWN_KEYS.filter(
    (k) => CORE_BREAKDOWN_KEYS.includes(k) || stages.some((f) => (f.breakdown[k] ?? 0) !== 0),
  );
}
/** attribution rows shown per dimension before "… and K more" */
export const TOP_N = 10;

export interface ChartBar {
  kind: 'baseline' | 'step' | 'final';
  /** 1-based step number for kind 'step' */
  step?: number;
  label: string;
  strategy?: string;
  /** cumulative cost after this bar */
  cost: number;
  /** cumulative cost before it (0 for baseline and final, which start at zero) */
  prevCost: number;
  saving: number;
  savingPct: number;
  /** cost / scaleUsd and prevCost / scaleUsd, in 0..1 */
  costFrac: number;
  prevFrac: number;
  standalone?: { cost: number; saving: number; savingPct: number };
}

export interface ChartPart {
  key: BreakdownKey;
  label: string;
  usd: number;
  /** share of this stage's cost, 0..100 */
  sharePct: number;
  /** usd / scaleUsd, 0..1 (stacked bars on the waterfall's axis) */
  frac: number;
}

export interface ChartClassRow {
  key: BreakdownKey;
  label: string;
  baseline: number;
  final: number;
  /** final - baseline (negative = cheaper) */
  change: number;
  baselineSharePct: number;
  finalSharePct: number;
}

export interface ChartByRow {
  key: string;
  cost: number;
  baselineCost: number;
  requests: number;
  /** share of the dimension's final cost, 0..100 */
  sharePct: number;
  /** (cost - baselineCost) / baselineCost x 100; null when the baseline cost is 0 */
  changePct: number | null;
}

export interface ChartBy {
  dimension: string;
  rows: number;
  top: ChartByRow[];
  /** the rows after the top N, summed; null when all are shown */
  more: { count: number; cost: number; baselineCost: number; requests: number } | null;
  total: { cost: number; baselineCost: number; requests: number };
}

export interface ReportChart {
  /** the axis maximum: the largest cumulative cost of any bar (usually the baseline) */
  scaleUsd: number;
  ticks: { usd: number; frac: number }[];
  waterfall: ChartBar[];
  /** per stage (baseline, then each step) the cost split by token class */
  stages: { label: string; cost: number; parts: ChartPart[] }[];
  classes: ChartClassRow[];
  /** label = the model, its channel when not the vendor's API, and "catalog" when a community price */
  models: {
    model: string;
    label: string;
    baselineCost: number;
    finalCost: number;
    saving: number;
    savingPct: number | null;
  }[];
  by: ChartBy[];
  topN: number;
}

/** x as a fraction of an axis scale, 0..1 rounded to 1e-6 (0 on an empty axis). */
export const frac = (x: number, scale: number): number => (scale <= 0 ? 0 : round6(x / scale));
const share = (x: number, whole: number): number => percentOf(x, whole, 0);

/** Round axis ticks: 0 and multiples of a 1/2/5 x 10^k step up to the scale, at most ~5. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0];
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let i = 0; i * step <= max * (1 + 1e-9); i++) out.push(round6(i * step));
  return out;
}

export function chartOf(r: Report, topN = TOP_N): ReportChart {
  const costs = [r.baseline.cost, ...r.steps.map((s) => s.cost), r.final.cost];
  const scale = Math.max(0, ...costs);
  const waterfall: ChartBar[] = [
    {
      kind: 'baseline',
      label: 'baseline',
      cost: r.baseline.cost,
      prevCost: 0,
      saving: 0,
      savingPct: 0,
      costFrac: frac(r.baseline.cost, scale),
      prevFrac: 0,
    },
  ];
  let prev = r.baseline.cost;
  r.steps.forEach((s, i) => {
    waterfall.push({
      kind: 'step',
      step: i + 1,
      label: s.label,
      strategy: s.strategy,
      cost: s.cost,
      prevCost: prev,
      saving: s.saving,
      savingPct: s.savingPct,
      costFrac: frac(s.cost, scale),
      prevFrac: frac(prev, scale),
      ...(s.standalone ? { standalone: s.standalone } : {}),
    });
    prev = s.cost;
  });
  waterfall.push({
    kind: 'final',
    label: 'final',
    cost: r.final.cost,
    prevCost: 0,
    saving: r.final.saving,
    savingPct: r.final.savingPct,
    costFrac: frac(r.final.cost, scale),
    prevFrac: 0,
  });
  const shown = shownClasses(r);
  const parts = (f: StageFigures): ChartPart[] =>
    shown.map((key) => ({
      key,
      label: BREAKDOWN_LABELS[key],
      usd: f.breakdown[key] ?? 0,
      sharePct: share(f.breakdown[key] ?? 0, f.cost),
      frac: frac(f.breakdown[key] ?? 0, scale),
    }));
  const stages = [
    { label: 'baseline', cost: r.baseline.cost, parts: parts(r.baseline) },
    ...r.steps.map((s) => ({ label: s.label, cost: s.cost, parts: parts(s) })),
  ];
  const classes = shown.map((key) => {
    const b = r.baseline.breakdown[key] ?? 0;
    const f = r.final.breakdown[key] ?? 0;
    return {
      key,
      label: BREAKDOWN_LABELS[key],
      baseline: b,
      final: f,
      change: round6(f - b),
      baselineSharePct: share(b, r.baseline.cost),
      finalSharePct: share(f, r.final.cost),
    };
  });
  const models = r.models.map((m) => ({
    model: m.model,
    label: modelLabel(m),
    baselineCost: m.baselineCost,
    finalCost: m.finalCost,
    saving: round6(m.baselineCost - m.finalCost),
    savingPct: m.baselineCost === 0 ? null : share(m.baselineCost - m.finalCost, m.baselineCost),
  }));
  const by: ChartBy[] = Object.entries(r.by ?? {}).map(([dimension, list]) => {
    const sum = (xs: typeof list, k: 'cost' | 'baselineCost' | 'requests'): number =>
      round6(xs.reduce((s, x) => s + x[k], 0));
    const total = { cost: sum(list, 'cost'), baselineCost: sum(list, 'baselineCost'), requests: sum(list, 'requests') };
    const rest = list.slice(topN);
    return {
      dimension,
      rows: list.length,
      top: list.slice(0, topN).map((x) => ({
        key: x.key,
        cost: x.cost,
        baselineCost: x.baselineCost,
        requests: x.requests,
        sharePct: share(x.cost, total.cost),
        changePct: x.baselineCost === 0 ? null : share(x.cost - x.baselineCost, x.baselineCost),
      })),
      more: rest.length
        ? {
            count: rest.length,
            cost: sum(rest, 'cost'),
            baselineCost: sum(rest, 'baselineCost'),
            requests: sum(rest, 'requests'),
          }
        : null,
      total,
    };
  });
  return {
    scaleUsd: scale,
    ticks: niceTicks(scale).map((usd) => ({ usd, frac: frac(usd, scale) })),
    waterfall,
    stages,
    classes,
    models,
    by,
    topN,
  };
}

/** "claude-sonnet-4-5 · bedrock regional +10%", "deepseek-chat · catalog": what a model row shows. */
export function modelLabel(m: Report['models'][number]): string {
  const parts = [m.model];
  if (m.channel) parts.push(m.channel);
  if (m.pricedBy?.some((p) => p.startsWith('catalog '))) parts.push('catalog');
  return parts.join(' · ');
}

/** The report with its presentation figures (re)computed from its other fields. */
export function withChart(r: Report, topN = TOP_N): Report & { chart: ReportChart } {
  return { ...r, chart: chartOf(r, topN) };
}
