// The shared pipeline: scenario file -> PriceBook (+ synthetic models) -> traffic source ->
// runSimulation -> Report with budget and quality checks. Used by `simulate` and reusable by
// `drift`, `sweep` and the benchmark (pass a PriceBook to price under another table).
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Diagnostic, userError, warning } from '../diagnostics.js';
import { loadScenarioFile, type Scenario } from '../config/scenario.js';
import { profileProblems } from '../traffic/profile.js';
import { RowsWriter, type RowsTarget } from '../report/rows.js';
import type { SimRequest } from '../engine/request.js';
import { checkNamedPaths, pathRoots } from '../config/scenario-paths.js';
import { type StageState, type StateKey, splitPlan } from '../engine/partition.js';
import { runSimulation, type RunResult, type RunSetup, type StageSpec } from '../engine/run.js';
import { chooseSchedule } from '../pricing/load.js';
import { dateOfMs, stalenessForRun, stalenessWarning } from '../pricing/staleness.js';
import { gpuModel } from '../pricing/gpu.js';
import type { ModelInfo, PriceBook, Pricing } from '../pricing/pricebook.js';
import { PriceSchedule, UNDATED_BEFORE_MS } from '../pricing/schedule.js';
import { usdCheck } from '../report/format.js';
import { round6 } from '../shared/numbers.js';
import { fleetExtras } from '../report/fleet.js';
import { overlaysOf } from './pricing.js';
import type { ModelChoice } from './pricing-choice.js';
import { buildReport, type Check, type Report } from '../report/model.js';
import { CACHE_RULES, realismRules } from '../strategies/prompt-cache/rules.js';
import { type ReaderThread, readerThread, THREAD_MIN_BYTES } from '../traffic/logs/read.js';
import { convertsInThread } from '../traffic/table/stream.js';
import { SampleFilter, type SampleRate, type SampleUnit, UNIT_TAG } from '../traffic/sample.js';
import { partitionTable } from '../traffic/table/partition.js';
import { phase } from '../shared/phases.js';
import { buildTable, type RequestTable, tableBudget } from '../traffic/table/table.js';
import { sampleEstimate } from '../report/sample.js';
import { runConfigs, SplitRun } from './parallel.js';
import { readerFor, splitLoses, splitPays } from './threads.js';
import { logSource, logTable, profileSource, type SourceStats, type TrafficSource } from '../traffic/source.js';
import { sayNote, stderrLine, warningLine } from './context.js';
import type { Io } from './io.js';

/** How a command runs scenarios, beyond the files themselves (the flags diff and advise share with simulate). */
export interface RunChoice {
  /** the seed of every run (default: the scenario's; diff: BASE's) */
  seed?: number;
  /** a table file or bundled version, or the table in force on a date: beat the scenario's own pricing */
  pricing?: string;
  asOf?: string;
  /** which rules decide when a provider cache hits: realistic (default), ideal, or rules joined by + */
  cacheRealism?: string;
  /** false: price only with the curated tables; deployment name -> model */
  catalog?: boolean;
  deployments?: Record<string, string>;
  /** a file of price overlays (--pricing-overlay) applied after the scenario's own */
  overlay?: string;
  /** folders the scenarios' named files may also lie in */
  allowPaths?: string[];
}

export interface RunScenarioInput {
  /** path of the scenario file (relative to io.cwd) */
  scenarioPath?: string;
  /** an already loaded scenario (wins over scenarioPath) */
  scenario?: Scenario;
  io: Io;
  /** false: the log reader's notes (the preset it detected) are not said (a run that repeats one) */
  notes?: false;
  /** price under this book instead of the scenario's table (drift, sweep) */
  book?: PriceBook | PriceSchedule;
  /** --pricing / --as-of from the command line: beat the scenario's pricing */
  pricing?: { pricing?: string; asOf?: string };
  /** --deployment names and --no-catalog from the command line */
  models?: ModelChoice;
  seed?: number;
  /** warn (PRICING_STALE) when the table is older than this on the reference date (--as-of, the scenario's as_of, else the profile's start) */
  staleAfterDays?: number;
  standalone?: boolean;
  /** replay --rows: write every call's token classes and cost here, baseline and final */
  rows?: RowsTarget;
  /** --scale: the profile's arrivals times this factor (on top of traffic.profile.scale) */
  scale?: number;
  /** --cache-realism: beats the scenario's cache_realism (already validated) */
  cacheRealism?: string;
  /** extra attribution dimensions (added to the scenario's report.by) */
  by?: string[];
  /** long-context thresholds to bucket the ledgers by (drift: both tables'); default the book's */
  thresholds?: number[];
  /** --allow-path folders: files the scenario names may also lie there (besides its own folder and the working folder) */
  allowPaths?: string[];
  /** threads the run may use (default 1); a big log, or explicitThreads, splits the run when its strategies allow */
  threads?: number;
  /** the thread count was asked for (--threads, LLMCOST_THREADS): split even a small run */
  explicitThreads?: boolean;
  /** traffic already read into a table (a sweep's configurations, Monte Carlo's seeds share it) */
  shared?: SharedTraffic;
  /** a key-consistent sample of the log (unit: by default the scenario's state key) */
  sample?: { rate: SampleRate; unit?: SampleUnit };
  /** told how the run was split, or why it ran on one thread (--verbose) */
  verbose?: (message: string) => void;
  /**
   * requests so far and, when the source knows, the fraction of it consumed (0..1); `phase` when a
   * run reads its log first and then simulates it ('reading', 'simulating')
   */
  onProgress?: (requests: number, fraction: number | null, phase?: string) => void;
  warn?: (d: Diagnostic | string) => void;
  command?: string;
  version?: string;
}

