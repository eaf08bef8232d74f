// Every dimension of a real bill, from a log, priced by the bundled tables: 1-hour cache writes,
// explicit-cache storage, reasoning tokens, web-search fees, audio tokens (or a refusal naming
// them), OpenAI's renamed tiers, and a request over its model's context window. Expectations are
// hand-computed from the table prices quoted beside them (USD per 1M tokens, per 1,000 calls).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/engine/ledger.js';
import { type Breakdown, priceCells, priceTotal } from '../../src/engine/price.js';
import type { SimRequest } from '../../src/engine/request.js';
import { parsePricingText, chooseSchedule } from '../../src/pricing/load.js';
import { usdToAtto } from '../../src/pricing/money.js';
import type { Pricing } from '../../src/pricing/pricebook.js';
import { type LogStats, newLogStats, readLog } from '../../src/traffic/logs/read.js';

const DIR = mkdtempSync(join(tmpdir(), 'llmcost-bill-'));
let n = 0;
const tables = chooseSchedule({ perRequest: true, catalog: false }).pricing;

/** USD as exact atto-USD (decimal strings only: no float on the way) */
const usd = (s: string): bigint => usdToAtto(s)!;

async function price(
  preset: string,
  lines: unknown[],
  opts: { ext?: string; book?: Pricing } = {},
): Promise<{ b: Breakdown; total: bigint; reqs: SimRequest[]; stats: LogStats }> {
  const file = join(DIR, `log-${n++}.${opts.ext ?? 'jsonl'}`);
  writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  const book = opts.book ?? tables;
  const stats = newLogStats();
  const reqs: SimRequest[] = [];
  const ledger = new Ledger(book.thresholds(), [], undefined, (t) => book.periodOf(t));
  for await (const batch of readLog({ file, preset, book }, stats))
    for (const r of batch) {
      reqs.push(r);
      ledger.add(r);
    }
  const p = priceCells(ledger.cells, book.thresholds(), book);
  // a sample's per-unit pricing gives the same total, its cell keys resolved once (memo reused)
  const memo = new Map();
  expect(priceTotal(ledger.cells, book.thresholds(), book, memo)).toBe(p.total);
  expect(priceTotal(ledger.cells, book.thresholds(), book, memo)).toBe(p.total);
  return { b: p.breakdown, total: p.total, reqs, stats };
}

const CANON =
  'timestamp,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,reasoning_tokens,audio_input_tokens,audio_output_tokens,image_input_tokens,web_search_calls,cache_storage_token_hours,service_tier';

describe('1-hour cache writes from logs', () => {
  const gen = (usageDetails: object) => ({
    id: 'g',
    traceId: 't',
    type: 'GENERATION',
    startTime: '2026-11-20T10:00:00Z',
    providedModelName: 'claude-sonnet-4-5',
    usageDetails,
  });
  it('Langfuse: 100K tokens under input_cache_creation_1h cost $0.600 (write_1h $6.00), the flat key $0.375 (write_5m $3.75)', async () => {
    const oneHour = await price('langfuse', [gen({ input: 0, input_cache_creation_1h: 100_000, output: 0 })]);
    expect(oneHour.b.cacheWrite1h).toBe(usd('0.6'));
    expect(oneHour.total).toBe(usd('0.6'));
    const flat = await price('langfuse', [gen({ input: 0, input_cache_creation: 100_000, output: 0 })]);
    expect(flat.b.cacheWrite).toBe(usd('0.375'));
    // exclusive keys: 5m and 1h beside each other add up ($0.1875 + $0.30)
    const both = await price('langfuse', [
      gen({ input: 0, input_cache_creation_5m: 50_000, input_cache_creation_1h: 50_000, output: 0 }),
    ]);
    expect(both.total).toBe(usd('0.4875'));
    expect(both.reqs[0]!.inputTokens).toBe(100_000);
  });
  it('every preset that carries the TTL split maps the 1-hour part', async () => {
    const msg = {
      type: 'message',
      id: 'msg_1',
      model: 'claude-sonnet-4-5',
      timestamp: '2026-11-20T10:00:00Z',
      usage: {
        input_tokens: 0,
        output_tokens: 0,
        cache_creation_input_tokens: 100_000,
        cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 100_000 },
      },
    };
    expect((await price('anthropic', [msg])).b.cacheWrite1h).toBe(usd('0.6'));
    const transcript = {
      type: 'assistant',
      sessionId: 's',
      requestId: 'r',
      timestamp: '2026-11-20T10:00:00Z',
      message: { ...msg, type: 'message' },
    };
    expect((await price('claude-code', [transcript])).b.cacheWrite1h).toBe(usd('0.6'));
    const litellm = {
      request_id: 'r',
      call_type: 'acompletion',
      startTime: '2026-11-20T10:00:00Z',
      model: 'claude-sonnet-4-5',
      prompt_tokens: 100_000,
      completion_tokens: 0,
      spend: 0,
      metadata: JSON.stringify({
        usage_object: {
          cache_creation_input_tokens: 100_000,
          prompt_tokens_details: {
            cache_creation_token_details: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 100_000 },
          },
        },
      }),
    };
    expect((await price('litellm', [litellm])).b.cacheWrite1h).toBe(usd('0.6'));
    const canonical = await price(
      'canonical',
      [CANON, '2026-11-20T10:00:00Z,claude-sonnet-4-5,100000,0,0,100000,100000,,,,,,,'],
      { ext: 'csv' },
    );
    expect(canonical.b.cacheWrite1h).toBe(usd('0.6'));
  });
});

