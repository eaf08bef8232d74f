// Canonical request-log columns (docs/logs.md) and how a record's fields are looked up.

export const CANONICAL_COLUMNS = [
  'timestamp',
  'model',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  // the part of cache_write_tokens written with the 1-hour TTL (Anthropic cache_creation.ephemeral_1h_input_tokens)
  'cache_write_1h_tokens',
  // the part written with the 5-minute TTL (when a format gives the TTL parts; cache_write_tokens = their sum)
  'cache_write_5m_tokens',
  // explicit-cache storage billed to the row, token-hours (Gemini context caches: storage_per_hour)
  'cache_storage_token_hours',
  // the part of output_tokens spent on reasoning (priced as output unless the table prices it apart)
  'reasoning_tokens',
  // the parts of input_tokens that are audio and images, and of output_tokens that is audio
  'audio_input_tokens',
  'image_input_tokens',
  'audio_output_tokens',
  // server-side web search calls (a per-call fee: the table's fees.web_search)
  'web_search_calls',
  'request_id',
  'conversation_id',
  'tenant',
  'feature',
  'route',
  'prompt_version',
  'prefix_key',
  'prefix_tokens',
  'batchable',
  'status',
  'retry_of',
  'prompt',
  'completion',
  'cost_usd',
  // standard|batch|flex|priority|ultrafast as the table names tiers; OpenAI's fast = priority, default/auto/scale =
  // standard (default standard; the openai-batch preset sets batch)
  'service_tier',
] as const;
export type Column = (typeof CANONICAL_COLUMNS)[number];

export function isColumn(s: string): s is Column {
  return (CANONICAL_COLUMNS as readonly string[]).includes(s);
}

/** A parsed record: CSV rows are flat {header: string}, JSONL rows are the parsed object. */
export type Fields = Record<string, unknown>;

/**
 * Look a field up by path. A literal key wins (CSV headers and OpenTelemetry attribute names
 * contain dots: "gen_ai.usage.input_tokens"); otherwise the path is split at a dot and the
 * lookup continues inside a nested object ("response.body.usage.prompt_tokens").
 */
export function lookup(obj: unknown, path: string): unknown {
  if (obj === null || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  if (Object.hasOwn(o, path)) return o[path];
  let dot = path.indexOf('.');
  while (dot > 0) {
    const head = path.slice(0, dot);
    if (Object.hasOwn(o, head)) {
      const v = lookup(o[head], path.slice(dot + 1));
      if (v !== undefined) return v;
    }
    dot = path.indexOf('.', dot + 1);
  }
  return undefined;
}

export type Getter = (obj: unknown) => unknown;

/**
 * lookup(obj, path) with the path split once: the same answer, without the substrings lookup cuts
 * on every call (a JSON or Parquet log looks up each column's candidates on every record).
 */
export function compilePath(path: string, memo = new Map<string, Getter>()): Getter {
  const known = memo.get(path);
  if (known) return known;
  const splits: [string, Getter][] = [];
  for (let dot = path.indexOf('.'); dot > 0; dot = path.indexOf('.', dot + 1))
    splits.push([path.slice(0, dot), compilePath(path.slice(dot + 1), memo)]);
  const get: Getter = (obj) => {
    if (obj === null || typeof obj !== 'object') return undefined;
    const o = obj as Record<string, unknown>;
    if (Object.hasOwn(o, path)) return o[path];
    for (let i = 0; i < splits.length; i++) {
      const [head, rest] = splits[i]!;
      if (Object.hasOwn(o, head)) {
        const v = rest(o[head]);
        if (v !== undefined) return v;
      }
    }
    return undefined;
  };
  memo.set(path, get);
  return get;
}

/** present = not undefined, null or an empty/whitespace string */
export function present(v: unknown): boolean {
  if (typeof v === 'string') {
    // a printable ASCII first character is not whitespace: no trim needed (the common case)
    const c = v.charCodeAt(0);
    return c > 32 && c < 127 ? true : v.trim() !== '';
  }
  return v !== undefined && v !== null;
}
