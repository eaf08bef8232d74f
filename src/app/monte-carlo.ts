// `simulate --runs N`: Monte Carlo over seeds. Run r (0-based) uses seed + r (mod 2^32), so run 0
// is the scenario-seed run the report already holds, and `--seed S --runs N` covers S..S+N-1.
// Each figure gets a low/expected/high band: nearest-rank p5/p50/p95 (engine/stats.ts).
import type { Diagnostic } from '../diagnostics.js';
import { band } from '../engine/stats.js';
import type { MonteCarlo, Report } from '../report/model.js';
import { stderrLine, warningLine } from './context.js';
import type { Io } from './io.js';
import type { RunSetup } from '../engine/run.js';
import { runConfigs } from './parallel.js';
import {
  prepareScenario,
  readTraffic,
  runScenario,
  type RunScenarioInput,
  runSetup,
  threadsFor,
  type ScenarioRun,
  scenarioReport,
  warnerOf,
} from './scenario.js';

/** Seed of run r: seed + r, wrapped to the 32-bit seed range. */
export function runSeed(seed: number, r: number): number {
  return (seed + r) % 2 ** 32;
}

/** The bands over a list of reports (run order does not matter: percentiles sort). */
export function summariseRuns(reports: readonly Report[], seeds: [number, number]): MonteCarlo {
  const first = reports[0];
  if (!first) throw new Error('internal: Monte Carlo over no runs');
  const of = (f: (r: Report) => number): MonteCarlo['baseline'] => band(reports.map(f));
  return {
    runs: reports.length,
    seeds,
    percentiles: 'nearest-rank',
    requests: of((r) => r.requests),
    baseline: of((r) => r.baseline.cost),
    steps: first.steps.map((s, k) => ({
      strategy: s.strategy,
      label: s.label,
      cost: of((r) => r.steps[k]!.cost),
      saving: of((r) => r.steps[k]!.saving),
      savingPct: of((r) => r.steps[k]!.savingPct),
    })),
    final: of((r) => r.final.cost),
    saving: of((r) => r.final.saving),
    savingPct: of((r) => r.final.savingPct),
    successRate: of((r) => r.final.successRate),
  };
}

/**
 * Run the scenario again for seeds seed+1 .. seed+runs-1 (run 0 is `first`) and summarise.
 * `input` is what produced `first` (pricing flags etc.); extra runs skip --standalone and --by,
 * which do not enter the bands. Progress (runs done / N) goes to stderr on a TTY only; a warning
 * from another seed is printed once, unless the first run already gave it.
 */
export async function runMonteCarlo(
  io: Io,
  first: ScenarioRun,
  runs: number,
  input: Omit<RunScenarioInput, 'scenario' | 'scenarioPath' | 'seed' | 'io'>,
): Promise<MonteCarlo> {
  const seed = first.report.seed;
  const reports: Report[] = [first.report];
  const tty = io.stderr.isTTY === true;
  const seen = new Set(first.report.warnings);
  const progress = (done: number): void => {
    if (tty) io.stderr.write(`\r  monte carlo: ${done}/${runs} runs…`);
  };
  const warn = (d: Diagnostic | string): void => {
    const text = typeof d === 'string' ? d : d.message;
    if (seen.has(text)) return;
    seen.add(text);
    stderrLine(io, warningLine(d));
  };
  progress(1);
  for (let r = 1; r < runs; r++) {
    const { report } = await runScenario({
      ...input,
      scenario: first.scenario,
      io,
      // run 0 said them
      notes: false,
      seed: runSeed(seed, r),
      standalone: false,
      by: [],
      warn,
    });
    reports.push(report);
    progress(r + 1);
  }
  if (tty) io.stderr.write('\r\x1b[K');
  return summariseRuns(reports, [seed, runSeed(seed, runs - 1)]);
}

/**
 * `--runs N` over a log: the scenario is prepared and its log read into a table once; the N seeds
 * (run 0 with --standalone and --by, the others without, as runMonteCarlo runs them) then run over
 * it, spread on the threads. The report is run 0's with the bands. undefined for a profile (each
 * seed generates its own traffic: runMonteCarlo runs them one after another).
 */
export async function monteCarloOverLog(input: RunScenarioInput, runs: number): Promise<Report | undefined> {
  const warn = warnerOf(input);
  const prep = prepareScenario({ ...input, warn });
  if (prep.scenario.traffic.profile) return undefined;
  const shared = await readTraffic(prep, input);
  try {
    for (const w of shared.stats.warnings) warn(w);
    const seen = new Set<string>();
    const warnings: Diagnostic[][] = [];
    const setups: RunSetup[] = Array.from({ length: runs }, (_, r) => {
      const list: Diagnostic[] = [];
      warnings.push(list);
      return runSetup(
        { ...prep, seed: runSeed(prep.seed, r), by: r === 0 ? prep.by : [] },
        { standalone: r === 0 ? input.standalone : false, thresholds: input.thresholds },
        list,
        (d) => {
          if (seen.has(d.message)) return;
          seen.add(d.message);
          warn(d);
        },
      );
    });
    const threads = threadsFor(shared.table.rows, input.threads ?? 1, input.explicitThreads ?? false);
    const results = await runConfigs(shared.table.data(), setups, threads);
    const reports = results.map(
      (run, r) =>
        scenarioReport({ ...prep, seed: runSeed(prep.seed, r) }, input, run, shared.stats, warnings[r]!).report,
    );
    const report = reports[0]!;
    report.monteCarlo = summariseRuns(reports, [prep.seed, runSeed(prep.seed, runs - 1)]);
    return report;
  } finally {
    shared.table.close();
  }
}
