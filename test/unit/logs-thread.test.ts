// The log reader in a worker thread must be invisible: the same requests (fields, order, shape),
// the same stats and warnings, the same rejects file and the same errors as the reader on the
// calling thread. Also the wire format on its own, as a property.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { type LogOptions, type LogStats, newLogStats, readLog, useThread } from '../../src/traffic/logs/read.js';
import type { RawRecord } from '../../src/traffic/logs/source.js';
import { decodeRecords, encodeRecords } from '../../src/traffic/logs/thread.js';
import { FIX, itReadsAlike, REFUSED, userErrorOf } from '../helpers/reader-cases.js';
import { bookFromYaml } from '../helpers/sim.js';

const ROOT = join(import.meta.dirname, '../..');
const book = bookFromYaml(readFileSync(join(ROOT, 'pricing/2026-11-01.yaml'), 'utf8'));

async function readBoth(
  opts: Partial<LogOptions> & { file: string },
): Promise<{ here: { reqs: SimRequest[]; stats: LogStats }; worker: { reqs: SimRequest[]; stats: LogStats } }> {
  const run = async (thread: 'on' | 'off'): Promise<{ reqs: SimRequest[]; stats: LogStats }> => {
    const stats = newLogStats();
    const reqs: SimRequest[] = [];
    for await (const b of readLog({ cwd: FIX, ...opts, thread }, stats)) reqs.push(...b);
    return { reqs, stats };
  };
  return { here: await run('off'), worker: await run('on') };
}

describe('log reader in a worker thread', () => {
  itReadsAlike(book, readBoth, 2);

  it('repeated request ids: the same count and warning, first among the warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-thr-'));
    const file = join(dir, 'dup.csv');
    // rows 3 and 5 repeat ids; row 4 is out of order; a row whose own id is line-N (its own line) is id-less
    writeFileSync(
      file,
      'timestamp,model,input_tokens,output_tokens,request_id\n2026-11-01T00:00:01Z,gpt-4o,10,1,a\n2026-11-01T00:00:02Z,gpt-4o,10,1,a\n2026-11-01T00:00:00Z,gpt-4o,10,1,line-4\n2026-11-01T00:00:03Z,gpt-4o,10,1,a\n',
    );
    const { here, worker } = await readBoth({ file });
    expect(here.stats.duplicateIds).toBe(2);
    expect(here.stats.warnings.map((w) => w.code)).toEqual(['LOG_DUPLICATE_ID', 'LOG_UNSORTED']);
    expect(here.stats.warnings[0]!.message).toContain('dup.csv:3 repeats');
    expect(worker.stats).toEqual(here.stats);
  });

  it('writes the same rejects file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-thr-'));
    await readBoth({ file: 'rejects.csv', rejectsFile: join(dir, 'a.csv'), thread: 'off' });
    const stats = newLogStats();
    for await (const _ of readLog(
      { cwd: FIX, file: 'rejects.csv', rejectsFile: join(dir, 'b.csv'), thread: 'on' },
      stats,
    ))
      void _;
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(readFileSync(join(dir, 'a.csv'), 'utf8'));
    expect(stats.rejected).toBe(7);
  });

  it('a user error in the worker is the same UserError here (strict, missing file, bad header)', async () => {
    for (const opts of REFUSED) {
      const here = await userErrorOf(readLog, { ...opts, thread: 'off' });
      const worker = await userErrorOf(readLog, { ...opts, thread: 'on' });
      expect(worker.diagnostics).toEqual(here.diagnostics);
    }
  });

  it('a consumer that stops early stops the worker (no hang)', async () => {
    for await (const b of readLog({ cwd: FIX, file: 'canonical.csv', batchSize: 1, thread: 'on' }, newLogStats())) {
      expect(b).toHaveLength(1);
      break;
    }
  });

  it("'auto' threads CSV/TSV files of 8 MB or more; never stdin", () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-thr-'));
    const big = join(dir, 'big.csv');
    writeFileSync(big, 'x'.repeat(8 * 1024 * 1024));
    writeFileSync(join(dir, 'big.jsonl'), 'x'.repeat(8 * 1024 * 1024));
    expect(useThread({ file: big, thread: 'auto' })).toBe(true);
    expect(useThread({ file: join(dir, 'big.jsonl'), thread: 'auto' })).toBe(false);
    expect(useThread({ file: 'canonical.csv', cwd: FIX, thread: 'auto' })).toBe(false);
    expect(useThread({ file: big, thread: 'off' })).toBe(false);
    expect(useThread({ file: 'canonical.jsonl', cwd: FIX, thread: 'on' })).toBe(true);
    expect(useThread({ file: '-', thread: 'on' })).toBe(false);
  });
});

describe('records across threads', () => {
  const rec = fc.oneof(
    fc.record({
      line: fc.integer({ min: 1, max: 2 ** 40 }),
      values: fc.array(fc.string({ maxLength: 8 }), { maxLength: 6 }),
    }),
    fc.record({
      line: fc.integer({ min: 1, max: 2 ** 40 }),
      error: fc.record({ kind: fc.string(), detail: fc.string() }),
      raw: fc.string(),
    }),
    fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue()).map((fields) => ({
      line: 1,
      raw: JSON.stringify(fields),
      fields: JSON.parse(JSON.stringify(fields)) as Record<string, unknown>,
    })),
  );
  it('decodeRecords(encodeRecords(batch)) is the batch', () => {
    fc.assert(
      fc.property(fc.array(rec, { maxLength: 8 }), (batch) => {
        // CSV values come back as views (offset, count) into the batch's one array
        const flat = (rs: RawRecord[]): RawRecord[] =>
          rs.map((r) =>
            r.values
              ? { line: r.line, values: r.values.slice(r.offset ?? 0, (r.offset ?? 0) + (r.count ?? r.values.length)) }
              : r,
          );
        expect(flat(decodeRecords(encodeRecords(batch)))).toEqual(flat(batch));
      }),
    );
  });
});
