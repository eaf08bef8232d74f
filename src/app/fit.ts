// `fit LOG`: read a request log as replay does, fit a traffic profile from it (traffic/fit.ts) and
// write it as a commented scenario (report/fit.ts). With `check`: how faithful it is - the log
// replayed through the scenario's strategies against the scenario simulated at the log's own
// volume, per seed. Compared (docs/fit.md): requests, the baseline before caching (cached tokens the
// log reports are billed as plain input: the profile's baseline has no cache, its cache is the
// prompt-cache step), the share of input tokens read from the cache, the cost after the strategies.
// A log without prefix columns has its shared prefixes inferred from its cache counts (CachedPrefixes),
// for the fit and for the log side of the check alike.
import { parseScenarioText, type Scenario } from '../config/scenario.js';
import { userError } from '../diagnostics.js';
import type { SimRequest } from '../engine/request.js';
import { runSimulation, type RunResult, type StageSpec } from '../engine/run.js';
import type { Pricing } from '../pricing/pricebook.js';
import { type Fidelity, type FidelityFigures, fittedScenarioYaml } from '../report/fit.js';
import { int } from '../report/format.js';
import { buildReport, type Report } from '../report/model.js';
import { CachedPrefixes, LogFitter, type FitSummary } from '../traffic/fit.js';
import { type LogOptions, newLogStats, readLog } from '../traffic/logs/read.js';
import { profileSource } from '../traffic/source.js';
import { type Context, makeContext } from './context.js';
import { loadPricing } from './pricing-choice.js';
import { type LogInput, logReader, warnLogProblems, warnLogTables } from './replay.js';
import { scenarioBook } from './scenario.js';

const DAY_MS = 86_400_000;

export interface FitInput extends LogInput {
  /** segment dimensions besides the model (default: feature when the log has it) */
  by?: string[];
  /** where a trace with relative timestamps is placed, YYYY-MM-DD or a UTC date-time (default: the newest table's date) */
  start?: string;
  /** the file the scenario will be written to (named in its header and in check messages) */
  out?: string;
  /** compare the log and the fitted scenario, simulated with seeds 1..check */
  check?: number;
}

export interface FitOutput {
  /** the scenario file's text */
  yaml: string;
  summary: FitSummary;
  fidelity?: Fidelity;
}

/** Fit a scenario from a request log (and, with `check`, measure how faithful it is). */
export async function fitLog(input: FitInput, context: Partial<Context> = {}): Promise<FitOutput> {
  const ctx = makeContext(context);
  const { log } = input;
  if (input.check !== undefined && log === '-')
    throw userError('USAGE', '--check reads the log twice; standard input can be read once', {
      where: '--check',
      hint: 'save the log to a file and fit that',
    });
  const book = await loadPricing(input, true, ctx);
  if (input.model) book.resolve(input.model, '--model');
  const stats = newLogStats();
  const fitter = new LogFitter({ by: input.by, placeAtMs: placeAt(input.start, book) });
  const prefixes = new CachedPrefixes();
  for await (const batch of readLog(logReader(input, book, ctx), stats))
    for (const r of batch) {
      prefixes.add(r);
      fitter.add(r);
    }
  warnLogProblems(stats, input, ctx);
  if (fitter.billed === 0) {
    const { retries, unbilled } = fitter.leftOut;
    const why = [
      `${int(stats.rejected)} rejected`,
      ...(stats.skipped ? [`${int(stats.skipped)} skipped (not billed calls)`] : []),
      ...(unbilled ? [`${int(unbilled)} failed call${unbilled === 1 ? '' : 's'} that billed nothing`] : []),
      ...(retries ? [`${int(retries)} retr${retries === 1 ? 'y' : 'ies'}`] : []),
    ];
    throw userError('LOG_ROW', `no billed request in ${log} to fit (${int(stats.read)} rows read: ${why.join(', ')})`, {
      where: stats.firstRejects[0]?.where ?? log,
      hint: stats.rejected
        ? 'see the reasons above; --preset, --map and --model tell llmcost how to read the log'
        : 'fit needs calls that were billed (a profile is fitted from their token counts): fit a log that has some',
    });
  }
  if (fitter.spanMs > 366 * DAY_MS)
    throw userError('USAGE', `${log} spans ${Math.ceil(fitter.spanMs / DAY_MS)} days; a profile covers at most 366`, {
      where: log,
      hint: 'fit a part of it: --timestamp-range 2026-01-01..2026-04-01 (rows outside are rejected and counted)',
    });
  warnLogTables(input, book, stats, ctx);
  const fit = fitter.finish();
  const yaml = fittedScenarioYaml(fit, {
    log,
    command: ['llmcost fit', log, ...flagsOf(input)].join(' '),
    rows: { read: stats.read, rejected: stats.rejected, skipped: stats.skipped },
    asOf: spansTables(book, fit.summary) ? new Date(fitter.lastMs).toISOString().slice(0, 10) : undefined,
    inferredPrefixes: prefixes.inferred,
  });
  if (input.check === undefined) return { yaml, summary: fit.summary };
  const loaded = parseScenarioText(yaml, input.out ?? 'the fitted scenario', ctx.io.cwd);
  if (!loaded.value)
    throw new Error(`internal: fit wrote a scenario that does not load: ${JSON.stringify(loaded.errors)}`);
  const scenario = loaded.value;
  const profileBook = scenarioBook(scenario, ctx.io, { pricing: input.pricing, asOf: input.asOf }, input).book;
  const fidelity = await checkFit({
    scenario,
    log: { ...logReader({ ...input, rejects: undefined }, book, ctx), notify: undefined },
    logBook: book,
    profileBook,
    seeds: Array.from({ length: input.check }, (_, i) => i + 1),
    version: ctx.version,
  });
  return { yaml, summary: fit.summary, fidelity };
}

