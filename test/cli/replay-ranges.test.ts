// A big plain CSV replayed in byte ranges on two threads gives the report one stream gives: the
// same stdout and stderr, byte for byte. The log is built to cross the cut with what needs the
// rows in order: ids repeated across it, rows earlier than a row before them, rejected rows on both
// sides (the first ten are named), failed calls and retries, cost_usd values whose running sum
// rounds differently when added in another order, a stray timestamp that stretches the period.
// Also the request table read in ranges (simulate over a big log on two threads), and JSON Lines.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replayRun } from '../../src/app/replay-run.js';
import { logReader } from '../../src/app/replay.js';
import { makeContext } from '../../src/app/context.js';
import { simulate } from '../../src/app/simulate.js';
import { loadPricing } from '../../src/app/pricing-choice.js';
import { newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { cutLog, type LogCut, readLogTable } from '../../src/traffic/table/read.js';
import { type CliResult, runCli } from '../helpers/cli.js';

const ROWS = 120_000;
let dir: string;

const HALF = 2 ** -53;

/** the big log; `sorted`: without the rows earlier than a row before them (a split run keeps time) */
function bigLog(sorted = false): string {
  const models = ['gpt-4o-mini', 'claude-sonnet-4-5', 'gemini-2.5-flash'];
  const tenants = ['acme', 'hooli', 'initech'];
  const lines = ['timestamp,request_id,model,input_tokens,output_tokens,tenant,feature,status,retry_of,cost_usd'];
  const t0 = Date.UTC(2026, 9, 1);
  const mid = ROWS / 2;
  // rows near the middle, where the log is cut in two
  const nearCut = (i: number): boolean => Math.abs(i - mid) < 300;
  for (let i = 0; i < ROWS; i++) {
    let t = t0 + i * 1000;
    // out of order: every 997th row, and every 3rd near the cut, is 20 minutes early
    if (!sorted && (i % 997 === 0 || (nearCut(i) && i % 3 === 0))) t -= 20 * 60_000;
    // one stray row a year later stretches the period
    // (the last row, in the log in time order)
    if (i === (sorted ? ROWS - 1 : ROWS - 10)) t += 365 * 86_400_000;
    // repeated ids: every 1,009th row repeats the id of the row 100 before it, and every odd row near
    // the cut that of the (even: its own id) row 101 before it
    const id = i % 1009 === 0 && i > 100 ? `req-${i - 100}` : nearCut(i) && i % 2 === 1 ? `req-${i - 101}` : `req-${i}`;
    const failed = i % 211 === 0;
    const retryOf = i % 307 === 0 && i > 0 ? `req-${i - 1}` : '';
    // rejected rows on both sides of the middle
    const input = i % 4001 === 17 ? 'lots' : String(100 + (i % 5000));
    // cost_usd: 1 + 2^-53 rounds to 1 (a tie, to even) but 1 + 2^-53 + 2^-53 is 1 + 2^-52: the sum
    // of the halves' sums is not the sum, unless it is exact; and a few free calls
    const cost = i === 5 ? '1' : i === 6 || i === ROWS - 5 ? String(HALF) : i % 50 === 0 ? '0' : '';
    lines.push(
      [
        new Date(t).toISOString(),
        id,
        models[i % 3],
        input,
        String(10 + (i % 700)),
        tenants[i % 3],
        `f${i % 7}`,
        failed ? 'error' : 'ok',
        retryOf,
        cost,
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-ranges-'));
  const csv = bigLog();
  writeFileSync(join(dir, 'big.csv'), csv);
  // the same as a TSV with a byte order mark, CRLF line ends and, every 1,000th row, a quoted
  // feature holding a tab and a quote (the reader goes from quote-free splitting to csv-parse)
  const tsv = csv
    .trimEnd()
    .split('\n')
    .map((line, i) => {
      const f = line.split(',');
      if (i > 0 && i % 1000 === 0) f[6] = `"${f[6]}\t""x"""`;
      return f.join('\t');
    })
    .join('\r\n');
  writeFileSync(join(dir, 'big.tsv'), `\ufeff${tsv}\r\n`);
  // the same as JSON Lines (numbers as numbers, the rejected rows' 'lots' a string), CRLF line ends
  const [head, ...rows] = csv.trimEnd().split('\n');
  const names = head!.split(',');
  const jsonl = rows.map((line) => {
    const o: Record<string, string | number> = {};
    line.split(',').forEach((v, k) => {
      if (v !== '') o[names[k]!] = /^-?[\d.e-]+$/.test(v) && names[k] !== 'request_id' ? Number(v) : v;
    });
    return JSON.stringify(o);
  });
  writeFileSync(join(dir, 'big.jsonl'), `${jsonl.join('\r\n')}\r\n`);
  // gzip named .csv: read by its bytes, as one stream
  writeFileSync(join(dir, 'gzip.csv'), gzipSync(csv, { level: 0 }));
  // the same as Parquet in 7 row groups (typed columns: tokens INT64, cost DOUBLE, times TIMESTAMP;
  // the rejected rows' 'lots' a null)
  const cols = rows.map((line) => line.split(','));
  const col = (name: string) => cols.map((f) => f[names.indexOf(name)]!);
  const text = (v: string) => (v === '' ? null : v);
  const int = (v: string) => (/^\d+$/.test(v) ? BigInt(v) : null);
  writeFileSync(
    join(dir, 'big.parquet'),
    new Uint8Array(
      parquetWriteBuffer({
        columnData: [
          { name: 'timestamp', data: col('timestamp').map((t) => new Date(t)), type: 'TIMESTAMP' },
          { name: 'request_id', data: col('request_id'), type: 'STRING' },
          { name: 'model', data: col('model'), type: 'STRING' },
          { name: 'input_tokens', data: col('input_tokens').map(int), type: 'INT64' },
          { name: 'output_tokens', data: col('output_tokens').map(int), type: 'INT64' },
          { name: 'tenant', data: col('tenant'), type: 'STRING' },
          { name: 'feature', data: col('feature'), type: 'STRING' },
          { name: 'status', data: col('status'), type: 'STRING' },
          { name: 'retry_of', data: col('retry_of').map(text), type: 'STRING' },
          { name: 'cost_usd', data: col('cost_usd').map((v) => (v === '' ? null : Number(v))), type: 'DOUBLE' },
        ],
        rowGroupSize: 18_000,
      }),
    ),
  );
  writeFileSync(join(dir, 'sorted.csv'), bigLog(true));
  for (const [name, file] of [
    ['what-if.yaml', 'big.csv'],
    ['sorted.yaml', 'sorted.csv'],
  ])
    writeFileSync(
      join(dir, name!),
      [
        'name: big-log',
        'pricing:',
        '  version: "2026-11-01"',
        'traffic:',
        '  log:',
        `    file: ${file}`,
        'strategies:',
        '  - use: dedupe-retries',
        '  - use: prompt-cache',
        '    ttl: 5m',
        '',
      ].join('\n'),
    );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The command (run in the log's folder) on one thread and two: exit 0, the same stdout and stderr. */
async function sameOnOneAndTwo(args: string[]): Promise<CliResult> {
  const one = await runCli([...args, '--threads', '1'], { cwd: dir });
  const two = await runCli([...args, '--threads', '2'], { cwd: dir });
  expect(one.code, one.stderr).toBe(0);
  expect(two.stdout).toBe(one.stdout);
  expect(two.stderr).toBe(one.stderr);
  return one;
}

/** replay of the log by tenant and feature (JSON, table) and whole (JSON): the same on one thread and two; the last */
async function sameReplays(log: string): Promise<CliResult> {
  for (const format of ['json', 'table'])
    await sameOnOneAndTwo(['replay', log, '--by', 'tenant,feature', '--pricing', '2026-11-01', '--format', format]);
  return sameOnOneAndTwo(['replay', log, '--pricing', '2026-11-01', '--format', 'json']);
}

describe('a big CSV read in byte ranges', () => {
  it('is read in two ranges, and its stats are one stream’s', async () => {
    const ctx = makeContext({ io: { ...makeContext().io, cwd: dir, env: {} } });
    const book = await loadPricing({ pricing: '2026-11-01' }, true, ctx);
    const read = async (threads: number) => {
      const stats = newLogStats();
      const log = { ...logReader({ log: 'big.csv', threads: String(threads) }, book, ctx), notify: undefined };
      const told: { n: number; f: number | undefined }[] = [];
      const onProgress = (n: number, f?: number) => told.push({ n, f });
      const r = await replayRun({ log, book, by: ['tenant'], threads, warn: () => {}, onProgress }, stats);
      // (how the exact sum is held may differ; its value may not)
      delete stats.position;
      delete stats.costUsdParts;
      return { r, stats, told };
    };
    const one = await read(1);
    const two = await read(2);
    expect(one.r.ranges).toBe(1);
    expect(two.r.ranges).toBe(2);
    // the progress of a read in ranges counts every range: it ends at all the requests and bytes
    expect(two.told.at(-1)).toEqual({ n: two.r.run.requests, f: 1 });
    expect(two.told.every((t, i) => i === 0 || (t.n >= two.told[i - 1]!.n && t.f! >= two.told[i - 1]!.f!))).toBe(true);
    // a reader thread asked for (or refused) by LLMCOST_READER_THREAD: one stream
    const forced = makeContext({ io: { ...ctx.io, env: { LLMCOST_READER_THREAD: 'on' } } });
    const log = { ...logReader({ log: 'big.csv', threads: '2' }, book, forced), notify: undefined };
    expect((await replayRun({ log, book, by: [], threads: 2, warn: () => {} }, newLogStats())).ranges).toBe(1);
    expect(two.stats).toEqual(one.stats);
    expect(one.stats.costUsdSum).toBe(1 + 2 * HALF);
    // what the log holds, so the comparison means something
    expect(one.stats.duplicateIds).toBeGreaterThan(400);
    expect(one.stats.outOfOrder).toBeGreaterThan(80);
    expect(one.stats.rejected).toBeGreaterThan(20);
    expect(one.stats.warnings.map((w) => w.code)).toEqual(
      expect.arrayContaining(['LOG_DUPLICATE_ID', 'LOG_UNSORTED', 'LOG_PERIOD']),
    );
    expect(two.r.tally.successes).toBe(one.r.tally.successes);
    expect(two.r.tally.retries.requests).toBe(one.r.tally.retries.requests);
    expect(one.r.tally.retries.requests).toBeGreaterThan(100);
  });

  it('replay --verbose says how the log was read: in ranges, or as one stream and why', async () => {
    const said = async (...args: string[]) =>
      (await runCli(['replay', ...args, '--verbose', '--format', 'json'], { cwd: dir })).stderr
        .split('\n')
        .filter((l) => l.startsWith('read '));
    expect(await said('big.csv', '--threads', '2')).toEqual(['read in 2 byte ranges, one thread each']);
    expect(await said('big.csv', '--threads', '1')).toEqual([
      'read as one stream: one thread (--threads 1, LLMCOST_THREADS=1, or no idle core)',
    ]);
    expect(await said('big.csv', '--threads', '2', '--rejects', 'rj.csv')).toEqual([
      'read as one stream: --strict and --rejects need the rows in file order',
    ]);
    expect(await said('big.csv', '--threads', '2', '--rows', 'rows.csv')).toEqual([
      'read as one stream: --rows writes every call in file order',
    ]);
    // with --scenario, the threads are used as simulate uses them: --threads 2 splits, the report is the same
    const args = ['replay', 'sorted.csv', '--scenario', 'sorted.yaml', '--format', 'json'];
    const one = await runCli([...args, '--threads', '1'], { cwd: dir });
    const two = await runCli([...args, '--threads', '2', '--verbose'], { cwd: dir });
    expect(two.code, two.stderr).toBe(0);
    expect(two.stderr).toMatch(/^split into 2 parts by /m);
    expect(two.stdout).toBe(one.stdout);
  });

  it('replay: the same stdout and stderr on one thread and two, as JSON and as a table', async () => {
    for (const format of ['json', 'table']) {
      const args = ['replay', 'big.csv', '--by', 'tenant,feature', '--pricing', '2026-11-01', '--format', format];
      await sameOnOneAndTwo(args);
    }
  });

  it('a TSV with a BOM, CRLF line ends and quoted fields: the same report, read in two ranges', async () => {
    const ctx = makeContext({ io: { ...makeContext().io, cwd: dir, env: {} } });
    const book = await loadPricing({ pricing: '2026-11-01' }, true, ctx);
    const log = { ...logReader({ log: 'big.tsv', threads: '2' }, book, ctx), notify: undefined };
    expect((await replayRun({ log, book, by: [], threads: 2, warn: () => {} }, newLogStats())).ranges).toBe(2);
    const args = ['replay', 'big.tsv', '--by', 'feature', '--pricing', '2026-11-01', '--format', 'json'];
    const one = await sameOnOneAndTwo(args);
    // a quoted feature, read as csv-parse reads it: a tab and a quote inside
    expect(JSON.parse(one.stdout).by.feature.map((k: { key: string }) => k.key)).toContain('f6\t"x"');
  });

  it('JSON Lines: read in two ranges, the same reports as one stream (replay, simulate)', async () => {
    const said = await runCli(['replay', 'big.jsonl', '--threads', '2', '--verbose', '--format', 'json'], { cwd: dir });
    expect(said.stderr).toMatch(/^read in 2 byte ranges, one thread each$/m);
    const one = await sameReplays('big.jsonl');
    // the rows that cross the cut, read as one stream reads them
    const codes = JSON.parse(one.stdout).diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['LOG_DUPLICATE_ID', 'LOG_UNSORTED', 'LOG_PERIOD']));
    expect(JSON.parse(one.stdout).rows.rejected).toBeGreaterThan(20);
    // the second range's rows carry the file's line numbers
    const cut = (await cutLog({ file: join(dir, 'big.jsonl') }, 2)) as LogCut;
    expect(cut.ranges.map((r) => [r.jsonl, r.head.length])).toEqual([
      [true, 0],
      [true, 0],
    ]);
    const second = cut.ranges[1]!;
    const it = readLog({ file: join(dir, 'big.jsonl'), range: second, preset: 'canonical' }, newLogStats());
    const firstRow = (await it.next()).value![0]!;
    await it.return(undefined);
    expect(firstRow.line).toBe(second.firstLine);
    const fileLines = readFileSync(join(dir, 'big.jsonl'), 'utf8').split('\r\n');
    expect(JSON.parse(fileLines[second.firstLine - 1]!).request_id).toBe(firstRow.id);
    writeFileSync(
      join(dir, 'jsonl.yaml'),
      readFileSync(join(dir, 'what-if.yaml'), 'utf8').replace('big.csv', 'big.jsonl'),
    );
    await sameOnOneAndTwo(['simulate', 'jsonl.yaml', '--format', 'json']);
  });

  it('Parquet: read in runs of row groups, the same reports as one stream (replay, simulate)', async () => {
    const said = await runCli(['replay', 'big.parquet', '--threads', '2', '--verbose', '--format', 'json'], {
      cwd: dir,
    });
    expect(said.stderr).toMatch(/^read in 2 runs of row groups, one thread each$/m);
    const one = await sameReplays('big.parquet');
    const report = JSON.parse(one.stdout);
    expect(report.diagnostics.map((d: { code: string }) => d.code)).toEqual(
      expect.arrayContaining(['LOG_DUPLICATE_ID', 'LOG_UNSORTED', 'LOG_PERIOD']),
    );
    expect(report.rows.rejected).toBeGreaterThan(20);
    // 7 groups of 18,000 rows (the last 12,000) in 2 runs: the cut nearest 60,000 rows is after 3
    // groups (54,000; 4 would be 72,000)
    const cut = (await cutLog({ file: join(dir, 'big.parquet') }, 2)) as LogCut;
    expect(cut.ranges.map((r) => [r.groups, r.firstLine])).toEqual([
      [{ from: 0, to: 3 }, 1],
      [{ from: 3, to: 7 }, 54_001],
    ]);
    const it = readLog({ file: join(dir, 'big.parquet'), range: cut.ranges[1]!, preset: 'canonical' }, newLogStats());
    const firstRow = (await it.next()).value![0]!;
    await it.return(undefined);
    expect([firstRow.line, firstRow.id]).toEqual([54_001, 'req-54000']);
    writeFileSync(
      join(dir, 'parquet.yaml'),
      readFileSync(join(dir, 'what-if.yaml'), 'utf8').replace('big.csv', 'big.parquet'),
    );
    await sameOnOneAndTwo(['simulate', 'parquet.yaml', '--format', 'json']);
    // few rows, or one row group: one stream
    expect(await cutLog({ file: join(dir, 'big.parquet') }, 1)).toMatch(/^one thread/);
  });

  it('a gzip file named .csv, or a .jsonl whose first line is no object, is read as one stream', async () => {
    const said = await runCli(['replay', 'gzip.csv', '--threads', '2', '--verbose'], { cwd: dir });
    expect(said.code, said.stderr).toBe(0);
    expect(said.stderr).toMatch(/^read as one stream: the log is gzip-compressed, whatever its name$/m);
    await sameOnOneAndTwo(['replay', 'gzip.csv', '--pricing', '2026-11-01', '--format', 'json']);
    writeFileSync(
      join(dir, 'pretty.jsonl'),
      `[\n${readFileSync(join(dir, 'big.jsonl'), 'utf8').trimEnd().split('\r\n').join(',\n')}\n]\n`,
    );
    const pretty = await runCli(['replay', 'pretty.jsonl', '--threads', '2', '--verbose', '--format', 'json'], {
      cwd: dir,
    });
    expect(pretty.stderr).toMatch(
      /^read as one stream: the first line of the \.jsonl log is not a whole JSON object$/m,
    );
  });

  it('JSON Lines in ranges: the tag names --by may use are the first 1,000 priced rows’, wherever the cut falls', async () => {
    // 1,500 rows of ~6 KB: the cut falls near row 750; 'team' first comes on row 900, 'region' on 1,200
    const pad = 'x'.repeat(6000);
    const rows = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify({
        timestamp: new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString(),
        model: 'gpt-4o-mini',
        input_tokens: 100,
        output_tokens: 10,
        note: pad,
        ...(i >= 899 ? { team: `t${i % 3}` } : {}),
        ...(i >= 1199 ? { region: 'eu' } : {}),
      }),
    );
    writeFileSync(join(dir, 'tags.jsonl'), `${rows.join('\n')}\n`);
    const said = await runCli(['replay', 'tags.jsonl', '--threads', '2', '--verbose', '--format', 'json'], {
      cwd: dir,
    });
    expect(said.stderr).toMatch(/^read in 2 byte ranges/m);
    const one = await runCli(['replay', 'tags.jsonl', '--by', 'nosuch', '--threads', '1'], { cwd: dir });
    const two = await runCli(['replay', 'tags.jsonl', '--by', 'nosuch', '--threads', '2'], { cwd: dir });
    expect(one.code, one.stderr).toBe(0);
    expect(two.stderr).toBe(one.stderr);
    expect(one.stderr).toMatch(/no row has a 'nosuch' column or tag[\s\S]*this log's: team\)/);
    expect(one.stderr).not.toMatch(/region/);
  });

  it('JSON Lines none of whose rows can be priced: the error one stream gives, on two threads too', async () => {
    const rows = Array.from({ length: 1500 }, (_, i) =>
      JSON.stringify({
        timestamp: new Date(Date.UTC(2026, 9, 1) + i * 1000).toISOString(),
        model: 'gpt-4o-mini',
        output_tokens: 10,
        note: 'x'.repeat(6000),
      }),
    );
    writeFileSync(join(dir, 'no-input.jsonl'), `${rows.join('\n')}\n`);
    const one = await runCli(['replay', 'no-input.jsonl', '--threads', '1'], { cwd: dir });
    const two = await runCli(['replay', 'no-input.jsonl', '--threads', '2'], { cwd: dir });
    expect(one.code).toBe(2);
    expect(one.stderr).toMatch(/input_tokens/);
    expect(two.code).toBe(2);
    expect(two.stderr).toBe(one.stderr);
    // the request table read in ranges (simulate on two threads) reads it again as one stream too
    writeFileSync(join(dir, 'no-input.yaml'), 'name: no-input\ntraffic:\n  log:\n    file: no-input.jsonl\n');
    const sim1 = await runCli(['simulate', 'no-input.yaml', '--threads', '1'], { cwd: dir });
    const sim2 = await runCli(['simulate', 'no-input.yaml', '--threads', '2'], { cwd: dir });
    expect(sim1.code).toBe(2);
    expect(sim1.stderr).toMatch(/input_tokens/);
    expect(sim2.stderr).toBe(sim1.stderr);
  });

  it('simulate over the request table read in ranges: the same report on one thread and two', async () => {
    await sameOnOneAndTwo(['simulate', 'what-if.yaml', '--format', 'json']);
  });

  it('the request table read in ranges tells its progress over every range', async () => {
    const ctx = makeContext({ io: { ...makeContext().io, cwd: dir, env: {} } });
    const book = await loadPricing({ pricing: '2026-11-01' }, true, ctx);
    const log = { ...logReader({ log: 'big.csv', threads: '2' }, book, ctx), notify: undefined };
    const told: { n: number; f: number | null }[] = [];
    const stats = newLogStats();
    const { table } = await readLogTable(log, stats, 2, {}, { onProgress: (n, f) => told.push({ n, f }) });
    try {
      // (read in ranges: this thread's range alone has about half the rows)
      expect(told.some((t) => t.n < table.rows * 0.6)).toBe(true);
      expect(told.at(-1)).toEqual({ n: table.rows, f: 1 });
      expect(table.rows).toBe(stats.priced);
    } finally {
      table.close();
    }
  });

  it('simulate split over two threads shows its reading, then its parts run, each to its end', async () => {
    const told: { n: number; f: number | null | undefined; phase: string | undefined }[] = [];
    const io = { ...makeContext().io, cwd: dir, env: {} };
    await simulate(
      { scenario: 'sorted.yaml', threads: 2, explicitThreads: true },
      { io, progress: () => ({ update: (n, f, phase) => told.push({ n, f, phase }), done: () => {} }) },
    );
    const last = (phase: string) => told.filter((t) => t.phase === phase).at(-1);
    const rows = ROWS - Math.floor((ROWS - 18) / 4001) - 1; // the rejected rows (input_tokens 'lots') left out
    expect(last('reading')).toEqual({ n: rows, f: 1, phase: 'reading' });
    expect(last('simulating')).toEqual({ n: rows, f: 1, phase: 'simulating' });
    // reading comes first, then simulating
    const phases = told.map((t) => t.phase).filter((p, k, all) => p !== all[k - 1]);
    expect(phases).toEqual(['reading', 'simulating']);
  });

  it('simulate split over two threads (the log in time order): the same report, the whole log recounted', async () => {
    const args = ['simulate', 'sorted.yaml', '--format', 'json'];
    const one = await sameOnOneAndTwo(args);
    // it was split (the figures that need the whole log were counted while the parts ran)
    const told = await runCli([...args, '--threads', '2', '--verbose'], { cwd: dir });
    expect(told.stderr).toMatch(/split into 2 parts by retry link and prefix key/);
    expect(told.stdout).toBe(one.stdout);
    // what those figures are, so the comparison means something
    const codes = JSON.parse(one.stdout).diagnostics.map((d: { code: string }) => d.code);
    expect(codes).toEqual(expect.arrayContaining(['LOG_DUPLICATE_ID', 'LOG_PERIOD']));
    expect(codes).not.toContain('LOG_UNSORTED');
  });
});
