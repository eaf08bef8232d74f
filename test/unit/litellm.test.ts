// LiteLLM import/check. The fixture test/fixtures/pricing/litellm-sample.json copies real entries
// field for field from BerriAI/litellm model_prices_and_context_window.json (claude-sonnet-4-20250514,
// gpt-5-mini, gpt-5-nano, databricks/databricks-claude-sonnet-4-5 as stored at commit 00035b69);
// gpt-4o and gemini/gemini-2.5-pro are written with the same field names (batches/priority/above_200k).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkAgainstLiteLLM,
  findEntry,
  importFromLiteLLM,
  type LiteLLMFile,
  perTokenToPerM,
  theirFields,
} from '../../src/pricing/litellm.js';
import { parsePricingText } from '../../src/pricing/load.js';

const FILE = JSON.parse(readFileSync('test/fixtures/pricing/litellm-sample.json', 'utf8')) as LiteLLMFile;

describe('per-token float -> USD per 1M, exact', () => {
  it('uses the shortest decimal form, never float multiplication', () => {
    // why multiplication is banned: 4.5e-7 * 1e6 = 0.44999999999999996, 2.5e-8 * 1e6 = 0.024999999999999998
    expect(4.5e-7 * 1e6).not.toBe(0.45);
    expect(perTokenToPerM(4.5e-7)!.value).toBe('0.45');
    expect(perTokenToPerM(2.5e-8)!.value).toBe('0.025');
    expect(perTokenToPerM(6.05e-8)!.value).toBe('0.0605'); // float product: 0.060500000000000005
    expect(perTokenToPerM(3e-6)).toEqual({ value: '3.00', rounded: false });
    expect(perTokenToPerM(2.25e-5)!.value).toBe('22.50');
    expect(perTokenToPerM(1.25e-8)!.value).toBe('0.0125'); // "1.25e-8": 1.25e-8 * 1e6
    expect(perTokenToPerM(5e-9)!.value).toBe('0.005');
    expect(perTokenToPerM(1.875e-5)!.value).toBe('18.75');
    expect(perTokenToPerM(0)!.value).toBe('0.00');
    expect(perTokenToPerM(0.0032)!.value).toBe('3200.00');
    expect(perTokenToPerM(-1)).toBeNull();
  });
  it('rounds half-up to 12 decimals when a float carries more (flagged)', () => {
    // 2.9999900000000002e-06 per token = 2.9999900000000002 per 1M -> 2.999990000000 (13th digit 0)
    expect(perTokenToPerM(2.9999900000000002e-6)).toEqual({ value: '2.99999', rounded: true });
    // 1.5000020000000002e-05 -> 15.0000200000000002 -> 15.00002
    expect(perTokenToPerM(1.5000020000000002e-5)).toEqual({ value: '15.00002', rounded: true });
  });
});

describe('LiteLLM fields', () => {
  it('finds entries by key or provider prefix', () => {
    expect(findEntry(FILE, 'gemini-2.5-pro')?.key).toBe('gemini/gemini-2.5-pro');
    expect(findEntry(FILE, 'sample_spec')).toBeUndefined();
  });
  it('maps cache, 1h write, the >200K band and tiers to our field names', () => {
    expect(theirFields(FILE['claude-sonnet-4-20250514']!)).toEqual({
      input: '3.00',
      output: '15.00',
      'cache.read': '0.30',
      'cache.write_5m': '3.75',
      'cache.write_1h': '6.00',
      'long_context.threshold': '200000',
      'long_context.input': '6.00',
      'long_context.output': '22.50',
      'long_context.cache.read': '0.60',
      'long_context.cache.write_5m': '7.50',
      context_window: '1000000',
      'cache.min_tokens': '1024',
    });
    expect(theirFields(FILE['gpt-4o']!)).toMatchObject({
      'batch.input': '1.25',
      'batch.output': '5.00',
      'priority.cache.read': '2.125',
    });
  });
});

