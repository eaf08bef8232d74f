// LLMCOST_PHASES=1: each thread notes on stderr when a phase of a run ends - seconds since the
// process started, the CPU seconds this thread has used (Linux: /proc/thread-self/stat, else the
// process's) - so a slow run shows where its time went, which phases ran one after another and
// which thread waited. LLMCOST_PHASES=tasks adds every thread of the process (the V8 helpers that
// collect garbage too). A measuring aid: nothing of it reaches a report.
import { readdirSync, readFileSync, writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { isMainThread, threadId } from 'node:worker_threads';

const mode = process.env.LLMCOST_PHASES ?? '';
/** the process's start in epoch ms: a worker inherits it through its copy of the environment */
const t0 = mode ? Number((process.env.LLMCOST_PHASES_T0 ??= String(performance.timeOrigin))) : 0;

/** utime + stime of a /proc stat line, in seconds */
function cpuOf(stat: string): number {
  const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields 14 and 15 (clock ticks of 10 ms): the 12th and 13th after the command name
  return (Number(after[11]) + Number(after[12])) / 100;
}

function threadCpu(): number {
  try {
    return cpuOf(readFileSync('/proc/thread-self/stat', 'latin1'));
  } catch {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  }
}

/** note the end of a phase (nothing unless LLMCOST_PHASES is set) */
export function phase(label: string): void {
  if (!mode) return;
  const since = (performance.timeOrigin + performance.now() - t0) / 1000;
  const who = isMainThread ? 'main' : `thread ${threadId}`;
  // straight to the descriptor: a worker's stderr goes through the main thread and is lost when the worker is ended
  writeSync(2, `phase ${since.toFixed(2)}s ${who} cpu ${threadCpu().toFixed(2)}s ${label}\n`);
  if (mode !== 'tasks' || !isMainThread) return;
  const all: string[] = [];
  try {
    for (const t of readdirSync('/proc/self/task'))
      all.push(cpuOf(readFileSync(`/proc/self/task/${t}/stat`, 'latin1')).toFixed(2));
  } catch {
    return;
  }
  writeSync(2, `  threads (cpu s): ${all.join(' ')}\n`);
}
