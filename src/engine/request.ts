// The unit every source produces and every strategy transforms. Units are in the names.
import type { Tier } from '../pricing/pricebook.js';

/**
 * The most tokens one request may carry (input or output): the largest context window offered is
 * 10M tokens (Llama 4 Scout; Gemini and Claude stop at 1-2M). A log row above it is a data error,
 * a profile above it a typo; both are refused, never priced.
 */
export const MAX_TOKENS_PER_REQUEST = 10_000_000;

export interface PrefixBlock {
  /**
   * CUMULATIVE identity: key i stands for blocks 1..i (equal key = the same prefix so far).
   * Generators and readers build it as a rolling hash or a path-like id, never from block i alone.
   */
  key: string;
  tokens: number;
  /**
   * What the block holds: the shared system prompt/tools, earlier conversation (a user message
   * or an assistant answer), the current message, or an opaque block (e.g. Mooncake 512-token hash blocks).
   */
  kind?: 'system' | 'history' | 'message' | 'block';
  /**
   * its entry was written at this time by traffic the request stream does not show as such (a log's
   * read longer than its chain had reported: before the log began, or stored by the chain's previous
   * request beyond what it reported); a cache simulation puts it there, written then
   */
  writtenAtMs?: number;
  /** inferred from the cache counts a log reported (prompt-cache's prepare, infer.ts), not logged */
  inferred?: true;
}

export interface CachedTokens {
  read: number;
  write5m: number;
  write1h: number;
  /**
   * explicit-cache storage this request is billed for, in token-seconds (tokens held x seconds): a
   * Gemini context cache it created, held for its TTL, or a log's cache_storage_token_hours x 3600
   */
  storageTokenSeconds?: number;
}

export interface SimRequest {
  id: string;
  /** timestamps from the log or the generator: the only clock */
  atMs: number;
  model: string;
  serviceTier: Tier;
  /** everything sent, including history and prefix */
  inputTokens: number;
  outputTokens: number;
  /**
   * Part of outputTokens spent on reasoning (OpenAI reasoning_tokens, Anthropic thinking), from a
   * log; billed as output like the rest. Undefined when the source does not say.
   */
  reasoningTokens?: number;
  /** part of inputTokens that is audio (priced at the model's audio_input price), from a log */
  audioInputTokens?: number;
  /** part of outputTokens that is audio (priced at audio_output), from a log */
  audioOutputTokens?: number;
  /** part of inputTokens that is images (priced at image_input, else as input), from a log */
  imageInputTokens?: number;
  /** server-side web search calls the request made (a per-call fee: fees.web_search), from a log */
  webSearchCalls?: number;
  /** part of inputTokens that is earlier conversation */
  historyTokens: number;
  /** ordered cacheable blocks at the start of the input */
  prefix: PrefixBlock[];
  /** set by prompt-cache or by the log; the rest of inputTokens is billed as plain input */
  cached?: CachedTokens;
  /**
   * the cache counts the log reported for the request (a profile: undefined); no strategy changes
   * it, so a later stage still knows what the provider cached after an earlier one moved the
   * request (prompt-cache infers a log's prefixes from it: strategies/prompt-cache/infer.ts)
   */
  reported?: CachedTokens;
  batchable: boolean;
  status: 'ok' | 'error';
  retryOf?: string;
  conversationId?: string;
  /**
   * tenant, feature, route, promptVersion, intent, ... and any other column of a log. Names come from
   * users' files (`__proto__`, `constructor` are column names like any other): read them with tagOf,
   * and build new tag sets with newTags (no Object prototype, so every name is an own key).
   */
  tags: Record<string, string>;
  /** probability the answer is acceptable (quality), default 1 */
  quality?: number;
  /** false for a call whose answer was not used (the cheap call of an escalated cascade) */
  answers?: boolean;
  /** 1-based line (or record number) in the source log, for messages */
  line?: number;
}

/**
 * A request with every field present, in one fixed order, so every request object in a run has the
 * same hidden class. Copies made by spreading ({...r, x}) take their shape from their source, and
 * once a strategy sees several shapes its spreads go megamorphic (~10x slower: most of a
 * strategy's time on a 1M-row log). Absent optional fields are present as undefined.
 */
export function makeRequest(r: SimRequest): SimRequest {
  return {
    id: r.id,
    atMs: r.atMs,
    model: r.model,
    serviceTier: r.serviceTier,
    inputTokens: r.inputTokens,
    outputTokens: r.outputTokens,
    reasoningTokens: r.reasoningTokens,
    audioInputTokens: r.audioInputTokens,
    audioOutputTokens: r.audioOutputTokens,
    imageInputTokens: r.imageInputTokens,
    webSearchCalls: r.webSearchCalls,
    historyTokens: r.historyTokens,
    prefix: r.prefix,
    cached: r.cached,
    reported: r.reported,
    batchable: r.batchable,
    status: r.status,
    retryOf: r.retryOf,
    conversationId: r.conversationId,
    tags: r.tags,
    quality: r.quality,
    answers: r.answers,
    line: r.line,
  };
}

/**
 * A shallow copy of r for a strategy to change (never change the request it was given): the same
 * function as makeRequest, named for what a strategy does with it.
 * @alias
 */
export const copyRequest = makeRequest;

export function totalCached(c: CachedTokens | undefined): number {
  return c ? c.read + c.write5m + c.write1h : 0;
}

/** Whether the log reports cache reads or writes for a request (SimRequest.reported: no stage changes it). */
export function reportsCache(r: SimRequest): boolean {
  return totalCached(r.reported) > 0;
}

/**
 * Tag sets are made by this constructor: their prototype is an empty object without a prototype,
 * so no tag name reaches an Object member and tags['__proto__'] = v stores a tag. (Not
 * Object.create(null) itself: V8 keeps such an object as a dictionary, ~5x slower to build, read
 * and copy, and every stage and ledger tap reads the tags of every request.)
 */
function TagSet(): void {}
TagSet.prototype = Object.create(null);
const TagSetOf = TagSet as unknown as new () => Record<string, string>;

/** An empty tag set whose every name is an own key: tags['__proto__'] = v stores a tag instead of changing the object. */
export function newTags(from?: Readonly<Record<string, string>>): Record<string, string> {
  const t = new TagSetOf();
  if (from) for (const k of Object.keys(from)) t[k] = from[k]!;
  return t;
}

/**
 * A copy of a tag set with one tag set (a strategy marking the requests it changed): a tag set
 * like the others. (Not {...tags, name: value}: spreading an object whose prototype is not
 * Object.prototype takes V8's slow path, ~10x slower to build, and reads of the copy stay slow.)
 */
export function withTag(from: Readonly<Record<string, string>>, name: string, value: string): Record<string, string> {
  const t = newTags(from);
  t[name] = value;
  return t;
}

/** The tag `name` of a request, or undefined: only its own tags, never an Object.prototype member (toString, constructor). */
export function tagOf(r: Pick<SimRequest, 'tags'>, name: string): string | undefined {
  return Object.hasOwn(r.tags, name) ? r.tags[name] : undefined;
}
