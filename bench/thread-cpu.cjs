// The CPU time of the process's main thread alone (the thread the strategies run on; worker threads
// and V8's helper threads left out), from Linux's /proc/thread-self/stat (utime + stime, clock
// ticks of 1/100 s on Linux); null elsewhere. bench/child.mjs reports it for every job. Preloaded,
// `node -r ./bench/thread-cpu.cjs bin/llmcost.js ...`, it prints it on stderr at exit, so any build
// of the tool, an old one too, is measured alike (docs/scale.md compares with the build before
// issue 18's work this way).
const { readFileSync } = require('node:fs');

function mainThreadCpuMs() {
  try {
    const stat = readFileSync('/proc/thread-self/stat', 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

if (process.execArgv.some((a) => a.endsWith('thread-cpu.cjs')))
  process.on('exit', () => process.stderr.write(`main thread CPU: ${mainThreadCpuMs()} ms\n`));

module.exports = { mainThreadCpuMs };
