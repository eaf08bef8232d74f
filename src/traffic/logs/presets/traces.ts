// Presets for public serving traces (no billing fields): the canonical columns, Mooncake, Azure, BurstGPT.
import type { PrefixBlock } from '../../../engine/request.js';
import { CANONICAL_COLUMNS, type Column, lookup } from '../columns.js';
import type { Preset } from '../preset.js';
import { hash53 } from '../../../shared/hash.js';

const identity = Object.fromEntries(CANONICAL_COLUMNS.map((c) => [c, [c]])) as Record<Column, string[]>;

/** Mooncake: one id per 512-token block of the prompt; equal ids = the same prefix so far. */
export const MOONCAKE_BLOCK_TOKENS = 512;

// Prefix keys chain hash53 (shared/hash.ts): key_i = h(key_{i-1} + "/" + id_i), so key i stands
// for blocks 1..i (a cumulative key), never for block i alone.

export function mooncakeBlocks(hashIds: unknown, inputTokens: number): PrefixBlock[] | string {
  if (hashIds === undefined || hashIds === null) return [];
  if (!Array.isArray(hashIds)) return 'hash_ids is not a list';
  const n = hashIds.length;
  const blocks: PrefixBlock[] = [];
  let key = 'mc';
  for (let i = 0; i < n; i++) {
    const id = hashIds[i];
    if (typeof id !== 'number' && typeof id !== 'string') return `hash_ids[${i}] is not an id`;
    key = `mc:${hash53(`${key}/${id}`)}`;
    // Blocks 1..n-1 hold 512 tokens; the last holds the rest (input - 512*(n-1)), never below 0.
    const left = inputTokens - MOONCAKE_BLOCK_TOKENS * i;
    const tokens = i < n - 1 ? Math.max(0, Math.min(MOONCAKE_BLOCK_TOKENS, left)) : Math.max(0, left);
    blocks.push({ key, tokens, kind: 'block' });
  }
  return blocks;
}

/** BurstGPT's service names -> API models (a Map: a model column reading 'constructor' is a name, not Object's) */
const BURSTGPT_MODELS = new Map([
  ['chatgpt', 'gpt-3.5-turbo'],
  ['gpt-4', 'gpt-4-turbo'],
]);

export const TRACE_PRESETS: Preset[] = [
  {
    name: 'canonical',
    summary: 'the canonical columns of docs/logs.md (the default); input_tokens includes cached tokens',
    columns: identity,
    cacheTokens: 'inside',
    detect: [['timestamp', 'input_tokens', 'output_tokens']],
  },
  {
    name: 'mooncake',
    summary:
      'Mooncake FAST25 traces (kvcache-ai/Mooncake): timestamp ms from trace start, input_length, output_length, hash_ids per 512-token block',
    columns: {
      timestamp: ['timestamp'],
      input_tokens: ['input_length'],
      output_tokens: ['output_length'],
      model: ['model'],
    },
    cacheTokens: 'inside',
    detect: [['timestamp', 'input_length', 'output_length']],
    timestampUnit: 'ms',
    relativeTime: true,
    needsModel: true,
    prefix: (f, inputTokens) => mooncakeBlocks(lookup(f, 'hash_ids'), inputTokens),
  },
  {
    name: 'azure',
    summary:
      'Azure LLM inference traces 2023/2024 (Azure/AzurePublicDataset): TIMESTAMP, ContextTokens, GeneratedTokens',
    columns: {
      timestamp: ['TIMESTAMP'],
      input_tokens: ['ContextTokens'],
      output_tokens: ['GeneratedTokens'],
      model: ['model'],
    },
    cacheTokens: 'inside',
    detect: [['TIMESTAMP', 'ContextTokens', 'GeneratedTokens']],
    needsModel: true,
  },
  {
    name: 'burstgpt',
    summary:
      'BurstGPT (HPMLL/BurstGPT): Timestamp (s from trace start), Model, Request tokens, Response tokens, Log Type; Response tokens 0 = failed',
    columns: {
      timestamp: ['Timestamp'],
      model: ['Model'],
      input_tokens: ['Request tokens'],
      output_tokens: ['Response tokens'],
      conversation_id: ['Session ID'],
    },
    tags: { feature: ['Log Type'] },
    cacheTokens: 'inside',
    detect: [['Timestamp', 'Model', 'Request tokens', 'Response tokens']],
    timestampUnit: 's',
    relativeTime: true,
    // The trace names the service, not the API model: ChatGPT = gpt-3.5-turbo, GPT-4 = gpt-4-turbo (approximation).
    model: (m) => BURSTGPT_MODELS.get(m.trim().toLowerCase()) ?? m,
    // No status column: the README says failed requests have Response tokens = 0.
    finish: (r) => {
      if (r.outputTokens === 0) r.status = 'error';
    },
  },
];
