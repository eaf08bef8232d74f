// A log turned into requests in a worker thread (traffic/table/stream.ts) must be invisible: the
// same requests (fields, order, shape), the same stats and warnings, the same notes and the same
// errors as readLog on the calling thread.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { type LogOptions, type LogStats, newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { convertsInThread, readLogInThread } from '../../src/traffic/table/stream.js';
import { FIX, itReadsAlike, REFUSED, userErrorOf } from '../helpers/reader-cases.js';
import { bookFromYaml } from '../helpers/sim.js';

const ROOT = join(import.meta.dirname, '../..');
const book = bookFromYaml(readFileSync(join(ROOT, 'pricing/2026-11-01.yaml'), 'utf8'));

interface Got {
  reqs: SimRequest[];
  stats: LogStats;
  notes: string[];
}

async function readBoth(opts: Partial<LogOptions> & { file: string }): Promise<{ here: Got; worker: Got }> {
  const run = async (read: typeof readLog): Promise<Got> => {
    const stats = newLogStats();
    const reqs: SimRequest[] = [];
    const notes: string[] = [];
    for await (const b of read({ cwd: FIX, ...opts, notify: (m) => notes.push(m) }, stats)) reqs.push(...b);
    return { reqs, stats, notes };
  };
  return { here: await run((o, s) => readLog({ ...o, thread: 'off' }, s)), worker: await run(readLogInThread) };
}

describe('a log turned into requests in a worker thread', () => {
  itReadsAlike(book, readBoth, 3);

  it('many chunks: 80,000 rows, repeated ids checked on this thread across chunks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-stream-'));
    const file = join(dir, 'many.csv');
    const lines = ['timestamp,model,input_tokens,output_tokens,request_id,tenant'];
    // 80,000 rows (chunks of 4,096 rows doubling to 65,536: 5 of them); row 60,002 repeats row 10,002's
    // id (another chunk), row 70,000 is out of order
    const at = Date.UTC(2026, 10, 1);
    for (let i = 0; i < 80_000; i++) {
      const id = i === 60_000 ? 'r10000' : `r${i}`;
      const t = new Date(at + (i === 69_998 ? 0 : 1000 + i) * 1000).toISOString();
      lines.push(`${t},gpt-4o,${100 + (i % 7)},${i % 5},${id},t${i % 3}`);
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { here, worker } = await readBoth({ file, book });
    expect(here.reqs).toHaveLength(80_000);
    expect(here.stats.duplicateIds).toBe(1);
    expect(here.stats.warnings.map((w) => w.code)).toEqual(['LOG_DUPLICATE_ID', 'LOG_UNSORTED']);
    expect(here.stats.warnings[0]!.message).toMatch(/many\.csv:60002 repeats \S*many\.csv:10002\)/);
    expect(worker.reqs).toEqual(here.reqs);
    expect(worker.stats).toEqual(here.stats);
  });

  it('a user error in the worker is the same UserError here (strict, missing file, bad header, no model)', async () => {
    for (const opts of [...REFUSED, { file: 'mooncake-head.jsonl', preset: 'mooncake' }]) {
      const here = await userErrorOf((o, s) => readLog({ ...o, thread: 'off' }, s), opts);
      const worker = await userErrorOf(readLogInThread, opts);
      expect(worker.diagnostics).toEqual(here.diagnostics);
    }
  });

  it('a consumer that stops early stops the worker (no hang)', async () => {
    for await (const b of readLogInThread({ cwd: FIX, file: 'canonical.csv', batchSize: 1 }, newLogStats())) {
      expect(b).toHaveLength(1);
      break;
    }
  });

  it('is chosen where the reader would parse in a thread (a CSV of 8 MB or more, any file when asked), unless a rejects file is asked for', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-stream-'));
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'x'.repeat(8 * 1024 * 1024));
    writeFileSync(join(dir, 'big.jsonl'), 'x'.repeat(8 * 1024 * 1024));
    expect(convertsInThread({ file: big })).toBe(true);
    expect(convertsInThread({ file: join(dir, 'big.jsonl') })).toBe(false);
    expect(convertsInThread({ file: 'canonical.csv', cwd: FIX })).toBe(false);
    expect(convertsInThread({ file: 'canonical.jsonl', cwd: FIX, thread: 'on' })).toBe(true);
    expect(convertsInThread({ file: big, thread: 'off' })).toBe(false);
    expect(convertsInThread({ file: big, rejectsFile: join(dir, 'r.csv') })).toBe(false);
    expect(convertsInThread({ file: big, range: { start: 0, end: 1, head: new Uint8Array(0), firstLine: 1 } })).toBe(
      false,
    );
    expect(convertsInThread({ file: '-', thread: 'on' })).toBe(false);
    expect(convertsInThread({ file: dir, thread: 'on' })).toBe(false);
  });
});
