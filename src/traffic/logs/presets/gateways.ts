// Presets for LLM gateways and observability tools: LiteLLM, Langfuse, Helicone, LangSmith, OpenRouter,
// Cloudflare AI Gateway.
import { type Fields, lookup } from '../columns.js';
import type { Preset } from '../preset.js';

/**
 * LiteLLM's JSON columns arrive as JSON text in CSV/psql dumps and Pub/Sub payloads ("metadata":
 * "{\"usage_object\": ...}"): parsed here so dot paths reach inside. Text that is not JSON stays text.
 */
function parseJsonText(f: Fields, keys: readonly string[]): Fields {
  let out: Fields | undefined;
  for (const k of keys) {
    const v = f[k];
    if (typeof v !== 'string') continue;
    const t = v.trimStart();
    if (t[0] !== '{' && t[0] !== '[') continue;
    try {
      out ??= { ...f };
      out[k] = JSON.parse(v);
    } catch {
      /* not JSON: keep the text */
    }
  }
  return out ?? f;
}

/** A LangSmith run's token details, rolled up on the run or in the usage_metadata its SDK sent (first wins). */
const langsmithDetail = (side: 'prompt' | 'completion', key: string): string[] => [
  `${side}_token_details.${key}`,
  `extra.metadata.usage_metadata.${side === 'prompt' ? 'input' : 'output'}_token_details.${key}`,
];

/** Langfuse observation types that are model calls; SPAN, EVENT, AGENT, TOOL, ... are not billed. */
const LANGFUSE_CALLS = new Set(['GENERATION', 'EMBEDDING']);

/**
 * An OpenRouter model id (vendor/model[:variant]) as the pricing reads it: openrouter/vendor/model
 * (pricing/channels.ts: the vendor's own model where the tables have it, else the catalog's entry).
 * Also the openai preset's, for the chat.completion objects OpenRouter returns.
 */
export function openRouterModel(name: string): string {
  return name.includes('/') && !name.startsWith('openrouter/') ? `openrouter/${name}` : name;
}

/** Fields computed by the OpenRouter preset's prepare() (names no OpenRouter record uses). */
const OPENROUTER_COST = '__llmcost_cost';

/**
 * An OpenRouter generation record: the object GET /api/v1/generation returns under `data` (kept
 * whole or unwrapped, one per line). Its cost as the tokens' price: total_cost, or for a BYOK call
 * (is_byok: the provider billed the user's own key) upstream_inference_cost, the provider's charge;
 * total_cost is then OpenRouter's fee, which, like its fee on credit purchases, is not a token price.
 */
function openRouterRecord(f: Fields): Fields {
  const d = f.data;
  const rec = d && typeof d === 'object' && !Array.isArray(d) ? (d as Fields) : f;
  // (a CSV of the records holds is_byok as text)
  const byok = rec.is_byok === true || rec.is_byok === 'true';
  const cost = byok ? rec.upstream_inference_cost : rec.total_cost;
  return cost === undefined || cost === null ? rec : { ...rec, [OPENROUTER_COST]: cost };
}

/**
 * Cloudflare AI Gateway's providers whose models are priced through a channel or a host: the model id
 * with its prefix (pricing/channels.ts reads bedrock/..., vertex_ai/..., azure/...; the catalog prices
 * Workers AI's @cf/... models as cloudflare/@cf/...).
 */
const CLOUDFLARE_CHANNELS: Record<string, string> = {
  'aws-bedrock': 'bedrock/',
  'google-vertex-ai': 'vertex_ai/',
  'azure-openai': 'azure/',
  'workers-ai': 'cloudflare/',
};

/** A Cloudflare AI Gateway log: its metadata (JSON text) parsed, its model read through its provider's channel. */
function cloudflareRecord(f: Fields): Fields {
  const out = parseJsonText(f, ['metadata']);
  const provider = typeof f.provider === 'string' ? f.provider.toLowerCase() : '';
  const prefix = Object.hasOwn(CLOUDFLARE_CHANNELS, provider) ? CLOUDFLARE_CHANNELS[provider]! : undefined;
  const model = f.model;
  return prefix && typeof model === 'string' && !model.startsWith(prefix)
    ? { ...out, model: `${prefix}${model}` }
    : out;
}

