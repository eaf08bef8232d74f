// The quote-free CSV reader gives exactly csv-parse's records: same header, values, line numbers,
// field-count errors, and the same parse error (message and file:line) where csv-parse fails; on
// every CSV fixture and the shared data's CSVs, and on random CSVs, each fed in chunks cut anywhere
// (inside a CRLF, inside a multi-byte character).
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkPool } from '../../src/traffic/logs/chunks.js';
import { quoteFreeCsvOpen, quoteFreeHeader } from '../../src/traffic/logs/quotefree.js';
import { csvOpen, type LogRange, openLog, type RawRecord } from '../../src/traffic/logs/source.js';

function chunks(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

/**
 * buf in chunks of `size` as a file is read: into the pool's chunks, which the reader hands back and
 * the next read fills (a record the reader still held a view of would read the next chunk's bytes)
 */
function pooled(buf: Buffer, size: number, pool: ChunkPool): Readable {
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) {
        const b = pool.take();
        const n = buf.copy(b, 0, i, i + size);
        yield n < size ? b.subarray(0, n) : b;
      }
    })(),
    { objectMode: false },
  );
}

const shape = (r: RawRecord) =>
  r.values ? { line: r.line, values: r.values.slice(r.offset ?? 0, (r.offset ?? 0) + (r.count ?? 0)) } : r;

interface Read {
  header?: string[];
  records: unknown[];
  error?: { message: string; where?: string; hint?: string };
}
async function readAll(
  open: () => Promise<{ header?: string[]; records: AsyncGenerator<RawRecord[]> }>,
): Promise<Read> {
  const out: Read = { records: [] };
  try {
    const log = await open();
    out.header = log.header;
    for await (const b of log.records) for (const r of b) out.records.push(shape(r));
  } catch (e) {
    // a user error's text is its diagnostics: what, where (file:line) and the hint
    const d = (e as { diagnostics?: { message: string; where?: string; hint?: string }[] }).diagnostics?.[0];
    out.error = d ? { message: d.message, where: d.where, hint: d.hint } : { message: String(e) };
  }
  return out;
}

const delimiterOf = (text: string): string => {
  const first = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? '';
  return first.includes('\t') && !first.includes(',') ? '\t' : ',';
};
/** csv-parse alone, the whole text in one chunk */
const reference = (buf: Buffer, delimiter: string): Promise<Read> =>
  readAll(() => csvOpen(chunks(buf, buf.length || 1), 'log.csv', false, delimiter));
/** what openLog reads a CSV with: the quote-free reader when the header allows, in chunks of `size` it hands back */
const candidate = (buf: Buffer, delimiter: string, size: number): Promise<Read> => {
  const head = buf.toString('utf8').replace(/^\ufeff/, '');
  const pool = new ChunkPool(size);
  return readAll(() =>
    quoteFreeHeader(head, buf)
      ? quoteFreeCsvOpen(pooled(buf, size, pool), 'log.csv', false, delimiter, 1, undefined, pool)
      : csvOpen(chunks(buf, size), 'log.csv', false, delimiter),
  );
};

function csvFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...csvFiles(p));
    else if (/\.(csv|tsv)(\.gz)?$/i.test(e.name)) out.push(p);
  }
  return out.sort();
}