export interface ScenarioRun {
  report: Report;
  run: RunResult;
  book: Pricing;
  stages: StageSpec[];
  scenario: Scenario;
  stats: SourceStats;
}

/**
 * The pricing a scenario runs under. CLI flags beat the scenario's `pricing`; without either, a
 * log is priced per request (the table in force at each row's time) and a profile with the table
 * in force on its start date, as its "today".
 */
export function scenarioBook(
  scenario: Scenario,
  io: Io,
  flags: { pricing?: string; asOf?: string } = {},
  models: ModelChoice = {},
): { book: PriceSchedule; warnings: Diagnostic[] } {
  const overlayWarnings: Diagnostic[] = [];
  const base = {
    cwd: io.cwd,
    catalog: models.catalog !== false,
    deployments: { ...(scenario.traffic.log?.deployments ?? {}), ...(models.deployments ?? {}) },
    // the scenario's overlays, then --pricing-overlay's
    overlays: overlaysOf(
      { overlays: [...(scenario.pricing?.overlays ?? []), ...(models.overlays ?? [])], overlay: models.overlay },
      io.cwd,
      (d) => overlayWarnings.push(d),
    ),
  };
  const choose = (c: { pricing?: string; asOf?: string; cwd?: string; perRequest?: boolean }) => {
    const { pricing, warnings } = chooseSchedule({ ...base, ...c });
    return { book: pricing, warnings: [...overlayWarnings, ...warnings] };
  };
  if (flags.pricing || flags.asOf)
    return choose({
      ...(flags.pricing ? { pricing: flags.pricing } : {}),
      ...(flags.asOf ? { asOf: flags.asOf } : {}),
    });
  const p = scenario.pricing;
  if (p?.file) return choose({ pricing: p.file });
  if (p?.version) return choose({ pricing: p.version, cwd: scenario.dir });
  if (p?.asOf) return choose({ asOf: p.asOf });
  const all = choose({ perRequest: true });
  const profile = scenario.traffic.profile;
  if (!profile) return all;
  return { book: all.book.pinnedTo(all.book.periodOfDate(profile.start.slice(0, 10))), warnings: all.warnings };
}

/** The scenario with its profile's arrivals scaled (--scale); a log cannot be scaled, a fitted profile can. */
function scaled(scenario: Scenario, factor: number): Scenario {
  const profile = scenario.traffic.profile;
  if (!profile)
    throw userError('USAGE', `--scale needs a traffic profile; ${scenario.file} replays a log`, {
      where: '--scale',
      hint: 'fit a profile from the log first: llmcost fit LOG -o fitted.yaml, then simulate fitted.yaml --scale 3x',
    });
  const next = { ...profile, scale: (profile.scale ?? 1) * factor };
  const too = profileProblems(next).find((p) => p.severity === 'error');
  if (too) throw userError('USAGE', `--scale ${factor}: ${too.message}`, { where: '--scale', hint: too.hint });
  return { ...scenario, traffic: { ...scenario.traffic, profile: next } };
}

/**
 * A profile's requests checked against their models' context windows: a request larger than the
 * window is one the API would refuse, so a profile that generates one is a mistake in the profile
 * (a log's rows are what was sent, and only warn). The stream is counted per segment and, once it
 * is read, the first segment with requests over the window fails located at its turns (the
 * conversation grew past it) or input_tokens (a first message too large), naming the largest.
 */
