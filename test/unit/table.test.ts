// The request table gives back exactly the requests it was given (every field, in order), in
// memory and through the spill file.
import { rmSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeRequest, newTags, type PrefixBlock, type SimRequest, tagOf } from '../../src/engine/request.js';
import { CHUNK_ROWS, type Chunk, ChunkBuilder, ChunkView } from '../../src/traffic/table/chunk.js';
import { buildTable, chunksOf } from '../../src/traffic/table/table.js';
import { openSync, closeSync } from 'node:fs';
import { generateProfile } from '../../src/traffic/profile.js';
import { loadScenarioFile } from '../../src/config/scenario.js';

async function roundTrip(reqs: SimRequest[], budgetBytes?: number): Promise<SimRequest[]> {
  const tmp = mkdtempSync(join(tmpdir(), 'table-test-'));
  const table = await buildTable([reqs], { ...(budgetBytes !== undefined ? { budgetBytes } : {}), tmp });
  const data = table.data();
  const fd = data.spillPath ? openSync(data.spillPath, 'r') : undefined;
  const out: SimRequest[] = [];
  try {
    for (const c of chunksOf(data, fd)) {
      const v = new ChunkView(c);
      for (let i = 0; i < c.rows; i++) out.push(v.request(i));
    }
  } finally {
    if (fd !== undefined) closeSync(fd);
    table.close();
  }
  expect(existsSync(data.spillPath ?? join(tmp, 'none'))).toBe(false);
  rmSync(tmp, { recursive: true, force: true });
  return out;
}

const request = fc.record({
  id: fc.string(),
  atMs: fc.integer({ min: 0, max: 2 ** 45 }),
  model: fc.constantFrom('a', 'b', 'claude-sonnet-4-5'),
  serviceTier: fc.constantFrom('standard', 'batch', 'flex', 'priority' as const),
  inputTokens: fc.nat(),
  outputTokens: fc.nat(),
  reasoningTokens: fc.option(fc.nat(), { nil: undefined }),
  // a log's counts: the reader never sets a 0 (undefined instead)
  audioInputTokens: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  audioOutputTokens: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  imageInputTokens: fc.option(fc.integer({ min: 1, max: 10_000_000 }), { nil: undefined }),
  webSearchCalls: fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
  historyTokens: fc.nat(),
  prefix: fc.array(
    fc.record(
      { key: fc.string(), tokens: fc.nat(), kind: fc.constantFrom('system', 'history', 'message', 'block' as const) },
      { requiredKeys: ['key', 'tokens'] },
    ),
    { maxLength: 4 },
  ),
  cached: fc.option(
    fc.record(
      { read: fc.nat(), write5m: fc.nat(), write1h: fc.nat(), storageTokenSeconds: fc.nat({ max: 2 ** 45 }) },
      { requiredKeys: ['read', 'write5m', 'write1h'] },
    ),
    { nil: undefined },
  ),
  batchable: fc.boolean(),
  status: fc.constantFrom('ok', 'error' as const),
  retryOf: fc.option(fc.string(), { nil: undefined }),
  conversationId: fc.option(fc.string({ minLength: 1 }), { nil: undefined }),
  tags: fc.dictionary(fc.constantFrom('tenant', 'feature', 'x', 'y'), fc.string()),
  quality: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
  answers: fc.option(fc.boolean(), { nil: undefined }),
  line: fc.option(fc.integer({ min: 1, max: 2 ** 31 }), { nil: undefined }),
});

