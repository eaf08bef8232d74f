import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fnv1a32, fnv1a32Units, mix32, mix32Units } from '../../src/shared/hash.js';
import type { SimRequest } from '../../src/engine/request.js';
import {
  DuplicateIds,
  type LogOptions,
  type LogStats,
  newLogStats,
  parseMap,
  readLog,
} from '../../src/traffic/logs/read.js';
import { isoUtcMs, parseTimestamp } from '../../src/traffic/logs/row.js';
import { userErrorOf } from '../helpers/errors.js';

const FIX = join(import.meta.dirname, '../fixtures/logs');

async function readAll(
  opts: Partial<LogOptions> & { file: string },
): Promise<{ reqs: SimRequest[]; stats: LogStats; batches: number }> {
  const stats = newLogStats();
  const reqs: SimRequest[] = [];
  let batches = 0;
  for await (const b of readLog({ cwd: FIX, ...opts }, stats)) {
    batches++;
    reqs.push(...b);
  }
  return { reqs, stats, batches };
}

describe('timestamps', () => {
  it('parses ISO with and without zone (no zone = UTC), offsets, Azure 7-digit fractions', () => {
    expect(parseTimestamp('2026-11-01T00:00:00Z')).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimestamp('2026-11-01T00:00:00')).toBe(Date.UTC(2026, 10, 1));
    expect(parseTimestamp('2026-11-01')).toBe(Date.UTC(2026, 10, 1));
    // +01:00 is one hour ahead of UTC: 00:00+01:00 = 23:00 the day before
    expect(parseTimestamp('2026-11-01T00:00:00+01:00')).toBe(Date.UTC(2026, 9, 31, 23));
    // 0.6805900 s -> 681 ms (rounded)
    expect(parseTimestamp('2023-11-16 18:15:46.6805900')).toBe(Date.UTC(2023, 10, 16, 18, 15, 46) + 681);
  });
  it('decides epoch units by magnitude: < 1e11 s, < 1e14 ms, < 1e17 us, else ns', () => {
    expect(parseTimestamp(1762000000)).toBe(1762000000000);
    expect(parseTimestamp('1762000000.5')).toBe(1762000000500);
    expect(parseTimestamp(1762000000000)).toBe(1762000000000);
    expect(parseTimestamp('1793613600000000000')).toBe(1793613600000);
    expect(parseTimestamp(5, 'ms')).toBe(5);
  });
  it('the fast ISO path agrees with Date.parse on every date and time of the shape it takes', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(Date.UTC(1000, 0, 1)), max: new Date(Date.UTC(9999, 11, 31)), noInvalidDate: true }),
        fc.boolean(),
        (d, withMs) => {
          const iso = withMs ? d.toISOString() : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
          expect(isoUtcMs(iso)).toBe(Date.parse(iso));
          expect(parseTimestamp(iso)).toBe(Date.parse(iso));
        },
      ),
      { numRuns: 2000 },
    );
    // impossible days, leap years, leap seconds and non-digits fall through to the full parser
    expect(isoUtcMs('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of [
      '2023-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2026-04-31T00:00:00Z',
      '2026-11-01T24:00:00Z',
      '2026-11-01T00:00:60Z',
      '2026-1x-01T00:00:00Z',
      '2026-11-01T00:00:00.12xZ',
    ]) {
      expect(isoUtcMs(bad), bad).toBeUndefined();
    }
    expect(parseTimestamp('2023-02-29T00:00:00Z')).toBeUndefined();
    expect(parseTimestamp('2000-02-29T23:59:59.999Z')).toBe(Date.UTC(2000, 1, 29, 23, 59, 59, 999));
  });
  it('refuses impossible dates and garbage', () => {
    for (const bad of ['2026-13-01T00:00:00Z', '2024-02-30', 'yesterday', '', '12:00', -5])
      expect(parseTimestamp(bad)).toBeUndefined();
  });
});

