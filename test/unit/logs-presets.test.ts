import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { type LogOptions, type LogStats, newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { hash53 } from '../../src/shared/hash.js';
import { getPreset, mooncakeBlocks } from '../../src/traffic/logs/presets.js';
import { encodingFor } from '../../src/traffic/tokens.js';
import { bundledTrace, MOONCAKE_ROWS, MOONCAKE_SLICE, sharedData } from '../helpers/data.js';

const FIX = join(import.meta.dirname, '../fixtures/logs');
const MOONCAKE = sharedData('traces/mooncake_conversation_trace.jsonl');

async function readAll(opts: Partial<LogOptions> & { file: string }): Promise<{ reqs: SimRequest[]; stats: LogStats }> {
  const stats = newLogStats();
  const reqs: SimRequest[] = [];
  for await (const b of readLog({ cwd: FIX, ...opts }, stats)) reqs.push(...b);
  return { reqs, stats };
}

describe('presets', () => {
  it('unknown preset: UNKNOWN_PRESET with did-you-mean', () => {
    expect(() => getPreset('litelm')).toThrow(/did you mean 'litellm'/);
  });

  it('azure: TIMESTAMP / ContextTokens / GeneratedTokens, model from --model', async () => {
    const { reqs } = await readAll({ file: 'azure.csv', preset: 'azure', model: 'gpt-4o' });
    expect(reqs.map((r) => [r.atMs, r.inputTokens, r.outputTokens, r.model])).toEqual([
      [Date.UTC(2023, 10, 16, 18, 15, 46) + 681, 4808, 10, 'gpt-4o'], // .6805900 s -> 681 ms
      [Date.UTC(2023, 10, 16, 18, 15, 50), 1024, 200, 'gpt-4o'],
    ]);
  });

  it('burstgpt: seconds from trace start, service names mapped, 0 response tokens = failed', async () => {
    const { reqs } = await readAll({ file: 'burstgpt.csv', preset: 'burstgpt' });
    expect(reqs.map((r) => [r.atMs, r.model, r.inputTokens, r.outputTokens, r.status, r.tags.feature])).toEqual([
      [5000, 'gpt-3.5-turbo', 472, 18, 'ok', 'Conversation log'],
      [45000, 'gpt-4-turbo', 1087, 0, 'error', 'API log'],
    ]);
  });

  it('litellm: cached tokens inside prompt_tokens, spend = cost_usd, cache hits skipped (not billed)', async () => {
    const { reqs, stats } = await readAll({ file: 'litellm.jsonl', preset: 'litellm' });
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({
      id: 'chatcmpl-1',
      inputTokens: 3000,
      outputTokens: 200,
      cached: { read: 1024, write5m: 0, write1h: 0 },
      tags: { tenant: 'team-a', route: 'cheap', user: 'u1' },
    });
    expect(stats.costUsdSum).toBeCloseTo(0.0004266, 12);
    expect(stats.reasons).toEqual({});
    expect(stats.skipReasons).toEqual({ 'LiteLLM response-cache hit (not sent to a provider)': 1 });
  });

  it('langfuse: cache tokens BESIDE input are added back (input = 500 + 2000 cached + 0 creation)', async () => {
    const { reqs, stats } = await readAll({ file: 'langfuse.jsonl', preset: 'langfuse' });
    expect(reqs[0]).toMatchObject({
      inputTokens: 2500,
      outputTokens: 100,
      cached: { read: 2000, write5m: 0 },
      status: 'ok',
      tags: { feature: 'answer', tenant: 'acme', promptVersion: '3', prompt_name: 'support' },
      conversationId: 'tr-1',
    });
    // 300 uncached + 4096 written = 4396; level ERROR -> error
    expect(reqs[1]).toMatchObject({ inputTokens: 4396, cached: { read: 0, write5m: 4096 }, status: 'error' });
    expect(stats.costUsdSum).toBe(0.0012);
  });

  it('helicone: prompt_cache_read_tokens inside prompt_tokens, costUSD, zone-less time = UTC', async () => {
    const { reqs, stats } = await readAll({ file: 'helicone.jsonl', preset: 'helicone' });
    expect(reqs[0]).toMatchObject({
      id: 'h-1',
      atMs: Date.UTC(2026, 10, 3, 11),
      model: 'gpt-4o',
      inputTokens: 1500,
      cached: { read: 1024 },
      status: 'ok',
      tags: { tenant: 'acme', feature: 'search' },
    });
    expect(stats.costUsdSum).toBe(0.00447);
  });

  it('openai-batch: usage inside response.body, batch tier, failed lines skipped as not billed', async () => {
    const { reqs, stats } = await readAll({ file: 'openai-batch.jsonl', preset: 'openai-batch' });
    expect(reqs).toHaveLength(1);
    expect(reqs[0]).toMatchObject({
      id: 'request-1',
      atMs: 1793613600000,
      model: 'gpt-4o-mini-2024-07-18',
      serviceTier: 'batch',
      inputTokens: 2048,
      outputTokens: 100,
      cached: { read: 1152 },
    });
    expect(stats.firstRejects).toEqual([]);
    expect(stats.skipReasons).toEqual({ 'failed batch request (batch_expired): not billed': 1 });
  });

  it('otel: gen_ai.* attributes as an object or as an OTLP key/value array, ns timestamps, status code 2 = error', async () => {
    const { reqs } = await readAll({ file: 'otel.jsonl', preset: 'otel' });
    expect(reqs[0]).toMatchObject({
      atMs: 1793613600000,
      model: 'gpt-4o-2024-08-06',
      inputTokens: 1200,
      outputTokens: 80,
      cached: { read: 1024 },
      status: 'ok',
      conversationId: 't1',
      tags: { provider: 'openai', operation: 'chat' },
    });
    expect(reqs[1]).toMatchObject({
      atMs: 1793613660000,
      model: 'claude-sonnet-4-6',
      inputTokens: 3000,
      outputTokens: 0,
      status: 'error',
    });
  });

  it('tokenizer choice: o200k_base for gpt-4o/4.1/5/o-series, cl100k_base otherwise', () => {
    expect(['gpt-4o-mini', 'gpt-4.1', 'gpt-5-nano', 'o3', 'o4-mini', 'openai/gpt-4o'].map(encodingFor)).toEqual(
      Array(6).fill('o200k_base'),
    );
    expect(['gpt-4-turbo', 'gpt-3.5-turbo', 'claude-sonnet-4-6', 'gemini-2.5-pro'].map(encodingFor)).toEqual(
      Array(4).fill('cl100k_base'),
    );
  });
});

describe('mooncake', () => {
  it('turns hash_ids into cumulative 512-token blocks; the last holds the rest', () => {
    // 6758 input tokens over 14 blocks: 13 x 512 = 6656, last = 6758 - 6656 = 102
    const b = mooncakeBlocks([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13], 6758) as {
      key: string;
      tokens: number;
      kind?: string;
    }[];
    expect(b.map((x) => x.tokens)).toEqual([...Array(13).fill(512), 102]);
    expect(b.every((x) => x.kind === 'block')).toBe(true);
    // cumulative: [0,1] and [5,1] share id 1 at position 2 but not the prefix, so keys differ
    const x = mooncakeBlocks([0, 1], 1024) as { key: string }[];
    const y = mooncakeBlocks([5, 1], 1024) as { key: string }[];
    expect(x[1]!.key).not.toBe(y[1]!.key);
    expect(x[1]!.key).toBe(`mc:${hash53(`mc:${hash53('mc/0')}/1`)}`);
    // clamp: fewer tokens than the blocks claim never goes below 0
    expect((mooncakeBlocks([1, 2, 3], 600) as { tokens: number }[]).map((z) => z.tokens)).toEqual([512, 88, 0]);
  });

  const mooncakes = [
    { name: 'the bundled first 10 minutes', file: MOONCAKE_SLICE, rows: MOONCAKE_ROWS.slice, it },
    { name: 'the whole conversation trace', file: MOONCAKE.file, rows: MOONCAKE_ROWS.full, it: MOONCAKE.it },
  ];
  for (const { name, file, rows, it } of mooncakes)
    it(`reads ${name}: ${rows.toLocaleString('en')} rows, 0 rejects, shared prefixes share keys`, async () => {
      const { reqs, stats } = await readAll({ file, preset: 'mooncake', model: 'claude-sonnet-4-5' });
      expect(stats).toMatchObject({ read: rows, priced: rows, rejected: 0, outOfOrder: 0 });
      // rows 1 and 2 both start with hash id 0: same first key; their second ids differ (1 vs 14)
      expect(reqs[0]!.prefix[0]!.key).toBe(reqs[1]!.prefix[0]!.key);
      expect(reqs[0]!.prefix[1]!.key).not.toBe(reqs[1]!.prefix[1]!.key);
      // every request's blocks add up to its input (the last block takes the remainder)
      const bad = reqs.filter(
        (r) =>
          r.prefix.reduce((s, p) => s + p.tokens, 0) !== r.inputTokens && r.inputTokens >= 512 * (r.prefix.length - 1),
      );
      expect(bad).toHaveLength(0);
      // a key is cumulative: equal keys at block i imply equal keys at every block before i
      const parentOf = new Map<string, string>();
      let shared = 0;
      let conflicts = 0;
      for (const r of reqs) {
        for (let i = 1; i < r.prefix.length; i++) {
          const prev = parentOf.get(r.prefix[i]!.key);
          if (prev === undefined) parentOf.set(r.prefix[i]!.key, r.prefix[i - 1]!.key);
          else if (prev !== r.prefix[i - 1]!.key) conflicts++;
          else shared++;
        }
      }
      expect(conflicts).toBe(0);
      expect(shared).toBeGreaterThan(1000); // conversations reuse earlier turns' blocks
      expect(stats.endMs).toBe(reqs[reqs.length - 1]!.atMs);
    });

  it('reads the bundled Azure slices: every row priced, none rejected', async () => {
    for (const [name, rows] of [
      ['AzureLLMInferenceTrace_code.first10min.csv.gz', 1482],
      ['AzureLLMInferenceTrace_conv.first10min.csv.gz', 2867],
    ] as const) {
      const { reqs, stats } = await readAll({ file: bundledTrace(name), preset: 'azure', model: 'gpt-4o' });
      expect(stats, name).toMatchObject({ read: rows, priced: rows, rejected: 0 });
      expect(reqs.every((r) => r.model === 'gpt-4o' && r.inputTokens > 0)).toBe(true);
    }
  });
});
