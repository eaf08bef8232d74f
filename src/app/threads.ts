// How many threads a run may use: --threads N / LLMCOST_THREADS (default: the machine's cores).
// The report is the same for every count.
import { availableParallelism } from 'node:os';
import { userError } from '../diagnostics.js';

/** the thread count: --threads beats LLMCOST_THREADS, default the machine's cores (at least 1) */
export function threadCount(flag: string | undefined, env: Record<string, string | undefined>): number {
  const from = (v: string, where: string): number => {
    const n = Number(v.trim());
    if (!Number.isInteger(n) || n < 1 || n > 256)
      throw userError('USAGE', `${where} '${v}' is not a whole number of threads from 1 to 256`, {
        where,
        hint: 'e.g. --threads 1 to run on one thread; the default is the number of cores',
      });
    return n;
  };
  if (flag !== undefined) return from(flag, '--threads');
  const v = env.LLMCOST_THREADS;
  if (v !== undefined && v.trim() !== '') return from(v, 'LLMCOST_THREADS');
  return Math.max(1, availableParallelism());
}
