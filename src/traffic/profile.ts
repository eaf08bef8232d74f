// The seeded traffic profile generator. Streams batches of SimRequest in time order and never
// holds more than the live conversations: conversation starts are a (diurnal x weekly modulated)
// Poisson process, later turns, retries and think times wait in a small min-heap keyed by time.
// Randomness is forked per concern (arrivals, segment pick, tenants, errors, each segment's tokens)
// so that adding a segment or a tenant does not reshuffle the arrival times.
import { dateTimeText, isIsoDateOrDateTime } from '../shared/dates.js';
import { z } from 'zod';
import {
  copyRequest,
  MAX_TOKENS_PER_REQUEST,
  makeRequest,
  newTags,
  type PrefixBlock,
  type SimRequest,
} from '../engine/request.js';
import { createRng, type Rng } from '../engine/rng.js';
import { TIERS } from '../pricing/pricebook.js';
import { DIURNAL_CURVES, normalise, WEEKLY_CURVES } from './diurnal.js';
import { type Dist, distSchema, intSampler, type Sampler, sampler, statedMax } from './distributions.js';
import { durationMs } from '../strategies/prompt-cache/expiring.js';

const DAY_MS = 86_400_000;
/**
 * Requests a profile may generate in all (turns and retries included): a 6-strategy waterfall
 * simulates ~75,000 requests/s on 2 cores (npm run bench), so 1e9 is already ~4 hours.
 */
const MAX_TOTAL_REQUESTS = 1e9;
/** turns per conversation: a 1,000-turn conversation's history outgrows every context window */
const MAX_TURNS = 1000;
/** think time and retry delay: a reply a week later is a new conversation (and live conversations are held in memory) */
const MAX_DELAY_S = 7 * 86_400;
const HOUR_MS = 3_600_000;
const share = z.number().min(0).max(1);

const curve = (names: Record<string, number[]>, len: number) =>
  z.union([
    z.enum(Object.keys(names) as [string, ...string[]]),
    z
      .array(z.number().nonnegative())
      .length(len)
      .refine((w) => w.some((x) => x > 0), { message: 'at least one weight must be > 0' }),
  ]);

