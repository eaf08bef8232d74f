// The catalog: compiled from LiteLLM entries (cache styles decided per entry, a bad entry skipped
// with its reason, corrections applied), looked up by exact key, gateway prefix or a bare name
// one host prices; the bundled one prices DeepSeek, Mistral, xAI and hosted Llama.
import { describe, expect, it } from 'vitest';
import { compileCatalog, type Correction } from '../../src/pricing/catalog-build.js';
import { bundledCatalog, Catalog } from '../../src/pricing/catalog.js';
import type { LiteLLMFile } from '../../src/pricing/litellm.js';

const M = 1e-6; // USD per token for $1 per 1M tokens
const FILE: LiteLLMFile = {
  'deepseek/deepseek-chat': {
    litellm_provider: 'deepseek',
    mode: 'chat',
    input_cost_per_token: 0.28 * M,
    output_cost_per_token: 0.42 * M,
    cache_read_input_token_cost: 0.028 * M,
    cache_creation_input_token_cost: 0, // a miss is plain input: no write premium
  },
  'gpt-x': {
    litellm_provider: 'openai',
    mode: 'responses',
    input_cost_per_token: 4 * M,
    output_cost_per_token: 20 * M,
    cache_read_input_token_cost: 0.4 * M,
    cache_creation_input_token_cost: 5 * M, // an automatic cache that bills writes
    input_cost_per_token_batches: 2 * M,
    output_cost_per_token_batches: 10 * M,
  },
  'bedrock/claude-x': {
    litellm_provider: 'bedrock',
    mode: 'chat',
    input_cost_per_token: 3 * M,
    output_cost_per_token: 15 * M,
    cache_read_input_token_cost: 0.3 * M,
    cache_creation_input_token_cost: 3.75 * M,
    cache_creation_input_token_cost_above_1hr: 6 * M,
  },
  'groq/llama-9': {
    litellm_provider: 'groq',
    mode: 'chat',
    input_cost_per_token: 0.59 * M,
    output_cost_per_token: 0.79 * M,
  },
  'together_ai/llama-9': {
    litellm_provider: 'together_ai',
    mode: 'chat',
    input_cost_per_token: 0.88 * M,
    output_cost_per_token: 0.88 * M,
  },
  'voice-x': {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 2.5 * M,
    output_cost_per_token: 10 * M,
    input_cost_per_audio_token: 40 * M,
    output_cost_per_audio_token: 80 * M,
    output_cost_per_reasoning_token: 10 * M, // the output price: billed so anyway, not kept
  },
  'think-x': {
    litellm_provider: 'dashscope',
    mode: 'chat',
    input_cost_per_token: 0.4 * M,
    output_cost_per_token: 1.2 * M,
    output_cost_per_reasoning_token: 4 * M,
    input_cost_per_image_token: 0.4 * M, // the input price: not kept
  },
  'broken/one': { litellm_provider: 'x', mode: 'chat', input_cost_per_token: '0.5', output_cost_per_token: 1 * M },
  'per-1k/one': { litellm_provider: 'x', mode: 'chat', input_cost_per_token: 0.0032, output_cost_per_token: 0.00971 },
  'free/preview': { litellm_provider: 'x', mode: 'chat', input_cost_per_token: 0, output_cost_per_token: 0 },
  'embed/one': { litellm_provider: 'x', mode: 'embedding', input_cost_per_token: 1 * M },
  'wrong/one': {
    litellm_provider: 'x',
    mode: 'chat',
    input_cost_per_token: 1 * M,
    output_cost_per_token: 2 * M,
    input_cost_per_token_priority: 9 * M,
  },
};
const CORRECTIONS: Correction[] = [
  { keys: ['wrong/one'], drop: ['*_priority'], reason: 'no such tier', source: 'https://example.com/p' },
  {
    match: '^together_ai/',
    set: { output_cost_per_token: 0.9 * M },
    reason: 'page says 0.90',
    source: 'https://example.com/q',
  },
];
const built = compileCatalog(FILE, CORRECTIONS, { version: '2026-08-01', source: 'test', notice: 'MIT' });
const cat = new Catalog(built.catalog);
const pico = (usd: number): bigint => BigInt(Math.round(usd * 1e6)) * 1_000_000n;