function withinContextWindows(
  traffic: TrafficSource,
  profile: NonNullable<Scenario['traffic']['profile']>,
  book: Pricing,
  scenario: Scenario,
): TrafficSource {
  const segments = profile.segments.map((s, i) => ({
    i,
    name: s.name,
    model: s.model,
    window: book.resolve(s.model).contextWindow,
    over: 0,
    grown: 0,
    largest: 0,
  }));
  if (!segments.some((s) => s.window !== undefined)) return traffic;
  const byName = new Map(segments.map((s) => [s.name, s]));
  const source = traffic.source as Iterable<SimRequest[]>;
  return {
    ...traffic,
    source: (function* () {
      for (const batch of source) {
        for (const r of batch) {
          const seg = byName.get(r.tags.feature ?? '');
          if (!seg || seg.window === undefined || r.inputTokens <= seg.window) continue;
          seg.over++;
          if (r.historyTokens > 0) seg.grown++;
          if (r.inputTokens > seg.largest) seg.largest = r.inputTokens;
        }
        yield batch;
      }
      const s = segments.find((x) => x.over > 0);
      if (!s) return;
      const n = (v: number): string => v.toLocaleString('en-US');
      const grew = s.grown > 0;
      throw userError(
        'OVER_CONTEXT_WINDOW',
        `segment '${s.name}': ${n(s.over)} request(s) send more input tokens than ${s.model}'s ${n(s.window!)}-token context window (largest ${n(s.largest)}; ${n(s.grown)} grown by conversation history); the API would refuse them`,
        {
          where: scenario.where(['traffic', 'profile', 'segments', s.i, grew ? 'turns' : 'input_tokens']),
          hint: grew
            ? `fewer turns (a conversation resends its history every turn), smaller input_tokens, or a model with a window larger than ${n(s.largest)} tokens`
            : `smaller input_tokens (with system_tokens, a first message must fit in ${n(s.window!)}), or a model with a window larger than ${n(s.largest)} tokens`,
        },
      );
    })(),
  };
}

/** A scenario made ready to run: its book (with synthetic models), stages, seed and dimensions. */
export interface PreparedScenario {
  scenario: Scenario;
  book: PriceBook | PriceSchedule;
  /** staleness against a date stated before the run (--as-of, pricing.as_of) */
  stale?: Diagnostic;
  seed: number;
  stages: StageSpec[];
  by: string[];
}

/** How a run says a warning: input.warn, else a line on its stderr. */
export function warnerOf(input: Pick<RunScenarioInput, 'warn' | 'io'>): (d: Diagnostic | string) => void {
  return input.warn ?? ((d) => stderrLine(input.io, warningLine(d)));
}

/** Load the scenario and its book, check what can be checked before the run (paths, models, the log). */
export function prepareScenario(input: RunScenarioInput): PreparedScenario {
  const { io } = input;
  const warn = warnerOf(input);
  let scenario = input.scenario;
  if (!scenario) {
    if (!input.scenarioPath) throw new Error('internal: runScenario needs scenario or scenarioPath');
    const loaded = loadScenarioFile(resolve(io.cwd, input.scenarioPath), input.scenarioPath);
    for (const w of loaded.warnings) warn(w);
    scenario = loaded.scenario;
  }
  // The returned scenario carries the realism and scale in force, so re-runs (--runs) keep them.
  if (input.cacheRealism !== undefined) scenario = { ...scenario, cacheRealism: input.cacheRealism };
  if (input.scale !== undefined) scenario = scaled(scenario, input.scale);
  // Before any file the scenario names is touched (the pricing table just below, the log later).
  checkNamedPaths(scenario.namedPaths, pathRoots(scenario.dir, io.cwd, input.allowPaths), scenario.where);
  let book: PriceBook | PriceSchedule;
  if (input.book) book = input.book;
  else {
    const chosen = scenarioBook(scenario, io, input.pricing, input.models);
    for (const w of chosen.warnings) warn(w);
    book = chosen.book;
  }
  // Staleness against a date the run states (never the wall clock): --as-of or pricing.as_of now,
  // else the end of the traffic period once the run has read it (below).
  const stale =
    input.staleAfterDays !== undefined
      ? stalenessStated(scenario, book, input.pricing?.asOf, input.staleAfterDays)
      : undefined;
  if (stale) warn(stale);
  // Synthetic models (e.g. a self-hosted route priced per GPU-hour) join the book before the run.
  const synthetic = scenarioSyntheticModels(scenario);
  if (synthetic.length) book = book.withModels(synthetic);

  // Unknown models fail before the run, located in the scenario file.
  if (scenario.traffic.profile) {
    scenario.traffic.profile.segments.forEach((seg, i) =>
      book!.resolve(seg.model, scenario!.where(['traffic', 'profile', 'segments', i, 'model'])),
    );
  } else if (scenario.traffic.log.model) {
    book.resolve(scenario.traffic.log.model, scenario.where(['traffic', 'log', 'model']));
  }
  // A missing log is located in the scenario (the reader alone can only name the path).
  if (scenario.traffic.log && scenario.traffic.log.file !== '-' && !existsSync(scenario.traffic.log.file)) {
    throw userError('FILE_NOT_FOUND', `log file ${scenario.traffic.log.file} does not exist`, {
      where: scenario.where(['traffic', 'log', 'file']),
      hint: "relative paths in a scenario are resolved from the scenario file's folder",
    });
  }

  const sc = scenario;
  const stages: StageSpec[] = sc.stages.map((s) => ({
    strategy: s.strategy,
    options: s.options,
    label: s.label,
    where: (path) => sc.where(['strategies', s.index, ...path]),
  }));
  const by = [
    ...new Set([...sc.by, ...(input.by ?? []), ...(sc.budgets.per_tenant_per_day_usd !== undefined ? ['tenant'] : [])]),
  ];
  return { scenario: sc, book, ...(stale ? { stale } : {}), seed: input.seed ?? sc.seed, stages, by };
}

