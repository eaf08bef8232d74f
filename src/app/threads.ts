// How many threads a run may use: --threads N / LLMCOST_THREADS, else the cores that are idle now
// plus this one (measured: a run split over two threads on a 2-core machine busy with other jobs
// took 1.75x the one-thread run, bench at load 10-15), and how a single run uses them: one thread
// streams; two stream with the log read and turned into requests in a reader thread
// (traffic/table/stream.ts) while this one runs the strategies; from three (or when asked) the run
// is split. The report is the same for every count.
import { availableParallelism, loadavg } from 'node:os';
import { userError } from '../diagnostics.js';

/** The machine as the default thread count sees it: its cores and the 1-minute load average. */
export interface Machine {
  cores: number;
  load: number;
}

const thisMachine = (): Machine => ({ cores: availableParallelism(), load: loadavg()[0] ?? 0 });

/**
 * The thread count: --threads beats LLMCOST_THREADS; by default the idle cores (cores minus the
 * load average) plus one for this run, at most the cores, at least 1.
 */
export function threadCount(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  machine: Machine = thisMachine(),
): number {
  const from = (v: string, where: string): number => {
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < 1 || n > 256)
      throw userError('USAGE', `${where} '${v}' is not a whole number of threads from 1 to 256`, {
        where,
        hint: 'e.g. --threads 1 to run on one thread; the default is the idle cores plus one',
      });
    return n;
  };
  if (flag !== undefined) return from(flag, '--threads');
  const v = env.LLMCOST_THREADS;
  if (v !== undefined && v.trim() !== '') return from(v, 'LLMCOST_THREADS');
  return defaultThreads(machine);
}

/** Whether the thread count was asked for (--threads or LLMCOST_THREADS), not the machine's default. */
export function threadsAsked(flag: string | undefined, env: Record<string, string | undefined>): boolean {
  return flag !== undefined || (env.LLMCOST_THREADS ?? '').trim() !== '';
}

export function defaultThreads(m: Machine): number {
  return Math.max(1, Math.min(m.cores, Math.round(m.cores - m.load + 1)));
}

/**
 * Threads from which a single run over a big log is split by default (--threads N splits at any
 * N >= 2). Measured on 2 cores (1M-row bench log, 6-strategy waterfall): streaming - the log
 * parsed in a reader thread, the strategies on this one - took 8.7 s and 14.2 s of CPU when the
 * machine was idle; the split (the log read into the request table in two byte ranges,
 * partitioned, the parts simulated) took 1.53x that CPU then (12.1 s), and 1.1-1.3x since the
 * table got cheaper (interleaved at load 12-14). A split's wall time is about its CPU over its
 * threads, streaming's is bounded by its busier thread (~1.6 cores' worth): on two cores the
 * split does not win, from three it is ahead by that arithmetic (no 3-core machine measured).
 * Since the split's workers start while the parts are found and the whole-log recount runs beside
 * their parts, on 2 idle cores it ends ~3-6% sooner than streaming (farm-bench medians 0.94-0.97x)
 * but at 1.27x the CPU and 2.4x the peak memory (430 vs 180 MB): still not worth it by default.
 * Since the reader thread turns the rows into requests too (stream.ts: 0.80x the wall time of the
 * thread that only parsed, 1.07x its CPU, 1.4x its peak memory), streaming is further ahead.
 */
export const SPLIT_MIN_THREADS = 3;

/** whether splitting a single run over `threads` threads beats streaming it (the default's choice) */
export function splitPays(threads: number): boolean {
  return threads >= SPLIT_MIN_THREADS;
}

/** --verbose's reason for streaming a run that could be split; `how` it streams */
export function splitLoses(threads: number, how: string): string {
  return `streamed (${how}): split over ${threads} threads the run would cost ~1.2x the CPU (the request table built and read back) and end later (--threads ${threads} to split anyway)`;
}

/**
 * The log reader's thread when LLMCOST_READER_THREAD does not say: off when the run has one thread
 * (--threads 1, or a busy machine: the reader thread costs 11-38% more CPU and is slower with no
 * idle core, measured at load 10-14 on 2 cores), else auto (a big CSV is read in a second thread).
 */
export function readerFor(threads: number): 'off' | undefined {
  return threads < 2 ? 'off' : undefined;
}
