// Presets for OpenAI's own files: Batch API output.
import { lookup } from '../columns.js';
import type { Preset } from '../preset.js';

export const OPENAI_PRESETS: Preset[] = [
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
];
