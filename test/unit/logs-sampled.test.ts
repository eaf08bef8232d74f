// The sampled CSV reader gives exactly the records of the ordinary reader (csv-parse) for every
// line it keeps, with the same line numbers and errors, and skips exactly the lines whose unit is
// outside the sample; lines with quotes (and everything after them) go through csv-parse.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type LineSampler, sampledCsvOpen, sampledHeaderOk } from '../../src/traffic/logs/sampled.js';
import { openLog, type RawRecord } from '../../src/traffic/logs/source.js';
import { newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { parseSampleRate, SampleFilter, sampleBucket, type SampleUnit } from '../../src/traffic/sample.js';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

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
  const log = (n: number, quoteFirst = false): Buffer => {
    const out: Uint8Array[] = [
      Buffer.from(
        'timestamp,request_id,model,input_tokens,output_tokens,prefix_key,prefix_tokens,conversation_id,status\n',
      ),
    ];
    for (let i = 0; i < n; i++) {
      // the tricky keys, blank and whitespace-only keys (the request id stands in), and many plain ones
      // (the first records, read to detect the preset, are parsed whole: the scan starts after them)
      const none = ['', ' ', '\u3000'].map((k) => Buffer.from(k));
      const odd = [...tricky, ...none];
      const key = i % 4 === 0 ? odd[(i / 4) % odd.length]! : Buffer.from(`sys:${i % 997}`);
      const conv = i % 3 === 0 ? '' : `c${i % 501}`;
      const blank = none.some((k) => k.equals(key));
      // a failed call that used no tokens bills nothing and has no prefix: it is still sampled by its key
      const unbilled = i % 7 === 3;
      // the reference log has a quote in its first row, so every row goes through csv-parse, unscanned
      const model = quoteFirst && i === 0 ? '"gpt-4o"' : 'gpt-4o';
      out.push(
        Buffer.from(
          `2026-10-01T00:00:${String(i % 60).padStart(2, '0')}Z,r${i},${model},${unbilled ? '0,0' : '100,10'},`,
        ),
        key,
      );
      out.push(Buffer.from(`,${blank ? '' : unbilled ? 0 : 50},${conv},${unbilled ? 'error' : 'ok'}\n`));
    }
    return Buffer.concat(out);
  };

  it("keeps exactly the requests the parsed rows' filter keeps, for every unit and rate", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sampled-bytes-'));
    try {
      const file = join(dir, 'log.csv');
      const parsed = join(dir, 'parsed.csv');
      // more distinct keys than the byte memo's first table holds (it grows)
      writeFileSync(file, log(3000));
      writeFileSync(parsed, log(3000, true));
      for (const unit of ['prefix_key', 'conversation_id', 'request_id'] as SampleUnit[])
        for (const rate of ['1%', '50%']) {
          // the reference: every row parsed, then the filter (as a log that cannot be scanned is read)
          const want: string[] = [];
          const ref = newLogStats();
          const all = new SampleFilter(parseSampleRate(rate), unit);
          for await (const b of readLog({ file: parsed, sample: all, thread: 'off' }, ref))
            for (const r of b) want.push(r.id);
          expect(ref.unsampled, 'the reference is filtered after parsing').toBe(all.seen - all.kept);
          const sample = new SampleFilter(parseSampleRate(rate), unit);
          const stats = newLogStats();
          const got: string[] = [];
          for await (const b of readLog({ file, sample, thread: 'off' }, stats)) for (const r of b) got.push(r.id);
          expect(got, `${unit} ${rate}`).toEqual(want);
          expect(stats.read).toBe(3000);
          expect(stats.priced + stats.unsampled!).toBe(3000);
          // most rows were left out by the byte scan, unparsed
          expect(stats.unsampled! - (sample.seen - sample.kept)).toBeGreaterThan(1000);
        }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
