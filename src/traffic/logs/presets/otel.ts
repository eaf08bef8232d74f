// OpenTelemetry GenAI spans (semantic conventions gen_ai.*) as JSON: the OTLP/JSON file exporter's
// envelopes (one TracesData per line: resourceSpans -> scopeSpans -> spans, attributes as
// [{key, value}] lists, int64 as strings), an OTLP JSON document, or one span per line as the Python
// SDK's ReadableSpan.to_json() writes it (attributes as an object, status.status_code).
import { type Fields, lookup } from '../columns.js';
import type { Preset } from '../preset.js';

/** OTLP JSON keeps attributes as [{key, value: {stringValue|intValue|doubleValue|boolValue|arrayValue}}]. */
function otlpAttributes(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  // attribute keys come from the log: no prototype, so a key such as __proto__ is stored, not applied
  const out: Record<string, unknown> = Object.create(null);
  for (const a of v) {
    if (a && typeof a === 'object' && typeof (a as { key?: unknown }).key === 'string') {
      const val = (a as { value?: Record<string, unknown> }).value ?? {};
      out[(a as { key: string }).key] =
        val.stringValue ?? val.intValue ?? val.doubleValue ?? val.boolValue ?? val.arrayValue;
    }
  }
  return out;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The spans of one ResourceSpans, each with its attributes as an object and the resource's beside them. */
function resourceSpans(rs: Record<string, unknown>): Fields[] {
  const resource = otlpAttributes(obj(rs.resource)?.attributes) ?? {};
  const out: Fields[] = [];
  for (const ss of list(rs.scopeSpans ?? rs.instrumentationLibrarySpans)) {
    const scope = obj(ss);
    for (const span of list(scope?.spans)) {
      const s = obj(span);
      if (s) out.push({ ...s, attributes: otlpAttributes(s.attributes) ?? {}, resource, scope: scope?.scope });
    }
  }
  return out;
}

/** GenAI operations that are one model call; agent and tool spans wrap calls (their usage would count twice). */
const MODEL_CALLS = new Set(['chat', 'text_completion', 'generate_content', 'embeddings']);

const attr = (names: string[]): string[] => names.flatMap((n) => [`attributes.${n}`, n]);
const a = (f: Fields, name: string): unknown => lookup(f, `attributes.${name}`) ?? lookup(f, name);

export const OTEL_PRESETS: Preset[] = [
  {
    name: 'otel',
    summary:
      'OpenTelemetry GenAI spans (semconv gen_ai.*): OTLP/JSON envelopes or SDK to_json() spans; gen_ai.request.model / gen_ai.response.model, gen_ai.usage.input_tokens, output_tokens, cache_read / cache_creation',
    columns: {
      request_id: attr(['gen_ai.response.id']).concat(['spanId', 'span_id', 'context.span_id']),
      timestamp: ['startTimeUnixNano', 'start_time_unix_nano', 'startTime', 'start_time', 'timestamp'],
      model: attr(['gen_ai.response.model', 'gen_ai.request.model']),
      input_tokens: attr(['gen_ai.usage.input_tokens', 'gen_ai.usage.prompt_tokens']),
      output_tokens: attr(['gen_ai.usage.output_tokens', 'gen_ai.usage.completion_tokens']),
      cached_input_tokens: attr(['gen_ai.usage.cache_read.input_tokens', 'gen_ai.usage.cache_read_input_tokens']),
      cache_write_tokens: attr([
        'gen_ai.usage.cache_creation.input_tokens',
        'gen_ai.usage.cache_creation_input_tokens',
      ]),
      conversation_id: attr(['gen_ai.conversation.id']).concat(['traceId', 'trace_id', 'context.trace_id']),
      status: ['status.code', 'status.status_code', 'status_code'],
      tenant: attr(['tenant', 'enduser.id', 'user.id']),
      feature: attr(['gen_ai.agent.name', 'feature']),
    },
    tags: {
      provider: attr(['gen_ai.provider.name', 'gen_ai.system']),
      operation: attr(['gen_ai.operation.name']),
      service: ['resource.service.name', 'resource.attributes.service.name'],
    },
    // The semconv defines gen_ai.usage.input_tokens as including cached input tokens ...
    cacheTokens: 'inside',
    // ... but some instrumentations copy Anthropic's raw usage (input without cache reads/writes).
    // A span whose cache tokens exceed its input can only be that: read it as beside.
    cacheTokensOf: (_f, c) => (c.cached + c.write > c.input ? 'beside' : undefined),
    detect: [['resourceSpans'], ['scopeSpans'], ['context.span_id', 'attributes'], ['spanId', 'attributes']],
    // an OTLP envelope (a line of the file exporter) or one ResourceSpans of a document: its spans
    expand: (f) => {
      if (Array.isArray(f.resourceSpans))
        return f.resourceSpans.flatMap((rs) => (obj(rs) ? resourceSpans(obj(rs)!) : []));
      if (Array.isArray(f.scopeSpans) || Array.isArray(f.instrumentationLibrarySpans)) return resourceSpans(f);
      return undefined;
    },
    prepare: (f) => (Array.isArray(f.attributes) ? { ...f, attributes: otlpAttributes(f.attributes) } : f),
    skip: (f) => {
      const op = a(f, 'gen_ai.operation.name');
      if (typeof op === 'string') return MODEL_CALLS.has(op) ? undefined : `${op} span (not a model call)`;
      const model = a(f, 'gen_ai.request.model') ?? a(f, 'gen_ai.response.model');
      return model === undefined && a(f, 'gen_ai.usage.input_tokens') === undefined
        ? 'span without gen_ai attributes (not a model call)'
        : undefined;
    },
    status: (v) => {
      const s = String(v).toUpperCase();
      if (s === '2' || s === 'STATUS_CODE_ERROR' || s === 'ERROR') return 'error';
      if (s === '0' || s === '1' || s === 'STATUS_CODE_OK' || s === 'STATUS_CODE_UNSET' || s === 'OK' || s === 'UNSET')
        return 'ok';
      return undefined;
    },
  },
];