describe('quote-free CSV reader', () => {
  it('reads every CSV fixture and shared CSV exactly as csv-parse does, in any chunking', async () => {
    const files = [...csvFiles('test/fixtures'), ...csvFiles('../shared/data')];
    let fast = 0;
    let compared = 0;
    for (const f of files) {
      let buf = readFileSync(f);
      if (buf[0] === 0x1f && buf[1] === 0x8b) {
        try {
          buf = gunzipSync(buf);
        } catch {
          continue; // a truncated gzip fixture: the reader's gzip error comes before any parsing
        }
      }
      if (!buf.length) continue;
      const delimiter = delimiterOf(buf.toString('utf8'));
      if (quoteFreeHeader(buf.toString('utf8').replace(/^\ufeff/, ''), buf)) fast++;
      const want = await reference(buf, delimiter);
      // byte-sized chunks only for the small files (the traces would take a million chunks)
      for (const size of buf.length < 1 << 15 ? [buf.length, 1, 2, 7, 64, 4096] : [buf.length, 7, 64, 4096]) {
        expect(await candidate(buf, delimiter, size), `${f} in chunks of ${size}`).toEqual(want);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(100);
    expect(fast, 'most fixtures have a plain header').toBeGreaterThan(30);
  });

  const edge: Record<string, string> = {
    'quoted LF in a field': 'a,b,c\n1,"x\ny",3\n4,5,6\n',
    'quoted CRLF in a field': 'a,b,c\r\n1,"x\r\ny",3\r\n4,5,6\r\n',
    'doubled quotes': 'a,b\n1,"say ""hi"", ok"\n2,3\n',
    'CRLF, bare LF inside a record': 'a,b\r\n1,2\n3,4\r\n5,6\r\n',
    'LF, CR inside records': 'a,b\n1,2\r\n3\r,4\n5,6\n',
    'CR-only line ends': 'a,b\r1,2\r3,4\r',
    'blank and whitespace lines': 'a,b\n\n1,2\n  \n\t\n\u00a0\n3,4\n\n',
    'BOM and CRLF': '\ufeffa,b\r\n1,2\r\n',
    'no final line end': 'a,b\n1,2\n3,4',
    'ragged rows': 'a,b,c\n1,2\n1,2,3,4\n,\n5,6,7\n',
    'quote mid field, after clean lines': 'a,b\n1,2\n3,x"y\n4,5\n',
    'text after a closing quote (CRLF, stray CRs before)': 'a,b\r\n1\r,2\r\n\r\r\n3,"x"y\r\n',
    'unclosed quote': 'a,b\n1,2\n3,"x\n4,5\n',
    'BOM inside a later record': 'a,b\n\ufeff1,2\n3,"\ufeff"\n\ufeff4,5\n',
    'UTF-16 BOM': '\ufeffa,b\n1,2\n',
    'tabs as delimiter': 'a\tb\n1\t2\n\t\n3\t"x\ty"\n',
  };
  for (const [name, text] of Object.entries(edge))
    it(`edge case: ${name}`, async () => {
      const buf =
        name === 'UTF-16 BOM'
          ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text.slice(1), 'utf16le')])
          : Buffer.from(text, 'utf8');
      const delimiter = name.startsWith('tabs') ? '\t' : ',';
      const want = await reference(buf, delimiter);
      for (const size of [buf.length, 1, 2, 3, 5]) expect(await candidate(buf, delimiter, size)).toEqual(want);
    });

  it('reads into a few chunks again and again, joining records that straddle them', async () => {
    const rows = Array.from(
      { length: 500 },
      (_, i) => `2026-10-01T00:00:${String(i % 60).padStart(2, '0')}Z,m${i},${i}`,
    );
    const buf = Buffer.from(`timestamp,model,input_tokens\n${rows.join('\n')}\n`);
    const pool = new ChunkPool(37);
    const got = await readAll(() => quoteFreeCsvOpen(pooled(buf, 37, pool), 'log.csv', false, ',', 1, undefined, pool));
    expect(got.records).toHaveLength(500);
    expect(got.records[499]).toEqual({ line: 501, values: ['2026-10-01T00:00:19Z', 'm499', '499'] });
    expect(got).toEqual(await reference(buf, ','));
    // ~450 chunks read; Readable.from reads one ahead, a straddling record holds one more
    expect(pool.made).toBeLessThanOrEqual(4);
  });

  it('names the line of a quoting error as csv-parse does, after the fast part', async () => {
    const got = await candidate(Buffer.from('a,b\r\n1\r,2\r\n\r\r\n3,"x"y\r\n'), ',', 4);
    expect(got.records).toEqual([{ line: 2, values: ['1\r', '2'] }]);
    expect(got.error?.where).toBe('log.csv:4');
    expect(got.error?.message).toMatch(/at line 6\b/); // csv-parse's own count: each lone CR is a line to it
  });

  it('reads a log through openLog the quote-free way (header, records, lines)', async () => {
    const text = 'timestamp,model\n2026-01-01T00:00:00Z,gpt-4o\n\n2026-01-01T00:00:01Z,"gpt-4o"\n';
    const log = await openLog('-', 'log.csv', chunks(Buffer.from(text), 5));
    const recs: unknown[] = [];
    for await (const b of log.records) for (const r of b) recs.push(shape(r));
    expect(log.header).toEqual(['timestamp', 'model']);
    expect(recs).toEqual([
      { line: 2, values: ['2026-01-01T00:00:00Z', 'gpt-4o'] },
      { line: 4, values: ['2026-01-01T00:00:01Z', 'gpt-4o'] },
    ]);
  });

  it('numbers the lines of a byte range as of the whole file, the range that starts the file included', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'range-'));
    try {
      const file = join(dir, 'log.csv');
      const text = 'a,b\n1,2\n3,4\n5,6\n';
      writeFileSync(file, text);
      const lines = async (range: LogRange): Promise<number[]> => {
        const out: number[] = [];
        for await (const b of (await openLog(file, 'log.csv', undefined, undefined, range)).records)
          for (const r of b) out.push(r.line);
        return out;
      };
      const cut = text.indexOf('3,4');
      expect(await lines({ start: 0, end: cut, head: new Uint8Array(0), firstLine: 1 })).toEqual([2]);
      expect(await lines({ start: cut, end: text.length, head: Buffer.from('a,b\n'), firstLine: 3 })).toEqual([3, 4]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // random CSVs: quoted and bare fields (bare ones may hold a stray quote: csv-parse's errors),
  // LF / CRLF / CR line ends, uniform or mixed, BOM, blank lines, ragged rows, multi-byte text
  const ch = fc.constantFrom(
    'a',
    'Z',
    '1',
    ' ',
    ',',
    '"',
    '\n',
    '\r',
    '\r\n',
    '\t',
    'é',
    '€',
    '😀',
    '\ufeff',
    '\u00a0',
  );
  const safe = fc.constantFrom('a', 'bb', '12', '', ' ', 'é', '€😀', '\u00a0', 'x y');
  const field = fc.oneof(
    { weight: 6, arbitrary: safe.map((f) => ({ f, q: false })) },
    { weight: 2, arbitrary: fc.array(ch, { maxLength: 5 }).map((a) => ({ f: a.join(''), q: true })) },
    { weight: 1, arbitrary: fc.array(ch, { maxLength: 4 }).map((a) => ({ f: a.join(''), q: false })) },
  );
  const csv = fc
    .record({
      cols: fc.integer({ min: 1, max: 4 }),
      rows: fc.array(
        fc.record({
          fields: fc.array(field, { minLength: 1, maxLength: 5 }),
          ragged: fc.boolean(),
          blank: fc.constantFrom('', '', '', ' ', '\t'),
          blanks: fc.nat(2),
          eol: fc.constantFrom('\n', '\r\n', '\r'),
        }),
        { minLength: 0, maxLength: 14 },
      ),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
      mixed: fc.nat(4),
      bom: fc.boolean(),
      trailing: fc.boolean(),
      tab: fc.nat(5),
      chunk: fc.constantFrom(1, 2, 3, 5, 16, 64, 4096),
    })
    .map(({ cols, rows, eol, mixed, bom, trailing, tab, chunk }) => {
      const delimiter = tab === 0 ? '\t' : ',';
      const quote = (f: string): string => `"${f.replace(/"/g, '""')}"`;
      let text = Array.from({ length: cols }, (_, i) => `h${i}`).join(delimiter);
      for (const r of rows) {
        const end = mixed === 0 ? r.eol : eol;
        for (let i = 0; i < r.blanks; i++) text += end + r.blank;
        const fs = r.ragged ? r.fields : Array.from({ length: cols }, (_, i) => r.fields[i] ?? { f: '', q: false });
        text += end + fs.map(({ f, q }) => (q ? quote(f) : f)).join(delimiter);
      }
      if (trailing) text += eol;
      return { text: (bom ? '\ufeff' : '') + text, chunk, delimiter };
    });

  it('gives csv-parse’s records and errors on random CSVs in random chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(csv, async ({ text, chunk, delimiter }) => {
        const buf = Buffer.from(text, 'utf8');
        expect(await candidate(buf, delimiter, chunk)).toEqual(await reference(buf, delimiter));
      }),
      { numRuns: 400 },
    );
  });
});