describe('repeated request ids', () => {
  it('finds repeats within the window, none among 300K distinct ids, none further back than two windows', () => {
    const d = new DuplicateIds('log.csv');
    for (let i = 0; i < 300_000; i++) d.see(`r${i}`, i + 2);
    d.see('r299000', 300_002); // 1,000 rows back: found
    d.see('r1', 300_003); // ~300K rows back (> 2 x 65,536): not found
    d.see('line-300004', 300_004); // a generated id: not checked
    d.see('line-300004', 300_005); // the same text as someone else's generated id: checked, first time
    const stats = newLogStats();
    d.finish(stats);
    expect(stats.duplicateIds).toBe(1);
    expect(stats.warnings).toEqual([
      {
        code: 'LOG_DUPLICATE_ID',
        message: expect.stringContaining("request_id 'r299000' at log.csv:300002 repeats log.csv:299002"),
      },
    ]);
  });

  it('finds a repeat of an id seen before its window grew (a window starts small)', () => {
    const d = new DuplicateIds('log.csv');
    for (let i = 0; i < 5000; i++) d.see(`r${i}`, i + 2);
    d.see('r3', 5002);
    const stats = newLogStats();
    d.finish(stats);
    expect(stats.duplicateIds).toBe(1);
    expect(stats.warnings[0]!.message).toContain("request_id 'r3' at log.csv:5002 repeats log.csv:5");
  });
});

describe('the id key', () => {
  it('is the same from a string and from its UTF-16 code units (a range read checks the code units)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40, unit: 'binary' }), (id) => {
        const units = Uint16Array.from({ length: id.length }, (_, i) => id.charCodeAt(i));
        const padded = new Uint16Array(units.length + 4);
        padded.set(units, 2);
        expect(mix32Units(padded, 2, 2 + units.length)).toBe(mix32(id));
        expect(fnv1a32Units(padded, 2, 2 + units.length)).toBe(fnv1a32(id));
      }),
    );
    // FNV-1a alone collides on these two; the second hash does not
    expect(fnv1a32('id-149599')).toBe(fnv1a32('id-312382'));
    expect(mix32('id-149599')).not.toBe(mix32('id-312382'));
  });
});

describe('repeated request ids, against a plain model', () => {
  // 'id-149599' and 'id-312382' have the same FNV-1a hash: the table must tell them apart (by its second hash)
  const ids = fc.oneof(
    fc.constantFrom('id-149599', 'id-312382', 'a', 'ab', 'abc', 'é', 'e\u0301', '\u{1F600}', '\uD800', ' a', 'a '),
    fc.string({ maxLength: 40, unit: 'binary' }),
  );
  it('counts the repeats a Map of every id counts (within one window), and names the first', () => {
    fc.assert(
      fc.property(fc.array(ids, { maxLength: 300 }), (list) => {
        const d = new DuplicateIds('log.csv');
        const last = new Map<string, number>();
        let count = 0;
        let first: string | undefined;
        list.forEach((id, i) => {
          const line = i + 2;
          d.see(id, line);
          if (id === `line-${line}`) return;
          const seen = last.get(id);
          if (seen !== undefined) {
            count++;
            first ??= `at log.csv:${line} repeats log.csv:${seen}`;
          }
          last.set(id, line);
        });
        const stats = newLogStats();
        d.finish(stats);
        expect(stats.duplicateIds ?? 0).toBe(count);
        if (first) expect(stats.warnings[0]!.message).toContain(first);
        else expect(stats.warnings).toEqual([]);
      }),
    );
  });
});

