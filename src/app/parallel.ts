// Runs over a request table in worker threads: the configurations of a sweep or of Monte Carlo
// spread over the threads (each thread materialises the requests once for all of its
// configurations), or one run split into parts by partition.ts, one part per thread. Each thread
// returns RunParts; finishRun adds them up here, so the result is the one a single thread gives.
import type { RunPart, RunResult, RunSetup, StageSpec } from '../engine/run.js';
import { finishRun, startRuns } from '../engine/run.js';
import type { SimRequest } from '../engine/request.js';
import { type PricingData, pricingData } from '../pricing/data.js';
import { pricingFromData } from '../pricing/load.js';
import { getStrategy } from '../strategies/registry.js';
import { ChunkView } from '../traffic/table/chunk.js';
import { chunksOf, type TableData } from '../traffic/table/table.js';
import { compiledUrl, inWorkers } from '../shared/workers.js';
import { closeSync, openSync } from 'node:fs';
import { phase } from '../shared/phases.js';

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
  /** one part of a split run: the rows whose part[row] is `me` */
  part?: { of: Int32Array; me: number };
  configs: SimConfig[];
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

/** Run a task's configurations over its rows, on this thread (a worker's body; also the one-thread path). */
export function runTask(task: SimTask): RunPart[] {
  // configurations share the stages they have in common (engine/run.ts startRuns)
  const cache: PricingCache = new Map();
  const runs = startRuns(task.configs.map((c) => setupOf(c, cache)));
  phase('runs started');
  const fd = task.table.spillPath ? openSync(task.table.spillPath, 'r') : undefined;
  try {
    const part = task.part;
    let base = 0;
    let batch: SimRequest[] = [];
    const push = (): void => {
      runs.push(batch);
      batch = [];
    };
    for (const chunk of chunksOf(task.table, fd)) {
      const view = new ChunkView(chunk);
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
 */
async function alongside(tasks: SimTask[]): Promise<RunPart[][]> {
  const others = inWorkers<SimTask, RunPart[]>(
    compiledUrl(import.meta.url, 'sim-worker.js'),
    tasks.slice(1),
    tasks.length - 1,
  );
  let mine: RunPart[];
  try {
    mine = runTask(tasks[0]!);
  } catch (e) {
    // the workers' failure (if any) is not the first one: wait for them to end, report this one
    await others.catch(() => {});
    throw e;
  }
  return [mine, ...(await others)];
}

/** One run split into parts (one per thread, by `part`), added up exactly. */
export async function runSplit(table: TableData, setup: RunSetup, part: Int32Array, parts: number): Promise<RunResult> {
  const config = simConfig(setup);
  const tasks: SimTask[] = Array.from({ length: parts }, (_, me) => ({
    table,
    part: { of: part, me },
    configs: [config],
  }));
  const out = await alongside(tasks);
  return finishRun(
    setup,
    out.map((o) => o[0]!),
  );
}