describe('explicit-cache storage from a log column', () => {
  it('100K tokens held 24 hours = 2,400,000 token-hours x $4.50 per 1M per hour (Gemini 2.5 Pro) = $10.80', async () => {
    const { b, reqs } = await price(
      'canonical',
      [CANON, '2026-11-20T10:00:00Z,gemini-2.5-pro,1000,0,0,0,,,,,,,2400000,'],
      { ext: 'csv' },
    );
    expect(b.storage).toBe(usd('10.8'));
    expect(reqs[0]!.cached?.storageTokenSeconds).toBe(2_400_000 * 3600);
  });
  it('storage on a model without a storage price is rejected, naming the dimension', async () => {
    const { stats } = await price('canonical', [CANON, '2026-11-20T10:00:00Z,claude-sonnet-4-5,1000,0,0,0,,,,,,,10,'], {
      ext: 'csv',
    });
    expect(stats.reasons).toEqual({ 'no price for cache storage': 1 });
    expect(stats.firstRejects[0]!.reason).toMatch(/claude-sonnet-4-5' has no price for cache storage/);
  });
});

describe('reasoning tokens', () => {
  it('are their own class, priced as output (gpt-5: $10.00) unless a table says otherwise', async () => {
    const { b } = await price('canonical', [CANON, '2026-11-20T10:00:00Z,gpt-5,0,1000,0,0,,800,,,,,,'], {
      ext: 'csv',
    });
    expect(b.reasoning).toBe(usd('0.008')); // 800 x $10
    expect(b.output).toBe(usd('0.002')); // 200 x $10
    const own = parsePricingText(
      `version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  thinker:
    provider: test
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.00"
    output: "10.00"
    reasoning: "4.00"
    batch: { discount: "0.5" }
`,
      't.yaml',
    ).book!;
    const r = await price('canonical', [CANON, '2099-01-02T00:00:00Z,thinker,0,1000,0,0,,800,,,,,,batch'], {
      ext: 'csv',
      book: own,
    });
    expect(r.b.reasoning).toBe(usd('0.0016')); // 800 x $4 x 0.5
    expect(r.b.output).toBe(usd('0.001')); // 200 x $10 x 0.5
  });
});

describe('web search fees (USD per 1,000 calls)', () => {
  it('Anthropic server_tool_use: 3 searches x $10/1,000 = $0.03', async () => {
    const { b } = await price('anthropic', [
      {
        type: 'message',
        id: 'm',
        model: 'claude-sonnet-4-5',
        timestamp: '2026-11-20T10:00:00Z',
        usage: { input_tokens: 0, output_tokens: 0, server_tool_use: { web_search_requests: 3 } },
      },
    ]);
    expect(b.fees).toBe(usd('0.03'));
  });
  it('Gemini: 2.5 grounding $35/1,000 (the model own fee), Gemini 3 $14/1,000 (the table fee for google)', async () => {
    const { b } = await price(
      'canonical',
      [
        CANON,
        '2026-11-20T10:00:00Z,gemini-2.5-flash,0,0,0,0,,,,,,2,,',
        '2026-11-20T10:00:00Z,gemini-3-flash-preview,0,0,0,0,,,,,,2,,',
      ],
      { ext: 'csv' },
    );
    expect(b.fees).toBe(usd('0.098')); // 2 x 0.035 + 2 x 0.014
  });
  it('a model without a web search fee is rejected, naming the dimension (never $0)', async () => {
    const { stats } = await price('canonical', [CANON, '2026-11-20T10:00:00Z,gpt-4o,10,0,0,0,,,,,,1,,'], {
      ext: 'csv',
      book: parsePricingText(
        `version: "2026-11-20"
effective: "2026-11-20"
currency: USD
models:
  gpt-4o:
    provider: openai
    source: https://example.com/pricing
    checked: "2026-11-20"
    input: "2.50"
    output: "10.00"
`,
        'own.yaml',
      ).book!,
    });
    expect(stats.reasons).toEqual({ 'no price for web search calls': 1 });
  });
});

describe('audio and image tokens', () => {
  it('Gemini 2.5 Flash: audio input $1.00, the rest of the input $0.30; image tokens at the input price', async () => {
    const { b } = await price(
      'canonical',
      [CANON, '2026-11-20T10:00:00Z,gemini-2.5-flash,10000,0,0,0,,,4000,,2000,,,'],
      { ext: 'csv' },
    );
    expect(b.audio).toBe(usd('0.004')); // 4,000 x $1.00
    expect(b.image).toBe(usd('0.0006')); // 2,000 x $0.30
    expect(b.input).toBe(usd('0.0012')); // 4,000 x $0.30
  });
  it('audio on a model without an audio price is rejected with the dimension named', async () => {
    const { stats, reqs } = await price('openai', [
      {
        id: 'c',
        object: 'chat.completion',
        created: 1_763_632_800,
        model: 'gpt-4o',
        usage: { prompt_tokens: 1000, completion_tokens: 10, prompt_tokens_details: { audio_tokens: 600 } },
      },
    ]);
    expect(reqs).toEqual([]);
    expect(stats.reasons).toEqual({ 'no price for audio input tokens': 1 });
    expect(stats.firstRejects[0]!.reason).toMatch(
      /gpt-4o' has no price for audio input tokens in pricing table [\d-]+, .* 600 of them/,
    );
  });
});

describe("OpenAI's service tiers as logs write them", () => {
  const resp = (model: string, tier: string) => ({
    id: 'resp',
    object: 'response',
    created_at: 1_763_632_800,
    model,
    status: 'completed',
    service_tier: tier,
    usage: { input_tokens: 1000, output_tokens: 100 },
  });
  it('fast = priority (Fast mode, 2x: gpt-6-sol $4/$20), default/auto/scale = standard', async () => {
    const { total, reqs } = await price('openai', [resp('gpt-6-sol', 'fast')]);
    expect(reqs[0]!.serviceTier).toBe('priority');
    expect(total).toBe(usd('0.006')); // 1,000 x $4 + 100 x $20
    const std = await price('openai', [resp('gpt-6-sol', 'default'), resp('gpt-6-sol', 'scale')]);
    expect(std.reqs.map((r) => r.serviceTier)).toEqual(['standard', 'standard']);
    expect(std.total).toBe(usd('0.006')); // 2 x (1,000 x $2 + 100 x $10)
  });
  it('ultrafast: GPT-6 Astra 6x ($60/$300); a model without the tier is rejected', async () => {
    const { total } = await price('openai', [resp('gpt-6-astra', 'ultrafast')]);
    expect(total).toBe(usd('0.09')); // 1,000 x $60 + 100 x $300
    const { stats } = await price('openai', [resp('gpt-6-sol', 'ultrafast')]);
    expect(stats.reasons).toEqual({ "service tier 'ultrafast' not offered": 1 });
  });
});

describe('a request larger than its model context window', () => {
  it('is priced, and counted in a located, coded warning', async () => {
    const { stats, total } = await price(
      'canonical',
      [
        CANON,
        '2026-11-20T10:00:00Z,claude-sonnet-4-5,250000,0,0,0,,,,,,,,',
        '2026-11-20T10:00:01Z,claude-sonnet-4-5,1000,0,0,0,,,,,,,,',
      ],
      { ext: 'csv' },
    );
    expect(total).toBe(usd('0.753')); // 251,000 x $3.00
    expect(stats.overWindow).toBe(1);
    const w = stats.warnings.find((x) => x.code === 'OVER_CONTEXT_WINDOW')!;
    expect(w.message).toMatch(
      /^1 row\(s\) .*first: .*log-\d+\.csv:2: model 'claude-sonnet-4-5', 250,000 input tokens > its 200,000-token context window/,
    );
  });
});
