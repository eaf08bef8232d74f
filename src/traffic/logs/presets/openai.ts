// Presets for OpenAI's own objects: chat.completion and response objects as the API returns them
// (one per line, as a logger saves them), and Batch API output/error files (each line wraps one
// response in response.body). Usage is OpenAI-style: prompt/input tokens include cached and audio
// tokens, completion/output tokens include reasoning and audio tokens. service_tier is what served
// the call: default, flex, priority, or (GPT-6) fast and ultrafast. OpenRouter returns the same
// objects for every vendor, with its own additions (see the openai preset's columns).
import type { Column, Fields } from '../columns.js';
import { lookup } from '../columns.js';
import type { Preset } from '../preset.js';
import { openRouterModel } from './gateways.js';

/** Usage fields of a chat.completion (prompt_/completion_) or a response (input_/output_), under `at`. */
function usageColumns(at: string): Partial<Record<Column, string[]>> {
  return {
    timestamp: [`${at}created`, `${at}created_at`],
    model: [`${at}model`],
    input_tokens: [`${at}usage.prompt_tokens`, `${at}usage.input_tokens`],
    output_tokens: [`${at}usage.completion_tokens`, `${at}usage.output_tokens`],
    cached_input_tokens: [
      `${at}usage.prompt_tokens_details.cached_tokens`,
      `${at}usage.input_tokens_details.cached_tokens`,
    ],
    reasoning_tokens: [
      `${at}usage.completion_tokens_details.reasoning_tokens`,
      `${at}usage.output_tokens_details.reasoning_tokens`,
    ],
    // audio models (gpt-4o-audio, gpt-realtime): parts of prompt/completion tokens
    audio_input_tokens: [
      `${at}usage.prompt_tokens_details.audio_tokens`,
      `${at}usage.input_tokens_details.audio_tokens`,
    ],
    audio_output_tokens: [
      `${at}usage.completion_tokens_details.audio_tokens`,
      `${at}usage.output_tokens_details.audio_tokens`,
    ],
    image_input_tokens: [`${at}usage.input_tokens_details.image_tokens`],
  };
}

/** An object OpenRouter returned: its generation id (gen-...) and the provider that served it. */
function isOpenRouter(f: Fields): f is Fields & { model: string } {
  return (
    typeof f.id === 'string' && f.id.startsWith('gen-') && typeof f.provider === 'string' && typeof f.model === 'string'
  );
}

export const OPENAI_PRESETS: Preset[] = [
  {
    name: 'openai',
    summary:
      'OpenAI API objects, one per line: chat.completion (usage.prompt_tokens, prompt_tokens_details.cached_tokens, completion_tokens_details.reasoning_tokens) or response (usage.input_tokens, ...), with service_tier',
    columns: {
      ...usageColumns(''),
      timestamp: ['created', 'created_at', 'timestamp'],
      request_id: ['id'],
      service_tier: ['service_tier'],
      status: ['status'],
      tenant: ['user', 'metadata.tenant'],
      feature: ['metadata.feature'],
      // OpenRouter's chat.completion objects: OpenAI's shape plus its own usage.cost (USD) and, for
      // Anthropic models, prompt_tokens_details.cache_write_tokens (inside prompt_tokens, as the reads)
      cache_write_tokens: ['usage.prompt_tokens_details.cache_write_tokens'],
      cost_usd: ['usage.cost'],
    },
    cacheTokens: 'inside',
    // OpenRouter's model is its own vendor/model id: read as openrouter/vendor/model (pricing/channels.ts)
    prepare: (f) => (isOpenRouter(f) ? { ...f, model: openRouterModel(f.model) } : f),
    detect: [
      ['object=chat.completion', 'usage', 'model'],
      ['object=response', 'model', 'created_at'],
    ],
    // Responses API: completed and incomplete (stopped at max_output_tokens) both produced billed tokens
    status: (v) => {
      const s = String(v).toLowerCase();
      if (s === 'completed' || s === 'incomplete') return 'ok';
      if (s === 'failed' || s === 'cancelled') return 'error';
      return undefined;
    },
    skip: (f) => {
      const s = lookup(f, 'status');
      return s === 'in_progress' || s === 'queued' ? `response still ${String(s)} (not finished)` : undefined;
    },
  },
  {
    name: 'openai-batch',
    summary:
      'OpenAI Batch API output and error JSONL: custom_id, response.body (a chat.completion or response object with usage); batch tier',
    columns: {
      ...usageColumns('response.body.'),
      request_id: ['custom_id'],
      status: ['response.status_code'],
    },
    cacheTokens: 'inside',
    serviceTier: 'batch',
    detect: [['custom_id', 'response', 'error']],
    // An error-file line has no response: the request never ran, nothing was billed.
    skip: (f) => {
      const err = lookup(f, 'error') as { code?: unknown } | null | undefined;
      const resp = lookup(f, 'response');
      if ((resp === null || resp === undefined) && err)
        return `failed batch request (${String(err.code ?? 'error')}): not billed`;
      return undefined;
    },
  },
];