/** The sample unit a scenario's state needs: its prefix keys when it caches prompts, else its conversations. */
export function defaultSampleUnit(stages: readonly StageSpec[], cacheRealism: string): SampleUnit {
  return stageStates(stages, cacheRealism).some((s) => s.state.on === 'prefix') ? 'prefix_key' : 'conversation_id';
}

/** Each stage's declared state (a strategy that declares none keeps state across the whole stream). */
export function stageStates(stages: readonly StageSpec[], cacheRealism: string): StageState[] {
  return stages.flatMap((s) => {
    const st = s.strategy.state?.(s.options, cacheRealism);
    const keys: readonly StateKey[] = st
      ? Array.isArray(st.key)
        ? st.key
        : [st.key as StateKey]
      : [{ on: 'stream', why: `strategy ${s.strategy.name} does not declare where its state lives` }];
    return keys.map((state) => ({
      label: s.label,
      state,
      clock: st?.clock ?? false,
      movesTime: st?.movesTime ?? false,
    }));
  });
}

/**
 * Where a streamed run's log reader works: LLMCOST_READER_THREAD says, else this thread for a sample
 * (only its rows are parsed) or a run on one thread, else the default (a big CSV in a reader thread).
 */
function readerOf(input: Pick<RunScenarioInput, 'io' | 'threads'>, sample?: SampleFilter): ReaderThread | undefined {
  return (
    readerThread(input.io.env) ?? (sample ? 'off' : input.threads !== undefined ? readerFor(input.threads) : undefined)
  );
}

/** The traffic of a prepared scenario: its profile generator, or its log read streaming. */
export function scenarioTraffic(prep: PreparedScenario, input: RunScenarioInput, sample?: SampleFilter): TrafficSource {
  const { scenario, book, seed } = prep;
  const { io } = input;
  return scenario.traffic.profile
    ? withinContextWindows(profileSource(scenario.traffic.profile, seed), scenario.traffic.profile, book, scenario)
    : logSource(scenario.traffic.log, io.cwd, book, io.stdin, readerOf(input, sample), noteOf(input), sample);
}

/** How the log reader's notes are said: on stderr, unless input.notes is false. */
function noteOf(input: Pick<RunScenarioInput, 'io' | 'notes'>): (message: string) => void {
  return input.notes === false ? () => {} : (m) => sayNote(input.io, m);
}

/** A scenario's log (or generated traffic) read once into a table, with the figures of the read. */
export interface SharedTraffic {
  table: RequestTable;
  stats: SourceStats;
  sample?: SampleFilter;
  /**
   * the figures of the read that need the whole log in order (repeated ids, the period, their
   * warnings), when readTraffic was asked to leave them for later: they complete `stats` in place;
   * runOnTable counts them while its workers run. `stats.unsorted` is already final.
   */
  recount?: () => void;
}

