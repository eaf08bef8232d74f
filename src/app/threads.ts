// How many threads a run may use: --threads N / LLMCOST_THREADS, else the cores that are idle now
// plus this one (measured: a run split over two threads on a 2-core machine busy with other jobs
// took 1.75x the one-thread run, bench at load 10-15). The report is the same for every count.
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

export function defaultThreads(m: Machine): number {
  return Math.max(1, Math.min(m.cores, Math.round(m.cores - m.load + 1)));
}
