// A Parquet log's records (parquet.ts reads each row group by columns and makes the rows itself)
// are hyparquet's own row objects with the values the row reader takes: INT64 as a number (as text
// past 2^53), a TIMESTAMP as ISO text, nulls kept, in the schema's column order, each with its row
// number; over several row groups and in runs of them (a parallel read's part).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, describe, expect, it } from 'vitest';
import { openParquet } from '../../src/traffic/logs/parquet.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-parquet-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** the conversion stated above, written out: the reference the reader is checked against */
const expected = (v: unknown): unknown =>
  typeof v === 'bigint'
    ? Number.isSafeInteger(Number(v))
      ? Number(v)
      : v.toString()
    : v instanceof Date
      ? v.toISOString()
      : v;

describe('Parquet records', () => {
  it("are hyparquet's rows with the row reader's values, row numbers the file's, in every run of groups", async () => {
    const n = 2_100;
    const file = join(dir, 'typed.parquet');
    writeFileSync(
      file,
      new Uint8Array(
        parquetWriteBuffer({
          columnData: [
            {
              name: 'timestamp',
              data: Array.from({ length: n }, (_, i) => new Date(Date.UTC(2026, 10, 1) + i * 1000)),
              type: 'TIMESTAMP',
            },
            { name: 'model', data: Array.from({ length: n }, (_, i) => (i % 9 ? 'gpt-4o' : null)), type: 'STRING' },
            {
              name: 'input_tokens',
              data: Array.from({ length: n }, (_, i) => (i % 7 ? BigInt(i * 13) : null)),
              type: 'INT64',
            },
            { name: 'big_id', data: Array.from({ length: n }, (_, i) => 2n ** 60n + BigInt(i)), type: 'INT64' },
            { name: 'cost_usd', data: Array.from({ length: n }, (_, i) => i / 1000), type: 'DOUBLE' },
            { name: 'cached', data: Array.from({ length: n }, (_, i) => i % 2 === 0), type: 'BOOLEAN' },
          ],
          rowGroupSize: 700,
        }),
      ),
    );
    const rows = await parquetReadObjects({ file: await asyncBufferFromFile(file), compressors });
    const want = rows.map((r, i) => ({
      line: i + 1,
      fields: Object.fromEntries(Object.entries(r).map(([k, v]) => [k, expected(v)])),
    }));
    for (const groups of [undefined, { from: 0, to: 3 }, { from: 1, to: 3 }, { from: 2, to: 3 }]) {
      const log = await openParquet(file, 'typed.parquet', groups);
      const got: { line: number; fields: unknown }[] = [];
      for await (const batch of log.records) for (const r of batch) got.push({ line: r.line, fields: r.fields });
      const from = (groups?.from ?? 0) * 700;
      expect(got.length, JSON.stringify(groups)).toBe(n - from);
      expect(got).toEqual(want.slice(from));
      // the same keys in the same order (a row's other fields become tags in this order)
      expect(Object.keys(got[0]!.fields as object)).toEqual(Object.keys(rows[0]!));
    }
  });
});