describe('CSV reading', () => {
  it('reads the canonical columns into SimRequests', async () => {
    const { reqs, stats } = await readAll({ file: 'canonical.csv' });
    expect(stats).toMatchObject({ read: 4, priced: 4, rejected: 0, format: 'csv', outOfOrder: 0 });
    expect(reqs[0]).toMatchObject({
      id: 'a1',
      model: 'claude-sonnet-4-6',
      inputTokens: 10000,
      outputTokens: 500,
      cached: { read: 0, write5m: 8000, write1h: 0 },
      status: 'ok',
      line: 2,
      tags: { tenant: 'acme', feature: 'chat' },
    });
    expect(reqs[2]).toMatchObject({ id: 'a3', retryOf: 'a2', cached: { read: 8000, write5m: 0, write1h: 0 } });
    expect(reqs[1]!.status).toBe('error');
    // cost_usd summed over accepted rows: 0.0435 + 0.0084 + 0.0144 + 0.001 = 0.0673
    expect(stats.costUsdSum).toBeCloseTo(0.0673, 10);
    expect(stats.startMs).toBe(Date.UTC(2026, 10, 2, 10));
    expect(stats.endMs).toBe(Date.UTC(2026, 10, 2, 10, 2));
  });

  it('reads a CSV row by column index exactly as the same record read as a JSON object', async () => {
    // Extra columns become tags (header order, trimmed; empty or > 100 characters skipped).
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-idx-'));
    const header = [
      'timestamp',
      'model',
      'input_tokens',
      'output_tokens',
      'tenant',
      'team',
      'note',
      'region',
      'long',
      'blank',
    ];
    const rows = [
      ['2026-11-01T00:00:00Z', 'gpt-4o-mini', '100', '10', 'first', ' core ', 'hi', 'last', 'x'.repeat(101), ' '],
      ['2026-11-01T00:00:01Z', 'gpt-4o-mini', '200', '20', 'first', 'web', '', '', 'y', ''],
    ];
    const csv = join(dir, 'log.csv');
    writeFileSync(csv, `${[header, ...rows].map((r) => r.join(',')).join('\n')}\n`);
    const jsonl = join(dir, 'log.jsonl');
    writeFileSync(
      jsonl,
      `${rows.map((r) => JSON.stringify(Object.fromEntries(r.map((v, i) => [header[i]!, v])))).join('\n')}\n`,
    );
    const a = (await readAll({ file: csv })).reqs;
    const b = (await readAll({ file: jsonl })).reqs;
    expect(a.map((r) => r.tags)).toEqual([
      { tenant: 'first', team: 'core', note: 'hi', region: 'last' },
      { tenant: 'first', team: 'web', long: 'y' },
    ]);
    // ids are line-N and the lines differ by the header
    expect(a.map(({ line: _l, id: _i, ...r }) => r)).toEqual(b.map(({ line: _l, id: _i, ...r }) => r));
  });

  it('handles BOM, CRLF, quoted commas/newlines, blank lines: every reject has its true line', async () => {
    const { reqs, stats } = await readAll({ file: 'messy.csv' });
    expect(reqs.map((r) => r.line)).toEqual([2, 7]);
    expect(reqs[0]!.tags.tenant).toBe('acéme, inc');
    // 00:00:03+01:00 = 23:00:03 UTC the previous day: earlier than row 2 -> out of order
    expect(stats.outOfOrder).toBe(1);
    expect(stats.warnings[0]).toMatchObject({ code: 'LOG_UNSORTED', message: expect.stringMatching(/file order/) });
    expect(stats.firstRejects).toEqual([
      { where: 'messy.csv:3', reason: "input_tokens '-5' is negative" }, // quoted newline spans lines 3-4
      { where: 'messy.csv:6', reason: "input_tokens 'abc' is not a number" }, // line 5 is blank
      { where: 'messy.csv:8', reason: "output_tokens '1.5' is not a whole number of tokens" },
      { where: 'messy.csv:9', reason: '5 fields, the header has 6' },
      {
        where: 'messy.csv:10',
        reason: "timestamp '2026-13-01T00:00:00Z' is not ISO 8601 or epoch seconds/milliseconds",
      },
    ]);
    expect(stats).toMatchObject({ read: 7, priced: 2, rejected: 5 });
  });

  it('counts every reject reason and writes --rejects as CSV (line, reason, raw)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-rej-'));
    const out = join(dir, 'rej.csv');
    const { stats } = await readAll({ file: 'rejects.csv', rejectsFile: out });
    expect(stats).toMatchObject({ read: 9, priced: 2, rejected: 7 });
    expect(stats.reasons).toEqual({
      'input_tokens missing': 1,
      'input_tokens not a number': 1,
      'input_tokens too large': 1,
      'cached > input': 1,
      'status unknown': 1,
      'timestamp unparseable': 1,
      'model missing': 1,
    });
    const text = readFileSync(out, 'utf8').split('\n');
    expect(text[0]).toBe('line,reason,raw');
    expect(text[1]).toBe(
      '3,input_tokens is empty (and no prompt text to count),"2026-11-01T00:00:01Z,gpt-4o-mini,,10,0,ok"',
    );
    expect(text.filter(Boolean)).toHaveLength(8);
  });

  it('--strict stops at the first reject with its location', async () => {
    const e = await userErrorOf(readAll({ file: 'rejects.csv', strict: true }));
    expect(e.diagnostics[0]).toMatchObject({ code: 'LOG_ROW', where: 'rejects.csv:3' });
  });

  it('a read that ends early (--strict at a bad row, a consumer that stops) closes its file then', async () => {
    // only Linux lists a process's open files (/proc/self/fd); elsewhere the test has nothing to count
    if (!existsSync('/proc/self/fd')) return;
    const open = (): number => readdirSync('/proc/self/fd').length;
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-close-'));
    const rows = Array.from({ length: 60_000 }, (_, i) => `2026-11-01T00:00:00Z,gpt-4o,${i === 5 ? 'x' : 100},10`);
    const file = join(dir, 'big.csv');
    writeFileSync(file, `timestamp,model,input_tokens,output_tokens\n${rows.join('\n')}\n`);
    for (const format of ['csv', 'jsonl']) {
      const path = format === 'csv' ? file : join(dir, 'big.jsonl');
      if (format === 'jsonl')
        writeFileSync(
          path,
          rows
            .map((r) => r.split(','))
            .map(([t, m, i, o]) =>
              JSON.stringify({ timestamp: t, model: m, input_tokens: i === 'x' ? 'x' : +i!, output_tokens: +o! }),
            )
            .join('\n'),
        );
      const before = open();
      await userErrorOf(readAll({ file: path, strict: true, thread: 'off' }));
      expect(open(), `${format}: --strict`).toBe(before);
      // a consumer that takes one batch and stops
      for await (const _ of readLog({ file: path, thread: 'off' }, newLogStats())) break;
      expect(open(), `${format}: a consumer that stops`).toBe(before);
    }
  });

  it('a header without the required columns names them, the columns found, and a preset', async () => {
    const e = await userErrorOf(readAll({ file: 'azure.csv', preset: 'canonical' }));
    expect(e.diagnostics[0]!.code).toBe('LOG_HEADER');
    expect(e.message).toContain('timestamp, model, input_tokens, output_tokens');
    expect(e.message).toContain('columns found: TIMESTAMP, ContextTokens, GeneratedTokens');
    expect(e.diagnostics[0]!.hint).toContain('--preset azure');
  });

  it('--map overrides a column (and the header check uses it)', async () => {
    const { reqs } = await readAll({
      file: 'azure.csv',
      map: parseMap(['timestamp=TIMESTAMP,input_tokens=ContextTokens', 'output_tokens=GeneratedTokens']),
      model: 'gpt-4o',
    });
    expect(reqs.map((r) => [r.inputTokens, r.outputTokens, r.model])).toEqual([
      [4808, 10, 'gpt-4o'],
      [1024, 200, 'gpt-4o'],
    ]);
    expect(() => parseMap(['input_tokns=x'])).toThrow(/did you mean 'input_tokens'/);
    expect(() => parseMap(['input_tokens'])).toThrow(/column=field/);
  });

  it('reads gzip, and a truncated gzip is a located error, not a crash', async () => {
    const { stats } = await readAll({ file: 'canonical.csv.gz' });
    expect(stats).toMatchObject({ read: 4, priced: 4, gzip: true });
    const e = await userErrorOf(readAll({ file: 'truncated.csv.gz' }));
    expect(e.diagnostics[0]).toMatchObject({ code: 'LOG_FORMAT', where: 'truncated.csv.gz' });
    expect(e.message).toMatch(/truncated/);
  });

  it("reads stdin with '-' and sniffs JSONL from content", async () => {
    const text = readFileSync(join(FIX, 'mooncake-head.jsonl'), 'utf8');
    const { stats } = await readAll({ file: '-', stdin: Readable.from([text]), preset: 'mooncake', model: 'gpt-4o' });
    expect(stats).toMatchObject({ read: 3, priced: 3, format: 'jsonl' });
  });

  it('reads tab-separated logs (by extension or a tab-only first line)', async () => {
    const { reqs } = await readAll({ file: 'canonical.tsv' });
    expect(reqs.map((r) => r.inputTokens)).toEqual([10000, 10000, 10000, 2048]);
  });

  it('yields batches of batchSize and a missing file is FILE_NOT_FOUND', async () => {
    const { batches, reqs } = await readAll({ file: 'canonical.csv', batchSize: 3 });
    expect([batches, reqs.length]).toEqual([2, 4]);
    const e = await userErrorOf(readAll({ file: 'nope.csv' }));
    expect(e.diagnostics[0]!.code).toBe('FILE_NOT_FOUND');
  });

  it('counts prompt/completion text with js-tiktoken when counts are absent (memoised)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-tok-'));
    const { writeFileSync } = await import('node:fs');
    const f = join(dir, 'text.jsonl');
    const line = (i: number) =>
      JSON.stringify({
        timestamp: `2026-11-01T00:00:0${i}Z`,
        model: 'gpt-4o',
        prompt: 'hello world',
        completion: 'hi',
      });
    writeFileSync(f, [line(1), line(2), line(3)].join('\n'));
    const { reqs, stats } = await readAll({ file: f });
    // o200k_base: "hello world" = ["hello", " world"] = 2 tokens, "hi" = 1 token
    expect(reqs.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
      [2, 1],
      [2, 1],
      [2, 1],
    ]);
    expect(stats.tokenizedTexts).toBe(2); // each distinct text encoded once
  });

  it('keeps a hash of the prompt text (tags.promptHash) so exact response caching works on logs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-hash-'));
    const { writeFileSync } = await import('node:fs');
    const f = join(dir, 'text.jsonl');
    const row = (i: number, prompt: string) =>
      JSON.stringify({
        timestamp: `2026-11-01T00:00:0${i}Z`,
        model: 'gpt-4o',
        input_tokens: 10,
        output_tokens: 5,
        prompt,
      });
    writeFileSync(
      f,
      [row(1, 'What is RAG?'), row(2, 'What is RAG?'), row(3, 'What is RAG? ')]
        .concat(row(4, 'Something else'))
        .join('\n'),
    );
    const { reqs } = await readAll({ file: f });
    const h = reqs.map((r) => r.tags.promptHash);
    expect(h[0]).toMatch(/^[0-9a-f]{16}$/);
    expect(h[1]).toBe(h[0]); // same text
    expect(h[2]).toBe(h[0]); // surrounding whitespace ignored
    expect(h[3]).not.toBe(h[0]);
    expect(reqs.every((r) => !('prompt' in r.tags))).toBe(true); // the text itself is not kept
  });
});

