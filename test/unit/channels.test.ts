// Provider channel ids -> the curated model and the channel's price, hand-computed from the
// bundled 2026-11-18 table: Claude Sonnet 4.5 is $3.00 input; Bedrock/Vertex regional endpoints
// add 10% for Sonnet 4.5 and later (Anthropic's Bedrock and Vertex docs), none for older models;
// Azure Data Zone adds 10% over Global (= OpenAI's price).
import { describe, expect, it } from 'vitest';
import { channelReadings, deploymentTarget } from '../../src/pricing/channels.js';
import { loadPricingFile } from '../../src/pricing/load.js';
import { describeChannel, type ModelInfo } from '../../src/pricing/pricebook.js';

const book = loadPricingFile('pricing/2026-11-18.yaml').book;
const oct25 = loadPricingFile('pricing/2025-10-01.yaml').book;
/** standard input price of a resolved id, USD per 1M tokens */
const input = (m: ModelInfo | undefined): number => Number(m!.prices.standard!.base.input!) / 1e12;

describe('channel ids', () => {
  it('reads Bedrock, Vertex AI and Azure ids into a model and an endpoint', () => {
    const r = (id: string) => channelReadings(id)[0];
    expect(r('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual({
      model: 'claude-sonnet-4-5-20250929',
      channel: { name: 'bedrock', endpoint: 'regional' },
    });
    expect(r('global.anthropic.claude-opus-4-7')).toEqual({
      model: 'claude-opus-4-7',
      channel: { name: 'bedrock', endpoint: 'global' },
    });
    expect(r('anthropic.claude-3-5-sonnet-20240620-v1:0')?.channel).toEqual({ name: 'bedrock', endpoint: 'in-region' });
    expect(r('bedrock/converse/eu.anthropic.claude-haiku-4-5-20251001-v1:0')?.channel?.endpoint).toBe('regional');
    expect(r('bedrock/us-east-1/anthropic.claude-sonnet-4-5-20250929-v1:0')?.model).toBe('claude-sonnet-4-5-20250929');
    expect(r('arn:aws:bedrock:us-east-1:123456789012:inference-profile/apac.anthropic.claude-opus-4-6-v1')).toEqual({
      model: 'claude-opus-4-6',
      channel: { name: 'bedrock', endpoint: 'regional' },
    });
    expect(r('vertex_ai/claude-sonnet-4-5@20250929')).toEqual({
      model: 'claude-sonnet-4-5',
      channel: { name: 'vertex', endpoint: 'global' },
    });
    expect(r('vertex_ai/us-east5/claude-sonnet-4-5@20250929')?.channel?.endpoint).toBe('regional');
    // Vertex AI resource names, as its request-response logs and batch jobs write them
    expect(r('publishers/google/models/gemini-2.5-flash')).toEqual({
      model: 'gemini-2.5-flash',
      channel: { name: 'vertex', endpoint: 'global' },
    });
    expect(r('projects/p-1/locations/us-east5/publishers/anthropic/models/claude-sonnet-4-5@20250929')).toEqual({
      model: 'claude-sonnet-4-5',
      channel: { name: 'vertex', endpoint: 'regional' },
    });
    expect(r('projects/p-1/locations/global/publishers/google/models/gemini-2.5-pro')?.channel?.endpoint).toBe(
      'global',
    );
    expect(r('claude-3-7-sonnet@20250219')).toEqual({
      model: 'claude-3-7-sonnet',
      channel: { name: 'vertex', endpoint: 'global' },
    });
    expect(r('azure/gpt-4o')).toEqual({ model: 'gpt-4o', channel: { name: 'azure', endpoint: 'global' } });
    expect(r('azure/eu/gpt-5.4')?.channel?.endpoint).toBe('data-zone');
    expect(r('openai/gpt-4o')).toEqual({ model: 'gpt-4o' });
    expect(r('meta.llama3-3-70b-instruct-v1:0')?.model).toBe('llama3-3-70b-instruct');
    // OpenRouter (LiteLLM's openrouter/ ids; the openrouter preset reads its records' models so):
    // the vendor's own model, Claude's dotted versions dashed, then the catalog entry without the variant
    expect(channelReadings('openrouter/anthropic/claude-sonnet-4.5:thinking')).toEqual([
      { model: 'claude-sonnet-4.5' },
      { model: 'claude-sonnet-4-5' },
      { model: 'openrouter/anthropic/claude-sonnet-4.5' },
    ]);
    expect(channelReadings('openrouter/openai/gpt-4o')).toEqual([{ model: 'gpt-4o' }]);
    expect(channelReadings('openrouter/meta-llama/llama-3-70b-instruct:nitro')).toEqual([
      { model: 'openrouter/meta-llama/llama-3-70b-instruct' },
    ]);
    // a free model is not its paid one at another price
    expect(channelReadings('openrouter/meta-llama/llama-3.3-70b-instruct:free')).toEqual([]);
    expect(book.tryResolve('anthropic/claude-sonnet-4.5')?.id).toBe('claude-sonnet-4-5');
    expect(book.tryResolve('openrouter/google/gemini-2.5-pro')?.id).toBe('gemini-2.5-pro');
    // GovCloud has its own prices: not read as a commercial channel (the catalog prices it)
    expect(channelReadings('us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0')).toEqual([]);
  });

  it('prices a Claude 4.5+ model 10% higher on regional endpoints, at list price on global ones', () => {
    expect(input(book.tryResolve('claude-sonnet-4-5'))).toBe(3);
    expect(input(book.tryResolve('us.anthropic.claude-sonnet-4-5-20250929-v1:0'))).toBe(3.3);
    expect(input(book.tryResolve('global.anthropic.claude-sonnet-4-5-20250929-v1:0'))).toBe(3);
    expect(input(book.tryResolve('anthropic.claude-sonnet-4-5-20250929-v1:0'))).toBe(3); // in-region, as LiteLLM
    expect(input(book.tryResolve('vertex_ai/claude-sonnet-4-5@20250929'))).toBe(3); // Vertex: global unless told
    expect(input(book.tryResolve('vertex_ai/europe-west1/claude-sonnet-4-5@20250929'))).toBe(3.3);
    // every class scales: output 15 -> 16.50, 5m write 3.75 -> 4.125, read 0.30 -> 0.33
    const m = book.tryResolve('eu.anthropic.claude-sonnet-4-5-20250929-v1:0')!;
    expect(m.prices.standard!.base.output).toBe(16_500_000_000_000n);
    expect(m.prices.standard!.base.cacheWrite5m).toBe(4_125_000_000_000n);
    expect(m.prices.batch!.base.cacheRead).toBe(165_000_000_000n);
    expect(describeChannel(m.channel!)).toBe('bedrock regional +10%');
    expect(m.id).toBe('claude-sonnet-4-5');
  });

  it('gives older Claude models no uplift (their pricing structure predates the rule)', () => {
    expect(input(book.tryResolve('us.anthropic.claude-opus-4-1-20250805-v1:0'))).toBe(15);
    expect(input(oct25.tryResolve('us.anthropic.claude-3-5-sonnet-20241022-v2:0'))).toBe(3);
    expect(oct25.tryResolve('vertex_ai/claude-3-5-sonnet-v2@20241022')?.id).toBe('claude-3-5-sonnet');
  });

  it('prices Azure Global at OpenAI list price and Data Zone / Regional 10% above', () => {
    expect(input(book.tryResolve('azure/gpt-4.1'))).toBe(2);
    expect(input(book.tryResolve('azure/eu/gpt-4.1'))).toBe(2.2);
    expect(input(book.tryResolve('azure/regional/gpt-4o'))).toBe(2.75);
    expect(describeChannel(book.tryResolve('azure/us/gpt-5.4')!.channel!)).toBe('azure data-zone +10%');
  });

  it('maps a deployment to a channel id: a plain model becomes an Azure deployment of it', () => {
    expect(deploymentTarget('gpt-4.1')).toBe('azure/gpt-4.1');
    expect(deploymentTarget('azure/eu/gpt-4.1')).toBe('azure/eu/gpt-4.1');
    expect(deploymentTarget('us.anthropic.claude-sonnet-4-5-20250929-v1:0')).toBe(
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
    );
  });
});
