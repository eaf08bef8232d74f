// A top-level JSON array read by the scanner (records found by bracket counting, each given to
// JSON.parse) gives exactly what the streaming tokenizer alone gives: the same records on the
// same lines, the same non-object rejects, and where the document is broken, truncated, too deep
// or not UTF-8, the same records before it and the same located error. Random documents, random
// damage, random chunking.
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ArrayScanner, jsonDocumentRecords, LineCounter } from '../../src/traffic/logs/json-document.js';

function chunks(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

interface Read {
  records: unknown[];
  error?: { code: string; message: string; where?: string };
}

async function readDoc(buf: Buffer, size: number, scanned: boolean): Promise<Read> {
  const out: Read = { records: [] };
  try {
    for await (const batch of jsonDocumentRecords(chunks(buf, size), '$.*', 'doc.json', scanned))
      out.records.push(...batch);
  } catch (e) {
    const d = (e as { diagnostics?: { code: string; message: string; where?: string }[] }).diagnostics?.[0];
    if (!d) throw e;
    out.error = { code: d.code, message: d.message, where: d.where };
  }
  return out;
}

const same = async (buf: Buffer, size: number): Promise<void> => {
  const want = await readDoc(buf, size, false);
  const got = await readDoc(buf, size, true);
  expect(got).toEqual(want);
};

const value = fc.jsonValue({ maxDepth: 3 });
const record = fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), value, { maxKeys: 5 });
const doc = fc.record({
  records: fc.array(fc.oneof({ weight: 9, arbitrary: record }, { weight: 1, arbitrary: value }), { maxLength: 8 }),
  indent: fc.constantFrom(0, 1, 2, '\t'),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  chunk: fc.integer({ min: 1, max: 64 }),
  // damage: none, cut short, a byte replaced, a byte inserted, trailing bytes
  damage: fc.constantFrom('none', 'none', 'cut', 'replace', 'insert', 'trail'),
  at: fc.nat(),
  byte: fc.constantFrom(0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a, 0x20, 0x0a, 0x00, 0x31, 0x61, 0xc3, 0xff, 0x80),
});