describe('request table', () => {
  it('gives back every field of every request, in order (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(request, { maxLength: 40 }), async (rs) => {
        // the table holds requests as the log gave them: their reported counts are their cached ones
        const reqs = rs.map((r) => makeRequest({ ...(r as SimRequest), reported: r.cached }));
        expect(await roundTrip(reqs)).toEqual(reqs);
      }),
      { numRuns: 60 },
    );
  });

  it('a chunk built in the memory of one handed back, read with prefixes kept across chunks, gives back its requests (property)', () => {
    const asLogged = (rs: unknown[]): SimRequest[] =>
      rs.map((r) => makeRequest({ ...(r as SimRequest), reported: (r as SimRequest).cached }));
    fc.assert(
      fc.property(fc.array(request, { maxLength: 30 }), fc.array(request, { maxLength: 30 }), (a, b) => {
        const first = asLogged(a);
        const then = asLogged(b);
        const prefixes = new Map<string, PrefixBlock[]>();
        const read = (c: Chunk): SimRequest[] => {
          const v = new ChunkView(c, prefixes);
          return Array.from({ length: c.rows }, (_, i) => v.request(i));
        };
        const one = new ChunkBuilder();
        for (const r of first) one.add(r);
        const used = one.freeze();
        expect(read(used)).toEqual(first);
        // its columns (tags, history, cached counts...) hold the first rows' values until taken and zeroed
        const two = new ChunkBuilder(used);
        for (const r of then) two.add(r);
        const again = two.freeze();
        expect(read(again)).toEqual(then);
        expect(again.atMs.buffer).toBe(used.atMs.buffer);
      }),
    );
  });

  it('keeps non-ASCII strings and long ones (the pool writes UTF-8 bytes as they come)', async () => {
    const plain = (id: string, atMs: number, more: Partial<SimRequest> = {}): SimRequest =>
      makeRequest({
        id,
        atMs,
        model: 'm',
        inputTokens: 1,
        outputTokens: 1,
        historyTokens: 0,
        serviceTier: 'standard',
        batchable: false,
        status: 'ok',
        prefix: [],
        tags: {},
        ...more,
      } as SimRequest);
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(text, text, text), { minLength: 1, maxLength: 30 }), async (ts) => {
        const reqs = ts.map(([id, key, tenant], i) =>
          plain(`${id}${i}`, i, { prefix: [{ key, tokens: 1 }], conversationId: `c${key}`, tags: { tenant } }),
        );
        expect(await roundTrip(reqs)).toEqual(reqs);
      }),
      { numRuns: 60 },
    );
    // past the pool's first buffer (64 KiB) and offsets (4,096 strings)
    const long = Array.from({ length: 5000 }, (_, i) => plain(`${'é€😀x'.repeat(i % 7)}${'a'.repeat(i % 50)}${i}`, i));
    long.push(plain('z'.repeat(200_000), 1));
    expect(await roundTrip(long)).toEqual(long);
  });

  it('keeps a log column named __proto__ as a tag (tag sets are built as the reader builds them)', async () => {
    const tags = newTags();
    const column = '__proto__'; // a column name from a user's log, stored as a tag (newTags: no prototype to reach)
    tags[column] = 'x';
    tags.tenant = 'acme';
    const r = makeRequest({
      id: 'r1',
      atMs: 0,
      model: 'm',
      serviceTier: 'standard',
      inputTokens: 1,
      outputTokens: 1,
      historyTokens: 0,
      prefix: [],
      batchable: false,
      status: 'ok',
      tags,
    });
    const [back] = await roundTrip([r]);
    expect(Object.keys(back!.tags)).toEqual(['__proto__', 'tenant']);
    expect(tagOf(back!, column)).toBe('x');
  });

  it('spills past its budget and reads the spilled chunks back unchanged', async () => {
    const path = join(import.meta.dirname, '../../scenarios/chatbot-10k.yaml');
    const { scenario } = loadScenarioFile(path, 'chatbot-10k.yaml');
    const reqs = [...generateProfile(scenario.traffic.profile!, 3)].flat();
    expect(reqs.length).toBeGreaterThan(CHUNK_ROWS); // more than one chunk
    const inMemory = await roundTrip(reqs);
    const spilled = await roundTrip(reqs, 0);
    // (JSON: a deep compare of 70K requests takes seconds; the field order is the same by construction)
    const want = JSON.stringify(reqs);
    expect(JSON.stringify(inMemory)).toBe(want);
    expect(JSON.stringify(spilled)).toBe(want);
  });
});