describe('import', () => {
  const picked = ['claude-sonnet-4-20250514', 'gpt-4o', 'gpt-5-nano', 'gemini-2.5-pro'].map((k) => ({
    name: k.replace(/-20250514$/, ''),
    ...findEntry(FILE, k)!,
  }));
  const r = importFromLiteLLM(FILE, picked, '2026-12-01', 'litellm-sample.json');
  it('produces a table that passes validation, with the prices in the file', () => {
    const t = parsePricingText(r.yaml, '2026-12-01.yaml');
    expect(t.errors).toEqual([]);
    const b = t.book!;
    expect(b.version).toBe('2026-12-01');
    const s4 = b.resolve('claude-sonnet-4');
    expect(s4.cache).toMatchObject({ style: 'explicit', minTokens: 1024, has1h: true });
    expect(s4.longContextThreshold).toBe(200000);
    expect(b.price(s4, 'standard', 'long', 'cacheWrite5m')).toBe(7_500_000_000_000n); // $7.50 in pico-USD per 1M
    expect(b.price(b.resolve('gpt-4o'), 'batch', 'base', 'output')).toBe(5_000_000_000_000n);
    expect(b.resolve('gpt-4o').cache).toMatchObject({ style: 'automatic', increment: 128 });
  });
  it('says what LiteLLM does not: a partial tier is dropped, defaults are named', () => {
    expect(r.warnings).toContain('gpt-5-nano: LiteLLM gives only the input price of the priority tier; tier omitted');
    expect(r.warnings.some((w) => w.startsWith('gpt-4o: no prompt_cache_min_tokens'))).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('claude-sonnet-4: LiteLLM lists no batch prices'))).toBe(true);
  });
  it('warns of missing batch prices for every provider, not only Anthropic', () => {
    expect(r.warnings.some((w) => w.startsWith('gpt-5-nano: LiteLLM lists no batch prices'))).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('gemini-2.5-pro: LiteLLM lists no batch prices'))).toBe(true);
    expect(r.warnings.some((w) => w.startsWith('gpt-4o: LiteLLM lists no batch prices'))).toBe(false); // it has them
  });
  it('does not read every cache-write field as Anthropic-style caching', () => {
    const M = 1e-6;
    const file: LiteLLMFile = {
      // DeepSeek lists a write price of 0: a miss is plain input, no premium
      'deepseek/deepseek-chat': {
        litellm_provider: 'deepseek',
        mode: 'chat',
        input_cost_per_token: 0.28 * M,
        output_cost_per_token: 0.42 * M,
        cache_read_input_token_cost: 0.028 * M,
        cache_creation_input_token_cost: 0,
      },
      // OpenAI GPT-5.6+: an automatic cache that bills writes at 1.25x input
      'gpt-5.6-luna': {
        litellm_provider: 'openai',
        mode: 'responses',
        input_cost_per_token: 0.2 * M,
        output_cost_per_token: 1.2 * M,
        cache_read_input_token_cost: 0.02 * M,
        cache_creation_input_token_cost: 0.25 * M,
      },
    };
    const imp = importFromLiteLLM(
      file,
      Object.keys(file).map((k) => ({ name: k.replace(/^deepseek\//, ''), ...findEntry(file, k)! })),
      '2026-12-01',
      'x.json',
    );
    const b = parsePricingText(imp.yaml, '2026-12-01.yaml').book!;
    const ds = b.resolve('deepseek-chat');
    expect(ds.cache?.style).toBe('automatic');
    expect(b.price(ds, 'standard', 'base', 'cacheWrite5m')).toBe(280_000_000_000n); // plain input
    const luna = b.resolve('gpt-5.6-luna');
    expect(luna.cache?.style).toBe('automatic');
    expect(b.price(luna, 'standard', 'base', 'cacheWrite5m')).toBe(250_000_000_000n); // its write price
    expect(imp.yaml).toContain('      write: "0.25"');
    expect(
      imp.warnings.some((w) => w.includes("deepseek-chat: LiteLLM's cache write price (0.00) is not above input")),
    ).toBe(true);
  });
});

describe('import: a band at the stated window (Claude Sonnet 4.5)', () => {
  // copied field for field from LiteLLM's claude-sonnet-4-5 entry (vendor/litellm, 2026-08-01): the
  // >200K prices of the 1M beta window beside max_input_tokens 200000, the default window
  const file: LiteLLMFile = {
    'claude-sonnet-4-5': {
      litellm_provider: 'anthropic',
      mode: 'chat',
      input_cost_per_token: 3e-6,
      output_cost_per_token: 1.5e-5,
      cache_read_input_token_cost: 3e-7,
      cache_creation_input_token_cost: 3.75e-6,
      cache_creation_input_token_cost_above_1hr: 6e-6,
      input_cost_per_token_above_200k_tokens: 6e-6,
      output_cost_per_token_above_200k_tokens: 2.25e-5,
      cache_read_input_token_cost_above_200k_tokens: 6e-7,
      cache_creation_input_token_cost_above_200k_tokens: 7.5e-6,
      cache_creation_input_token_cost_above_1hr_above_200k_tokens: 1.2e-5,
      max_input_tokens: 200000,
      prompt_cache_min_tokens: 1024,
    },
  };
  const imp = importFromLiteLLM(
    file,
    [{ name: 'claude-sonnet-4-5', ...findEntry(file, 'claude-sonnet-4-5')! }],
    '2026-12-01',
    'x.json',
  );
  it('imports the band and leaves the window out, saying why, instead of refusing the model', () => {
    const t = parsePricingText(imp.yaml, '2026-12-01.yaml');
    expect(t.errors).toEqual([]);
    const m = t.book!.resolve('claude-sonnet-4-5');
    expect(m.contextWindow).toBeUndefined();
    expect(m.longContextThreshold).toBe(200000);
    expect(
      imp.warnings.some((w) =>
        w.startsWith("claude-sonnet-4-5: LiteLLM's max_input_tokens (200000) is not above its long-context threshold"),
      ),
    ).toBe(true);
  });
  it('prices the 1h cache write above the threshold from its own field', () => {
    const b = parsePricingText(imp.yaml, '2026-12-01.yaml').book!;
    const m = b.resolve('claude-sonnet-4-5');
    // 1.2e-5 USD per token = $12.00 per 1M (2x the $6.00 base 1h write)
    expect(b.price(m, 'standard', 'long', 'cacheWrite1h')).toBe(12_000_000_000_000n);
    expect(b.price(m, 'standard', 'base', 'cacheWrite1h')).toBe(6_000_000_000_000n);
  });
});

describe('split classes (audio, reasoning, image)', () => {
  const M = 1e-6;
  const file: LiteLLMFile = {
    'gpt-4o-audio-preview': {
      litellm_provider: 'openai',
      mode: 'chat',
      input_cost_per_token: 2.5 * M,
      output_cost_per_token: 10 * M,
      input_cost_per_audio_token: 40 * M,
      output_cost_per_audio_token: 80 * M,
    },
    'qwen-plus': {
      litellm_provider: 'dashscope',
      mode: 'chat',
      input_cost_per_token: 0.4 * M,
      output_cost_per_token: 1.2 * M,
      output_cost_per_reasoning_token: 4 * M,
    },
    'gemini-x': {
      litellm_provider: 'gemini',
      mode: 'chat',
      input_cost_per_token: 0.3 * M,
      output_cost_per_token: 2.5 * M,
      output_cost_per_reasoning_token: 2.5 * M, // the output price: the same bill either way
    },
  };
  it('imports audio prices, and a reasoning price only where it differs from output', () => {
    const imp = importFromLiteLLM(
      file,
      Object.keys(file).map((k) => ({ name: k, ...findEntry(file, k)! })),
      '2026-12-01',
      'x.json',
    );
    const b = parsePricingText(imp.yaml, '2026-12-01.yaml').book!;
    const audio = b.resolve('gpt-4o-audio-preview');
    expect(b.price(audio, 'standard', 'base', 'audioInput')).toBe(40_000_000_000_000n);
    expect(b.price(audio, 'standard', 'base', 'audioOutput')).toBe(80_000_000_000_000n);
    expect(b.price(b.resolve('qwen-plus'), 'standard', 'base', 'reasoning')).toBe(4_000_000_000_000n);
    expect(imp.yaml).toContain('    reasoning: "4.00"');
    expect(imp.yaml.match(/reasoning:/g)).toHaveLength(1); // not gemini-x's, which equals its output
  });
  it('skips an entry priced at the wrong unit (W&B: per-1M / 10 in the per-token field)', () => {
    const bad: LiteLLMFile = {
      'wandb/openai/gpt-oss-20b': {
        litellm_provider: 'wandb',
        mode: 'chat',
        input_cost_per_token: 0.005,
        output_cost_per_token: 0.02,
      },
    };
    const imp = importFromLiteLLM(
      bad,
      [{ name: 'gpt-oss-20b', ...findEntry(bad, 'wandb/openai/gpt-oss-20b')! }],
      '2026-12-01',
      'x.json',
    );
    expect(imp.yaml).not.toContain('gpt-oss-20b:');
    expect(imp.warnings).toEqual([expect.stringContaining('input is $5000.00 per 1M tokens, above $1000')]);
  });
  it('check compares them; a class ours bills at the output price compares as that price', () => {
    const table = `version: "2099-01-01"\neffective: "2099-01-01"\ncurrency: USD\nmodels:
  gpt-4o-audio-preview: { provider: openai, source: "https://example.com", checked: "2099-01-01", input: "2.50", output: "10.00", audio_input: "40.00" }
  qwen-plus: { provider: dashscope, source: "https://example.com", checked: "2099-01-01", input: "0.40", output: "1.20" }
  gemini-x: { provider: google, source: "https://example.com", checked: "2099-01-01", input: "0.30", output: "1.25" }
`;
    const r = checkAgainstLiteLLM(parsePricingText(table, 't.yaml').book!, file, 'x.json');
    const row = (model: string, field: string) => r.disagreements.find((d) => d.model === model && d.field === field);
    expect(row('gpt-4o-audio-preview', 'audio_input')).toBeUndefined(); // 40 both
    expect(row('gpt-4o-audio-preview', 'audio_output')).toMatchObject({
      ours: null,
      theirs: '80.00',
      kind: 'only-theirs',
    });
    // we bill qwen's reasoning at its output price, $1.20; LiteLLM says $4.00
    expect(row('qwen-plus', 'reasoning')).toMatchObject({ ours: '1.20', theirs: '4.00', kind: 'differs' });
    // gemini-x: LiteLLM's reasoning is its output price; the output row says the difference once
    expect(row('gemini-x', 'output')).toMatchObject({ ours: '1.25', theirs: '2.50' });
    expect(row('gemini-x', 'reasoning')).toBeUndefined();
    expect(r.failing).toBe(2);
  });
});

describe('check', () => {
  it('lists every disagreement with ours and theirs', () => {
    const table = `version: "2099-01-01"\neffective: "2099-01-01"\ncurrency: USD\nmodels:
  gpt-4o:
    provider: openai
    source: https://example.com
    checked: "2099-01-01"
    input: "2.50"
    output: "12.00"
    context_window: 128000
    cache: { style: automatic, read: "1.25", min_tokens: 1024, increment: 128 }
    batch: { discount: "0.5" }
  claude-sonnet-4:
    provider: anthropic
    source: https://example.com
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
    context_window: 200000
    aliases: [claude-sonnet-4-20250514]
    cache: { style: explicit, read: "0.30", write_5m: "3.75", write_1h: "6.00", min_tokens: 1024 }
  not-there:
    provider: x
    source: https://example.com
    checked: "2099-01-01"
    input: "1"
    output: "1"
`;
    const book = parsePricingText(table, 't.yaml').book!;
    const r = checkAgainstLiteLLM(book, FILE, 'litellm-sample.json');
    expect(r.notFound).toEqual(['not-there']);
    expect(r.compared).toBe(2);
    const row = (model: string, field: string) => r.disagreements.find((d) => d.model === model && d.field === field);
    expect(row('gpt-4o', 'output')).toMatchObject({ ours: '12.00', theirs: '10.00', kind: 'differs' });
    // batch discount 0.5 of our $12 output = $6.00 vs LiteLLM's output_cost_per_token_batches $5.00
    expect(row('gpt-4o', 'batch.output')).toMatchObject({ ours: '6.00', theirs: '5.00', kind: 'differs' });
    expect(row('gpt-4o', 'batch.input')).toBeUndefined(); // 1.25 both
    expect(row('gpt-4o', 'priority.input')).toMatchObject({ ours: null, theirs: '4.25', kind: 'only-theirs' });
    // found through the alias; the whole >200K band is missing from ours
    expect(row('claude-sonnet-4', 'long_context.input')).toMatchObject({
      key: 'claude-sonnet-4-20250514',
      ours: null,
      theirs: '6.00',
    });
    expect(row('claude-sonnet-4', 'context_window')).toMatchObject({
      ours: '200000',
      theirs: '1000000',
      kind: 'differs',
    });
    expect(row('claude-sonnet-4', 'input')).toBeUndefined();
  });
});
