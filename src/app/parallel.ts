// Runs over a request table in worker threads: the configurations of a sweep or of Monte Carlo
// spread over the threads (each thread materialises the requests once for all of its
// configurations), or one run split into parts by partition.ts, one part per thread. Each thread
// returns RunParts; finishRun adds them up here, so the result is the one a single thread gives.
import type { RunPart, RunResult, RunSetup, StageSpec } from '../engine/run.js';
import { finishRun, startRuns } from '../engine/run.js';
import type { PrefixBlock, SimRequest } from '../engine/request.js';
import { type PricingData, pricingData } from '../pricing/data.js';
import { pricingFromData } from '../pricing/load.js';
import { getStrategy } from '../strategies/registry.js';
import { ChunkView } from '../traffic/table/chunk.js';
import { chunksOf, type TableData } from '../traffic/table/table.js';
import { compiledUrl, inWorkers } from '../shared/workers.js';
import { closeSync, openSync } from 'node:fs';
import { phase } from '../shared/phases.js';
import { type ProgressSlot, ThreadProgress, tellSlot } from '../shared/thread-progress.js';

/** A run's setup as plain data (what a worker thread receives). */
export interface SimConfig {
  stages: { name: string; options: unknown; label: string; where: string }[];
  book: PricingData;
  cacheRealism?: string;
  seed: number;
  by: string[];
  everyTapBy: string[];
  thresholds?: number[];
  standalone: boolean;
}

export interface SimTask {
  table: TableData;
  /**
   * one part of a split run: the rows whose part[row] is `me`; with `ready` (shared), a worker
   * started before the parts were known waits until ready[0] is GO (or CANCEL: it runs nothing)
   */
  part?: { of: Int32Array; me: number; ready?: Int32Array };
  configs: SimConfig[];
  /** where the requests run so far are told (a split run's ThreadProgress) */
  progress?: ProgressSlot;
}

/** requests materialised and pushed per batch */
const BATCH = 1024;

export function simConfig(setup: RunSetup): SimConfig {
  return {
    stages: setup.stages.map((s, i) => ({
      name: s.strategy.name,
      options: s.options,
      label: s.label,
      where: s.where ? s.where([]) : `strategies[${i}]`,
    })),
    book: pricingData(setup.book),
    ...(setup.cacheRealism !== undefined ? { cacheRealism: setup.cacheRealism } : {}),
    seed: setup.seed,
    by: setup.by ?? [],
    everyTapBy: setup.everyTapBy ?? [],
    ...(setup.thresholds ? { thresholds: setup.thresholds } : {}),
    standalone: setup.standalone ?? false,
  };
}

/** Equal pricing data -> one Pricing object, so configurations under the same prices share a pass (startRuns). */
type PricingCache = Map<string, ReturnType<typeof pricingFromData>>;

function pricingOf(d: PricingData, cache: PricingCache): ReturnType<typeof pricingFromData> {
  const key = JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  let p = cache.get(key);
  if (!p) cache.set(key, (p = pricingFromData(d)));
  return p;
}

/** The setup a worker rebuilds from a config (its warnings are collected in the RunPart). */
export function setupOf(c: SimConfig, cache: PricingCache = new Map()): RunSetup {
  const stages: StageSpec[] = c.stages.map((s) => ({
    strategy: getStrategy(s.name),
    options: s.options,
    label: s.label,
    // options were checked (and their errors located) by the thread that planned the run
    where: () => s.where,
  }));
  return {
    stages,
    book: pricingOf(c.book, cache),
    ...(c.cacheRealism !== undefined ? { cacheRealism: c.cacheRealism } : {}),
    seed: c.seed,
    by: c.by,
    everyTapBy: c.everyTapBy,
    ...(c.thresholds ? { thresholds: c.thresholds } : {}),
    standalone: c.standalone,
  };
}

/** a split's ready flag: the parts are set (GO) or the split is off (CANCEL) */
const GO = 1;
const CANCEL = 2;

/**
 * Run a task's configurations over its rows, on this thread (a worker's body; also the one-thread
 * path); `shown` is called after each batch, once its progress is told.
 */
