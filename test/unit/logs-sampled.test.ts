// The sampled CSV reader gives exactly the records of the ordinary reader (csv-parse) for every
// line it keeps, with the same line numbers and errors, and skips exactly the lines whose unit is
// outside the sample; lines with quotes (and everything after them) go through csv-parse.
import { createHash } from 'node:crypto';
import { fnv1a32Bytes } from '../../src/shared/hash.js';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import {
  type LineSampler,
  lineSampler,
  sampledCsvOpen,
  sampledHeaderOk,
  sampledJsonSkip,
} from '../../src/traffic/logs/sampled.js';
import { openLog, type RawRecord } from '../../src/traffic/logs/source.js';
import { newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { parseSampleRate, SampleFilter, sampleBucket, type SampleUnit, UNIT_TAG } from '../../src/traffic/sample.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * the documented rule (docs/scale.md): a row is kept when its unit column as text, trimmed, else its
 * request id, falls in the rate; its bucket from node:crypto's MD5, as a warehouse's md5() gives it
 */
const keptByRule = (column: string | null, id: string, rate: string): boolean =>
  Number.parseInt(
    createHash('md5')
      .update(column?.trim() || id)
      .digest('hex')
      .slice(0, 8),
    16,
  ) %
    10_000 <
  parseSampleRate(rate).basisPoints;

const ch = fc.constantFrom('a', 'b', 'Z', '1', ' ', ',', '"', '\n', '\r', 'é', '😀', '\t');
const plain = fc.constantFrom('a', 'b', 'k1', 'k2', 'k3', ' ', 'é', '😀', '');
const csv = fc
  .record({
    rows: fc.array(
      fc.record({
        key: fc.constantFrom('k1', 'k2', ' k3 ', ''),
        other: fc.array(
          fc.oneof(
            plain,
            fc.array(ch, { maxLength: 4 }).map((a) => a.join('')),
          ),
          {
            minLength: 2,
            maxLength: 3,
          },
        ),
        blankBefore: fc.nat(2),
        quoted: fc.boolean(),
      }),
      { minLength: 1, maxLength: 14 },
    ),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    trailing: fc.boolean(),
    chunk: fc.constantFrom(1, 3, 16, 65536),
  })
  .map(({ rows, eol, bom, trailing, chunk }) => {
    const q = (f: string, force: boolean): string => (force || /[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
    const lines = ['unit,a,b'];
    for (const r of rows) {
      for (let i = 0; i < r.blankBefore; i++) lines.push('');
      // a field that needs no quotes is written bare unless the row is a "quoted" one
      lines.push([r.key, ...r.other].map((f, i) => q(f, r.quoted && i === 1)).join(','));
    }
    return { text: (bom ? '\ufeff' : '') + lines.join(eol) + (trailing ? eol : ''), chunk };
  });

async function all(records: AsyncGenerator<RawRecord[]>): Promise<RawRecord[]> {
  const out: RawRecord[] = [];
  for await (const b of records) for (const r of b) out.push(r);
  return out;
}
const shape = (r: RawRecord) =>
  r.values ? { line: r.line, values: r.values.slice(r.offset ?? 0, (r.offset ?? 0) + (r.count ?? 0)) } : r;

function chunks(text: string, size: number): Readable {
  const buf = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

describe('sampled CSV reader', () => {
  it('keeps exactly the ordinary records of the kept units, line numbers included (property)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sampled-'));
    try {
      await fc.assert(
        fc.asyncProperty(csv, async ({ text, chunk }) => {
          const file = join(dir, 'log.csv');
          writeFileSync(file, text);
          let ref: RawRecord[];
          try {
            ref = await all((await openLog(file, 'log.csv')).records);
          } catch {
            return; // csv-parse refuses the text: nothing to compare
          }
          const head = text.replace(/^\ufeff/, '');
          expect(sampledHeaderOk(head)).toBe(true);
          const keep = (k: string): boolean => k !== 'k2';
          const sampler: LineSampler = {
            keep: (b, f, t) => keep(b.toString('utf8', f, t)),
            keepText: keep,
            dropped: 0,
          };
          // the unit column is known from the start (the reader sets it once the preset is known)
          sampler.columns = { unit: [0], id: [] };
          const got = await all((await sampledCsvOpen(chunks(text, chunk), 'log.csv', false, ',', sampler)).records);
          // what the sampled reader must give: every ordinary record except the parsed lines it dropped
          // (a row outside the sample is not checked either: a k2 row with the wrong field count is dropped too)
          const unitOf = (r: RawRecord): string => (r.values ? r.values[r.offset ?? 0]! : (r.raw ?? '').split(',')[0]!);
          const isDropped = (r: RawRecord): boolean => unitOf(r).trim() === 'k2';
          const gotLines = new Set(got.map((r) => r.line));
          const want = ref.filter((r) => gotLines.has(r.line) || !isDropped(r));
          expect(got.map(shape)).toEqual(want.map(shape));
          // a dropped record is one csv-parse would have read as a k2 row
          expect(sampler.dropped).toBe(ref.filter((r) => isDropped(r) && !gotLines.has(r.line)).length);
        }),
        { numRuns: 150 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('skips unsampled lines unparsed and counts them', async () => {
    const text = 'unit,a\nk1,1\nk2,2\nk1,3\n\nk2,4\n';
    const sampler: LineSampler = {
      keep: (b, f, t) => b.toString('utf8', f, t) === 'k1',
      keepText: (k) => k === 'k1',
      dropped: 0,
      columns: { unit: [0], id: [] },
    };
    const got = await all((await sampledCsvOpen(chunks(text, 4), 'x.csv', false, ',', sampler)).records);
    expect(got.map(shape)).toEqual([
      { line: 2, values: ['k1', '1'] },
      { line: 4, values: ['k1', '3'] },
    ]);
    expect(sampler.dropped).toBe(2);
  });
});

describe('the byte scan of a sampled read', () => {
  // A unit key as a log may write it, in bytes, and the key its parsed row has (decoded, trimmed):
  // padded, Unicode spaces (which ASCII trimming misses), control spaces, bytes that are not UTF-8.
  const forms: [(k: string) => Buffer, (k: string) => string][] = [
    [(k) => Buffer.from(` ${k}\t`), (k) => k],
    [(k) => Buffer.from(`\u00a0${k}\u00a0`), (k) => k],
    [(k) => Buffer.from(`${k}\u000b`), (k) => k],
    [(k) => Buffer.from(`\u3000${k}é`), (k) => `${k}é`],
    [(k) => Buffer.concat([Buffer.from(k), Buffer.from([0xff])]), (k) => `${k}\ufffd`],
  ];
  // for each form a key whose parsed text is inside a 50% sample and whose bytes are not: a scan that
  // hashed the bytes as they are would drop rows of the sample
  const kept = (k: string | Buffer): boolean => sampleBucket(k) < 5000;
  const tricky = forms.map(([bytes, text]) => {
    for (let i = 0; ; i++) if (kept(text(`k${i}`)) && !kept(bytes(`k${i}`))) return bytes(`k${i}`);
  });
  // the rows: the tricky keys, blank and whitespace-only keys (the request id stands in), and many
  // plain ones (the first records, read to detect the preset, are parsed whole: the scan starts after
  // them); a failed call that used no tokens bills nothing and has no prefix, and is still sampled by
  // its key
  const none = ['', ' ', '\u3000'].map((k) => Buffer.from(k));
  const rowsOf = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const odd = [...tricky, ...none];
      const key = i % 4 === 0 ? odd[(i / 4) % odd.length]! : Buffer.from(`sys:${i % 997}`);
      return { id: `r${i}`, key, conv: i % 3 === 0 ? '' : `c${i % 501}`, unbilled: i % 7 === 3 };
    });
  const log = (n: number, quoteFirst = false): Buffer => {
    const out: Uint8Array[] = [
      Buffer.from(
        'timestamp,request_id,model,input_tokens,output_tokens,prefix_key,prefix_tokens,conversation_id,status\n',
      ),
    ];
    for (const [i, { id, key, conv, unbilled }] of rowsOf(n).entries()) {
      const blank = none.some((k) => k.equals(key));
      // the reference log has a quote in its first row, so every row goes through csv-parse, unscanned
      const model = quoteFirst && i === 0 ? '"gpt-4o"' : 'gpt-4o';
      out.push(
        Buffer.from(
          `2026-10-01T00:00:${String(i % 60).padStart(2, '0')}Z,${id},${model},${unbilled ? '0,0' : '100,10'},`,
        ),
        key,
      );
      out.push(Buffer.from(`,${blank ? '' : unbilled ? 0 : 50},${conv},${unbilled ? 'error' : 'ok'}\n`));
    }
    return Buffer.concat(out);
  };
  /** the rows the documented rule keeps */
  const oracle = (n: number, unit: SampleUnit, rate: string): string[] =>
    rowsOf(n)
      .filter((r) =>
        keptByRule(
          unit === 'prefix_key' ? r.key.toString('utf8') : unit === 'conversation_id' ? r.conv : null,
          r.id,
          rate,
        ),
      )
      .map((r) => r.id);

  it('keeps exactly the rows of the documented rule, scanned or parsed, for every unit and rate', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sampled-bytes-'));
    try {
      const file = join(dir, 'log.csv');
      const parsed = join(dir, 'parsed.csv');
      // more distinct keys than the byte memo's first table holds (it grows)
      writeFileSync(file, log(3000));
      writeFileSync(parsed, log(3000, true));
      for (const unit of ['prefix_key', 'conversation_id', 'request_id'] as SampleUnit[])
        for (const rate of ['1%', '50%']) {
          const want = oracle(3000, unit, rate);
          // the log scanned (its quote-free lines decided in their bytes), and the same rows through
          // csv-parse (decided on each parsed record before it becomes a request)
          for (const f of [file, parsed]) {
            const sample = new SampleFilter(parseSampleRate(rate), unit);
            const stats = newLogStats();
            const got: string[] = [];
            for await (const b of readLog({ file: f, sample, thread: 'off' }, stats)) for (const r of b) got.push(r.id);
            expect(got, `${unit} ${rate} ${f}`).toEqual(want);
            expect(stats.read).toBe(3000);
            expect(stats.priced + stats.unsampled!).toBe(3000);
            // most rows were left out before they became requests (only the first ones, read to settle the unit, were built)
            expect(stats.unsampled! - (sample.seen - sample.kept)).toBeGreaterThan(1000);
          }
        }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the scan of a sampled JSON Lines log', () => {
  // A line is left out only when JSON.parse would give its first present candidate field a string
  // outside the sample (or, without one, its request id): random objects with the unit field and the
  // id as strings (padded, escaped, non-ASCII, blank), numbers, null, nested values, repeated keys.
  const str = fc.oneof(
    fc.constantFrom('k1', 'k2', ' k2 ', 'k2\t', '', '  ', 'é', 'k\u00e92', '\u3000k2'),
    fc.string({ maxLength: 6 }),
  );
  const scalar = fc.oneof(str, fc.integer(), fc.constant(null), fc.boolean());
  const value = fc.oneof(
    { weight: 4, arbitrary: scalar },
    fc.array(scalar, { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'unit', '"q"'), scalar, { maxKeys: 2 }),
  );
  const key = fc.constantFrom('unit', 'alt', 'request_id', 'model', 'x', 'data', 'u\\u006eit', 'nested');
  const member = fc.tuple(key, value, fc.constantFrom('', ' ', '\t'), fc.boolean());
  const line = fc.array(member, { maxLength: 6 }).map((ms) => {
    // written by hand: repeated keys, spaces around the colon, a key written with an escape
    const body = ms
      .map(([k, v, sp, esc]) => {
        const text = JSON.stringify(v) ?? 'null';
        // a string value written with an escape where JSON allows one (the same value to JSON.parse)
        const plainFirst = typeof v === 'string' && v.length > 0 && JSON.stringify(v[0]).length === 3;
        const written =
          esc && plainFirst
            ? `"\\u${(v as string).charCodeAt(0).toString(16).padStart(4, '0')}${JSON.stringify(v).slice(2)}`
            : text;
        return `"${k}"${sp}:${sp}${written}`;
      })
      .join(',');
    return `{${body}}`;
  });

  // out of the sample: k2, and any key with a backslash (so a scan that read an escape's bytes as
  // the key would drop lines whose parsed key is in the sample)
  const keepText = (k: string): boolean => k !== 'k2' && !k.includes('\\');
  const unitOf = (o: Record<string, unknown>): string | undefined => {
    // as a parsed row picks it: the first present candidate (unit, then alt), trimmed; else the id
    for (const f of ['unit', 'alt', 'request_id']) {
      const v = o[f];
      if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) continue;
      return typeof v === 'string' ? v.trim() : typeof v === 'object' ? JSON.stringify(v) : String(v);
    }
    return undefined;
  };

  it('leaves out only lines whose parsed unit is outside the sample (property)', () => {
    fc.assert(
      fc.property(line, (text) => {
        const o = JSON.parse(text) as Record<string, unknown>;
        const sampler: LineSampler = {
          keep: (b, f, t) => keepText(b.toString('utf8', f, t)),
          keepText,
          dropped: 0,
          jsonFields: { unit: ['unit', 'alt'], id: ['request_id'] },
        };
        const skip = sampledJsonSkip(sampler, ['data'], 99);
        const buf = Buffer.from(`pad${text}\n`);
        const dropped = skip(buf, 3, buf.length - 1);
        const unit = unitOf(o);
        if (dropped) expect(unit !== undefined && !keepText(unit), text).toBe(true);
        expect(sampler.dropped).toBe(dropped ? 1 : 0);
      }),
      { numRuns: 2000 },
    );
  });

  it('decides plain lines, and parses what it cannot read exactly', () => {
    const sampler: LineSampler = {
      keep: (b, f, t) => keepText(b.toString('utf8', f, t)),
      keepText,
      dropped: 0,
      jsonFields: { unit: ['unit', null], id: ['request_id'] },
    };
    const skip = sampledJsonSkip(sampler, ['data'], 99);
    const drops = (text: string): boolean => skip(Buffer.from(text), 0, Buffer.byteLength(text));
    expect(drops('{"request_id":"r1","unit":" k2 ","n":[1,{"unit":"k1"}],"m":"a\\"b"}')).toBe(true);
    expect(drops('{"unit":"k2","unit":"k1"}')).toBe(false); // the last of repeated keys
    expect(drops('{"unit":"k1","unit":"k2"}')).toBe(true);
    expect(drops('{"unit":"\\u006b2"}')).toBe(false); // an escape: parsed
    expect(drops('{"unit":null,"request_id":"k2"}')).toBe(false); // a nested candidate comes before the id: parsed
    expect(drops('{"unit":"k2","data":[]}')).toBe(false); // a page's key: parsed
    expect(drops('{"unit":7}')).toBe(false);
    expect(drops('[{"unit":"k2"}]')).toBe(false);
    expect(drops('{"unit":"k2"')).toBe(false);
    expect(drops('{"unit":"k2"} x')).toBe(false);
    expect(sampler.dropped).toBe(2);
  });

  it('keeps exactly the rows of the documented rule, on JSON Lines (scanned or parsed) and Parquet', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sampled-json-'));
    try {
      const rows = Array.from({ length: 3000 }, (_, i) => {
        const unbilled = i % 7 === 3;
        const key = i % 5 === 0 ? ['', ' ', '\u3000', 'é', ' sys:1 '][(i / 5) % 5]! : `sys:${i % 997}`;
        return {
          timestamp: `2026-10-01T00:00:${String(i % 60).padStart(2, '0')}Z`,
          request_id: `r${i}`,
          model: 'gpt-4o',
          input_tokens: unbilled ? 0 : 100,
          output_tokens: unbilled ? 0 : 10,
          prefix_key: i % 11 === 0 ? null : key,
          prefix_tokens: key.trim() === '' || unbilled ? 0 : 50,
          conversation_id: i % 3 === 0 ? null : `c${i % 501}`,
          status: unbilled ? 'error' : 'ok',
        };
      });
      const jsonl = (wrapped: boolean): string =>
        rows
          .map((r, i) => {
            const { prefix_key, ...rest } = r;
            // the parsed copy has a page's key on every line, so none is scanned; a nested decoy
            const o = { ...(wrapped ? { data: [] } : {}), ...rest, meta: { nested: [1, { prefix_key: 'no' }] } };
            return JSON.stringify(i % 11 === 0 ? o : { ...o, prefix_key });
          })
          .join('\n');
      const file = join(dir, 'log.jsonl');
      const parsed = join(dir, 'parsed.jsonl');
      const parquet = join(dir, 'log.parquet');
      writeFileSync(file, `${jsonl(false)}\n`);
      writeFileSync(parsed, `${jsonl(true)}\n`);
      const col = <K extends keyof (typeof rows)[number]>(k: K) => rows.map((r) => r[k]);
      writeFileSync(
        parquet,
        new Uint8Array(
          parquetWriteBuffer({
            columnData: [
              { name: 'timestamp', data: col('timestamp'), type: 'STRING' },
              { name: 'request_id', data: col('request_id'), type: 'STRING' },
              { name: 'model', data: col('model'), type: 'STRING' },
              { name: 'input_tokens', data: col('input_tokens').map(BigInt), type: 'INT64' },
              { name: 'output_tokens', data: col('output_tokens').map(BigInt), type: 'INT64' },
              { name: 'prefix_key', data: col('prefix_key'), type: 'STRING' },
              { name: 'prefix_tokens', data: col('prefix_tokens').map(BigInt), type: 'INT64' },
              { name: 'conversation_id', data: col('conversation_id'), type: 'STRING' },
              { name: 'status', data: col('status'), type: 'STRING' },
            ],
            rowGroupSize: 700,
          }),
        ),
      );
      // the same rows with typed columns (a TIMESTAMP, the conversation an INT64, nulls): read by
      // columns after its first row group, a kept row must be the row the whole read builds
      const typed = join(dir, 'typed.parquet');
      writeFileSync(
        typed,
        new Uint8Array(
          parquetWriteBuffer({
            columnData: [
              { name: 'timestamp', data: col('timestamp').map((t) => new Date(t)), type: 'TIMESTAMP' },
              { name: 'request_id', data: col('request_id'), type: 'STRING' },
              { name: 'model', data: col('model'), type: 'STRING' },
              { name: 'input_tokens', data: col('input_tokens').map(BigInt), type: 'INT64' },
              { name: 'output_tokens', data: col('output_tokens').map(BigInt), type: 'INT64' },
              {
                name: 'conversation_id',
                data: col('conversation_id').map((c) => (c === null ? null : BigInt(c.slice(1)))),
                type: 'INT64',
              },
              { name: 'region', data: rows.map((_, i) => (i % 4 ? `eu-${i % 3}` : null)), type: 'STRING' },
              { name: 'status', data: col('status'), type: 'STRING' },
            ],
            rowGroupSize: 700,
          }),
        ),
      );
      const whole = new Map<string, string>();
      for await (const b of readLog({ file: typed, thread: 'off' }, newLogStats()))
        for (const r of b) whole.set(r.id, JSON.stringify(r));
      for (const rate of ['1%', '50%']) {
        const sample = new SampleFilter(parseSampleRate(rate), 'conversation_id');
        const stats = newLogStats();
        const got: string[] = [];
        for await (const b of readLog({ file: typed, sample, thread: 'off' }, stats))
          for (const r of b) {
            const { [UNIT_TAG]: unit, ...tags } = r.tags;
            expect(unit).toBe(r.conversationId ?? r.id);
            expect(JSON.stringify({ ...r, tags })).toBe(whole.get(r.id));
            got.push(r.id);
          }
        const want = rows.filter((r) => keptByRule(r.conversation_id?.slice(1) ?? null, r.request_id, rate));
        expect(got, rate).toEqual(want.map((r) => r.request_id));
        expect(stats.priced + stats.unsampled!).toBe(3000);
      }
      for (const unit of ['prefix_key', 'conversation_id', 'request_id'] as SampleUnit[])
        for (const rate of ['1%', '50%']) {
          const want = rows
            .filter((r) =>
              keptByRule(
                unit === 'prefix_key' ? r.prefix_key : unit === 'conversation_id' ? r.conversation_id : null,
                r.request_id,
                rate,
              ),
            )
            .map((r) => r.request_id);
          for (const f of [file, parsed, parquet]) {
            const sample = new SampleFilter(parseSampleRate(rate), unit);
            const stats = newLogStats();
            const got: string[] = [];
            for await (const b of readLog({ file: f, sample, thread: 'off' }, stats)) for (const r of b) got.push(r.id);
            expect(got, `${unit} ${rate} ${f}`).toEqual(want);
            expect(stats.priced + stats.unsampled!).toBe(3000);
            // most rows were left out before they became requests
            expect(stats.unsampled! - (sample.seen - sample.kept)).toBeGreaterThan(1000);
          }
        }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SampleFilter.keepsKey', () => {
  it('decides every key by the documented rule, whether its memo is kept, started over or given up', () => {
    // unique keys (the memo fills and is given up), then repeating ones, then unique, then repeating:
    // a filter that remembered a verdict under the wrong key, or stopped deciding, would differ
    const keys = [
      ...Array.from({ length: 70_000 }, (_, i) => `line-${i}`),
      ...Array.from({ length: 50_000 }, (_, i) => `sys:${(i * 7919) % 301}`),
      ...Array.from({ length: 70_000 }, (_, i) => `r${i}é`),
      ...Array.from({ length: 5_000 }, (_, i) => ` c${i % 97} `),
    ];
    for (const rate of ['1%', '50%']) {
      const repeating = new SampleFilter(parseSampleRate(rate), 'conversation_id');
      const unique = new SampleFilter(parseSampleRate(rate), 'conversation_id');
      const mixed = new SampleFilter(parseSampleRate(rate), 'conversation_id');
      const wrong: string[] = [];
      const check = (f: SampleFilter, k: string): void => {
        if (f.keepsKey(k) !== keptByRule(null, k, rate)) wrong.push(k);
      };
      for (let i = 0; i < 140_000; i++) check(repeating, `k${i % 1000}`);
      for (const k of keys) {
        check(unique, `u${k}`);
        check(mixed, k);
      }
      expect(wrong.slice(0, 5), rate).toEqual([]);
      // the byte scan's memo (lineSampler: KeyMemo, given up by the same rule) over the same keys as bytes
      const bytes = lineSampler(new SampleFilter(parseSampleRate(rate), 'conversation_id'));
      const wrongBytes: string[] = [];
      for (const k of [...keys, ...Array.from({ length: 5_000 }, (_, i) => `again${i % 50}`)]) {
        if (/[^\x21-\x7e]/.test(k)) continue; // ASCII without spaces: what the scan looks up by its bytes
        const b = Buffer.from(`,${k},`);
        if (bytes.keep(b, 1, b.length - 1, fnv1a32Bytes(b, 1, b.length - 1) | 0 || 1) !== keptByRule(null, k, rate))
          wrongBytes.push(k);
      }
      expect(wrongBytes.slice(0, 5), rate).toEqual([]);
    }
  });
});
