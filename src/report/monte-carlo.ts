// Layout of report.monteCarlo (simulate --runs N) shared by the renderers: one row per figure
// with its low / expected / high (p5 / p50 / p95) already formatted. Structure only, no arithmetic.
import type { Display } from './format.js';
import type { Band, MonteCarlo } from './model.js';
import { int, pct, ratioPct, usd } from './format.js';

export interface BandRow {
  /** stable id for CSV: requests, baseline, step1.cost, step1.saving, final, saving, savingPct, successRate */
  key: string;
  label: string;
  kind: 'count' | 'money' | 'pct' | 'ratio';
  band: Band;
  /** p5, p50, p95 as shown */
  text: [string, string, string];
}

const fmt = (kind: BandRow['kind'], x: number, d: Display | undefined): string =>
  kind === 'money' ? usd(x, d) : kind === 'pct' ? pct(x) : kind === 'ratio' ? ratioPct(x, 2) : int(x);

/** `d`: the display currency money is shown in (the band values stay USD) */
export function bandRows(mc: MonteCarlo, d?: Display): BandRow[] {
  const row = (key: string, label: string, kind: BandRow['kind'], band: Band): BandRow => ({
    key,
    label,
    kind,
    band,
    text: [fmt(kind, band.p5, d), fmt(kind, band.p50, d), fmt(kind, band.p95, d)],
  });
  return [
    row('requests', 'requests', 'count', mc.requests),
    row('baseline', 'baseline cost', 'money', mc.baseline),
    ...mc.steps.flatMap((s, i) => [
      row(`step${i + 1}.cost`, `${i + 1}. ${s.label}: cost after`, 'money', s.cost),
      row(`step${i + 1}.saving`, `${i + 1}. ${s.label}: saving`, 'money', s.saving),
    ]),
    row('final', 'final cost', 'money', mc.final),
    row('saving', 'saving', 'money', mc.saving),
    row('savingPct', 'saving %', 'pct', mc.savingPct),
    row('successRate', 'success rate', 'ratio', mc.successRate),
  ];
}

/** "20 runs, seeds 1..20, nearest-rank percentiles" */
export function monteCarloLine(mc: MonteCarlo): string {
  return `${int(mc.runs)} run${mc.runs === 1 ? '' : 's'}, seeds ${mc.seeds[0]}..${mc.seeds[1]}; low = p5, expected = p50, high = p95 (nearest rank); the figures above are the run with seed ${mc.seeds[0]}`;
}

export const BAND_HEAD = ['figure', 'low (p5)', 'expected (p50)', 'high (p95)'] as const;
