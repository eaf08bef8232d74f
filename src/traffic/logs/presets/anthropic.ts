// Presets for Anthropic's usage convention: Messages API objects (and Message Batches results), and
// Claude Code session transcripts. Anthropic's input_tokens EXCLUDES cache reads and writes
// (cache_read_input_tokens, cache_creation_input_tokens sit beside it), and cache_creation splits the
// writes by TTL (ephemeral_5m_input_tokens, ephemeral_1h_input_tokens). output_tokens includes thinking.
// server_tool_use.web_search_requests counts the web searches a response ran.
import type { Column, Fields } from '../columns.js';
import { lookup } from '../columns.js';
import type { Preset } from '../preset.js';

/** Usage of a Messages API object found at each of `at` (prefixes such as 'message.'), first present wins. */
function messageColumns(at: string[]): Partial<Record<Column, string[]>> {
  const each = (path: string): string[] => at.map((p) => `${p}${path}`);
  return {
    model: each('model'),
    input_tokens: each('usage.input_tokens'),
    output_tokens: each('usage.output_tokens'),
    cached_input_tokens: each('usage.cache_read_input_tokens'),
    cache_write_tokens: each('usage.cache_creation_input_tokens'),
    cache_write_1h_tokens: each('usage.cache_creation.ephemeral_1h_input_tokens'),
    cache_write_5m_tokens: each('usage.cache_creation.ephemeral_5m_input_tokens'),
    // server tools: "server_tool_use": {"web_search_requests": N} ($10 per 1,000 searches)
    web_search_calls: each('usage.server_tool_use.web_search_requests'),
    service_tier: each('usage.service_tier'),
  };
}

/** Claude Code writes '<synthetic>' as the model of messages it made up itself (API errors, interruptions). */
const SYNTHETIC = '<synthetic>';

export const ANTHROPIC_PRESETS: Preset[] = [
  {
    name: 'anthropic',
    summary:
      'Anthropic Messages API objects (type message, usage.input_tokens beside cache_read/cache_creation, cache_creation.ephemeral_1h) with the timestamp your logger adds, at the top level or under message',
    columns: {
      ...messageColumns(['', 'message.']),
      request_id: ['id', 'message.id'],
      timestamp: ['timestamp', 'created_at', 'startTime', 'start_time'],
    },
    cacheTokens: 'beside',
    detect: [
      ['type=message', 'usage.input_tokens', 'model'],
      ['message.type=message', 'message.usage.input_tokens', 'timestamp'],
    ],
    // an error response ({"type": "error", "error": {...}}, e.g. overloaded_error) ran no model: not billed
    skip: (f) => (lookup(f, 'type') === 'error' ? 'Anthropic error response (not billed)' : undefined),
  },
  {
    name: 'claude-code',
    summary:
      'Claude Code session transcripts (~/.claude/projects/<project>/<session>.jsonl, a file or a directory): assistant lines with message.usage, de-duplicated by message id + request id',
    columns: {
      ...messageColumns(['message.']),
      request_id: ['requestId', 'message.id', 'uuid'],
      timestamp: ['timestamp'],
      conversation_id: ['sessionId'],
      cost_usd: ['costUSD'],
    },
    tags: { project: ['cwd'], version: ['version'], git_branch: ['gitBranch'] },
    cacheTokens: 'beside',
    detect: [['type', 'message', 'sessionId', 'timestamp']],
    skip: (f: Fields) => {
      const type = lookup(f, 'type');
      if (type !== 'assistant') return `Claude Code ${String(type ?? 'untyped')} line (not an API response)`;
      if (lookup(f, 'message.model') === SYNTHETIC) return 'Claude Code synthetic message (no API call)';
      if (lookup(f, 'message.usage') === undefined) return 'assistant line without usage';
      return undefined;
    },
    // One API response is written as several lines (one per content block), each with the same
    // usage: ccusage counts message.id + requestId once (first seen), and so do we. Lines missing
    // either id are all counted (ccusage's createUniqueHash returns null for them).
    dedupeKey: (f) => {
      const m = lookup(f, 'message.id');
      const r = lookup(f, 'requestId');
      return m === undefined || m === null || r === undefined || r === null ? undefined : `${String(m)}:${String(r)}`;
    },
  },
];
