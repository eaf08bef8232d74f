// OpenTelemetry GenAI spans (semantic conventions gen_ai.*), JSON.
import type { Preset } from '../preset.js';

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
export const OTEL_PRESETS: Preset[] = [
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