/** Read a prepared scenario's traffic into a request table (what a sweep's configurations share). */
export async function readTraffic(
  prep: PreparedScenario,
  input: RunScenarioInput,
  sample?: SampleFilter,
  /** leave what can wait of the recount of a log read in ranges for runOnTable (SharedTraffic.recount) */
  deferRecount = false,
): Promise<SharedTraffic> {
  const budget = tableBudget(input.io.env);
  if (budget !== undefined && !(budget > 0))
    throw userError('USAGE', `LLMCOST_TABLE_MB '${input.io.env.LLMCOST_TABLE_MB}' is not a positive number of MB`, {
      where: 'LLMCOST_TABLE_MB',
      hint: 'unset it (1024 MB), or set the memory the request table may use before it spills to a temporary file',
    });
  const tableOpts = budget !== undefined ? { budgetBytes: budget } : {};
  const { io, onProgress } = input;
  const log = prep.scenario.traffic.log;
  if (log && !sample) {
    // a big plain CSV is read in byte ranges on every thread
    const read = await logTable(
      log,
      io.cwd,
      input.threads ?? 1,
      tableOpts,
      prep.book,
      io.stdin,
      readerThread(io.env),
      noteOf(input),
      { deferRecount, ...(onProgress ? { onProgress: (n, f) => onProgress(n, f, 'reading') } : {}) },
    );
    return read;
  }
  const traffic = scenarioTraffic(prep, input, sample);
  const table = await buildTable(traffic.source, tableOpts);
  return { table, stats: traffic.stats(table.rows), ...(sample ? { sample } : {}) };
}

/**
 * Whether a single run should read its traffic into a table and split: when the user asked for
 * threads, or by default when the log is big enough to repay the threads' start and there are
 * enough threads for a split to beat streaming (threads.ts splitPays). Else why not, for --verbose.
 * A profile and --rows stay on one thread unless asked (see below).
 */
function worthSplitting(prep: PreparedScenario, input: RunScenarioInput): true | string {
  const threads = input.threads ?? 1;
  if (threads < 2) return 'one thread: the machine has no idle core (--threads N to use more)';
  // --rows writes every call in stream order: one pass on this thread
  if (input.rows) return 'one thread: --rows writes every call in stream order';
  if (input.explicitThreads) return true;
  const t = prep.scenario.traffic;
  // A profile is generated as it streams (bounded memory); split, it would first be generated whole
  // into the request table (a 3M-request month: ~950 MB instead of ~220 MB): only when asked to.
  if (t.profile) return 'one thread: a profile streams in bounded memory (--threads N to split it)';
  const small = 'one thread: the traffic is too small to repay more (--threads N to insist)';
  if (t.log.file === '-') return small;
  try {
    if (statSync(t.log.file).size < THREAD_MIN_BYTES) return small;
  } catch {
    return small;
  }
  if (splitPays(threads)) return true;
  // how it streams: a big CSV read into requests in a reader thread (as logSource will choose), or here
  const thread = readerOf(input);
  const inThread = convertsInThread({
    file: t.log.file,
    ...(thread ? { thread } : {}),
    ...(t.log.rejectsFile ? { rejectsFile: t.log.rejectsFile } : {}),
  });
  return splitLoses(
    threads,
    inThread ? 'the log read into requests in a reader thread' : 'the log read on this thread',
  );
}
/** fewer requests to simulate run on one thread (unless --threads says otherwise): a worker's start would not pay */
const PARALLEL_MIN_ROWS = 100_000;

/**
 * The threads for runs of `rows` requests in all (a table's rows; times the variants run over it,
 * for advise's alternatives and a sweep's configurations): all of them when asked for or worth it.
 */
export function threadsFor(rows: number, threads: number, explicit: boolean): number {
  return explicit || rows >= PARALLEL_MIN_ROWS ? threads : 1;
}

/** Run a setup over a table: split into parts on the threads when its strategies allow, else here. */
export async function runOnTable(
  shared: SharedTraffic,
  setup: RunSetup,
  threads: number,
  verbose?: (message: string) => void,
  /** told the requests run in every part of a split run */
  onProgress?: RunScenarioInput['onProgress'],
): Promise<RunResult> {
  const plan =
    threads > 1
      ? splitPlan(stageStates(setup.stages, setup.cacheRealism ?? 'realistic'), shared.stats.unsorted)
      : undefined;
  if (plan && 'relations' in plan) {
    // the workers start (modules, heap) while this thread finds the parts
    const split = new SplitRun(shared.table.data(), setup, threads);
    let part: ReturnType<typeof partitionTable>;
    try {
      // this thread's part is smaller by the recount it does after it (RECOUNT_SHARE)
      const head = shared.recount ? Math.round(shared.table.rows * RECOUNT_SHARE) : 0;
      part = partitionTable(shared.table.data(), plan.relations, threads, split.part, head);
    } catch (e) {
      split.cancel();
      throw e;
    }
    phase('partitioned');
    const used = part.sizes.filter((n) => n > 0).length;
    if (used > 1) {
      const by = plan.relations.map((r) =>
        r.on === 'prefix' ? 'prefix key' : r.on === 'retry' ? 'retry link' : 'cache key',
      );
      verbose?.(
        `split into ${used} parts${by.length ? ` by ${by.join(' and ')}` : ''}: ${part.groups.toLocaleString('en-US')} groups, the largest ${(part.largest * 100).toFixed(1)}% of the requests; parts of ${part.sizes.map((n) => n.toLocaleString('en-US')).join(' / ')} requests`,
      );
      // the rest of the read's figures are counted while the workers finish their parts
      return split.run(() => settleRead(shared), onProgress && ((n, f) => onProgress(n, f ?? null, 'simulating')));
    }
    split.cancel();
    verbose?.(`one thread: all ${shared.table.rows.toLocaleString('en-US')} requests are one group (they share state)`);
  } else if (plan) verbose?.(`one thread: ${plan.reason}`);
  const [run] = await runConfigs(shared.table.data(), [setup], 1);
  settleRead(shared);
  return run!;
}