describe('a top-level JSON array read by the scanner', () => {
  it('gives the tokenizer’s records and errors on random documents, damaged or not, in random chunks (property)', async () => {
    await fc.assert(
      fc.asyncProperty(doc, async ({ records, indent, crlf, bom, chunk, damage, at, byte }) => {
        let text = JSON.stringify(records, null, indent);
        if (crlf) text = text.replace(/\n/g, '\r\n');
        let buf = Buffer.from((bom ? '\ufeff' : '') + text, 'utf8');
        const k = buf.length ? at % buf.length : 0;
        if (damage === 'cut') buf = buf.subarray(0, k);
        else if (damage === 'replace' && buf.length)
          buf = Buffer.concat([buf.subarray(0, k), Buffer.from([byte]), buf.subarray(k + 1)]);
        else if (damage === 'insert') buf = Buffer.concat([buf.subarray(0, k), Buffer.from([byte]), buf.subarray(k)]);
        else if (damage === 'trail') buf = Buffer.concat([buf, Buffer.from([byte])]);
        await same(buf, chunk);
      }),
      { numRuns: 1500 },
    );
  });

  const cases: Record<string, string | Buffer> = {
    'empty array': '[]',
    'white space around': ' \r\n\t[ \n{"a":1} ,\n {"b":[1,{"c":"}"}]} ]\n\n',
    'strings with brackets, quotes and escapes': '[{"a":"{[\\"]}\\\\","b\\"":"\\u005c"},{"c":"\\\\\\""}]',
    'a trailing comma': '[{"a":1},]',
    'two commas': '[{"a":1},,{"b":2}]',
    'a missing comma': '[{"a":1} {"b":2}]',
    'not objects': '[1,"x",null,[{"a":1}],{"a":1},true]',
    'bytes after the array': '[{"a":1}] x',
    'a second array': '[{"a":1}][{"b":2}]',
    'cut inside a string': '[{"a":1},{"b":"xy',
    'cut after a comma': '[{"a":1},',
    'no closing bracket': '[{"a":1}',
    'a raw control character in a string': '[{"a":1},{"b":"x\u0001y"},{"c":3}]',
    'lone surrogate escapes': '[{"a":"\\ud800"},{"b":"\\udc00\\ud83d\\ude00"}]',
    'numbers at the edges': '[{"a":1e400,"b":-0,"c":12345678901234567890,"d":0.1e-400}]',
    'a leading zero': '[{"a":01}]',
    __proto__: '[{"__proto__":{"x":1},"a":1},{"constructor":{"prototype":2}}]',
    'duplicate keys': '[{"a":1,"b":2,"a":3}]',
    'not UTF-8 in a string': Buffer.concat([
      Buffer.from('[{"a":1},{"b":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}]'),
    ]),
    'UTF-8 across chunks, and U+FFFD itself': '[{"a":"héllo wörld ✓ \ufffd"},{"b":"日本語"}]',
    'nested past the limit': `[{"a":1},${'{"x":'.repeat(120)}1${'}'.repeat(120)}]`,
    'nested to the limit': `[${'{"x":'.repeat(100)}1${'}'.repeat(100)}]`,
  };
  for (const [name, text] of Object.entries(cases))
    it(`edge case: ${name}`, async () => {
      const buf = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
      for (const size of [buf.length || 1, 1, 2, 3, 7]) await same(buf, size);
    });

  it('the scanner reads records whose strings hold brackets, escaped quotes and backslashes without the tokenizer', () => {
    const rows = [
      { a: '{["]}\\', 'b"': '\\"', c: [{ d: '}' }] },
      { e: 'ü✓', f: null },
    ];
    const buf = Buffer.from(` [${rows.map((r) => JSON.stringify(r)).join(' ,\n')}]\n`);
    for (const size of [1, 2, 5, buf.length]) {
      const lines = new LineCounter();
      const scan = new ArrayScanner(lines);
      for (let i = 0; i < buf.length; i += size) {
        const part = buf.subarray(i, i + size);
        lines.push(part);
        expect(scan.write(part), `chunk at ${i} of ${size}`).toBe(true);
      }
      expect(scan.end()).toBe(true);
      expect(scan.out).toEqual([
        { line: 1, fields: rows[0] },
        { line: 2, fields: rows[1] },
      ]);
    }
  });

  it('keeps U+FEFF inside strings, as JSON.parse does, in every chunking, by the scanner and the tokenizer', async () => {
    const rows = [{ '\ufeff': ['\ufeffa', 'b\ufeff', 'c\ufeffd'] }, { x: 1 }];
    const buf = Buffer.from(JSON.stringify(rows));
    for (const size of [1, 2, 3, 4, 5, 7, buf.length])
      for (const scanned of [true, false])
        expect((await readDoc(buf, size, scanned)).records, `chunks of ${size}`).toEqual([
          { line: 1, fields: rows[0] },
          { line: 1, fields: rows[1] },
        ]);
    // an API page is read by the tokenizer alone
    const page = Buffer.from(JSON.stringify({ data: rows }));
    for (const size of [1, 3, page.length]) {
      const got: unknown[] = [];
      for await (const b of jsonDocumentRecords(chunks(page, size), '$.data.*', 'doc.json')) got.push(...b);
      expect(got).toEqual([
        { line: 1, fields: rows[0] },
        { line: 1, fields: rows[1] },
      ]);
    }
  });

  it('reads a big array by the scanner: records on their lines, in batches', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => ({
      id: `o${i}`,
      usage: { input: i, output: 1 },
      name: 'x{"]',
    }));
    const buf = Buffer.from(JSON.stringify(rows, null, 1));
    const got = await readDoc(buf, 4096, true);
    expect(got.error).toBeUndefined();
    expect(got.records).toHaveLength(5000);
    // each record spans 8 lines after the opening bracket's
    expect(got.records[4999]).toEqual({ line: 2 + 8 * 4999, fields: rows[4999] });
    await same(buf, 4096);
  });
});