export function runTask(task: SimTask, shown?: () => void): RunPart[] {
  const ready = task.part?.ready;
  if (ready) {
    Atomics.wait(ready, 0, 0);
    if (Atomics.load(ready, 0) !== GO) return [];
  }
  // configurations share the stages they have in common (engine/run.ts startRuns)
  const cache: PricingCache = new Map();
  const runs = startRuns(task.configs.map((c) => setupOf(c, cache)));
  phase('runs started');
  const fd = task.table.spillPath ? openSync(task.table.spillPath, 'r') : undefined;
  try {
    const part = task.part;
    let base = 0;
    let batch: SimRequest[] = [];
    let pushed = 0;
    const push = (): void => {
      runs.push(batch);
      pushed += batch.length;
      tellSlot(task.progress, pushed, pushed);
      shown?.();
      batch = [];
    };
    // a key's one-block prefix is one array across the chunks (the strategies' memos find it again)
    const prefixes = new Map<string, PrefixBlock[]>();
    for (const chunk of chunksOf(task.table, fd)) {
      const view = new ChunkView(chunk, prefixes);
      for (let i = 0; i < chunk.rows; i++) {
        if (part && part.of[base + i] !== part.me) continue;
        batch.push(view.request(i));
        if (batch.length >= BATCH) push();
      }
      base += chunk.rows;
    }
    if (batch.length) push();
    const out = runs.end();
    phase('runs done');
    return out;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Several runs over one table, spread over `threads` threads, this one and worker threads
 * (configurations share a thread in contiguous blocks, in order). On one thread, or with one
 * configuration, they run here.
 */
export async function runConfigs(table: TableData, setups: RunSetup[], threads: number): Promise<RunResult[]> {
  const configs = setups.map(simConfig);
  const lanes = Math.min(threads, configs.length);
  let parts: RunPart[];
  if (lanes <= 1) parts = runTask({ table, configs });
  else {
    // contiguous blocks: neighbours in grid order differ in the last swept values, so they share
    // the most leading stages
    const per = Math.ceil(configs.length / lanes);
    const tasks: SimTask[] = Array.from({ length: lanes }, (_, l) => ({
      table,
      configs: configs.slice(l * per, (l + 1) * per),
    })).filter((t) => t.configs.length > 0);
    parts = (await alongside(tasks)).flat();
  }
  return setups.map((s, i) => finishRun(s, [parts[i]!]));
}

/**
 * The first task on this thread while the others run in worker threads (one each): this thread
 * would only wait for them, and a worker of its own costs a start (~0.1 s of modules) and a heap.
 * `meanwhile` runs here once this thread's task is done, while the workers may still run; with
 * `progress`, every task's requests run are shown, as this thread runs its own and while it waits.
 */
async function alongside(
  tasks: SimTask[],
  others = startOthers(tasks),
  meanwhile?: () => void,
  progress?: ThreadProgress,
): Promise<RunPart[][]> {
  let mine: RunPart[];
  try {
    mine = runTask(tasks[0]!, progress && (() => progress.shown()));
    meanwhile?.();
  } catch (e) {
    // the workers' failure (if any) is not the first one: wait for them to end, report this one
    await others.catch(() => {});
    throw e;
  }
  return [mine, ...(await (progress ? progress.during(others) : others))];
}

/** tasks[1..] in worker threads, one each */
function startOthers(tasks: SimTask[]): Promise<RunPart[][]> {
  const others = inWorkers<SimTask, RunPart[]>(
    compiledUrl(import.meta.url, 'sim-worker.js'),
    tasks.slice(1),
    tasks.length - 1,
  );
  // (settled even when this thread fails before it waits for them)
  others.catch(() => {});
  return others;
}

/**
 * One run split into `parts` parts, one per thread, added up exactly. The worker threads start at
 * once and load their modules while this thread sets `part` (each row's part: partition.ts); then
 * run() lets them go, or cancel() sends them home.
 */
export class SplitRun {
  /** each row's part, shared with the workers: to be filled before run() */
  readonly part: Int32Array;
  private readonly ready = new Int32Array(new SharedArrayBuffer(4));
  private readonly tasks: SimTask[];
  private readonly others: Promise<RunPart[][]>;
  /** the parts' requests run, shown through `show` once run() is told where */
  private readonly progress: ThreadProgress;
  private show: ((requests: number, fraction?: number) => void) | undefined;

  constructor(
    table: TableData,
    private readonly setup: RunSetup,
    parts: number,
  ) {
    this.part = new Int32Array(new SharedArrayBuffer(4 * Math.max(1, table.rows)));
    this.progress = new ThreadProgress(parts, table.rows, (n, f) => this.show?.(n, f));
    const config = simConfig(setup);
    this.tasks = Array.from({ length: parts }, (_, me) => ({
      table,
      part: { of: this.part, me, ready: this.ready },
      configs: [config],
      progress: this.progress.slot(me),
    }));
    this.others = startOthers(this.tasks);
  }

  /**
   * Run the parts (this thread's first, then `meanwhile`) and add them up; `onProgress` is told the
   * requests run in every part.
   */
  async run(meanwhile?: () => void, onProgress?: (requests: number, fraction?: number) => void): Promise<RunResult> {
    this.show = onProgress;
    this.signal(GO);
    const out = await alongside(this.tasks, this.others, meanwhile, onProgress && this.progress);
    return finishRun(
      this.setup,
      out.map((o) => o[0]!),
    );
  }

  /**
   * The split is off: the workers end without running anything, on their own (this thread goes on
   * at once rather than wait for them to finish loading; `others` is settled).
   */
  cancel(): void {
    this.signal(CANCEL);
  }

  private signal(v: number): void {
    Atomics.store(this.ready, 0, v);
    Atomics.notify(this.ready, 0);
  }
}