/**
 * What the recount this thread does after its part of a split run weighs, in requests of a part
 * per request recounted. Measured on 2 cores (1M-row bench log, 6-strategy waterfall): the recount
 * took 0.35-0.5 s, this thread's part of 500,000 requests 1.9 s and the worker's 2.1 s (a fresh
 * heap and JIT); with 0.07 the parts end within ~0.2 s of each other.
 */
const RECOUNT_SHARE = 0.07;

/** The figures of the read counted now if they were left for later (SharedTraffic.recount). */
function settleRead(shared: SharedTraffic): void {
  const recount = shared.recount;
  if (!recount) return;
  delete shared.recount;
  recount();
}

export async function runScenario(input: RunScenarioInput): Promise<ScenarioRun> {
  const warn = warnerOf(input);
  return runPrepared(prepareScenario({ ...input, warn }), { ...input, warn });
}

/**
 * A prepared scenario's run setup; its strategies' coded warnings are kept in `runWarnings` (for
 * the report, every format) and said through `warn` (on stderr once the run is over).
 */
export function runSetup(
  prep: PreparedScenario,
  input: Pick<RunScenarioInput, 'standalone' | 'thresholds'>,
  runWarnings: Diagnostic[],
  warn: (d: Diagnostic) => void,
): RunSetup {
  return {
    stages: prep.stages,
    book: prep.book,
    seed: prep.seed,
    by: prep.by,
    standalone: input.standalone ?? false,
    cacheRealism: prep.scenario.cacheRealism,
    thresholds: input.thresholds,
    warn: (d) => {
      runWarnings.push(d);
      warn(d);
    },
  };
}

/** Run a prepared scenario: over a shared table, read into one and split, or streamed. */
export async function runPrepared(prep: PreparedScenario, input: RunScenarioInput): Promise<ScenarioRun> {
  const warn = warnerOf(input);
  const sample = input.sample
    ? new SampleFilter(
        input.sample.rate,
        input.sample.unit ?? defaultSampleUnit(prep.stages, prep.scenario.cacheRealism),
        input.sample.unit === undefined,
        noteOf(input),
      )
    : undefined;
  if (sample && prep.scenario.traffic.profile)
    throw userError(
      'USAGE',
      '--sample needs a log: a profile is generated, so simulate it whole or with fewer requests',
      {
        where: '--sample',
        hint: 'use --sample with a scenario whose traffic is a log (traffic.log)',
      },
    );
  // Strategies' coded warnings: on stderr once the run is over, and in the report (every format).
  const runWarnings: Diagnostic[] = [];
  const setup: RunSetup = {
    ...runSetup(prep, input, runWarnings, warn),
    ...(sample ? { everyTapBy: [UNIT_TAG] } : {}),
  };
  let run: RunResult;
  let stats: SourceStats;
  let why: true | string = true;
  if (input.shared) {
    run = await runOnTable(input.shared, setup, input.threads ?? 1, input.verbose);
    stats = input.shared.stats;
  } else if ((why = worthSplitting(prep, input)) === true && !sample) {
    const shared = await readTraffic(prep, input, undefined, true);
    phase('table read');
    try {
      run = await runOnTable(shared, setup, input.threads ?? 1, input.verbose, input.onProgress);
    } finally {
      shared.table.close();
    }
    stats = shared.stats;
  } else {
    if ((input.threads ?? 1) > 1)
      input.verbose?.(
        typeof why === 'string' ? why : 'one thread: a sampled run streams (only the kept rows are parsed)',
      );
    const traffic = scenarioTraffic(prep, input, sample);
    const rows = input.rows && new RowsWriter(input.rows, prep.book, input.thresholds ?? prep.book.thresholds());
    try {
      run = await runSimulation({
        source: traffic.source,
        ...setup,
        ...(input.onProgress ? { onProgress: (n: number) => input.onProgress!(n, traffic.fraction()) } : {}),
        ...(rows ? { observe: (stage: 'baseline' | 'final', r: SimRequest) => rows.write(stage, r) } : {}),
      });
    } catch (e) {
      rows?.abort();
      throw e;
    }
    rows?.commit();
    phase('streamed run');
    stats = traffic.stats(run.requests);
  }
  if (!input.shared) for (const w of stats.warnings) warn(w);
  phase('run over');
  return scenarioReport(prep, input, run, stats, runWarnings, sample ?? input.shared?.sample);
}