/** a log priced by more than one table (an absolute log across a price change) */
function spansTables(book: Pricing, s: FitSummary): boolean {
  return !s.relative && book.periodOf(s.startMs) !== book.periodOf(s.endMs - 1);
}

/** Epoch ms a relative-time trace starts at: --start, else the newest table's date (the one replay prices it with). */
function placeAt(start: string | undefined, book: Pricing): number {
  if (start === undefined) {
    const tables = book.tables();
    return Date.parse(`${tables[tables.length - 1]!.effective}T00:00:00Z`);
  }
  const ms = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?Z)?$/.test(start)
    ? Date.parse(start.length === 10 ? `${start}T00:00:00Z` : start)
    : Number.NaN;
  if (Number.isNaN(ms))
    throw userError('USAGE', `--start '${start}' is not a UTC date or date-time`, {
      where: '--start',
      hint: 'e.g. --start 2026-11-02 or --start 2026-11-02T09:00:00Z',
    });
  return ms;
}

/** the flags that change what is fitted, for the scenario's header */
function flagsOf(input: FitInput): string[] {
  const out: string[] = [];
  if (input.preset) out.push('--preset', input.preset);
  for (const [k, v] of Object.entries(input.map ?? {})) out.push('--map', `${k}=${v}`);
  if (input.model) out.push('--model', input.model);
  if (input.timestamp !== undefined) out.push('--timestamp', new Date(input.timestamp).toISOString());
  if (input.by) out.push('--by', input.by.join(','));
  if (input.start) out.push('--start', input.start);
  if (input.out) out.push('-o', input.out);
  return out;
}

function figuresOf(report: Report): FidelityFigures {
  const t = report.final.tokens;
  const inputs = t.input + t.cacheRead + t.cacheWrite5m + t.cacheWrite1h;
  return {
    requests: report.requests,
    baselineUsd: report.baseline.cost,
    finalUsd: report.final.cost,
    hitRate: inputs > 0 ? t.cacheRead / inputs : 0,
  };
}

function reportOf(run: RunResult, book: Pricing, stages: StageSpec[], version: string): Report {
  return buildReport({
    command: 'fit',
    scenario: 'fit',
    seed: 0,
    run,
    book,
    labels: stages.map((s) => ({ strategy: s.strategy.name, label: s.label })),
    version,
  });
}

/**
 * a request as the profile sends it: its prefix inferred from its cache counts as the fit inferred
 * it, then what it read from or wrote to a cache is plain input, and no longer reported (so the
 * prompt-cache step infers no other prefix from it than the fit did)
 */
async function* listPrice(src: AsyncIterable<SimRequest[]>): AsyncGenerator<SimRequest[]> {
  const prefixes = new CachedPrefixes();
  for await (const batch of src) {
    for (const r of batch) {
      prefixes.add(r);
      r.cached = undefined;
      r.reported = undefined;
    }
    yield batch;
  }
}

/** The log through the scenario's strategies, and the scenario's profile per seed, through the same strategies. */
export async function checkFit(input: {
  scenario: Scenario;
  log: LogOptions;
  /** the log's pricing (per request, as replay prices it) and the profile's (as simulate prices it) */
  logBook: Pricing;
  profileBook: Pricing;
  seeds: number[];
  version: string;
}): Promise<Fidelity> {
  const { scenario } = input;
  const stages: StageSpec[] = scenario.stages.map((s) => ({
    strategy: s.strategy,
    options: s.options,
    label: s.label,
  }));
  const logRun = await runSimulation({
    source: listPrice(readLog(input.log, newLogStats())),
    stages,
    book: input.logBook,
    seed: scenario.seed,
    cacheRealism: scenario.cacheRealism,
  });
  const log = figuresOf(reportOf(logRun, input.logBook, stages, input.version));
  const fitted: FidelityFigures[] = [];
  for (const seed of input.seeds) {
    const run = await runSimulation({
      source: profileSource(scenario.traffic.profile!, seed).source,
      stages,
      book: input.profileBook,
      seed,
      cacheRealism: scenario.cacheRealism,
    });
    fitted.push(figuresOf(reportOf(run, input.profileBook, stages, input.version)));
  }
  const avg = (k: keyof FidelityFigures): number => fitted.reduce((t, f) => t + f[k], 0) / fitted.length;
  return {
    log,
    fitted,
    mean: {
      requests: avg('requests'),
      baselineUsd: avg('baselineUsd'),
      finalUsd: avg('finalUsd'),
      hitRate: avg('hitRate'),
    },
  };
}
