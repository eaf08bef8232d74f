// One measured job, run in its own process so its peak RSS is its own.
// usage: node bench/child.mjs csv|csv-fast|json|parquet FILE | duck baseline|cache FILE TABLE | duck-sample FILE RATE_BP OUT
//        | cachekeys N | cli ARGS...   -> prints one JSON line {ms, cpuPct, maxRssMB, ...}
import { createReadStream } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { parse } from 'csv-parse';
import { main } from '../dist/cli-bundle/llmcost.js';

const { mainThreadCpuMs } = createRequire(import.meta.url)('./thread-cpu.cjs');

const [mode, ...args] = process.argv.slice(2);
// from the process's start (performance.now() counts from it), as the CPU figures below are: a job's
// wall time and CPU share cover the same span, its start-up and module loading included
const t0 = 0;
let out = {};
if (mode === 'csv') {
  // The floor: csv-parse alone, in the same mode as the log reader (records as arrays, BOM, ragged rows allowed).
  let rows = 0;
  const parser = createReadStream(args[0], { highWaterMark: 1 << 20 }).pipe(
    parse({ bom: true, relax_column_count: true }),
  );
  for await (const _ of parser) rows++;
  out = { rows };
} else if (mode === 'csv-fast') {
  // The log reader's own CSV pass (quote-free records split directly, csv-parse from the first quote on):
  // records with their line numbers, before any row becomes a request.
  const { openLog } = await import('../dist/traffic/logs/source.js');
  let rows = 0;
  for await (const batch of (await openLog(args[0], args[0])).records) rows += batch.length;
  out = { rows };
} else if (mode === 'json') {
  // The floor for a JSON array: @streamparser/json alone, emitting each element (what the reader streams with).
  const { JSONParser } = await import('@streamparser/json');
  let rows = 0;
  const p = new JSONParser({ paths: ['$.*'], keepStack: false });
  p.onValue = () => {
    rows++;
  };
  for await (const chunk of createReadStream(args[0])) p.write(chunk);
  out = { rows };
} else if (mode === 'parquet') {
  // The floor for Parquet: hyparquet alone, each row group read into row objects.
  const { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const file = await asyncBufferFromFile(args[0]);
  const metadata = await parquetMetadataAsync(file);
  let rows = 0;
  let rowStart = 0;
  for (const g of metadata.row_groups) {
    const n = Number(g.num_rows);
    rows += (await parquetReadObjects({ file, metadata, rowStart, rowEnd: rowStart + n, compressors })).length;
    rowStart += n;
  }
  out = { rows };
} else if (mode === 'duck') {
  // DuckDB's SQL for the same question (bench/duck.mjs), in its own process like every job
  const { duckQuery } = await import('./duck.mjs');
  out = await duckQuery(args[0], args[1], args[2]);
} else if (mode === 'duck-sample') {
  // the key-consistent sample of docs/scale.md cut by DuckDB (sampled by prefix_key)
  const { duckSample } = await import('./duck.mjs');
  out = await duckSample(args[0], Number(args[1]), args[2]);
} else if (mode === 'cachekeys') {
  // bytes per live prompt-cache key: N requests on N distinct prefixes, all within the TTL
  const { cacheKeyBytes } = await import('./cachekeys.mjs');
  out = cacheKeyBytes(Number(args[0]));
} else if (mode === 'cli') {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s) => (stdout += s), isTTY: false },
    stderr: { write: (s) => (stderr += s), isTTY: false },
    cwd: process.cwd(),
    env: { ...process.env, NO_COLOR: '1' },
  };
  const code = await main(args, io);
  if (code !== 0) {
    process.stderr.write(stderr);
    process.exit(code);
  }
  const report = JSON.parse(stdout);
  if (Array.isArray(report.runs)) {
    // a sweep: its configurations and each one's final cost
    out = { configurations: report.runs.length, finalCosts: report.runs.map((r) => r.finalCost) };
  } else {
    const tokens = report.baseline.tokens;
    out = {
      rows: report.rows?.read ?? report.requests,
      requests: report.requests,
      steps: report.steps.length,
      baselineCost: report.baseline.cost,
      finalCost: report.final.cost,
      tokens: tokens.input + tokens.cacheRead + tokens.cacheWrite5m + tokens.cacheWrite1h + tokens.output,
      ...(report.extras?.sample ? { sample: report.extras.sample, sampleBands: report.extras.sampleBands } : {}),
    };
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
const ms = performance.now() - t0;
const usage = process.resourceUsage();
// CPU of every thread of the process (worker threads included) over the wall time
const cpuPct = Math.round(((usage.userCPUTime + usage.systemCPUTime) / 1000 / ms) * 100);
process.stdout.write(
  `${JSON.stringify({ ...out, ms: Math.round(ms), cpuPct, mainCpuMs: mainThreadCpuMs(), maxRssMB: Math.round(usage.maxRSS / 1024) })}\n`,
);
