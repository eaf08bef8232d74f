// Presets map a real export format onto the canonical columns. A preset is mostly data: for each
// canonical column, the source fields to try in order (dot paths reach into nested JSON), plus a
// few small hooks. Field names were checked against each format's docs/code; see docs/logs.md.
import type { Tier } from '../../pricing/pricebook.js';
import type { PrefixBlock, SimRequest } from '../../engine/request.js';
import { suggestionHint, userError } from '../../diagnostics.js';
import { CANONICAL_COLUMNS, type Column, type Fields, lookup } from './columns.js';

export type TimestampUnit = 'auto' | 's' | 'ms';

export interface Preset {
  name: string;
  summary: string;
  /** canonical column -> source fields, first present wins */
  columns: Partial<Record<Column, string[]>>;
  /** extra tags: tag name -> source fields */
  tags?: Record<string, string[]>;
  /**
   * Where the format reports cache tokens. 'inside' (OpenAI, LiteLLM, OTel): input_tokens already
   * counts cached tokens. 'beside' (Anthropic usage, Langfuse usageDetails): input_tokens is only
   * the uncached part, so inputTokens = input + cache read + cache write.
   */
  cacheTokens: 'inside' | 'beside';
  /** numeric timestamps: 'auto' decides by magnitude (see parseTimestamp) */
  timestampUnit?: TimestampUnit;
  /** service tier when the log has no service_tier column */
  serviceTier?: Tier;
  /** the format has no model column: --model is required */
  needsModel?: boolean;
  /** reshape a raw record before lookups (e.g. OTLP attribute arrays -> object) */
  prepare?(f: Fields): Fields;
  /** a reason to reject the record before anything else (e.g. a batch line that failed) */
  skip?(f: Fields): string | undefined;
  /** map a format's own status values; undefined = use the generic status parser */
  status?(v: unknown): 'ok' | 'error' | undefined;
  /** rename models the format spells its own way */
  model?(name: string): string;
  /** last touch on the built request (e.g. BurstGPT: 0 output tokens = a failed call) */
  finish?(r: SimRequest): void;
  /** prefix blocks from the record (Mooncake hash_ids); a string is a reject reason */
  prefix?(f: Fields, inputTokens: number): PrefixBlock[] | string;
}

const identity = Object.fromEntries(CANONICAL_COLUMNS.map((c) => [c, [c]])) as Record<Column, string[]>;

/** Mooncake: one id per 512-token block of the prompt; equal ids = the same prefix so far. */
export const MOONCAKE_BLOCK_TOKENS = 512;

/**
 * A 53-bit string hash (cyrb53). Prefix keys chain it: key_i = h(key_{i-1} + "/" + id_i), so key i
 * stands for blocks 1..i (the DESIGN's cumulative key), never for block i alone.
 */
