// The log reader in a worker thread must be invisible: the same requests (fields, order, shape),
// the same stats and warnings, the same rejects file and the same errors as the reader on the
// calling thread. Also the wire format on its own, as a property.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.js';
import { makeRequest, type SimRequest } from '../../src/engine/request.js';
import { type LogOptions, type LogStats, newLogStats, readLog, useThread } from '../../src/traffic/logs/read.js';
import { WireDecoder, WireEncoder } from '../../src/traffic/logs/wire.js';
import { bookFromYaml } from '../helpers/sim.js';
import { sharedData } from '../helpers/data.js';

const ROOT = join(import.meta.dirname, '../..');
const FIX = join(ROOT, 'test/fixtures/logs');
const book = bookFromYaml(readFileSync(join(ROOT, 'pricing/2026-11-01.yaml'), 'utf8'));

async function readBoth(opts: Partial<LogOptions> & { file: string }): Promise<{ here: { reqs: SimRequest[]; stats: LogStats }; worker: { reqs: SimRequest[]; stats: LogStats } }> {
  const run = async (thread: 'on' | 'off'): Promise<{ reqs: SimRequest[]; stats: LogStats }> => {
    const stats = newLogStats();
    const reqs: SimRequest[] = [];
    for await (const b of readLog({ cwd: FIX, ...opts, thread }, stats)) reqs.push(...b);
    return { reqs, stats };
  };
  return { here: await run('off'), worker: await run('on') };
}

const keysOf = (reqs: SimRequest[]): string[] => [...new Set(reqs.map((r) => Object.keys(r).join(',')))];

describe('log reader in a worker thread', () => {
  const cases: [string, Partial<LogOptions> & { file: string }][] = [
    ['canonical CSV, checked against a table', { file: 'canonical.csv', book }],
    ['messy CSV (BOM, CRLF, quoted newlines, rejects)', { file: 'messy.csv' }],
    ['rejects', { file: 'rejects.csv', book }],
    ['TSV', { file: 'canonical.tsv' }],
    ['gzip', { file: 'canonical.csv.gz' }],
    ['azure preset', { file: 'azure.csv', preset: 'azure', model: 'gpt-4o' }],
    ['burstgpt preset (record hooks)', { file: 'burstgpt.csv', preset: 'burstgpt', book }],
    ['helicone', { file: 'helicone.jsonl', preset: 'helicone' }],
    ['langfuse', { file: 'langfuse.jsonl', preset: 'langfuse' }],
    ['litellm', { file: 'litellm.jsonl', preset: 'litellm', book }],
    ['otel', { file: 'otel.jsonl', preset: 'otel' }],
    ['openai-batch', { file: 'openai-batch.jsonl', preset: 'openai-batch' }],
    ['mooncake (prefix blocks)', { file: 'mooncake-head.jsonl', preset: 'mooncake', model: 'claude-sonnet-4-5' }],
  ];
  for (const [name, opts] of cases) {
    it(`gives the same requests and stats: ${name}`, async () => {
      const { here, worker } = await readBoth({ ...opts, batchSize: 2 });
      expect(here.reqs.length + here.stats.rejected).toBeGreaterThan(0);
      expect(worker.reqs).toEqual(here.reqs);
      expect(keysOf(worker.reqs)).toEqual(keysOf(here.reqs));
      expect(worker.stats).toEqual(here.stats);
    });
  }

  it('the real Mooncake trace: same requests, same stats', async () => {
    const file = sharedData('traces/mooncake_conversation_trace.jsonl');
    const { here, worker } = await readBoth({ file, preset: 'mooncake', model: 'claude-sonnet-4-5', book });
    expect(here.reqs.length).toBe(12_031);
    expect(worker.reqs).toEqual(here.reqs);
    expect(worker.stats).toEqual(here.stats);
  });

  it('repeated request ids: the same count and warning, first among the warnings', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-thr-'));
    const file = join(dir, 'dup.csv');
    // rows 3 and 5 repeat ids; row 4 is out of order; a row whose own id is line-N (its own line) is id-less
    writeFileSync(file, 'timestamp,model,input_tokens,output_tokens,request_id\n2026-11-01T00:00:01Z,gpt-4o,10,1,a\n2026-11-01T00:00:02Z,gpt-4o,10,1,a\n2026-11-01T00:00:00Z,gpt-4o,10,1,line-4\n2026-11-01T00:00:03Z,gpt-4o,10,1,a\n');
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
    for await (const _ of readLog({ cwd: FIX, file: 'rejects.csv', rejectsFile: join(dir, 'b.csv'), thread: 'on' }, stats)) void _;
    expect(readFileSync(join(dir, 'b.csv'), 'utf8')).toBe(readFileSync(join(dir, 'a.csv'), 'utf8'));
    expect(stats.rejected).toBe(7);
  });

  it('a user error in the worker is the same UserError here (strict, missing file, bad header)', async () => {
    const errorOf = async (opts: Partial<LogOptions> & { file: string }): Promise<UserError> => {
      try {
        for await (const _ of readLog({ cwd: FIX, ...opts }, newLogStats())) void _;
      } catch (e) {
        if (e instanceof UserError) return e;
        throw e;
      }
      throw new Error('expected a UserError');
    };
    for (const opts of [{ file: 'rejects.csv', strict: true }, { file: 'nope.csv' }, { file: 'azure.csv' }]) {
      const here = await errorOf({ ...opts, thread: 'off' });
      const worker = await errorOf({ ...opts, thread: 'on' });
      expect(worker.diagnostics).toEqual(here.diagnostics);
    }
  });

  it('a consumer that stops early stops the worker (no hang)', async () => {
    for await (const b of readLog({ cwd: FIX, file: 'canonical.csv', batchSize: 1, thread: 'on' }, newLogStats())) {
      expect(b).toHaveLength(1);
      break;
    }
  });

  it("'auto' threads files of 8 MB or more, never stdin or callbacks", () => {
    expect(useThread({ file: 'canonical.csv', cwd: FIX, thread: 'auto' })).toBe(false);
    expect(useThread({ file: 'canonical.csv', cwd: FIX, thread: 'on' })).toBe(true);
    expect(useThread({ file: '-', thread: 'on' })).toBe(false);
    expect(useThread({ file: 'canonical.csv', cwd: FIX, thread: 'on', acceptModel: () => true })).toBe(false);
  });
});