describe('blank lines in a CSV', () => {
  it('csv-parse builds no field-count error per blank line (its internals are still where quietFieldCounts reaches)', async () => {
    const { parse } = await import('csv-parse');
    const { quietFieldCounts } = await import('../../src/traffic/logs/source.js');
    const parser = parse({ bom: true, skip_empty_lines: false, relax_column_count: true });
    expect(quietFieldCounts(parser), 'csv-parse changed: blank lines are ~450x slower again').toBe(true);
    const rows: string[][] = [];
    parser.on('data', (r: string[]) => rows.push(r));
    parser.end('a,b,c\n\n\n1,2,3\n\n4,5\n');
    await new Promise((res) => parser.on('end', res));
    expect(rows).toEqual([['a', 'b', 'c'], [''], [''], ['1', '2', '3'], [''], ['4', '5']]);
    // each mismatched record used to build (and count) a CsvError
    expect(parser.info.invalid_field_length).toBe(0);
  });

  it('a log padded with 100K blank lines keeps every line number', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-blank-'));
    const row = '2026-11-02T10:00:00Z,m,1000,500\n';
    writeFileSync(
      join(dir, 'log.csv'),
      `timestamp,model,input_tokens,output_tokens\n${row}${'\n'.repeat(100_000)}${row}\r\n\r\n2026-11-02T10:00:00Z,m,x,1\n`,
    );
    const { reqs, stats } = await readAll({ file: join(dir, 'log.csv') });
    expect(reqs.map((r) => r.line)).toEqual([2, 100_003]);
    expect(stats.firstRejects).toEqual([
      { where: expect.stringMatching(/log\.csv:100006$/), reason: "input_tokens 'x' is not a number" },
    ]);
  });
});

