// Fuzz the log readers through `replay`: any bytes exit 0 or 2 (never 3), and when a report comes
// out, every data row is accounted for (read = priced + rejected) and nothing costs less than $0.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const K = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1) || 1);
const PRICING = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'bad', '_shared', 'pricing.yaml');
const scratch = mkdtempSync(join(tmpdir(), 'llmcost-fuzz-logs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Doc {
  rows: { read: number; priced: number; rejected: number };
  baseline: { cost: number; breakdown: Record<string, number> };
}

let n = 0;
async function replay(
  content: string | Uint8Array,
  name: string,
  extra: string[] = [],
): Promise<{ code: number; doc?: Doc; stderr: string }> {
  const file = join(scratch, `${n++}-${name}`);
  writeFileSync(file, content);
  const r = await runCli(['replay', file, '--pricing', PRICING, '--format', 'json', ...extra]);
  expect([0, 2], `exit ${r.code}\n${r.stderr}`).toContain(r.code);
  expect(r.stderr).not.toMatch(/internal error/);
  if (r.code === 2) {
    expect(r.stderr, 'a user error says where').toMatch(/error\[[A-Z_]+\] \S/);
    expect(r.stdout).toBe('');
    return { code: 2, stderr: r.stderr };
  }
  const doc = JSON.parse(r.stdout) as Doc;
  expect(doc.rows.read).toBe(doc.rows.priced + doc.rows.rejected);
  expect(doc.baseline.cost).toBeGreaterThanOrEqual(0);
  for (const v of Object.values(doc.baseline.breakdown)) expect(v).toBeGreaterThanOrEqual(0);
  return { code: 0, doc, stderr: r.stderr };
}

/** Cells a real export could contain, and a few it should not. */
const cell = fc.oneof(
  fc.constantFrom(
    'm',
    'e',
    'M',
    'gpt-9',
    '',
    ' ',
    '0',
    '1',
    '1000',
    '-5',
    'NaN',
    '1e3',
    '1.5',
    '99999999999999999999',
    '2026-11-02T10:00:00Z',
    '2026-11-02T12:00:00+02:00',
    '1793613600',
    '1793613600000',
    '2026-02-30',
    'yesterday',
    'true',
    'ok',
    'error',
    '"',
    'a,b',
    'line\nbreak',
    '\r',
    '\u0000',
    'é',
    '🙂',
  ),
  fc.string({ maxLength: 8 }),
);
const quote = (c: string): string => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
const HEADERS = [
  'timestamp',
  'model',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'request_id',
  'tenant',
  'status',
  'retry_of',
  'batchable',
  'prefix_key',
  'prefix_tokens',
  'cost_usd',
];

describe('log readers under fuzz (replay end to end)', () => {
  it('any bytes: exit 0 or 2; a report accounts for every row', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 300 }),
        fc.constantFrom('log.csv', 'log.jsonl', 'log.csv.gz', 'log'),
        async (bytes, name) => {
          await replay(bytes, name);
        },
      ),
      { numRuns: 80 * K },
    );
  });

  it('well-quoted CSV with hostile cells: read = data records, read = priced + rejected', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(HEADERS, { minLength: 3 }),
        fc.array(fc.array(cell, { minLength: 14, maxLength: 14 }), { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        fc.boolean(),
        async (header, rows, crlf, bom) => {
          const eol = crlf ? '\r\n' : '\n';
          const body = rows.map((r) => header.map((_, i) => quote(r[i]!)).join(',')).join(eol);
          // a row of only empty cells is a blank line, which CSV readers skip
          const blank = rows.filter((r) => header.map((_, i) => quote(r[i]!)).join(',') === '').length;
          const text = `${bom ? '\ufeff' : ''}${header.join(',')}${eol}${body}${eol}`;
          const r = await replay(text, 'log.csv');
          if (r.doc) expect(r.doc.rows.read).toBe(rows.length - blank);
        },
      ),
      { numRuns: 120 * K },
    );
  });

  it('JSONL with hostile values (and the same log gzipped gives the same report)', async () => {
    const value = fc.oneof(
      cell,
      fc.integer({ min: -10, max: 5000 }),
      fc.double(),
      fc.constant(null),
      fc.boolean(),
      fc.array(fc.nat({ max: 9 }), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.dictionary(fc.constantFrom(...HEADERS), value, { maxKeys: 8 }), { minLength: 1, maxLength: 10 }),
        async (objs) => {
          const text = `${objs.map((o) => JSON.stringify(o)).join('\n')}\n`;
          const plain = await replay(text, 'log.jsonl');
          const zipped = await replay(gzipSync(text), 'log.jsonl.gz');
          expect(zipped.code).toBe(plain.code);
          if (plain.doc && zipped.doc) {
            expect(zipped.doc.rows).toEqual(plain.doc.rows);
            expect(zipped.doc.baseline.cost).toBe(plain.doc.baseline.cost);
          }
        },
      ),
      { numRuns: 60 * K },
    );
  });

  it('--strict: exit 0 with nothing rejected, or exit 2 naming a line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            fc.constantFrom('2026-11-02T10:00:00Z', 'bad'),
            fc.constantFrom('m', 'zz'),
            fc.constantFrom('10', '-1', 'x'),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        async (rows) => {
          const text = `timestamp,model,input_tokens,output_tokens\n${rows.map((r) => `${r.join(',')},5`).join('\n')}\n`;
          const r = await replay(text, 'log.csv', ['--strict']);
          if (r.code === 0) expect(r.doc!.rows.rejected).toBe(0);
          else expect(r.stderr).toMatch(/log\.csv:\d+/);
        },
      ),
      { numRuns: 60 * K },
    );
  });
});
