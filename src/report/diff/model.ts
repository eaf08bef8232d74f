// The cost review of a change (schema llmcost.diff/v1): two simulate reports of the same traffic
// and seed - BASE (before the change) and HEAD (after it) - compared line by line: the totals,
// each step of the waterfall, each model, each token class and each attribution key. Pure: it
// reads two Report models and builds one DiffReport; renderers only lay it out.
//
// Money: the reports carry USD rounded to 1e-6; every delta is computed on those amounts as
// integer micro-USD, so a delta is exact for the figures the reports show, and the limit checks
// decide on the same numbers a reader sees. A line one side lacks (a model the change stops
// using, a new attribution key) costs 0 on that side; a step one side lacks is null there.
import type { Display } from '../format.js';
import { BREAKDOWN_KEYS } from '../../engine/price.js';
import { usdCheck } from '../format.js';
import {
  BREAKDOWN_LABELS,
  type BreakdownKey,
  modelLabel,
  type Report,
  shownClasses,
  type TokenTotals,
} from '../model.js';

export const DIFF_SCHEMA = 'llmcost.diff/v1';

/** Attribution rows listed per dimension before "... and K more" (the JSON keeps every row). */
export const DIFF_TOP_N = 10;

/** One figure before and after the change. */
export interface Change {
  base: number;
  head: number;
  /** head - base (USD, or tokens for token counts) */
  delta: number;
  /** delta as % of base, rounded to 1e-4; null when base is 0 */
  deltaPct: number | null;
}

export interface DiffSide {
  /** the scenario file as given on the command line */
  file: string;
  /** the scenario's name */
  scenario: string;
  requests: number;
  seed: number;
  /** the pricing table the run is dated by */
  pricing: string;
  /** price overlays applied on top of it (the scenario's, then --pricing-overlay's); absent when none */
  overlays?: string[];
  days: number;
}

export interface StepDiff {
  label: string;
  strategy: string;
  /** this step's saving on each side; null = the side has no step of that label */
  base: { cost: number; saving: number } | null;
  head: { cost: number; saving: number } | null;
  /** head saving - base saving (a missing step saves 0) */
  savingDelta: number;
}

export interface KeyDiff extends Change {
  key: string;
}

export interface ByDiff {
  dimension: string;
  /** every key, largest |delta| first */
  rows: KeyDiff[];
  /** the rows after DIFF_TOP_N, summed; null when all fit */
  more: { count: number; base: number; head: number; delta: number } | null;
}

export interface DiffLimits {
  /** fail when the final cost rises more than this % of BASE's */
  maxIncreasePct: number | null;
  /** fail when the final cost rises more than this many USD */
  maxIncreaseUsd: number | null;
}

export interface DiffCheck {
  name: 'max-increase-pct' | 'max-increase-usd';
  ok: boolean;
  /** the change measured (percent or USD); null = not measurable (a % of a $0 base) */
  actual: number | null;
  limit: number;
  message: string;
}

export interface DiffReport {
  schema: typeof DIFF_SCHEMA;
  /** the display currency money is shown in (`--currency`/`--fx`); every figure stays USD */
  display?: Display;
  tool: { name: 'llmcost'; version: string };
  base: DiffSide;
  head: DiffSide;
  /** both scenarios describe the same traffic (same profile or log), so the change is the strategies' and prices' alone */
  sameTraffic: boolean;
  /** cost before any strategy */
  baseline: Change;
  /** cost after every strategy: what the limits check */
  final: Change;
  steps: StepDiff[];
  /** final cost per model (label as the simulate report shows it), largest |delta| first */
  models: KeyDiff[];
  /** final cost per bill class (input, cache read, cache write (5m), cache write 1h, output, storage,
   * fixed, and reasoning, audio, image, tool fees where either side has any), with the class's final
   * token count (null for storage, fees and fixed) */
  classes: (Change & { key: BreakdownKey; label: string; tokens: Change | null })[];
  by: ByDiff[];
  limits: DiffLimits;
  checks: DiffCheck[];
  /** every check passed */
  ok: boolean;
  /** BASE's and HEAD's own warnings (prefixed with their side), and the diff's */
  warnings: string[];
  /** HEAD's failed budget / quality checks, as messages (informational: only the limits set the exit code) */
  headChecksFailed: string[];
}

