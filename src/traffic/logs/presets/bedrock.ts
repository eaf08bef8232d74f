// Amazon Bedrock model invocation logs, as Bedrock delivers them to CloudWatch Logs or S3 (one JSON
// object per invocation, schemaType "ModelInvocationLog"). Token counts sit beside each other as
// Anthropic's do: input.inputTokenCount excludes input.cacheReadInputTokenCount and
// input.cacheWriteInputTokenCount (a Claude Code call reads 3 input tokens beside 25,037 written).
// modelId is the id or ARN the call named (anthropic.…, us.anthropic.…, a foundation-model or
// inference-profile ARN): the pricing resolves those to the model and its Bedrock channel. A call
// that failed carries errorCode and no counts (not billed); one without an output count is an
// embedding or image call, not a text-token model call. Field names: docs/logs.md.
import { type Fields, lookup } from '../columns.js';
import type { Preset } from '../preset.js';

export const BEDROCK_PRESETS: Preset[] = [
  {
    name: 'bedrock',
    summary:
      'Amazon Bedrock model invocation logs (CloudWatch Logs or S3, schemaType ModelInvocationLog): modelId, input.inputTokenCount beside input.cacheReadInputTokenCount/cacheWriteInputTokenCount, output.outputTokenCount, errorCode; requestMetadata keys become tags',
    columns: {
      timestamp: ['timestamp'],
      request_id: ['requestId'],
      model: ['modelId'],
      input_tokens: ['input.inputTokenCount'],
      output_tokens: ['output.outputTokenCount'],
      cached_input_tokens: ['input.cacheReadInputTokenCount'],
      cache_write_tokens: ['input.cacheWriteInputTokenCount'],
      status: ['errorCode'],
      tenant: ['requestMetadata.tenant'],
      feature: ['requestMetadata.feature'],
      conversation_id: ['requestMetadata.conversation_id', 'requestMetadata.session'],
    },
    tags: { identity: ['identity.arn'] },
    cacheTokens: 'beside',
    detect: [['schemaType=ModelInvocationLog', 'modelId']],
    // errorCode (ThrottlingException, ResourceNotFoundException, ...) is there only when the call failed
    status: () => 'error',
    // requestMetadata is the caller's own key/value pairs (team, project, ...): top-level fields, so
    // every key is a tag --by can use (a field the record already has keeps its value)
    prepare: (f: Fields): Fields => {
      const meta = f.requestMetadata;
      if (!meta || typeof meta !== 'object' || Array.isArray(meta)) return f;
      const out: Fields = Object.assign(Object.create(null) as Fields, f);
      for (const [k, v] of Object.entries(meta as Record<string, unknown>)) if (!(k in out)) out[k] = v;
      return out;
    },
    // latency-optimized inference has its own price, which no table has
    reject: (f: Fields) =>
      lookup(f, 'performanceConfig.latency') === 'optimized'
        ? {
            kind: 'latency-optimized (no price)',
            detail:
              "latency-optimized inference (performanceConfig.latency 'optimized') has its own price, which llmcost's tables do not have: the row is not priced (never at the standard price)",
          }
        : undefined,
    skip: (f: Fields) => {
      if (lookup(f, 'errorCode') !== undefined) return undefined;
      return lookup(f, 'output.outputTokenCount') === undefined
        ? 'Bedrock call without an output token count (an embedding or image model: not a text-token call)'
        : undefined;
    },
  },
];