describe('catalog build', () => {
  it('skips an entry it cannot price, with the reason, and never aborts', () => {
    expect(built.catalog.skipped).toEqual([
      { key: 'broken/one', reason: 'input_cost_per_token is "0.5", not a price' },
      { key: 'free/preview', reason: expect.stringContaining('priced 0') },
      // a per-1K price in a per-token field: $3,200 per 1M tokens is a unit error, never a price
      { key: 'per-1k/one', reason: expect.stringContaining('input is $3200.00 per 1M tokens, above $1000') },
    ]);
    expect(Object.keys(built.catalog.models)).not.toContain('embed/one');
    expect(built.warnings).toContain('skipped broken/one: input_cost_per_token is "0.5", not a price');
  });

  it('decides the cache style per entry: a write field is not Anthropic-style caching by itself', () => {
    const ds = cat.lookup('deepseek/deepseek-chat')!;
    expect(ds.cache).toMatchObject({ style: 'automatic', minTokens: 1024 });
    expect(ds.prices.standard!.base.cacheWrite5m).toBeUndefined(); // write 0 dropped: writes bill as input
    const gpt = cat.lookup('gpt-x')!;
    expect(gpt.cache?.style).toBe('automatic');
    expect(gpt.prices.standard!.base.cacheWrite5m).toBe(pico(5));
    expect(gpt.prices.batch!.base.output).toBe(pico(10));
    const claude = cat.lookup('bedrock/claude-x')!;
    expect(claude.cache).toMatchObject({ style: 'explicit', has1h: true });
    expect(claude.pricedBy).toEqual({ kind: 'catalog', version: 'litellm-2026-08-01' });
  });

  it('keeps per-token audio prices, and reasoning/image prices that differ from output/input', () => {
    const voice = cat.lookup('voice-x')!.prices;
    expect(voice.standard!.base).toMatchObject({ audioInput: pico(40), audioOutput: pico(80), reasoning: undefined });
    const think = cat.lookup('think-x')!.prices.standard!.base;
    expect(think).toMatchObject({ reasoning: pico(4), imageInput: undefined, audioInput: undefined });
    // a row ends at its last price: an entry without split classes stays as short as before
    expect(built.catalog.models['groq/llama-9']).toEqual([built.catalog.providers.indexOf('groq'), '0.59', '0.79']);
  });

  it('applies corrections (drop, set) and lists each entry it touched', () => {
    expect(cat.lookup('wrong/one')!.tiers).toEqual(['standard']);
    expect(cat.lookup('together_ai/llama-9')!.prices.standard!.base.output).toBe(pico(0.9));
    expect(built.catalog.corrected.map((c) => c.key)).toEqual(['together_ai/llama-9', 'wrong/one']);
  });

  it('finds a model by key, through a gateway prefix, or by a bare name only one host prices', () => {
    expect(cat.keyOf('DeepSeek/DeepSeek-Chat')).toBe('deepseek/deepseek-chat');
    expect(cat.keyOf('deepseek-chat')).toBe('deepseek/deepseek-chat');
    expect(cat.keyOf('openai/gpt-x')).toBe('gpt-x');
    expect(cat.keyOf('llama-9')).toBeUndefined(); // groq and together_ai both price it
    expect(cat.hostsOf('llama-9')).toEqual(['groq/llama-9', 'together_ai/llama-9']);
  });
});

describe('the bundled catalog', () => {
  const ref = bundledCatalog()!;
  it('has a manifest read at start-up and the catalog read on demand', () => {
    expect(ref.manifest).toMatchObject({ schema: 'llmcost.catalog/v1', version: '2026-08-01' });
    expect(ref.manifest.models).toBeGreaterThan(2000);
    expect(ref.manifest.thresholds).toEqual([128000, 200000, 256000, 272000, 512000]);
  });
  it('prices DeepSeek, Mistral, xAI and a hosted Llama (LiteLLM 2026-08-01 values)', () => {
    const c = ref.get();
    const io = (k: string) => {
      const m = c.lookup(k)!;
      return [m.prices.standard!.base.input, m.prices.standard!.base.output].map((x) => Number(x) / 1e12);
    };
    expect(io('deepseek/deepseek-chat')).toEqual([0.28, 0.42]);
    expect(io('mistral/mistral-large-latest')).toEqual([0.5, 1.5]);
    expect(io('xai/grok-4')).toEqual([3, 15]);
    expect(io('groq/llama-3.3-70b-versatile')).toEqual([0.59, 0.79]);
    expect(io('together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo')).toEqual([0.88, 0.88]);
    // the known-wrong entries of the source are corrected (data/README: Haiku 3's 1h write)
    expect(Number(c.lookup('claude-3-haiku-20240307')!.prices.standard!.base.cacheWrite1h) / 1e12).toBe(0.5);
    expect(c.lookup('gpt-5-nano')!.tiers).not.toContain('priority');
    // LiteLLM's W&B rows are 100,000x too high (W&B lists Llama 3.3 70B at $0.71/$0.71, gpt-oss-20b $0.05/$0.20)
    expect(io('wandb/meta-llama/Llama-3.3-70B-Instruct')).toEqual([0.71, 0.71]);
    expect(io('wandb/openai/gpt-oss-20b')).toEqual([0.05, 0.2]);
    expect(c.lookup('azure_ai/jais-30b-chat')).toBeUndefined(); // a per-1K price: left out, not priced 1,000x high
    // no bundled price is a unit error
    for (const k of c.names()) {
      const s = c.lookup(k)!.prices.standard!.base;
      expect(Number(s.input) / 1e12, k).toBeLessThanOrEqual(1000);
      expect(Number(s.output) / 1e12, k).toBeLessThanOrEqual(1000);
    }
    // audio tokens of an audio model are priced (LiteLLM: gpt-4o-mini-audio-preview audio $10/$20 per 1M)
    const audio = c.lookup('gpt-4o-mini-audio-preview')!.prices.standard!.base;
    expect([audio.audioInput, audio.audioOutput].map((x) => Number(x) / 1e12)).toEqual([10, 20]);
  });
});