describe('failed calls (docs/logs.md#failed-requests)', () => {
  it('refused before any work: 4xx and 5xx except 408/499, rate limits, expired batch lines', async () => {
    const { refusedBeforeWork } = await import('../../src/traffic/logs/row.js');
    for (const v of [
      '400',
      '401',
      '403',
      '404',
      '413',
      '429',
      '500',
      '502',
      '503',
      '529',
      'rate_limited',
      'EXPIRED',
      ' 429 ',
    ])
      expect(refusedBeforeWork(v), v).toBe(true);
    for (const v of ['408', '499', 'timeout', 'timed_out', 'cancelled', 'error', 'failed', '200', '2'])
      expect(refusedBeforeWork(v), v).toBe(false);
  });

  it('charges a failed row its usage only when the provider may have billed it; the log cost decides first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-failed-'));
    const file = join(dir, 'log.csv');
    writeFileSync(
      file,
      [
        'timestamp,model,input_tokens,output_tokens,cached_input_tokens,status,cost_usd,prefix_key,prefix_tokens',
        '2026-11-02T10:00:00Z,m,1000,0,200,429,,sys,800', // refused: nothing, not even its cached tokens or prefix
        '2026-11-02T10:00:01Z,m,1000,300,,error,0,,', // the log says free
        '2026-11-02T10:00:02Z,m,1000,300,,error,0.01,,', // the log says billed
        '2026-11-02T10:00:03Z,m,1000,300,,499,,,', // client hung up after generation: billed
        '2026-11-02T10:00:04Z,m,,,,failed,,,', // no usage: nothing, accepted
        '2026-11-02T10:00:05Z,m,,,,200,,,', // a success without usage is still a bad row
      ].join('\n'),
    );
    const { reqs, stats } = await readAll({ file });
    expect(reqs.map((r) => [r.line, r.status, r.inputTokens, r.outputTokens, r.cached, r.prefix.length])).toEqual([
      [2, 'error', 0, 0, undefined, 0],
      [3, 'error', 0, 0, undefined, 0],
      [4, 'error', 1000, 300, undefined, 0],
      [5, 'error', 1000, 300, undefined, 0],
      [6, 'error', 0, 0, undefined, 0],
    ]);
    expect(stats).toMatchObject({ priced: 5, rejected: 1, unbilled: 3, unbilledUsage: 2 });
    expect(stats.firstRejects).toEqual([
      { where: expect.stringMatching(/:7$/), reason: expect.stringMatching(/^input_tokens is empty/) },
    ]);
    expect(stats.warnings.map((w) => w.code)).toEqual(['LOG_UNBILLED']);
  });
});
