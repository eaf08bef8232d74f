// Presets for LLM gateways and observability tools: LiteLLM, Langfuse, Helicone.
import { lookup } from '../columns.js';
import type { Preset } from '../preset.js';

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
];