export interface DiffInput {
  base: { file: string; report: Report };
  head: { file: string; report: Report };
  sameTraffic: boolean;
  limits: DiffLimits;
  version: string;
  warnings?: string[];
}

const micro = (usd: number): number => Math.round(usd * 1e6);

/** A change between two amounts; `unit` 1e6 for USD (compared as integer micro-USD), 1 for counts. */
export function change(base: number, head: number, unit = 1e6): Change {
  const b = Math.round(base * unit);
  const h = Math.round(head * unit);
  const d = h - b;
  return {
    base: b / unit,
    head: h / unit,
    delta: d / unit,
    deltaPct: b === 0 ? null : Math.round((d / b) * 100 * 1e4) / 1e4,
  };
}

const byDelta = (a: KeyDiff, b: KeyDiff): number =>
  Math.abs(b.delta) - Math.abs(a.delta) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** Join two keyed lists into changes (a key one side lacks is 0 there), largest |delta| first. */
function joinKeys(base: Map<string, number>, head: Map<string, number>): KeyDiff[] {
  const keys = [...new Set([...base.keys(), ...head.keys()])];
  return keys.map((key) => ({ key, ...change(base.get(key) ?? 0, head.get(key) ?? 0) })).sort(byDelta);
}

function sumMap<T>(list: T[], key: (x: T) => string, value: (x: T) => number): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of list) m.set(key(x), (m.get(key(x)) ?? 0) + micro(value(x)));
  for (const [k, v] of m) m.set(k, v / 1e6);
  return m;
}

function stepDiffs(base: Report, head: Report): StepDiff[] {
  const headByLabel = new Map(head.steps.map((s) => [s.label, s]));
  const baseLabels = new Set(base.steps.map((s) => s.label));
  // BASE's order, then HEAD's new steps in their order
  const order = [...base.steps, ...head.steps.filter((s) => !baseLabels.has(s.label))];
  return order.map((s) => {
    const b = base.steps.find((x) => x.label === s.label);
    const h = headByLabel.get(s.label);
    return {
      label: s.label,
      strategy: s.strategy,
      base: b ? { cost: b.cost, saving: b.saving } : null,
      head: h ? { cost: h.cost, saving: h.saving } : null,
      savingDelta: (micro(h?.saving ?? 0) - micro(b?.saving ?? 0)) / 1e6,
    };
  });
}

function byDiffs(base: Report, head: Report): ByDiff[] {
  // the model dimension is `models` (with channels), not repeated here
  const dims = [...new Set([...Object.keys(base.by ?? {}), ...Object.keys(head.by ?? {})])].filter(
    (d) => d !== 'model',
  );
  return dims.map((dimension) => {
    const rows = joinKeys(
      sumMap(
        base.by?.[dimension] ?? [],
        (x) => x.key,
        (x) => x.cost,
      ),
      sumMap(
        head.by?.[dimension] ?? [],
        (x) => x.key,
        (x) => x.cost,
      ),
    );
    const rest = rows.slice(DIFF_TOP_N);
    const total = (k: 'base' | 'head' | 'delta'): number => rest.reduce((s, x) => s + micro(x[k]), 0) / 1e6;
    return {
      dimension,
      rows,
      more: rest.length
        ? { count: rest.length, base: total('base'), head: total('head'), delta: total('delta') }
        : null,
    };
  });
}