/** The report of a finished run: figures, warnings, the fleet extras, budgets and the quality floor. */
export function scenarioReport(
  prep: PreparedScenario,
  input: Pick<RunScenarioInput, 'command' | 'version' | 'warn' | 'io' | 'staleAfterDays' | 'pricing'>,
  run: RunResult,
  stats: SourceStats,
  runWarnings: Diagnostic[],
  sample?: SampleFilter,
): ScenarioRun {
  const { scenario, book, seed, stages } = prep;
  const warn = warnerOf(input);
  // Staleness on the traffic's last date, once the run has read it (unless a date was stated).
  let stale = prep.stale;
  if (input.staleAfterDays !== undefined && !input.pricing?.asOf && !scenario.pricing?.asOf) {
    stale = staleOnLastDay(book, stats.period.endMs, input.staleAfterDays);
    if (stale) warn(stale);
  }
  const early = beforeFirstTable(book, stats.period.startMs);
  if (early) warn(early);
  if (run.requests === 0) {
    const d = warning(
      'NO_REQUESTS',
      scenario.traffic.profile
        ? 'the profile generated no requests (volume x days rounds to 0)'
        : 'the log has no priced requests',
    );
    warn(d);
    runWarnings.push(d);
  }
  const fixed = [
    ...scenario.fixedCosts.map((f) => ({ stage: 0, label: f.label, usd: f.usd })),
    ...scenario.stages.flatMap((s, k) =>
      (s.strategy.fixedCosts?.(s.options) ?? []).map((f) => ({ stage: k + 1, label: f.label, usd: f.usd })),
    ),
  ];
  // A sample stands for 1/rate of the log: its bands come from the per-unit ledgers, its figures are scaled.
  const estimate = sample
    ? sampleEstimate(
        run,
        book,
        sample,
        seed,
        stages.map((s) => s.label),
        fixed,
        warn,
        runWarnings,
      )
    : undefined;
  const report = buildReport({
    command: input.command ?? 'simulate',
    scenario: scenario.name,
    seed,
    run: estimate ? { ...run, requests: run.requests * sample!.rate.scale } : run,
    book,
    labels: scenario.stages.map((s) => ({ strategy: s.use, label: s.label })),
    fixed,
    rows: stats.rows,
    period: stats.period,
    warnings: [...(stale ? [stale] : []), ...(early ? [early] : []), ...stats.warnings, ...runWarnings].map((d) => ({
      code: d.code,
      message: d.message,
    })),
    version: input.version ?? '0.0.0',
  });
  if (estimate) report.extras = { ...(report.extras ?? {}), ...estimate };
  // Report phase: break-even volume and payback of every stage that states a fleet (report/fleet.ts).
  const selfHost = fleetExtras(run, book, stages, report.period.days);
  if (selfHost) report.extras = { ...(report.extras ?? {}), selfHost };
  if (stages.some((s) => s.strategy.usesCacheRules)) {
    const on = realismRules(scenario.cacheRealism);
    report.cache = { realism: scenario.cacheRealism, rules: CACHE_RULES.filter((r) => on.has(r)) };
  }
  report.checks = scenarioChecks(report, scenario);
  return { report, run, book, stages, scenario, stats };
}

/** The models a scenario's strategies add (a self-hosted route), priced from their GPU figures. */
export function scenarioSyntheticModels(scenario: Scenario): ModelInfo[] {
  return scenario.stages.flatMap((s) => s.strategy.syntheticModels?.(s.options) ?? []).map(gpuModel);
}

