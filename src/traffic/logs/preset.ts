// What a log preset is: mostly data (for each canonical column, the source fields to try in order;
// dot paths reach into nested JSON) plus a few small hooks. The presets themselves live in presets/.
import type { PrefixBlock, SimRequest } from '../../engine/request.js';
import type { Tier } from '../../pricing/pricebook.js';
import type { Column, Fields } from './columns.js';

export type TimestampUnit = 'auto' | 's' | 'ms';

/**
 * Where a format reports cache tokens. 'inside' (OpenAI, LiteLLM, OTel semconv): input_tokens
 * already counts cached and written tokens. 'beside' (Anthropic usage, Langfuse usageDetails):
 * input_tokens is only the uncached part, so inputTokens = input + cache read + cache write.
 */
export type CacheConvention = 'inside' | 'beside';
export const CACHE_CONVENTIONS: readonly CacheConvention[] = ['inside', 'beside'];

export interface Preset {
  name: string;
  summary: string;
  /** canonical column -> source fields, first present wins */
  columns: Partial<Record<Column, string[]>>;
  /** extra tags: tag name -> source fields */
  tags?: Record<string, string[]>;
  /** where the format reports cache tokens (see CacheConvention); `--map cache_tokens=...` overrides it */
  cacheTokens: CacheConvention;
  /** where the format reports reasoning tokens: inside output_tokens (OpenAI, Anthropic; the default) or beside (Langfuse) */
  reasoningTokens?: CacheConvention;
  /** where the format reports audio/image tokens: inside input/output_tokens (OpenAI; the default) or beside (Langfuse) */
  mediaTokens?: CacheConvention;
  /**
   * where the format reports the TTL parts of cache writes: inside cache_write_tokens (Anthropic: the 5m
   * and 1h counts split cache_creation_input_tokens; the default) or beside it (Langfuse: exclusive usage
   * keys, the flat key priced as 5-minute writes)
   */
  cacheWriteParts?: CacheConvention;
  /**
   * A format whose convention differs per record (Helicone: Anthropic rows beside, the rest
   * inside); undefined = cacheTokens. Counts are the raw values as the record holds them.
   */
  cacheTokensOf?(f: Fields, counts: { input: number; cached: number; write: number }): CacheConvention | undefined;
  /**
   * Auto-detection: the record has this layout when every field of one group is there ('a.b'
   * reaches into nested JSON, 'field=value' also checks the value). More fields = more specific.
   */
  detect?: string[][];
  /** numeric timestamps: 'auto' decides by magnitude (see parseTimestamp) */
  timestampUnit?: TimestampUnit;
  /** timestamps count from the trace's start (1970 as epoch times): no plausible-date check (rebase_to places them) */
  relativeTime?: boolean;
  /** service tier when the log has no service_tier column */
  serviceTier?: Tier;
  /** the format has no model column: --model is required */
  needsModel?: boolean;
  /** reshape a raw record before lookups (e.g. OTLP attribute arrays -> object) */
  prepare?(f: Fields): Fields;
  /** one source record that holds several (an OTLP envelope holds many spans); undefined = itself */
  expand?(f: Fields): Fields[] | undefined;
  /**
   * A record that is not a billed model call (a Langfuse SPAN, a non-LLM span, a cache hit): the
   * reason it is skipped. Skipped records are counted per reason, never rejected.
   */
  skip?(f: Fields): string | undefined;
  /**
   * A billed call the format marks as priced apart from every table (Bedrock's latency-optimized
   * inference): its reject, counted per kind, instead of a price it was not billed at.
   */
  reject?(f: Fields): { kind: string; detail: string } | undefined;
  /** records that repeat one API call (Claude Code writes one response as several lines): its key; the first wins */
  dedupeKey?(f: Fields): string | undefined;
  /** map a format's own status values; undefined = use the generic status parser */
  status?(v: unknown): 'ok' | 'error' | undefined;
  /** rename models the format spells its own way */
  model?(name: string): string;
  /** last touch on the built request (e.g. BurstGPT: 0 output tokens = a failed call) */
  finish?(r: SimRequest): void;
  /** prefix blocks from the record (Mooncake hash_ids); a string is a reject reason */
  prefix?(f: Fields, inputTokens: number): PrefixBlock[] | string;
}
