// What a log preset is: mostly data (for each canonical column, the source fields to try in order;
// dot paths reach into nested JSON) plus a few small hooks. The presets themselves live in presets/.
import type { PrefixBlock, SimRequest } from '../../engine/request.js';
import type { Tier } from '../../pricing/pricebook.js';
import type { Column, Fields } from './columns.js';

export type TimestampUnit = 'auto' | 's' | 'ms';

export interface Preset {
  name: string;
  summary: string;
  /** canonical column -> source fields, first present wins */
  columns: Partial<Record<Column, string[]>>;
  /** extra tags: tag name -> source fields */
  tags?: Record<string, string[]>;
  /**
   * Where the format reports cache tokens. 'inside' (OpenAI, LiteLLM, OTel): input_tokens already
   * counts cached tokens. 'beside' (Anthropic usage, Langfuse usageDetails): input_tokens is only
   * the uncached part, so inputTokens = input + cache read + cache write.
   */
  cacheTokens: 'inside' | 'beside';
  /** numeric timestamps: 'auto' decides by magnitude (see parseTimestamp) */
  timestampUnit?: TimestampUnit;
  /** service tier when the log has no service_tier column */
  serviceTier?: Tier;
  /** the format has no model column: --model is required */
  needsModel?: boolean;
  /** reshape a raw record before lookups (e.g. OTLP attribute arrays -> object) */
  prepare?(f: Fields): Fields;
  /** a reason to reject the record before anything else (e.g. a batch line that failed) */
  skip?(f: Fields): string | undefined;
  /** map a format's own status values; undefined = use the generic status parser */
  status?(v: unknown): 'ok' | 'error' | undefined;
  /** rename models the format spells its own way */
  model?(name: string): string;
  /** last touch on the built request (e.g. BurstGPT: 0 output tokens = a failed call) */
  finish?(r: SimRequest): void;
  /** prefix blocks from the record (Mooncake hash_ids); a string is a reject reason */
  prefix?(f: Fields, inputTokens: number): PrefixBlock[] | string;
}
