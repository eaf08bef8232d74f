// The report model (schema llmcost.report/v1): the one contract every renderer reads.
// Built once from priced ledgers; renderers never compute. Money: USD numbers rounded to 1e-6.
import { Q, type Ledger } from '../engine/ledger.js';
import { type Breakdown, BREAKDOWN_KEYS, priceCells, sumBreakdown, zeroBreakdown } from '../engine/price.js';
import type { RunResult } from '../engine/replay.js';
import type { PriceBook } from '../pricing/pricebook.js';
import { attoToUsd, usdToAtto } from '../pricing/money.js';

export const REPORT_SCHEMA = 'llmcost.report/v1';

export type MoneyBreakdown = Record<(typeof BREAKDOWN_KEYS)[number], number>;

export interface TokenTotals {
  input: number;
  cacheRead: number;
  cacheWrite5m: number;
  cacheWrite1h: number;
  output: number;
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

export interface Report {
  schema: typeof REPORT_SCHEMA;
  tool: { name: 'llmcost'; version: string };
  command: string;
  scenario: string;
  pricing: { version: string; effective: string };
  seed: number;
  /** logical requests at baseline */
  requests: number;
  rows: { read: number; priced: number; rejected: number };
  period: { startMs: number | null; endMs: number | null; days: number };
  baseline: StageFigures;
  steps: StepReport[];
  final: StageFigures & { saving: number; savingPct: number; breakEvenDays?: number | null };
  fixed: FixedLine[];
  models: { model: string; baselineCost: number; finalCost: number }[];
  by?: Record<string, { key: string; cost: number; baselineCost: number; requests: number }[]>;
  checks: Check[];
  warnings: string[];
  /** free-form extras a command adds (e.g. replay's reconciliation); renderers show them as tables */
  extras?: Record<string, unknown>;
}

export interface BuildInput {
  command: string;
  scenario: string;
  seed: number;
  run: RunResult;
  book: PriceBook;
  labels: { strategy: string; label: string }[];
  /** fixed costs: per stage index (1-based) or 0 for the scenario */
  fixed?: { stage: number; label: string; usd: string }[];
  rows?: { read: number; priced: number; rejected: number };
  period?: { startMs: number | null; endMs: number | null };
  warnings?: string[];
  version: string;
}

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const pct = (part: number, whole: number): number => (whole === 0 ? 0 : Math.round((part / whole) * 100 * 1e4) / 1e4);

function money(b: Breakdown): MoneyBreakdown {
  return Object.fromEntries(BREAKDOWN_KEYS.map((k) => [k, attoToUsd(b[k])])) as MoneyBreakdown;
}

function tokens(l: Ledger): TokenTotals {
  return { input: l.total(Q.input), cacheRead: l.total(Q.cacheRead), cacheWrite5m: l.total(Q.cacheWrite5m), cacheWrite1h: l.total(Q.cacheWrite1h), output: l.total(Q.output) };
}

export function figures(l: Ledger, thresholds: number[], book: PriceBook, fixedAtto: bigint, requests: number): { f: StageFigures; atto: bigint; byModel: Map<string, bigint> } {
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
  };
}

export function buildReport(input: BuildInput): Report {
  const { run, book } = input;
  const th = run.thresholds;
  const fixedLines = input.fixed ?? [];
  const fixedUpTo = (k: number): bigint => fixedLines.filter((f) => f.stage <= k).reduce((s, f) => s + (usdToAtto(f.usd) ?? 0n), 0n);
  const base = figures(run.taps[0]!, th, book, fixedUpTo(0), run.requests);
  const steps: StepReport[] = [];
  let prevAtto = base.atto;
  let last = base;
  for (let k = 1; k < run.taps.length; k++) {
    const fk = figures(run.taps[k]!, th, book, fixedUpTo(k), run.requests);
    const savingAtto = prevAtto - fk.atto;
    const lab = input.labels[k - 1]!;
    const step: StepReport = { strategy: lab.strategy, label: lab.label, ...fk.f, saving: attoToUsd(savingAtto), savingPct: pct(Number(savingAtto), Number(base.atto)) };
    const solo = run.standalone?.[k - 1];
    if (solo) {
      const fs = figures(solo, th, book, fixedLines.filter((f) => f.stage === 0 || f.stage === k).reduce((s, f) => s + (usdToAtto(f.usd) ?? 0n), 0n), run.requests);
      step.standalone = { cost: fs.f.cost, saving: attoToUsd(base.atto - fs.atto), savingPct: pct(Number(base.atto - fs.atto), Number(base.atto)) };
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
  if (fixedAtto > 0n) {
    const variableSavingPerDay = (Number(savingAtto + fixedAtto - fixedUpTo(0)) / 1e18) / days;
    breakEvenDays = variableSavingPerDay > 0 ? Math.round((Number(fixedAtto - fixedUpTo(0)) / 1e18 / variableSavingPerDay) * 100) / 100 : null;
  }
  const modelIds = [...new Set([...base.byModel.keys(), ...last.byModel.keys()])].sort();
  const report: Report = {
    schema: REPORT_SCHEMA,
    tool: { name: 'llmcost', version: input.version },
    command: input.command,
    scenario: input.scenario,
    pricing: { version: book.version, effective: book.effective },
    seed: input.seed,
    requests: run.requests,
    rows: input.rows ?? { read: run.requests, priced: run.requests, rejected: 0 },
    period: { startMs, endMs, days },
    baseline: base.f,
    steps,
    final: { ...last.f, saving: attoToUsd(savingAtto), savingPct: pct(Number(savingAtto), Number(base.atto)), ...(breakEvenDays !== undefined ? { breakEvenDays } : {}) },
    fixed: fixedLines.map((f) => ({ label: f.label, usd: attoToUsd(usdToAtto(f.usd) ?? 0n), from: f.stage === 0 ? 'scenario' : input.labels[f.stage - 1]!.label })),
    models: modelIds.map((m) => ({ model: m, baselineCost: attoToUsd(base.byModel.get(m) ?? 0n), finalCost: attoToUsd(last.byModel.get(m) ?? 0n) })),
    checks: [],
    warnings: input.warnings ?? [],
  };
  const baseTap = run.taps[0]!;
  const lastTap = run.taps[run.taps.length - 1]!;
  if (baseTap.by.size) {
    report.by = {};
    for (const [dim, keys] of lastTap.by) {
      const baseKeys = baseTap.by.get(dim)!;
      const all = [...new Set([...keys.keys(), ...baseKeys.keys()])];
      report.by[dim] = all
        .map((key) => {
          const cur = keys.get(key);
          const b = baseKeys.get(key);
          const cost = cur ? priceCells(cur, th, book).total : 0n;
          const bc = b ? priceCells(b, th, book).total : 0n;
          let n = 0;
          if (b) for (const c of b.values()) n += c[Q.calls]!;
          return { key, cost: attoToUsd(cost), baselineCost: attoToUsd(bc), requests: n };
        })
        .sort((x, y) => y.cost - x.cost || y.baselineCost - x.baselineCost || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
    }
  }
  return report;
}

export { zeroBreakdown };