describe('wire format', () => {
  const str = fc.string({ maxLength: 12 });
  const request = fc
    .record({
      id: str,
      atMs: fc.integer({ min: 0, max: 2 ** 45 }),
      model: fc.constantFrom('gpt-4o', 'claude-sonnet-4-5', 'm'),
      serviceTier: fc.constantFrom('standard', 'batch', 'flex', 'priority') as fc.Arbitrary<SimRequest['serviceTier']>,
      inputTokens: fc.nat({ max: 10_000_000 }),
      outputTokens: fc.nat({ max: 100_000 }),
      historyTokens: fc.nat({ max: 1000 }),
      prefix: fc.array(fc.record({ key: str, tokens: fc.nat({ max: 5000 }), kind: fc.constantFrom('system', 'history', 'message', 'block') as fc.Arbitrary<'system'> }, { requiredKeys: ['key', 'tokens'] }), { maxLength: 4 }),
      cached: fc.option(fc.record({ read: fc.nat(), write5m: fc.nat(), write1h: fc.nat() }), { nil: undefined }),
      batchable: fc.boolean(),
      status: fc.constantFrom('ok', 'error') as fc.Arbitrary<'ok' | 'error'>,
      retryOf: fc.option(str, { nil: undefined }),
      conversationId: fc.option(str, { nil: undefined }),
      tags: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), str, { maxKeys: 5 }),
      quality: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
      answers: fc.option(fc.boolean(), { nil: undefined }),
      line: fc.option(fc.integer({ min: 1, max: 2 ** 31 }), { nil: undefined }),
    })
    .map((r) => makeRequest(r));

  it('decode(encode(batch)) is the batch, across batches sharing one dictionary', () => {
    fc.assert(
      fc.property(fc.array(fc.array(request, { maxLength: 6 }), { maxLength: 5 }), (batches) => {
        const enc = new WireEncoder();
        const dec = new WireDecoder();
        for (const b of batches) {
          const out = dec.decode(enc.encode(b));
          expect(out).toEqual(b);
          expect(keysOf(out)).toEqual(b.length ? [Object.keys(b[0]!).join(',')] : []);
        }
      }),
    );
  });
});
