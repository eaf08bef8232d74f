// The sweep report (schema llmcost.sweep/v1): one row per configuration of the --set grid, the
// cheapest one that passes its checks, and the figures of a line chart of final cost against the
// first swept variable. Built once (buildSweepReport); the renderers (./render.ts) only lay it out.
import type { Display } from '../format.js';
import { round6 } from '../../shared/numbers.js';
import { frac, niceTicks, type Report } from '../model.js';

export const SWEEP_SCHEMA = 'llmcost.sweep/v1';

export interface SweepRunRow {
  /** 0-based grid position (first --set varies slowest) */
  index: number;
  /** one per --set, in flag order: the path as written and the value as written */
  assignments: { path: string; value: string }[];
  pricing: string;
  requests: number;
  baselineCost: number;
  finalCost: number;
  saving: number;
  savingPct: number;
  /** final success rate, 0..1 */
  successRate: number;
  costPerSuccess: number | null;
  /** every check (quality floor, budgets) passed */
  checksOk: boolean;
  /** names of the checks that failed */
  failed: string[];
  cheapest: boolean;
}

export interface SweepChart {
  /** the first swept path: the x axis, its values evenly spaced in --set order */
  x: { path: string; values: string[] };
  scaleUsd: number;
  ticks: { usd: number; frac: number }[];
  /** one line per value of the other swept paths ("final cost" when only one is swept) */
  series: { label: string; points: { x: number; run: number; cost: number; frac: number; cheapest: boolean }[] }[];
}

export interface SweepReport {
  schema: typeof SWEEP_SCHEMA;
  /** the display currency money is shown in (`--currency`/`--fx`); every figure stays USD */
  display?: Display;
  tool: { name: 'llmcost'; version: string };
  scenario: string;
  seed: number;
  axes: { path: string; values: string[] }[];
  /** the scenario's quality floor (0..1), null when it has none */
  qualityFloor: number | null;
  runs: SweepRunRow[];
  /** index of the cheapest run whose checks all pass; null when none does */
  cheapest: number | null;
  /** caveats shown under the headline */
  notes: string[];
  chart: SweepChart;
}

export interface SweepBuildInput {
  scenario: string;
  seed: number;
  version: string;
  axes: { path: string; values: string[] }[];
  qualityFloor: number | null;
  /** per grid point, in grid order: its assignments (value as written) and its report */
  points: { assignments: { path: string; value: string }[]; report: Report }[];
  cheapest: number | null;
}

export function buildSweepReport(input: SweepBuildInput): SweepReport {
  const runs: SweepRunRow[] = input.points.map((p, index) => {
    const r = p.report;
    const failed = r.checks.filter((c) => !c.ok).map((c) => c.name);
    return {
      index,
      assignments: p.assignments,
      pricing: r.pricing.version,
      requests: r.requests,
      baselineCost: r.baseline.cost,
      finalCost: r.final.cost,
      saving: r.final.saving,
      savingPct: r.final.savingPct,
      successRate: r.final.successRate,
      costPerSuccess: r.final.costPerSuccess,
      checksOk: failed.length === 0,
      failed,
      cheapest: index === input.cheapest,
    };
  });
  // the axis ends on a round tick at or above the largest cost
  const max = Math.max(0, ...runs.map((r) => r.finalCost));
  const ticks = niceTicks(max);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 0;
  if (step > 0 && ticks[ticks.length - 1]! < max) ticks.push(round6(ticks[ticks.length - 1]! + step));
  const scale = ticks[ticks.length - 1]! > 0 ? ticks[ticks.length - 1]! : max;
  const first = input.axes[0]!;
  const groups = new Map<string, SweepChart['series'][number]>();
  for (const run of runs) {
    const rest = run.assignments.slice(1);
    const label = rest.length ? rest.map((a) => `${a.path}=${a.value}`).join(', ') : 'final cost';
    let s = groups.get(label);
    if (!s) groups.set(label, (s = { label, points: [] }));
    s.points.push({
      x: first.values.indexOf(run.assignments[0]!.value),
      run: run.index,
      cost: run.finalCost,
      frac: frac(run.finalCost, scale),
      cheapest: run.cheapest,
    });
  }
  return {
    schema: SWEEP_SCHEMA,
    tool: { name: 'llmcost', version: input.version },
    scenario: input.scenario,
    seed: input.seed,
    axes: input.axes,
    qualityFloor: input.qualityFloor,
    runs,
    cheapest: input.cheapest,
    notes:
      new Set(runs.map((r) => r.requests)).size > 1
        ? [
            'the configurations carry different request volumes, so the cheapest is mostly the one with the least traffic: compare cost / success across volumes',
          ]
        : [],
    chart: {
      x: { path: first.path, values: first.values },
      scaleUsd: scale,
      ticks: ticks.map((u) => ({ usd: u, frac: frac(u, scale) })),
      series: [...groups.values()],
    },
  };
}