/** Staleness against a date stated before the run: --as-of, else the scenario's pricing.as_of. */
function stalenessStated(
  scenario: Scenario,
  pricing: PriceBook | PriceSchedule,
  asOfFlag: string | undefined,
  days: number,
): Diagnostic | undefined {
  // a log priced per request has a table for every row's date: staleness is per row, not one date
  const book = pricing instanceof PriceSchedule ? (pricing.pinned ? pricing.book(0) : undefined) : pricing;
  if (!book) return undefined;
  if (asOfFlag) return stalenessWarning(book, asOfFlag, days, '--as-of');
  if (scenario.pricing?.asOf)
    return stalenessWarning(book, scenario.pricing.asOf, days, `pricing.as_of in ${scenario.file}`);
  return undefined;
}

/**
 * A run's staleness: the age, on the traffic's last date, of the table that priced its last request
 * (a schedule's table in force then, the newest a run uses; else the one table). None without a date.
 */
export function staleOnLastDay(
  pricing: PriceBook | PriceSchedule,
  endMs: number | null,
  staleAfterDays: number,
): Diagnostic | undefined {
  if (endMs === null) return undefined;
  const book = !(pricing instanceof PriceSchedule)
    ? pricing
    : pricing.book(pricing.pinned ? 0 : pricing.periodOf(endMs));
  return stalenessForRun(book, { endMs, staleAfterDays });
}

/**
 * PRICING_BEFORE_TABLES when a log priced per row starts before the oldest bundled table takes
 * effect: its first rows are priced with that table, which is not the price of their day (a pinned
 * table was asked for, and trace offsets before 2000 are not dates: neither is judged).
 */
export function beforeFirstTable(pricing: PriceBook | PriceSchedule, startMs: number | null): Diagnostic | undefined {
  if (!(pricing instanceof PriceSchedule) || pricing.pinned || startMs === null || startMs < UNDATED_BEFORE_MS)
    return undefined;
  const first = pricing.tables()[0]!;
  if (startMs >= Date.parse(`${first.effective}T00:00:00Z`)) return undefined;
  return warning(
    'PRICING_BEFORE_TABLES',
    `the traffic starts on ${dateOfMs(startMs)}, before the oldest pricing table (${first.version}, effective ${first.effective}): rows dated before ${first.effective} are priced with it, not with the prices of their day`,
    {
      hint: 'pass --pricing FILE with a table of that time to price them as of then (docs/pricing-sources.md), or leave them out with --timestamp-range',
    },
  );
}

/**
 * Budgets and the quality floor, computed from the report (never in renderers). Variable cost
 * excludes one-time fixed costs; "per day" divides by the traffic period's days.
 */
export function scenarioChecks(report: Report, scenario: Pick<Scenario, 'budgets' | 'quality'>): Check[] {
  const checks: Check[] = [];
  const b = scenario.budgets;
  const variable = report.final.cost - report.final.breakdown.fixed;
  const days = report.period.days;
  const add = (name: string, actual: number, limitText: string, what: string): void => {
    const limit = Number(limitText);
    const ok = actual <= limit;
    checks.push({
      name,
      ok,
      actual: round6(actual),
      limit,
      message: `${what} ${usdCheck(actual)} ${ok ? 'is within' : 'exceeds'} the budget of ${usdCheck(limit)}`,
    });
  };
  if (b.per_request_usd !== undefined)
    add(
      'budget.per_request_usd',
      report.requests ? variable / report.requests : 0,
      b.per_request_usd,
      'final cost per request',
    );
  if (b.per_day_usd !== undefined)
    add(
      'budget.per_day_usd',
      variable / days,
      b.per_day_usd,
      `final cost per day (${days} day${days === 1 ? '' : 's'})`,
    );
  if (b.total_usd !== undefined)
    add('budget.total_usd', report.final.cost, b.total_usd, 'final cost including fixed costs');
  if (b.per_tenant_per_day_usd !== undefined) {
    const rows = report.by?.tenant ?? [];
    const worst = rows.reduce<{ key: string; cost: number } | undefined>(
      (w, r) => (!w || r.cost > w.cost ? r : w),
      undefined,
    );
    add(
      'budget.per_tenant_per_day_usd',
      worst ? worst.cost / days : 0,
      b.per_tenant_per_day_usd,
      worst ? `tenant '${worst.key}' costs per day` : 'no tenant costs per day',
    );
  }
  if (scenario.quality) {
    const actual = report.final.successRate;
    const ok = actual >= scenario.quality.floor;
    checks.push({
      name: 'quality.floor',
      ok,
      actual,
      limit: scenario.quality.floor,
      message: `final success rate ${(actual * 100).toFixed(2)}% is ${ok ? 'at or above' : 'below'} the quality floor of ${(scenario.quality.floor * 100).toFixed(2)}%`,
    });
  }
  return checks;
}