export function hash53(s: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

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

/** OTLP JSON keeps attributes as [{key, value: {stringValue|intValue|doubleValue|boolValue}}]. */
function otlpAttributes(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  const out: Record<string, unknown> = {};
  for (const a of v) {
    if (a && typeof a === 'object' && typeof (a as { key?: unknown }).key === 'string') {
      const val = (a as { value?: Record<string, unknown> }).value ?? {};
      out[(a as { key: string }).key] = val.stringValue ?? val.intValue ?? val.doubleValue ?? val.boolValue;
    }
  }
  return out;
}

const attr = (names: string[]): string[] => names.flatMap((n) => [`attributes.${n}`, n]);

export const PRESETS: Preset[] = [
  {
    name: 'canonical',
    summary: 'the canonical columns of DESIGN.md (the default); input_tokens includes cached tokens',
    columns: identity,
    cacheTokens: 'inside',
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
    timestampUnit: 'ms',
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
    timestampUnit: 's',
    // The trace names the service, not the API model: ChatGPT = gpt-3.5-turbo, GPT-4 = gpt-4-turbo (approximation).
    model: (m) =>
      (({ chatgpt: 'gpt-3.5-turbo', 'gpt-4': 'gpt-4-turbo' }) as Record<string, string>)[m.trim().toLowerCase()] ?? m,
    // No status column: the README says failed requests have Response tokens = 0.
    finish: (r) => {
      if (r.outputTokens === 0) r.status = 'error';
    },
  },
  {
    name: 'litellm',
    summary:
      'LiteLLM proxy spend logs (LiteLLM_SpendLogs / /spend/logs): request_id, startTime, model, prompt_tokens, completion_tokens, spend, metadata',
    columns: {
      request_id: ['request_id'],
      timestamp: ['startTime', 'start_time'],
      model: ['model'],
      input_tokens: ['prompt_tokens'],
      output_tokens: ['completion_tokens'],
      cached_input_tokens: [
        'metadata.usage_object.prompt_tokens_details.cached_tokens',
        'metadata.usage_object.cache_read_input_tokens',
        'cache_read_input_tokens',
      ],
      cache_write_tokens: ['metadata.usage_object.cache_creation_input_tokens', 'cache_creation_input_tokens'],
      cost_usd: ['spend'],
      tenant: ['team_id', 'metadata.user_api_key_team_id'],
      route: ['model_group'],
      conversation_id: ['session_id'],
      status: ['status'],
      retry_of: ['metadata.retry_of'],
      prompt: ['messages'],
      completion: ['response'],
    },
    tags: {
      user: ['user', 'end_user', 'metadata.user_api_key_user_id'],
      api_key_alias: ['metadata.user_api_key_alias'],
    },
    // LiteLLM reports usage OpenAI-style: prompt_tokens includes cache reads and writes.
    cacheTokens: 'inside',
    skip: (f) => {
      const hit = lookup(f, 'cache_hit');
      return hit === true || String(hit).toLowerCase() === 'true'
        ? 'LiteLLM response-cache hit (not sent to a provider)'
        : undefined;
    },
  },
  {
    name: 'langfuse',
    summary:
      'Langfuse observations/generations export: startTime, model, usageDetails (input, output, input_cached_tokens, ...), costDetails.total / calculatedTotalCost',
    columns: {
      request_id: ['id'],
      timestamp: ['startTime', 'start_time'],
      model: ['model', 'providedModelName'],
      input_tokens: ['usageDetails.input', 'usage.input', 'promptTokens'],
      output_tokens: ['usageDetails.output', 'usage.output', 'completionTokens'],
      cached_input_tokens: [
        'usageDetails.input_cached_tokens',
        'usageDetails.cache_read_input_tokens',
        'usageDetails.input_cache_read',
      ],
      cache_write_tokens: [
        'usageDetails.input_cache_creation',
        'usageDetails.cache_creation_input_tokens',
        'usageDetails.input_cache_write',
      ],
      cost_usd: ['costDetails.total', 'calculatedTotalCost', 'totalCost'],
      conversation_id: ['sessionId', 'traceId'],
      prompt_version: ['promptVersion'],
      feature: ['name'],
      tenant: ['userId', 'metadata.tenant'],
      status: ['level'],
      prompt: ['input'],
      completion: ['output'],
    },
    tags: { prompt_name: ['promptName'], environment: ['environment'] },
    // Langfuse subtracts cached tokens from usageDetails.input and keeps them as their own keys.
    cacheTokens: 'beside',
    status: (v) => (typeof v === 'string' ? (v.toUpperCase() === 'ERROR' ? 'error' : 'ok') : undefined),
  },
  {
    name: 'helicone',
    summary:
      'Helicone request export (request_response_rmt / @helicone/export): request_created_at, model, prompt_tokens, completion_tokens, prompt_cache_read_tokens, costUSD',
    columns: {
      request_id: ['request_id', 'id'],
      timestamp: ['request_created_at', 'created_at'],
      model: ['model', 'response_model', 'request_model'],
      input_tokens: ['prompt_tokens'],
      output_tokens: ['completion_tokens'],
      cached_input_tokens: ['prompt_cache_read_tokens'],
      cache_write_tokens: ['prompt_cache_write_tokens'],
      // Helicone's ClickHouse `cost` column is USD x 1e9; only USD-named fields are read.
      cost_usd: ['costUSD', 'cost_usd'],
      status: ['status', 'response_status'],
      tenant: ['user_id', 'request_user_id'],
      prompt_version: ['prompt_version'],
      feature: ['properties.feature', 'request_properties.feature', 'properties.Helicone-Property-Feature'],
      conversation_id: ['properties.Helicone-Session-Id', 'request_properties.Helicone-Session-Id'],
    },
    cacheTokens: 'inside',
  },
  {
    name: 'openai-batch',
    summary:
      'OpenAI Batch API output JSONL: custom_id, response.body.model, response.body.usage.{prompt_tokens, completion_tokens, prompt_tokens_details.cached_tokens}; batch tier',
    columns: {
      request_id: ['custom_id'],
      timestamp: ['response.body.created', 'response.body.created_at'],
      model: ['response.body.model'],
      input_tokens: ['response.body.usage.prompt_tokens', 'response.body.usage.input_tokens'],
      output_tokens: ['response.body.usage.completion_tokens', 'response.body.usage.output_tokens'],
      cached_input_tokens: [
        'response.body.usage.prompt_tokens_details.cached_tokens',
        'response.body.usage.input_tokens_details.cached_tokens',
      ],
      status: ['response.status_code'],
    },
    cacheTokens: 'inside',
    serviceTier: 'batch',
    skip: (f) => {
      const err = lookup(f, 'error') as { code?: unknown } | null | undefined;
      const resp = lookup(f, 'response');
      if ((resp === null || resp === undefined) && err)
        return `batch request failed (${String(err.code ?? 'error')}): not billed`;
      return undefined;
    },
  },
  {
    name: 'otel',
    summary:
      'OpenTelemetry GenAI spans (semconv gen_ai.*): gen_ai.request.model / gen_ai.response.model, gen_ai.usage.input_tokens, gen_ai.usage.output_tokens, cache_read / cache_creation',
    columns: {
      request_id: attr(['gen_ai.response.id']).concat(['spanId', 'span_id']),
      timestamp: ['startTimeUnixNano', 'start_time_unix_nano', 'startTime', 'start_time', 'timestamp'],
      model: attr(['gen_ai.response.model', 'gen_ai.request.model']),
      input_tokens: attr(['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens']),
      output_tokens: attr(['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens']),
      cached_input_tokens: attr(['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens']),
      cache_write_tokens: attr([
        'gen_ai.usage.cache_creation.input_tokens',
        'gen_ai.usage.cache_creation_input_tokens',
      ]),
      conversation_id: attr(['gen_ai.conversation.id']).concat(['traceId', 'trace_id']),
      status: ['status.code', 'status_code'],
      tenant: attr(['tenant', 'enduser.id', 'user.id']),
      feature: attr(['gen_ai.agent.name', 'feature']),
    },
    tags: { provider: attr(['gen_ai.provider.name', 'gen_ai.system']), operation: attr(['gen_ai.operation.name']) },
    // The semconv defines gen_ai.usage.input_tokens as including cached input tokens.
    cacheTokens: 'inside',
    prepare: (f) => (Array.isArray(f.attributes) ? { ...f, attributes: otlpAttributes(f.attributes) } : f),
    status: (v) => {
      const s = String(v).toUpperCase();
      if (s === '2' || s === 'STATUS_CODE_ERROR' || s === 'ERROR') return 'error';
      if (s === '0' || s === '1' || s === 'STATUS_CODE_OK' || s === 'STATUS_CODE_UNSET' || s === 'OK' || s === 'UNSET')
        return 'ok';
      return undefined;
    },
  },
];

export function presetNames(): string[] {
  return PRESETS.map((p) => p.name);
}

export function getPreset(name: string | undefined): Preset {
  const n = (name ?? 'canonical').trim().toLowerCase();
  const p = PRESETS.find((x) => x.name === n);
  if (p) return p;
  throw userError('UNKNOWN_PRESET', `unknown log preset '${name}'`, {
    where: '--preset',
    hint: suggestionHint(n, presetNames(), `known presets: ${presetNames().join(', ')}`),
  });
}

/** Presets whose required source fields all appear in `fields` (to suggest one for a header). */
export function presetsMatching(fieldNames: string[]): string[] {
  const set = new Set(fieldNames);
  return PRESETS.filter((p) => p.name !== 'canonical')
    .filter((p) =>
      (['input_tokens', 'output_tokens'] as Column[]).every((c) =>
        (p.columns[c] ?? []).some((f) => set.has(f) || set.has(f.split('.')[0]!)),
      ),
    )
    .map((p) => p.name);
}