export const segmentSchema = z.strictObject({
  name: z
    .string()
    .min(1)
    .regex(/^[^:\s]+$/, { message: 'segment names have no spaces or colons' }),
  /** relative share of conversations (shares are normalised) */
  share: z.number().positive().default(1),
  model: z.string().min(1),
  /** shared system prompt / tools prefix, identical for every request of one prompt version */
  system_tokens: z.number().int().nonnegative().default(0),
  prompt_version: z.string().min(1).default('v1'),
  /** segments naming the same system prompt (and version) share one cache key; default: the segment name */
  system_prompt: z.string().min(1).optional(),
  /** new user message per turn (tokens) */
  input_tokens: distSchema,
  /** the first turn's message, when it differs from later ones (a pasted document, an agent's task); default input_tokens */
  first_input_tokens: distSchema.optional(),
  /** answer per turn (tokens) */
  output_tokens: distSchema,
  /** turns per conversation (default 1: independent requests) */
  turns: distSchema.optional(),
  /** seconds between an answer and the next user message */
  think_time_s: distSchema.optional(),
  /**
   * agent loops: parallel tool calls per turn. The answer is that many tool_use blocks and the
   * message that many tool_result blocks (tokens split evenly), so a turn adds 2 x tool_calls content
   * blocks to the history - what Anthropic's 20-block lookback counts. Default: one block each.
   */
  tool_calls: distSchema.optional(),
  /** the service tier the requests are sent on (a log's batch or flex traffic); default standard */
  service_tier: z.enum(TIERS).optional(),
  /** share of requests that could wait for a batch API */
  batchable: share.default(0),
  /**
   * first messages come from a finite set of distinct queries with Zipf popularity (FAQ-style
   * repeats an exact response cache can serve); tagged queryKey. Default: every message is new.
   */
  queries: z
    .strictObject({ distinct: z.number().int().positive().max(10_000_000), zipf: z.number().nonnegative().default(1) })
    .optional(),
  /**
   * shared context after the system prompt (documents, tool sets, few-shot sets): each conversation
   * uses one of `distinct` prefixes with Zipf popularity; a prefix's size is drawn once from `tokens`.
   * Conversations on the same prefix share its cache entry, so hits rise with volume.
   */
  shared_prefixes: z
    .strictObject({
      distinct: z.number().int().positive().max(10_000_000),
      zipf: z.number().nonnegative().default(1),
      tokens: distSchema,
    })
    .optional(),
  /**
   * send the prompt as cumulative blocks of this many tokens (the last one partial), as hash-block
   * serving traces describe it (Mooncake: 512); default: one block per system prompt, message and answer
   */
  block_tokens: z.number().int().positive().max(1_000_000).optional(),
  intent: z.string().min(1).optional(),
  route: z.string().min(1).optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const profileSchema = z.strictObject({
  days: z.number().int().positive().max(366).default(1),
  /**
   * a period shorter (or not a whole number of days) instead of `days`, e.g. 10m, 6h: traffic runs
   * from `start` for this long (a fitted 10-minute trace keeps its density, so its cache hits)
   */
  duration: durationMs
    .refine((ms) => ms > 0 && ms <= 366 * DAY_MS, { message: 'duration must be more than 0 and at most 366d' })
    .optional(),
  /** first day (UTC midnight), YYYY-MM-DD; or a UTC date-time YYYY-MM-DDTHH:MM:SSZ (with duration) */
  start: z
    .union([z.string(), z.date()])
    .transform(dateTimeText)
    .refine(isIsoDateOrDateTime, { message: 'expected a date YYYY-MM-DD or a UTC date-time YYYY-MM-DDTHH:MM:SSZ' })
    .default('2026-11-02'),
  /** requests (turns, retries excluded) per day; or give conversations_per_day */
  requests_per_day: z.number().positive().optional(),
  conversations_per_day: z.number().positive().optional(),
  /**
   * growth what-if: conversations arrive this many times as often, everything else kept (segments,
   * turns, prefixes), so a cache shared by more requests is found warm more often (simulate --scale)
   */
  scale: z.number().positive().max(10_000).optional(),
  /** poisson (default) or uniform: exactly the daily count, evenly spaced, no diurnal shape */
  arrivals: z.enum(['poisson', 'uniform']).default('poisson'),
  diurnal: curve(DIURNAL_CURVES, 24).default('flat'),
  /** day weights Monday..Sunday, or a name */
  weekly: curve(WEEKLY_CURVES, 7).default('flat'),
  /** the diurnal curve is in local hours; local = UTC + offset */
  utc_offset_hours: z.number().int().min(-12).max(14).default(0),
  tenants: z
    .array(z.strictObject({ name: z.string().min(1), share: z.number().positive() }))
    .min(1)
    .optional(),
  errors: z
    .strictObject({
      /** share of requests that fail (refused by the provider: nothing billed) and are retried */
      rate: share.default(0),
      /** share of requests that succeed but the client retried anyway (a duplicate call) */
      timeout_rate: share.default(0),
      /** seconds between the original and its retry */
      retry_delay_s: distSchema.optional(),
    })
    .optional(),
  segments: z.array(segmentSchema).min(1),
});
export type Profile = z.infer<typeof profileSchema>;

export type Segment = z.infer<typeof segmentSchema>;

/** Cross-field rules of a profile, located by path (changesets style: all problems at once). */
export function profileProblems(
  p: Profile,
): { path: (string | number)[]; message: string; hint: string; severity: 'error' | 'warning' }[] {
  const out: ReturnType<typeof profileProblems> = [];
  if ((p.requests_per_day === undefined) === (p.conversations_per_day === undefined)) {
    out.push({
      path: [],
      message: 'give exactly one of requests_per_day or conversations_per_day',
      hint: 'e.g. requests_per_day: 12000',
      severity: 'error',
    });
  }
  if (p.duration !== undefined && p.days !== 1)
    out.push({
      path: ['duration'],
      message: 'give days or duration, not both',
      hint: 'duration: 10m (a part of a day) or days: 7 (whole days)',
      severity: 'error',
    });
  if (p.duration === undefined && p.start.length > 10)
    out.push({
      path: ['start'],
      message: 'a start time of day needs duration (days start at UTC midnight)',
      hint: `start: ${p.start.slice(0, 10)}, or add duration: 6h`,
      severity: 'error',
    });
  // A typo such as 1e12 would stream for hours: refuse totals no run could finish. Conversations
  // count with their turns, and failed or timed-out calls with their retries.
  const bounded = boundProblems(p);
  out.push(...bounded);
  const perDay =
    p.requests_per_day ?? (p.conversations_per_day !== undefined ? p.conversations_per_day * meanTurns(p) : 0);
  const retries = 1 + (p.errors?.rate ?? 0) + (p.errors?.timeout_rate ?? 0);
  const total = perDay * (p.scale ?? 1) * periodDays(p) * retries;
  if (!bounded.length && total > MAX_TOTAL_REQUESTS) {
    const key = p.requests_per_day !== undefined ? 'requests_per_day' : 'conversations_per_day';
    const how = [
      `${key} ${p.requests_per_day ?? p.conversations_per_day}`,
      key === 'conversations_per_day' ? `x ${meanTurns(p).toPrecision(3)} turns on average` : undefined,
      p.duration !== undefined
        ? `over ${periodDays(p).toPrecision(3)} days`
        : `x ${p.days} day${p.days === 1 ? '' : 's'}`,
      p.scale !== undefined && p.scale !== 1 ? `x scale ${p.scale}` : undefined,
      retries > 1 ? `x ${retries} for retries` : undefined,
    ]
      .filter(Boolean)
      .join(' ');
    out.push({
      path: [key],
      message: `${how} is ${total.toExponential(2)} requests, more than the ${MAX_TOTAL_REQUESTS.toExponential()} a run may simulate (~4 hours at the ~75,000 requests/s of a 6-strategy waterfall)`,
      hint: 'simulate a representative day (or a smaller volume) and scale the result, or use `llmcost estimate` for closed-form volumes',
      severity: 'error',
    });
  }
  const tenantNames = new Set<string>();
  (p.tenants ?? []).forEach((t, i) => {
    if (tenantNames.has(t.name))
      out.push({
        path: ['tenants', i, 'name'],
        message: `tenant name '${t.name}' is used twice`,
        hint: 'tenant names must be unique (give one entry per tenant with its total share)',
        severity: 'error',
      });
    tenantNames.add(t.name);
  });
  const names = new Set<string>();
  p.segments.forEach((s, i) => {
    if (names.has(s.name))
      out.push({
        path: ['segments', i, 'name'],
        message: `segment name '${s.name}' is used twice`,
        hint: 'segment names must be unique',
        severity: 'error',
      });
    names.add(s.name);
  });
  const sys = new Map<string, number>();
  p.segments.forEach((s, i) => {
    const key = `${s.system_prompt ?? s.name}:${s.prompt_version}`;
    const prev = sys.get(key);
    if (prev !== undefined && prev !== s.system_tokens)
      out.push({
        path: ['segments', i, 'system_tokens'],
        message: `segments share system prompt '${s.system_prompt ?? s.name}' (${s.prompt_version}) but differ in system_tokens (${prev} vs ${s.system_tokens})`,
        hint: 'one prompt version has one size; give the segments different prompt_version values',
        severity: 'error',
      });
    sys.set(key, s.system_tokens);
  });
  const e = p.errors;
  if (e && e.rate + e.timeout_rate > 1)
    out.push({
      path: ['errors'],
      message: 'errors.rate + errors.timeout_rate exceeds 1',
      hint: 'both are shares of all requests',
      severity: 'error',
    });
  return out;
}

type Problem = ReturnType<typeof profileProblems>[number];

/** Upper bounds of a profile's per-request numbers, each with the reason it exists. */
function boundProblems(p: Profile): Problem[] {
  const out: Problem[] = [];
  const tokens = MAX_TOKENS_PER_REQUEST.toLocaleString('en-US');
  const check = (
    path: (string | number)[],
    d: Dist | number | undefined,
    max: number,
    why: string,
    hint: string,
  ): void => {
    if (d === undefined) return;
    const v = typeof d === 'number' ? d : statedMax(d);
    if (v > max)
      out.push({
        path,
        message: `${String(path[path.length - 1])} reaches ${v >= 1e12 ? v.toExponential(2) : v.toLocaleString('en-US', { maximumSignificantDigits: 6 })}, more than ${max.toLocaleString('en-US')}: ${why}`,
        hint,
        severity: 'error',
      });
  };
  p.segments.forEach((g, i) => {
    const at = (k: string): (string | number)[] => ['segments', i, k];
    const tokenWhy = `no model has a context window above ${tokens} tokens`;
    const tokenHint = 'token counts are per request (check for a unit slip: per day, per month, or thousands)';
    check(at('input_tokens'), g.input_tokens, MAX_TOKENS_PER_REQUEST, tokenWhy, tokenHint);
    check(at('output_tokens'), g.output_tokens, MAX_TOKENS_PER_REQUEST, tokenWhy, tokenHint);
    check(at('system_tokens'), g.system_tokens, MAX_TOKENS_PER_REQUEST, tokenWhy, tokenHint);
    check(
      at('turns'),
      g.turns,
      MAX_TURNS,
      'turns per conversation: such a conversation outgrows every context window',
      'model long sessions as several conversations',
    );
    check(
      at('think_time_s'),
      g.think_time_s,
      MAX_DELAY_S,
      'seconds between turns: a reply a week later starts a new conversation',
      'think_time_s is in seconds (e.g. 40)',
    );
  });
  check(
    ['errors', 'retry_delay_s'],
    p.errors?.retry_delay_s,
    MAX_DELAY_S,
    'seconds before a retry: a retry a week later is a new request',
    'retry_delay_s is in seconds (e.g. 5)',
  );
  return out;
}

/** Expected turns per conversation over the segment mix. */
export function meanTurns(p: Profile): number {
  const total = p.segments.reduce((s, g) => s + g.share, 0);
  return p.segments.reduce((s, g) => s + (g.share / total) * (g.turns ? intSampler(g.turns, 1).mean : 1), 0);
}

/** The profile's length in days (a duration may be a fraction of one). */
export function periodDays(p: Profile): number {
  return p.duration !== undefined ? p.duration / DAY_MS : p.days;
}

export function periodOf(p: Profile): { startMs: number; endMs: number; days: number } {
  const startMs = Date.parse(p.start.length > 10 ? p.start : `${p.start}T00:00:00Z`);
  const spanMs = p.duration ?? p.days * DAY_MS;
  return { startMs, endMs: startMs + spanMs - 1, days: Math.max(1, Math.ceil(spanMs / DAY_MS)) };
}

interface SegRuntime {
  seg: Segment;
  rng: Rng;
  input: Sampler;
  /** turn 1's message (absent: input) */
  firstInput?: Sampler;
  output: Sampler;
  turns: Sampler;
  think: Sampler;
  /** content blocks per message and per answer (agent loops); absent = 1 and no draw */
  toolCalls?: Sampler;
  systemKey: string;
  /** cumulative Zipf weights of the distinct queries, and each query's token count once drawn */
  queryCum?: Float64Array;
  queryTokens?: Map<number, number>;
  /** cumulative Zipf weights of the shared prefixes, and each one's size once drawn */
  prefixCum?: Float64Array;
  prefixSize?: Sampler;
  prefixTokens?: Map<number, number>;
}

interface Conversation {
  n: number;
  id: string;
  s: SegRuntime;
  tenant: string | undefined;
  turns: number;
  /** blocks of earlier turns: system, shared prefix, u1, a1, ... (cumulative keys) */
  blocks: PrefixBlock[];
  /** system prompt + shared prefix, sent with every turn */
  fixedTokens: number;
  historyTokens: number;
}

type Event = { atMs: number; seq: number } & (
  | { kind: 'turn'; conv: Conversation; turn: number }
  | { kind: 'retry'; req: SimRequest }
);

/** Binary min-heap on (atMs, seq): ties break by creation order, so the stream is deterministic. */
class EventHeap {
  private a: Event[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): Event | undefined {
    return this.a[0];
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i]!;
    const y = this.a[j]!;
    return x.atMs < y.atMs || (x.atMs === y.atMs && x.seq < y.seq);
  }
  push(e: Event): void {
    const a = this.a;
    a.push(e);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop(): Event | undefined {
    const a = this.a;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (r < a.length && this.less(r, m)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Conversation start times in [startMs, startMs + days): Poisson with a piecewise-constant rate
 * per hour (exact, by memorylessness: at an hour boundary the next gap is drawn afresh), or
 * uniform (exactly round(perDay) per day, evenly spaced).
 */
export function* arrivalTimes(p: Profile, perDay: number, rng: Rng): Generator<number> {
  const { startMs, endMs } = periodOf(p);
  if (p.arrivals === 'uniform') {
    if (p.duration !== undefined) {
      const n = Math.round((perDay * p.duration) / DAY_MS);
      for (let i = 0; i < n; i++) yield Math.floor(startMs + ((i + 0.5) * p.duration) / n);
      return;
    }
    const n = Math.round(perDay);
    for (let d = 0; d < p.days; d++)
      for (let i = 0; i < n; i++) yield Math.floor(startMs + d * DAY_MS + ((i + 0.5) * DAY_MS) / n);
    return;
  }
  const hourly = normalise(typeof p.diurnal === 'string' ? DIURNAL_CURVES[p.diurnal]! : p.diurnal);
  const weekly = normalise(typeof p.weekly === 'string' ? WEEKLY_CURVES[p.weekly]! : p.weekly);
  // one UTC hour (or the part of it inside the period) at a time; the rate is constant within it
  for (let slot = startMs; slot <= endMs; ) {
    const hourStart = Math.floor(slot / HOUR_MS) * HOUR_MS;
    const slotEnd = Math.min(hourStart + HOUR_MS, endMs + 1);
    const dayStart = Math.floor(slot / DAY_MS) * DAY_MS;
    const dow = (new Date(dayStart).getUTCDay() + 6) % 7; // Monday = 0
    const h = (hourStart - dayStart) / HOUR_MS;
    const local = (((h + p.utc_offset_hours) % 24) + 24) % 24;
    // expected arrivals in this hour = perDay x day weight x hour weight / 24
    const perMs = (perDay * weekly[dow]! * hourly[local]!) / 24 / HOUR_MS;
    if (perMs > 0) {
      let t = slot;
      for (;;) {
        t += rng.exponential(perMs);
        if (t >= slotEnd) break;
        yield Math.floor(t);
      }
    }
    slot = slotEnd;
  }
}

/** Expected conversation starts of a profile per unit of daily volume (the arrival curve integrated over the period). */
export function expectedArrivalsPerDailyUnit(p: Profile): number {
  const { startMs, endMs } = periodOf(p);
  if (p.arrivals === 'uniform') return periodDays(p);
  const hourly = normalise(typeof p.diurnal === 'string' ? DIURNAL_CURVES[p.diurnal]! : p.diurnal);
  const weekly = normalise(typeof p.weekly === 'string' ? WEEKLY_CURVES[p.weekly]! : p.weekly);
  let sum = 0;
  for (let slot = startMs; slot <= endMs; ) {
    const hourStart = Math.floor(slot / HOUR_MS) * HOUR_MS;
    const slotEnd = Math.min(hourStart + HOUR_MS, endMs + 1);
    const dayStart = Math.floor(slot / DAY_MS) * DAY_MS;
    const dow = (new Date(dayStart).getUTCDay() + 6) % 7;
    const local = (((((hourStart - dayStart) / HOUR_MS + p.utc_offset_hours) % 24) + 24) % 24) as number;
    sum += (weekly[dow]! * hourly[local]! * (slotEnd - slot)) / 24 / HOUR_MS;
    slot = slotEnd;
  }
  return sum;
}

export interface GenerateOptions {
  batchSize?: number;
}

/** The request stream of a profile: batches in time order. Same profile + seed = same stream. */
export function* generateProfile(p: Profile, seed: number, opts: GenerateOptions = {}): Generator<SimRequest[]> {
  const batchSize = opts.batchSize ?? 1000;
  const root = createRng(seed).fork('profile');
  const pickRng = root.fork('segments');
  const tenantRng = root.fork('tenants');
  const errorRng = root.fork('errors');
  const segs: SegRuntime[] = p.segments.map((seg) => ({
    seg,
    rng: root.fork(`segment:${seg.name}`),
    input: intSampler(seg.input_tokens, 0, MAX_TOKENS_PER_REQUEST),
    ...(seg.first_input_tokens ? { firstInput: intSampler(seg.first_input_tokens, 0, MAX_TOKENS_PER_REQUEST) } : {}),
    output: intSampler(seg.output_tokens, 0, MAX_TOKENS_PER_REQUEST),
    turns: seg.turns ? intSampler(seg.turns, 1, MAX_TURNS) : { draw: () => 1, mean: 1 },
    think: seg.think_time_s ? sampler(seg.think_time_s) : { draw: () => 30, mean: 30 },
    ...(seg.tool_calls ? { toolCalls: intSampler(seg.tool_calls, 1) } : {}),
    systemKey: `sys:${seg.system_prompt ?? seg.name}:${seg.prompt_version}`,
    ...(seg.queries
      ? { queryCum: zipfCumulative(seg.queries.distinct, seg.queries.zipf), queryTokens: new Map<number, number>() }
      : {}),
    ...(seg.shared_prefixes
      ? {
          prefixCum: zipfCumulative(seg.shared_prefixes.distinct, seg.shared_prefixes.zipf),
          prefixSize: intSampler(seg.shared_prefixes.tokens, 0, MAX_TOKENS_PER_REQUEST),
          prefixTokens: new Map<number, number>(),
        }
      : {}),
  }));
  const segCum = cumulative(p.segments.map((s) => s.share));
  const tenantCum = p.tenants ? cumulative(p.tenants.map((t) => t.share)) : [];
  const retryDelay = p.errors?.retry_delay_s ? sampler(p.errors.retry_delay_s) : { draw: () => 5, mean: 5 };
  const errRate = p.errors?.rate ?? 0;
  const timeoutRate = p.errors?.timeout_rate ?? 0;
  const perDay = (p.conversations_per_day ?? (p.requests_per_day ?? 0) / meanTurns(p)) * (p.scale ?? 1);

  const heap = new EventHeap();
  let seq = 0;
  let convN = 0;
  let batch: SimRequest[] = [];

  const emitTurn = (c: Conversation, turn: number, atMs: number): SimRequest => {
    const s = c.s;
    let userTokens = (turn === 1 && s.firstInput ? s.firstInput : s.input).draw(s.rng);
    const outputTokens = s.output.draw(s.rng);
    const batchable = s.seg.batchable > 0 && s.rng.next() < s.seg.batchable;
    const id = `${c.id}-t${turn}`;
    let messageKey = `${c.id}:u${turn}`;
    let queryKey: string | undefined;
    if (turn === 1 && s.queryCum) {
      // A repeated query: same text, so the same token count and the same cumulative prefix key.
      const q = searchCum(s.queryCum, s.rng.next());
      const known = s.queryTokens!.get(q);
      if (known === undefined) s.queryTokens!.set(q, userTokens);
      else userTokens = known;
      messageKey = `${s.systemKey}|q${q}`;
      queryKey = messageKey;
    }
    // Agent loops: k tool results in, k tool calls out (k drawn only when the segment says so).
    const k = s.toolCalls ? s.toolCalls.draw(s.rng) : 1;
    const message = split(messageKey, userTokens, k, 'message');
    const content = [...c.blocks.map((b) => ({ ...b })), ...message];
    const prefix = s.seg.block_tokens ? rechunk(content, s.seg.block_tokens) : content;
    const seg = s.seg;
    // the segment's own tag names are the user's: a tag set without a prototype
    const tags = newTags(seg.tags);
    tags.feature = seg.name;
    tags.intent = seg.intent ?? seg.name;
    tags.promptVersion = seg.prompt_version;
    tags.route = seg.route ?? 'default';
    if (c.tenant !== undefined) tags.tenant = c.tenant;
    // what the user asked, as a content identity: repeats only for repeated queries
    tags.queryKey = queryKey ?? messageKey;
    const req = makeRequest({
      id,
      atMs,
      model: seg.model,
      serviceTier: seg.service_tier ?? 'standard',
      inputTokens: c.fixedTokens + c.historyTokens + userTokens,
      outputTokens,
      historyTokens: c.historyTokens,
      prefix,
      batchable,
      status: 'ok',
      conversationId: c.id,
      tags,
    });
    // Errors: a failed call is refused (nothing billed) and retried; a timeout completes but the
    // client retries anyway (a duplicate that dedupe-retries can drop).
    const u = errRate + timeoutRate > 0 ? errorRng.next() : 1;
    if (u < errRate + timeoutRate) {
      const failed = u < errRate;
      const retry = copyRequest(req);
      retry.id = `${id}-r1`;
      retry.retryOf = id;
      retry.atMs = atMs + Math.round(retryDelay.draw(errorRng) * 1000);
      retry.prefix = prefix.map((b) => ({ ...b }));
      retry.tags = newTags(tags);
      heap.push({ kind: 'retry', atMs: retry.atMs, seq: seq++, req: retry });
      if (failed) {
        // refused by the provider (a 429 or 5xx): providers bill no tokens for it (docs/logs.md#failed-requests)
        req.status = 'error';
        req.inputTokens = 0;
        req.outputTokens = 0;
        req.historyTokens = 0;
        req.prefix = [];
      }
    }
    // The next turn sees this turn's message and answer as history.
    for (const b of message) c.blocks.push({ key: b.key, tokens: b.tokens, kind: 'history' });
    c.blocks.push(...split(`${c.id}:a${turn}`, outputTokens, k, 'history'));
    c.historyTokens += userTokens + outputTokens;
    if (turn < c.turns)
      heap.push({
        kind: 'turn',
        atMs: atMs + Math.round(s.think.draw(s.rng) * 1000),
        seq: seq++,
        conv: c,
        turn: turn + 1,
      });
    return req;
  };

  const drainUntil = function* (limit: number): Generator<SimRequest[]> {
    for (;;) {
      const top = heap.peek();
      if (!top || top.atMs > limit) return;
      heap.pop();
      batch.push(top.kind === 'turn' ? emitTurn(top.conv, top.turn, top.atMs) : top.req);
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  };

  for (const t of arrivalTimes(p, perDay, root.fork('arrivals'))) {
    yield* drainUntil(t - 1);
    const s = segs[pick(segCum, pickRng.next())]!;
    const n = convN++;
    const id = `c${n}`;
    const blocks: PrefixBlock[] =
      s.seg.system_tokens > 0 ? [{ key: s.systemKey, tokens: s.seg.system_tokens, kind: 'system' }] : [];
    const tenant = p.tenants ? p.tenants[pick(tenantCum, tenantRng.next())]!.name : undefined;
    const turns = s.turns.draw(s.rng);
    if (s.prefixCum) {
      // one shared prefix per conversation: the same index, the same text, so the same size and key
      const q = searchCum(s.prefixCum, s.rng.next());
      let tokens = s.prefixTokens!.get(q);
      if (tokens === undefined) s.prefixTokens!.set(q, (tokens = s.prefixSize!.draw(s.rng)));
      if (tokens > 0) blocks.push({ key: `${s.systemKey}|p${q}`, tokens, kind: 'system' });
    }
    const conv: Conversation = {
      n,
      id,
      s,
      tenant,
      turns,
      blocks,
      fixedTokens: blocks.reduce((sum, b) => sum + b.tokens, 0),
      historyTokens: 0,
    };
    heap.push({ kind: 'turn', atMs: t, seq: seq++, conv, turn: 1 });
  }
  yield* drainUntil(Number.POSITIVE_INFINITY);
  if (batch.length) yield batch;
}

/**
 * One message or answer as k content blocks: tokens split evenly, the remainder on the last block;
 * block j > 1 of key K is K#j (keys stay cumulative: K already names everything before it).
 */
function split(key: string, tokens: number, k: number, kind: 'message' | 'history'): PrefixBlock[] {
  if (k === 1) return [{ key, tokens, kind }];
  const each = Math.floor(tokens / k);
  return Array.from({ length: k }, (_, j) => ({
    key: j === 0 ? key : `${key}#${j + 1}`,
    tokens: j === k - 1 ? tokens - each * (k - 1) : each,
    kind,
  }));
}

/**
 * The prompt as cumulative blocks of `size` tokens, the last one holding the rest (as hash-block
 * traces describe a prompt). A block ending at offset o of content block K is keyed K@o: K names
 * everything up to and including its own text, so K@o names the prefix up to that token.
 */
function rechunk(content: PrefixBlock[], size: number): PrefixBlock[] {
  const out: PrefixBlock[] = [];
  let filled = 0;
  for (const b of content) {
    let used = 0;
    while (used < b.tokens) {
      const take = Math.min(size - filled, b.tokens - used);
      used += take;
      filled += take;
      if (filled === size) {
        out.push({ key: `${b.key}@${used}`, tokens: size, kind: 'block' });
        filled = 0;
      }
    }
  }
  if (filled > 0) {
    const last = content[content.length - 1]!;
    out.push({ key: `${last.key}@${last.tokens}`, tokens: filled, kind: 'block' });
  }
  return out;
}

function cumulative(weights: number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  let acc = 0;
  return weights.map((w) => (acc += w / total));
}

function zipfCumulative(n: number, exponent: number): Float64Array {
  const cum = new Float64Array(n);
  let acc = 0;
  for (let k = 0; k < n; k++) cum[k] = acc += 1 / (k + 1) ** exponent;
  for (let k = 0; k < n; k++) cum[k]! /= acc;
  return cum;
}

/** first index whose cumulative weight exceeds u (binary search) */
function searchCum(cum: Float64Array, u: number): number {
  let lo = 0;
  let hi = cum.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (u < cum[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function pick(cum: number[], u: number): number {
  let i = 0;
  while (i < cum.length - 1 && u >= cum[i]!) i++;
  return i;
}