export const GATEWAY_PRESETS: Preset[] = [
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
      // LiteLLM's Usage: prompt_tokens_details carries the TTL split of Anthropic writes and the modalities
      cache_write_1h_tokens: [
        'metadata.usage_object.prompt_tokens_details.cache_creation_token_details.ephemeral_1h_input_tokens',
      ],
      cache_write_5m_tokens: [
        'metadata.usage_object.prompt_tokens_details.cache_creation_token_details.ephemeral_5m_input_tokens',
      ],
      reasoning_tokens: ['metadata.usage_object.completion_tokens_details.reasoning_tokens'],
      audio_input_tokens: ['metadata.usage_object.prompt_tokens_details.audio_tokens'],
      image_input_tokens: ['metadata.usage_object.prompt_tokens_details.image_tokens'],
      audio_output_tokens: ['metadata.usage_object.completion_tokens_details.audio_tokens'],
      web_search_calls: [
        'metadata.usage_object.server_tool_use.web_search_requests',
        'metadata.usage_object.prompt_tokens_details.web_search_requests',
      ],
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
    detect: [['request_id', 'call_type', 'spend', 'startTime']],
    // messages/response stay text: "{}" (prompts not stored) is then seen as no prompt, and real ones are hashed as is
    prepare: (f) => parseJsonText(f, ['metadata']),
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
      // the 1-hour and 5-minute writes under their own keys (Langfuse's Anthropic prices: input_cache_creation_1h at 2x input)
      cache_write_5m_tokens: ['usageDetails.input_cache_creation_5m'],
      cache_write_1h_tokens: ['usageDetails.input_cache_creation_1h'],
      reasoning_tokens: ['usageDetails.output_reasoning_tokens', 'usageDetails.output_reasoning'],
      // OpenAI's prompt/completion_tokens_details become input_<key> / output_<key>, subtracted like the others
      audio_input_tokens: ['usageDetails.input_audio_tokens'],
      image_input_tokens: ['usageDetails.input_image_tokens'],
      audio_output_tokens: ['usageDetails.output_audio_tokens'],
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
    // Langfuse keeps usage keys exclusive: cached tokens are subtracted from usageDetails.input and
    // reasoning tokens from usageDetails.output, each kept under its own key (audio and images too, and
    // the flat cache-creation key beside the TTL ones).
    cacheTokens: 'beside',
    reasoningTokens: 'beside',
    mediaTokens: 'beside',
    cacheWriteParts: 'beside',
    detect: [
      ['traceId', 'type', 'startTime', 'usageDetails'],
      ['traceId', 'type', 'startTime', 'usage'],
    ],
    skip: (f) => {
      const type = lookup(f, 'type');
      return typeof type === 'string' && !LANGFUSE_CALLS.has(type.toUpperCase())
        ? `Langfuse ${type} observation (not a model call)`
        : undefined;
    },
    status: (v) => (typeof v === 'string' ? (v.toUpperCase() === 'ERROR' ? 'error' : 'ok') : undefined),
  },
  {
    name: 'langsmith',
    summary:
      'LangSmith runs (POST /runs/query, list_runs JSONL, bulk export): llm runs only; start_time, extra.metadata.ls_model_name, prompt_tokens (cache inside), prompt_token_details.cache_read, completion_token_details.reasoning, total_cost',
    columns: {
      request_id: ['id'],
      // naive UTC ("2026-09-04T01:37:10.123456"): read as UTC
      timestamp: ['start_time'],
      // LangSmith's own precedence for the model of a run's cost
      model: [
        'extra.metadata.ls_model_name',
        'extra.invocation_params.model',
        'extra.invocation_params.model_name',
        'extra.invocation_params.model_id',
      ],
      input_tokens: ['prompt_tokens', 'extra.metadata.usage_metadata.input_tokens'],
      output_tokens: ['completion_tokens', 'extra.metadata.usage_metadata.output_tokens'],
      cached_input_tokens: langsmithDetail('prompt', 'cache_read'),
      // langchain-anthropic reports writes as cache_creation, or (with the TTL split) as
      // ephemeral_5m/1h_input_tokens with cache_creation 0: exclusive keys, summed (cacheWriteParts beside)
      cache_write_tokens: langsmithDetail('prompt', 'cache_creation'),
      cache_write_5m_tokens: langsmithDetail('prompt', 'ephemeral_5m_input_tokens'),
      cache_write_1h_tokens: langsmithDetail('prompt', 'ephemeral_1h_input_tokens'),
      reasoning_tokens: langsmithDetail('completion', 'reasoning'),
      audio_input_tokens: langsmithDetail('prompt', 'audio'),
      audio_output_tokens: langsmithDetail('completion', 'audio'),
      cost_usd: ['total_cost'],
      status: ['status', 'error'],
      conversation_id: ['extra.metadata.thread_id', 'extra.metadata.session_id', 'extra.metadata.conversation_id'],
      feature: ['name'],
      tenant: ['extra.metadata.tenant', 'extra.metadata.user_id'],
    },
    tags: { project: ['session_id'], provider: ['extra.metadata.ls_provider'] },
    // LangChain's usage_metadata: input_tokens is "sum of all input token types" (cache reads and
    // writes inside, for Anthropic too); output_tokens includes reasoning
    cacheTokens: 'inside',
    cacheWriteParts: 'beside',
    detect: [['run_type', 'start_time', 'trace_id', 'prompt_tokens']],
    // the bulk export (Parquet) keeps extra and the token details as JSON text
    prepare: (f) => parseJsonText(f, ['extra', 'prompt_token_details', 'completion_token_details']),
    skip: (f) => {
      const type = lookup(f, 'run_type');
      if (typeof type === 'string' && type !== 'llm') return `LangSmith ${type} run (not a model call)`;
      return lookup(f, 'status') === 'pending' ? 'LangSmith run still pending (not finished)' : undefined;
    },
    // status success/error; without one, an error message means the call failed
    status: (v) => (v === 'success' ? 'ok' : typeof v === 'string' && v.trim() !== '' ? 'error' : undefined),
  },
  {
    name: 'helicone',
    summary:
      'Helicone request export (JSON/JSONL/CSV of @helicone/export): request_created_at, model, prompt_tokens, completion_tokens, prompt_cache_read_tokens, cost (USD)',
    columns: {
      request_id: ['request_id', 'id'],
      timestamp: ['request_created_at', 'created_at'],
      model: ['model', 'response_model', 'request_model'],
      input_tokens: ['prompt_tokens'],
      output_tokens: ['completion_tokens'],
      cached_input_tokens: ['prompt_cache_read_tokens'],
      cache_write_tokens: ['prompt_cache_write_tokens'],
      reasoning_tokens: ['reasoning_tokens'],
      // Exports carry cost in USD; only Helicone's own ClickHouse column is USD x 1e9 (see docs/logs.md).
      cost_usd: ['costUSD', 'cost_usd', 'cost'],
      status: ['status', 'response_status'],
      tenant: ['user_id', 'request_user_id'],
      prompt_version: ['prompt_version'],
      feature: ['properties.feature', 'request_properties.feature', 'properties.Helicone-Property-Feature'],
      conversation_id: ['properties.Helicone-Session-Id', 'request_properties.Helicone-Session-Id'],
    },
    tags: { provider: ['provider'] },
    // Helicone keeps each provider's own usage: OpenAI's prompt_tokens include cache reads,
    // Anthropic's do not (prompt_tokens = input_tokens, cache reads and writes beside).
    cacheTokens: 'inside',
    cacheTokensOf: (f) => {
      const provider = lookup(f, 'provider');
      if (typeof provider === 'string') return provider.toUpperCase() === 'ANTHROPIC' ? 'beside' : 'inside';
      const model = lookup(f, 'model') ?? lookup(f, 'request_model');
      return typeof model === 'string' && /claude/i.test(model) ? 'beside' : undefined;
    },
    // response_status below 0: the call got no HTTP response (Helicone's own codes for cancelled/failed)
    status: (v) => (/^-\d+$/.test(String(v).trim()) ? 'error' : undefined),
    detect: [['request_created_at', 'response_status', 'prompt_tokens']],
  },
  {
    name: 'openrouter',
    summary:
      'OpenRouter generation records (GET /api/v1/generation, {"data": {...}} or the object, one per line): created_at, model (vendor/model), native_tokens_prompt (cache reads inside), native_tokens_completion (reasoning inside), native_tokens_cached, total_cost',
    columns: {
      request_id: ['id'],
      timestamp: ['created_at'],
      // vendor/model[:variant]; read through the channel readings (pricing/channels.ts): the vendor's
      // own model where the tables have it, else the catalog's openrouter/ entry
      model: ['model'],
      // the provider's own (native) counts are the billed ones; tokens_prompt/tokens_completion are
      // OpenRouter's normalised counts, never priced
      input_tokens: ['native_tokens_prompt'],
      output_tokens: ['native_tokens_completion'],
      cached_input_tokens: ['native_tokens_cached'],
      reasoning_tokens: ['native_tokens_reasoning'],
      cost_usd: [OPENROUTER_COST],
      service_tier: ['service_tier'],
      status: ['finish_reason'],
      conversation_id: ['session_id'],
      tenant: ['external_user'],
    },
    tags: { provider: ['provider_name'] },
    // OpenRouter's usage is OpenAI's shape for every vendor: prompt tokens include the cached ones,
    // completion tokens the reasoning ones (https://openrouter.ai/docs/use-cases/usage-accounting)
    cacheTokens: 'inside',
    detect: [
      ['data.native_tokens_prompt', 'data.provider_name'],
      ['native_tokens_prompt', 'native_tokens_completion', 'provider_name'],
    ],
    prepare: openRouterRecord,
    skip: (f) => {
      const m = lookup(f, 'model');
      return typeof m === 'string' && m.endsWith(':free') ? 'OpenRouter free model (:free, not billed)' : undefined;
    },
    // finish_reason: stop, length, tool_calls, content_filter, or error (a failed generation)
    status: (v) => (String(v).trim() === 'error' ? 'error' : 'ok'),
    // read as openrouter/VENDOR/MODEL (see model above)
    model: openRouterModel,
  },
  {
    name: 'cloudflare',
    summary:
      'Cloudflare AI Gateway logs (GET .../ai-gateway/gateways/{id}/logs: the result array, or one log per line): created_at, provider, model, tokens_in, tokens_out, cost (USD), cached (gateway cache hits skipped)',
    columns: {
      request_id: ['id'],
      timestamp: ['created_at'],
      model: ['model'],
      input_tokens: ['tokens_in'],
      output_tokens: ['tokens_out'],
      // Cloudflare's own estimate (or the cost the user set: custom_cost)
      cost_usd: ['cost'],
      status: ['success'],
      tenant: ['metadata.tenant', 'metadata.user'],
      feature: ['metadata.feature'],
      conversation_id: ['metadata.session_id', 'metadata.conversation_id'],
    },
    tags: { provider: ['provider'] },
    // the log has no cache counts: nothing to place inside or beside
    cacheTokens: 'inside',
    detect: [['tokens_in', 'tokens_out', 'provider', 'cached']],
    prepare: cloudflareRecord,
    skip: (f) => (f.cached === true ? 'Cloudflare AI Gateway cache hit (not sent to a provider)' : undefined),
    status: (v) => (v === true || v === 'true' ? 'ok' : v === false || v === 'false' ? 'error' : undefined),
  },
];
