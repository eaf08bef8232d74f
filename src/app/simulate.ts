// `simulate`: a scenario's savings waterfall (the public entry point; the CLI's `simulate` calls
// it). The pipeline itself is app/scenario.ts; Monte Carlo bands are app/monte-carlo.ts.
import type { Scenario } from '../config/scenario.js';
import { DEFAULT_STALE_AFTER_DAYS } from '../pricing/staleness.js';
import type { Report } from '../report/model.js';
import { type Context, makeContext } from './context.js';
import { monteCarloOverLog, runMonteCarlo } from './monte-carlo.js';
import { type RunScenarioInput, runScenario } from './scenario.js';

export interface SimulateInput {
  /** the scenario file (relative to the Io's cwd), or an already loaded scenario */
  scenario: string | Scenario;
  /** override the scenario's seed */
  seed?: number;
  /** also run each strategy alone on the baseline */
  standalone?: boolean;
  /** extra attribution dimensions */
  by?: string[];
  /** Monte Carlo: also run seeds seed+1..seed+runs-1 and report p5/p50/p95 bands */
  runs?: number;
  /** a table file or bundled version, or the table in force on a date: beat the scenario's own pricing */
  pricing?: string;
  asOf?: string;
  /** warn (PRICING_STALE) when the table is older than this many days on the reference date */
  staleAfterDays?: number;
  /** growth what-if: the profile's arrivals times this factor (segments, turns, prefixes kept) */
  scale?: number;
  /** which rules decide when a provider cache hits: realistic (default), ideal, or rules joined by + */
  cacheRealism?: string;
  /** false: price only with the curated tables; deployment name -> model */
  catalog?: boolean;
  deployments?: Record<string, string>;
  /** a file of price overlays (negotiated discounts, uplifts) on top of the tables */
  overlay?: string;
  /** folders the scenario's named files may also lie in (besides its own folder and the working folder) */
  allowPaths?: string[];
  /** threads to use (default 1); explicitThreads: the count was asked for, so even a small run splits */
  threads?: number;
  explicitThreads?: boolean;
  /** a key-consistent sample of the log, scaled up, with bands */
  sample?: RunScenarioInput['sample'];
  /** told how each run was split, or why not */
  verbose?: (message: string) => void;
}

/**
 * Simulate a scenario: baseline cost, each strategy's saving in order, final cost, budget and
 * quality checks (report.checks), and with `runs` the Monte Carlo bands (report.monteCarlo).
 */
export async function simulate(input: SimulateInput, context: Partial<Context> = {}): Promise<Report> {
  const ctx = makeContext(context);
  const progress = ctx.progress?.('simulating');
  const pricing = { pricing: input.pricing, asOf: input.asOf };
  const models = { catalog: input.catalog, deployments: input.deployments, overlay: input.overlay };
  const base: RunScenarioInput = {
    ...(typeof input.scenario === 'string' ? { scenarioPath: input.scenario } : { scenario: input.scenario }),
    io: ctx.io,
    pricing,
    models,
    seed: input.seed,
    standalone: input.standalone ?? false,
    cacheRealism: input.cacheRealism,
    scale: input.scale,
    staleAfterDays: input.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS,
    onProgress: progress ? (n, f, phase) => progress.update(n, f, phase) : undefined,
    by: input.by ?? [],
    allowPaths: input.allowPaths,
    warn: ctx.warn,
    command: 'simulate',
    version: ctx.version,
    threads: input.threads ?? 1,
    explicitThreads: input.explicitThreads ?? false,
    ...(input.sample ? { sample: input.sample } : {}),
    ...(input.verbose ? { verbose: input.verbose } : {}),
  };
  // Monte Carlo over a log: the log is read once and the seeds run over it on every thread.
  if (input.runs !== undefined && input.runs > 1 && !input.sample) {
    const shared = await monteCarloOverLog(base, input.runs);
    if (shared) {
      progress?.done();
      return shared;
    }
  }
  const first = await runScenario(base);
  progress?.done();
  const report = first.report;
  // runs: bands over seeds; the report's own figures stay the scenario-seed run (run 0).
  if (input.runs !== undefined)
    report.monteCarlo = await runMonteCarlo(ctx.io, first, input.runs, {
      pricing,
      models,
      allowPaths: input.allowPaths,
      command: 'simulate',
      version: ctx.version,
      // what run 0's scenario does not carry (--scale and --cache-realism are in it): every seed
      // runs over the same sample, on the same threads
      threads: base.threads,
      explicitThreads: base.explicitThreads,
      ...(input.sample ? { sample: input.sample } : {}),
    });
  return report;
}