/** The limit checks on the final cost (decided on integer micro-USD). */
export function diffChecks(final: Change, limits: DiffLimits): DiffCheck[] {
  const checks: DiffCheck[] = [];
  const shown = `${final.delta >= 0 ? '+' : '-'}${usdCheck(Math.abs(final.delta))}`;
  if (limits.maxIncreasePct !== null) {
    const limit = limits.maxIncreasePct;
    if (final.base === 0) {
      const ok = final.head === 0;
      checks.push({
        name: 'max-increase-pct',
        ok,
        actual: null,
        limit,
        message: ok
          ? 'the final cost is $0 before and after'
          : `the final cost rises from $0 by ${shown}: no percentage limit holds it`,
      });
    } else {
      const ok = micro(final.delta) * 100 <= limit * micro(final.base);
      checks.push({
        name: 'max-increase-pct',
        ok,
        actual: final.deltaPct,
        limit,
        message: `the final cost changes by ${final.deltaPct}% (${shown}): ${ok ? 'within' : 'over'} the limit of +${limit}%`,
      });
    }
  }
  if (limits.maxIncreaseUsd !== null) {
    const limit = limits.maxIncreaseUsd;
    const ok = micro(final.delta) <= micro(limit);
    checks.push({
      name: 'max-increase-usd',
      ok,
      actual: final.delta,
      limit,
      message: `the final cost changes by ${shown}: ${ok ? 'within' : 'over'} the limit of +${usdCheck(limit)}`,
    });
  }
  return checks;
}

/**
 * The tokens a money class is billed on (0 when a report from before the class lacks it); null for
 * classes not billed per token (storage is token-hours, fees are calls, fixed is money).
 */
function classTokens(t: Partial<TokenTotals>, key: BreakdownKey): number | null {
  const n = (k: keyof TokenTotals): number => t[k] ?? 0;
  switch (key) {
    case 'input':
    case 'cacheRead':
    case 'output':
    case 'reasoning':
      return n(key);
    case 'cacheWrite':
      return n('cacheWrite5m');
    case 'cacheWrite1h':
      return n('cacheWrite1h');
    case 'audio':
      return n('audioInput') + n('audioOutput');
    case 'image':
      return n('imageInput');
    default:
      return null;
  }
}

function side(file: string, r: Report): DiffSide {
  return {
    file,
    scenario: r.scenario,
    requests: r.requests,
    seed: r.seed,
    pricing: r.pricing.version,
    ...(r.pricing.overlays?.length ? { overlays: r.pricing.overlays } : {}),
    days: r.period.days,
  };
}

export function buildDiffReport(input: DiffInput): DiffReport {
  const b = input.base.report;
  const h = input.head.report;
  const final = change(b.final.cost, h.final.cost);
  const checks = diffChecks(final, input.limits);
  return {
    schema: DIFF_SCHEMA,
    tool: { name: 'llmcost', version: input.version },
    base: side(input.base.file, b),
    head: side(input.head.file, h),
    sameTraffic: input.sameTraffic,
    baseline: change(b.baseline.cost, h.baseline.cost),
    final,
    steps: stepDiffs(b, h),
    models: joinKeys(
      sumMap(b.models, modelLabel, (m) => m.finalCost),
      sumMap(h.models, modelLabel, (m) => m.finalCost),
    ),
    // the classes either report shows (the core ones, and audio, fees, ... where a stage has any)
    classes: BREAKDOWN_KEYS.filter((k) => shownClasses(b).includes(k) || shownClasses(h).includes(k)).map((key) => {
      const bt = classTokens(b.final.tokens, key);
      const ht = classTokens(h.final.tokens, key);
      return {
        key,
        label: BREAKDOWN_LABELS[key],
        ...change(b.final.breakdown[key] ?? 0, h.final.breakdown[key] ?? 0),
        tokens: bt === null || ht === null ? null : change(bt, ht, 1),
      };
    }),
    by: byDiffs(b, h),
    limits: input.limits,
    checks,
    ok: checks.every((c) => c.ok),
    warnings: [
      ...(input.warnings ?? []),
      ...b.warnings.map((w) => `base: ${w}`),
      ...h.warnings.map((w) => `head: ${w}`),
    ],
    headChecksFailed: h.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.message}`),
  };
}
