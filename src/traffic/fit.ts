// `llmcost fit`: a traffic profile from a request log, in one pass. Requests are grouped into
// conversations (a conversation id; else a prompt that extends an earlier prompt's hash blocks; else
// one request each), conversations into segments (model x the --by values x the shared prefix), and
// every quantity the generator draws is kept as the log's own empirical distribution: first and later
// messages, answers, turns, think time, shared-prefix sizes and popularity, error and retry rates,
// the arrival curve. What a value was fitted from is said in `notes` (the YAML's comments).
// Fidelity (the fitted profile's simulate against the log's replay) is docs/fit.md's subject.
import type { PrefixBlock, SimRequest } from '../engine/request.js';
import { type ArrivalShape, arrivalShape, empiricalOf, Sample, zipfExponent } from './fit-dist.js';
import { expectedArrivalsPerDailyUnit, profileSchema } from './profile.js';

/** segments split by shared prefix up to this many prefixes per group; above, one segment with shared_prefixes */
const MAX_SPLIT_PREFIXES = 8;
/** groups kept as their own segments (by conversations); the rest merge per model into other-MODEL */
const MAX_SEGMENTS = 40;
/** consecutive turns whose input grows by at least half the previous answer: the log sends history */
const HISTORY_SHARE = 0.7;
/** requests remembered for matching retries to their original (retry delay, failed or not) */
const RETRY_MEMORY = 100_000;
/** earliest absolute timestamp: anything before is a trace offset (Mooncake, Azure count from 0) */
const ABSOLUTE_FROM_MS = Date.UTC(2000, 0, 1);

/** inferred prefixes kept, and conversations whose prefix is remembered (their later turns keep it) */
const INFERRED_KEPT = 100_000;
/** the key of a prefix inferred from cache counts: this, the model, the count */
const INFERRED = 'cached:';

/**
 * Shared prefixes for a log without prefix columns (prefix_key/prefix_tokens, hash blocks), from
 * what the provider said it cached: a request that only wrote or only read the cache sent that many
 * tokens of prefix (Anthropic: up to its breakpoint; OpenAI: the part it found, in 128-token steps);
 * one that did both read what came before (the shared part) and wrote its own. Requests of one model
 * with the same count share a prefix (one system prompt and its tools); a conversation's later
 * turns keep its first turn's prefix (their larger counts are history, which the profile's turns
 * resend and its prompt-cache step caches). No prefix for a request that reports nothing, more
 * than its input, or - without a conversation id - both a read and a write (its read may be
 * history no other request shares). Applied before the fitter and to the log side of --check alike.
 */
export class CachedPrefixes {
  /** requests given a prefix */
  inferred = 0;
  private readonly byKey = new Map<string, PrefixBlock[]>();
  private readonly byConversation = new Map<string, PrefixBlock[]>();

  /** gives `r` its inferred prefix (a request that has prefix blocks keeps them) */
  add(r: SimRequest): void {
    if (r.prefix.length) return;
    const conv = r.conversationId;
    let p = conv === undefined ? undefined : this.byConversation.get(conv);
    if (!p) {
      const c = r.cached;
      if (!c) return;
      const writes = c.write5m + c.write1h;
      // read and written at once: a turn that read what came before and wrote its own part. Only the
      // read part can be shared; without a conversation id it may be history, which no other request
      // shares, so such a request gets no prefix (a shared one would make every turn a new write)
      if (c.read > 0 && writes > 0 && conv === undefined) return;
      const n = c.read > 0 && writes > 0 ? c.read : c.read + writes;
      if (!(n > 0 && n <= r.inputTokens)) return;
      const key = `${INFERRED}${r.model}:${n}`;
      if (this.byKey.size >= INFERRED_KEPT) this.byKey.clear();
      p = this.byKey.get(key);
      if (!p) this.byKey.set(key, (p = [{ key, tokens: n, kind: 'system' }]));
      if (conv !== undefined) {
        if (this.byConversation.size >= INFERRED_KEPT) this.byConversation.clear();
        this.byConversation.set(conv, p);
      }
    }
    if (p[0]!.tokens > r.inputTokens) return;
    r.prefix = p;
    this.inferred++;
  }
}

export interface FitOptions {
  /** segment dimensions besides the model: tag names, or tenant, feature, route, prompt_version, intent */
  by?: string[];
  /** where a trace with relative timestamps is placed (epoch ms); default: its own offsets */
  placeAtMs?: number;
}

/** Everything one (segment group, shared prefix) pair accumulates. */
interface Acc {
  group: Group;
  prefixKey: string | undefined;
  prefixTokens: number;
  /** conversations of this length class only (history mode: see TURN_CLASSES) */
  turnClass?: string;
  starts: number;
  requests: number;
  batchable: number;
  firstMessage: Sample;
  laterMessage: Sample;
  output: Sample;
  think: Sample;
  turns: Sample;
  promptVersions: Map<string, number>;
}

interface Group {
  model: string;
  tier: SimRequest['serviceTier'];
  values: string[];
  /** per shared prefix: conversations as linked */
  accs: Map<string, Acc>;
  /** per shared prefix: every request on its own (used when the log's turns do not resend history) */
  flat: Map<string, Acc>;
}

interface Conversation {
  acc: Acc;
  turns: number;
  /** the first turn's message (after the shared prefix), later turns' new tokens, answers, gaps (s) */
  first: number;
  later: number[];
  outputs: number[];
  thinks: number[];
  batchable: number;
  lastAtMs: number;
  lastInput: number;
  lastOutput: number;
  /** hash-block logs: the cumulative keys of the conversation's last prompt */
  keys?: string[];
}

export interface FitSummary {
  rows: number;
  requests: number;
  conversations: number;
  retries: number;
  failed: number;
  failedWithoutRetry: number;
  segments: number;
  prefixes: number;
  historyMode: boolean;
  linkedBy: 'conversation_id' | 'prefix blocks' | 'none';
  blockTokens?: number;
  startMs: number;
  endMs: number;
  relative: boolean;
}

export interface FitResult {
  /** the profile in the scenario file's own form (keys and values as written) */
  profile: Record<string, unknown>;
  /** comment per path ('segments.0.turns', 'errors', ...): what the value was fitted from */
  notes: Map<string, string>;
  summary: FitSummary;
}

const int = (n: number): string => n.toLocaleString('en-US');

/** Collects a log's requests (feed every batch to add, in log order), then fits (finish). */
export class LogFitter {
  private readonly by: string[];
  private readonly groups = new Map<string, Group>();
  private readonly convById = new Map<string, Conversation>();
  private readonly convByKey = new Map<string, Conversation>();
  private readonly convs: Conversation[] = [];
  private readonly starts = new Sample();
  private readonly flatStarts = new Sample();
  private readonly flatTenants = new Map<string, number>();
  private readonly recent = new Map<string, { atMs: number; failed: boolean }>();
  private readonly retryDelay = new Sample();
  private readonly tenants = new Map<string, number>();
  private readonly blockSizes = new Map<number, number>();
  private rows = 0;
  private requests = 0;
  private retries = 0;
  private originals = 0;
  private retriesOfFailed = 0;
  private failed = 0;
  private pairs = 0;
  private growing = 0;
  private withConversationId = 0;
  private hashLinked = 0;
  private startMs = Number.POSITIVE_INFINITY;
  private endMs = Number.NEGATIVE_INFINITY;
  private featureSeen = false;

  constructor(private readonly opts: FitOptions = {}) {
    this.by = opts.by ?? [];
  }

  /** first to last timestamp of the rows so far */
  get spanMs(): number {
    return this.rows ? this.endMs - this.startMs : 0;
  }

  /** the last timestamp seen */
  get lastMs(): number {
    return this.endMs;
  }

  /** billed requests fitted so far (retries and calls that billed nothing excluded) */
  get billed(): number {
    return this.requests;
  }

  /** what was left out of the traffic so far: retries (counted in the rates) and calls that billed nothing */
  get leftOut(): { retries: number; unbilled: number } {
    return { retries: this.retries, unbilled: this.originals - this.requests };
  }

  add(r: SimRequest): void {
    this.rows++;
    if (r.atMs < this.startMs) this.startMs = r.atMs;
    if (r.atMs > this.endMs) this.endMs = r.atMs;
    if (r.tags.feature !== undefined) this.featureSeen = true;
    const unbilled = r.status === 'error' && r.inputTokens + r.outputTokens === 0;
    if (r.retryOf !== undefined) {
      // a retry repeats its original: counted for the rates, never as traffic of its own
      this.retries++;
      const orig = this.recent.get(r.retryOf);
      if (orig) {
        this.retryDelay.push(Math.max(0, (r.atMs - orig.atMs) / 1000));
        if (orig.failed) this.retriesOfFailed++;
      }
      return;
    }
    this.originals++;
    this.remember(r.id, r.atMs, r.status === 'error');
    if (r.status === 'error') this.failed++;
    if (unbilled) return;
    this.requests++;
    this.link(r);
  }

  private remember(id: string, atMs: number, failed: boolean): void {
    this.recent.set(id, { atMs, failed });
    if (this.recent.size > RETRY_MEMORY) this.recent.delete(this.recent.keys().next().value!);
  }

  /** The request's conversation: continued (by id, or by extending the last prompt's blocks) or new. */
  private link(r: SimRequest): void {
    const blocks = r.prefix;
    const hashed = blocks.length > 0 && blocks[0]!.kind === 'block';
    if (hashed)
      for (let i = 0; i < blocks.length - 1; i++)
        this.blockSizes.set(blocks[i]!.tokens, (this.blockSizes.get(blocks[i]!.tokens) ?? 0) + 1);
    let conv: Conversation | undefined;
    if (r.conversationId !== undefined) {
      this.withConversationId++;
      conv = this.convById.get(r.conversationId);
    } else if (hashed && blocks.length >= 2) {
      // the deepest block key some live conversation's last prompt holds; a continuation sends
      // that prompt again (all but its partial last block) and more, so it grows
      for (let i = blocks.length - 1; i >= 1 && !conv; i--) {
        const c = this.convByKey.get(blocks[i]!.key);
        // a continuation resends the whole last prompt but its partial last block; sharing less is an
        // edit or a branch, which the generator's conversations (that always resend all) would overstate
        if (c && r.inputTokens >= c.lastInput && i + 1 >= c.keys!.length - 1) conv = c;
      }
      if (conv) this.hashLinked++;
    }
    const first = blocks[0];
    if (!conv) {
      const acc = this.accFor(r, first?.key, first?.tokens ?? 0);
      const firstMessage = Math.max(0, r.inputTokens - acc.prefixTokens);
      conv = {
        acc,
        turns: 0,
        first: firstMessage,
        later: [],
        outputs: [],
        thinks: [],
        batchable: 0,
        lastAtMs: r.atMs,
        lastInput: 0,
        lastOutput: 0,
      };
      this.convs.push(conv);
      acc.starts++;
      this.starts.push(r.atMs);
      const tenant = r.tags.tenant;
      if (tenant !== undefined) this.tenants.set(tenant, (this.tenants.get(tenant) ?? 0) + 1);
      if (r.conversationId !== undefined) this.convById.set(r.conversationId, conv);
    } else {
      this.pairs++;
      if (r.inputTokens >= conv.lastInput + conv.lastOutput / 2) this.growing++;
      conv.later.push(Math.max(0, r.inputTokens - conv.lastInput - conv.lastOutput));
      conv.thinks.push(Math.max(0, (r.atMs - conv.lastAtMs) / 1000));
    }
    const own = this.accFor(r, first?.key, first?.tokens ?? 0, 'flat');
    own.starts++;
    own.requests++;
    if (r.batchable) own.batchable++;
    own.firstMessage.push(Math.max(0, r.inputTokens - own.prefixTokens));
    own.output.push(r.outputTokens);
    this.flatStarts.push(r.atMs);
    if (r.tags.tenant !== undefined)
      this.flatTenants.set(r.tags.tenant, (this.flatTenants.get(r.tags.tenant) ?? 0) + 1);
    const acc = conv.acc;
    conv.turns++;
    conv.lastAtMs = r.atMs;
    conv.lastInput = r.inputTokens;
    conv.lastOutput = r.outputTokens;
    acc.requests++;
    if (r.batchable) conv.batchable++;
    conv.outputs.push(r.outputTokens);
    const pv = r.tags.promptVersion;
    if (pv !== undefined) {
      acc.promptVersions.set(pv, (acc.promptVersions.get(pv) ?? 0) + 1);
      own.promptVersions.set(pv, (own.promptVersions.get(pv) ?? 0) + 1);
    }
    if (hashed && r.conversationId === undefined) {
      // the conversation answers to its last prompt's keys only (memory: one prompt per conversation)
      for (const k of conv.keys ?? []) if (this.convByKey.get(k) === conv) this.convByKey.delete(k);
      conv.keys = blocks.map((b) => b.key);
      for (let i = 1; i < conv.keys.length; i++) this.convByKey.set(conv.keys[i]!, conv);
    }
  }

  private accFor(
    r: SimRequest,
    prefixKey: string | undefined,
    prefixTokens: number,
    kind: 'accs' | 'flat' = 'accs',
  ): Acc {
    const values = this.segmentDims().map((d) => dimValue(r, d));
    const gk = JSON.stringify([r.model, r.serviceTier, ...values]);
    let g = this.groups.get(gk);
    if (!g)
      this.groups.set(gk, (g = { model: r.model, tier: r.serviceTier, values, accs: new Map(), flat: new Map() }));
    const ak = prefixKey ?? '';
    let a = g[kind].get(ak);
    if (!a) g[kind].set(ak, (a = newAcc(g, prefixKey, prefixTokens)));
    return a;
  }

  /** --by as given, else feature when the log has it (decided on the first request that names one) */
  private segmentDims(): string[] {
    if (this.opts.by) return this.by;
    return this.featureSeen ? ['feature'] : [];
  }

  /**
   * Conversations into length classes within each (group, prefix): a one-turn chat and a long one
   * differ in their first message too (a pasted document is rarely followed by ten turns), and the
   * history a long conversation resends compounds that difference; drawn apart, they keep it.
   */
  private byTurnClass(): void {
    const classed = new Map<Acc, Map<string, Acc>>();
    for (const c of this.convs) {
      const k = turnClass(c.turns);
      let m = classed.get(c.acc);
      if (!m) classed.set(c.acc, (m = new Map()));
      let a = m.get(k);
      if (!a)
        m.set(
          k,
          (a = {
            ...newAcc(c.acc.group, c.acc.prefixKey, c.acc.prefixTokens),
            turnClass: k,
            promptVersions: c.acc.promptVersions,
          }),
        );
      a.starts++;
      a.requests += c.turns;
      a.batchable += c.batchable;
      a.firstMessage.push(c.first);
      for (const x of c.later) a.laterMessage.push(x);
      for (const x of c.outputs) a.output.push(x);
      for (const x of c.thinks) a.think.push(x);
      a.turns.push(c.turns);
    }
    for (const g of this.groups.values()) {
      const next = new Map<string, Acc>();
      for (const [k, a] of g.accs)
        for (const [cls, ca] of [...(classed.get(a) ?? [])].sort((x, y) => cmp(x[0], y[0])))
          next.set(`${k}\u0000${cls}`, ca);
      g.accs = next;
    }
  }

  finish(): FitResult {
    if (this.requests === 0) throw new Error('internal: fit needs at least one billed request');
    this.byTurnClass();
    const hashedLog = this.blockSizes.size > 0;
    const historyMode = this.withConversationId === 0 || (this.pairs > 0 && this.growing / this.pairs >= HISTORY_SHARE);
    const notes = new Map<string, string>();
    const relative = this.startMs < ABSOLUTE_FROM_MS;
    const shift = relative && this.opts.placeAtMs !== undefined ? this.opts.placeAtMs - this.startMs : 0;
    const startMs = Math.floor((this.startMs + shift) / 1000) * 1000;
    // the period: the log's first to last timestamp, in whole minutes (at least one)
    const minutes = Math.max(1, Math.ceil((this.endMs + shift - startMs + 1) / 60_000));
    const endMs = startMs + minutes * 60_000;
    const starts = new Sample();
    for (const t of (historyMode ? this.starts : this.flatStarts).sorted()) starts.push(t + shift);
    const blockTokens = hashedLog ? mostCommon(this.blockSizes) : undefined;

    const segments = this.segments(historyMode, blockTokens);
    const shape: ArrivalShape = arrivalShape(starts, startMs, endMs);
    const conversations = segments.reduce((t, s) => t + s.starts, 0);
    const profile: Record<string, unknown> = {
      start: new Date(startMs).toISOString().replace('.000Z', 'Z'),
      duration: durationText(minutes),
    };
    notes.set(
      'start',
      relative
        ? `the trace's timestamps count from its start; placed at ${profile.start as string} (--start)`
        : `the log's first request, ${new Date(this.startMs).toISOString()}`,
    );
    notes.set('duration', `first to last request, in whole minutes`);
    // volume: the arrival curve integrated over the period gives conversations per daily unit; the caller solves for it
    const anyTurns = segments.some((s) => s.multiTurn);
    profile[anyTurns ? 'conversations_per_day' : 'requests_per_day'] = conversations;
    notes.set(
      anyTurns ? 'conversations_per_day' : 'requests_per_day',
      `${int(conversations)} ${anyTurns ? 'conversations' : 'requests'} in the period (turns and retries excluded) at this daily rate`,
    );
    if (shape.diurnal !== 'flat') {
      profile.diurnal = shape.diurnal;
      notes.set('diurnal', 'starts per hour of day (UTC), over the hours the log covers');
    }
    if (shape.weekly !== 'flat') {
      profile.weekly = shape.weekly;
      notes.set('weekly', 'starts per day of week (Monday first), over the days the log covers');
    }
    const tenants = historyMode ? this.tenants : this.flatTenants;
    if (!this.by.includes('tenant') && tenants.size > 0) {
      profile.tenants = topShares(tenants, MAX_SEGMENTS).map(([name, n]) => ({
        name,
        share: round4(n / conversations),
      }));
      notes.set(
        'tenants',
        `share of ${historyMode ? 'conversations' : 'requests'} per tenant (${int(tenants.size)} tenants)`,
      );
    }
    const errors = this.errorsOf(this.originals, notes);
    if (errors) profile.errors = errors;
    profile.segments = segments.map((s) => s.value);
    // the daily rate whose expected conversations over this period (and curve) are the log's
    const volumeKey = anyTurns ? 'conversations_per_day' : 'requests_per_day';
    const unit = expectedArrivalsPerDailyUnit(profileSchema.parse({ ...profile, [volumeKey]: 1 }));
    const perDay = conversations / unit;
    profile[volumeKey] = Number(perDay.toPrecision(perDay >= 1e6 ? 7 : 6));
    segments.forEach((s, i) => {
      for (const [k, v] of s.notes) notes.set(`segments.${i}.${k}`, v);
    });
    return {
      profile,
      notes,
      summary: {
        rows: this.rows,
        requests: this.requests,
        conversations,
        retries: this.retries,
        failed: this.failed,
        failedWithoutRetry: Math.max(0, this.failed - this.retriesOfFailed),
        segments: segments.length,
        prefixes: new Set([...this.groups.values()].flatMap((g) => [...g.flat.keys()].filter(Boolean))).size,
        historyMode,
        linkedBy: this.withConversationId > 0 ? 'conversation_id' : this.hashLinked > 0 ? 'prefix blocks' : 'none',
        ...(blockTokens ? { blockTokens } : {}),
        startMs,
        endMs,
        relative,
      },
    };
  }

  /**
   * Errors as the generator draws them: a refused call is retried (rate), a completed call the
   * client retried anyway is a duplicate (timeout_rate); both per original request.
   */
  private errorsOf(originals: number, notes: Map<string, string>): Record<string, unknown> | undefined {
    if (this.retries === 0) return undefined;
    const failedRetried = Math.min(this.retriesOfFailed, this.retries);
    const rate = round4(failedRetried / originals);
    const timeout = round4((this.retries - failedRetried) / originals);
    const out: Record<string, unknown> = { rate, timeout_rate: timeout };
    if (this.retryDelay.length) out.retry_delay_s = empiricalOf(this.retryDelay, 24, 1);
    notes.set(
      'errors',
      `${int(this.retries)} retries of ${int(originals)} requests: ${int(failedRetried)} after a failed call, the rest after a completed one`,
    );
    return out;
  }

  private segments(
    historyMode: boolean,
    blockTokens: number | undefined,
  ): { value: Record<string, unknown>; starts: number; multiTurn: boolean; notes: Map<string, string> }[] {
    const dims = this.segmentDims();
    // groups by conversations, the smallest beyond MAX_SEGMENTS merged per model
    const pick = (g: Group): Map<string, Acc> => (historyMode ? g.accs : g.flat);
    const startsOf = (g: Group): number => [...pick(g).values()].reduce((t, a) => t + a.starts, 0);
    const groups = [...this.groups.values()]
      .filter((g) => startsOf(g) > 0)
      .sort((a, b) => startsOf(b) - startsOf(a) || cmp(key(a), key(b)));
    const kept = groups.slice(0, MAX_SEGMENTS);
    const rest = new Map<string, Group>();
    for (const g of groups.slice(MAX_SEGMENTS)) {
      const rk = `${g.model}\u0000${g.tier}`;
      let o = rest.get(rk);
      if (!o)
        rest.set(
          rk,
          (o = { model: g.model, tier: g.tier, values: dims.map(() => 'other'), accs: new Map(), flat: new Map() }),
        );
      for (const [k, a] of pick(g)) {
        const into = pick(o).get(k);
        if (into) mergeAcc(into, a);
        else pick(o).set(k, { ...a, group: o });
      }
    }
    const all = [...kept, ...rest.values()];
    const modelsPerName = new Map<string, Set<string>>();
    for (const g of all) {
      const n = baseName(g, dims);
      if (!modelsPerName.has(n)) modelsPerName.set(n, new Set());
      modelsPerName.get(n)!.add(`${g.model}\u0000${g.tier}`);
    }
    const used = new Set<string>();
    const out: ReturnType<LogFitter['segments']> = [];
    const prefixIds = new Map<string, string>();
    for (const g of all) {
      const accs = [...pick(g).values()];
      // prefixes by conversations, most used first: p1, p2, ...
      const prefixStarts = new Map<string, number>();
      for (const a of accs) prefixStarts.set(a.prefixKey ?? '', (prefixStarts.get(a.prefixKey ?? '') ?? 0) + a.starts);
      const prefixOrder = [...prefixStarts].sort((x, y) => y[1] - x[1] || cmp(x[0], y[0])).map(([k]) => k);
      const classes = [...new Set(accs.map((a) => a.turnClass ?? ''))].sort();
      const withPrefix = prefixOrder.filter(Boolean);
      const split = withPrefix.length <= MAX_SPLIT_PREFIXES;
      const rank = (a: Acc): number => prefixOrder.indexOf(a.prefixKey ?? '');
      const parts: Acc[][] = split
        ? [...accs].sort((a, b) => rank(a) - rank(b) || cmp(a.turnClass ?? '', b.turnClass ?? '')).map((a) => [a])
        : classes.map((c) => accs.filter((a) => (a.turnClass ?? '') === c));
      let base = baseName(g, dims);
      if (modelsPerName.get(base)!.size > 1)
        base = dims.length
          ? `${base}-${safe(g.model)}${g.tier === 'standard' ? '' : `-${g.tier}`}`
          : `${base}-${g.tier}`;
      parts.forEach((part) => {
        const p0 = part[0]!;
        let name = base;
        if (split && prefixOrder.length > 1 && p0.prefixKey !== undefined) name += `-p${rank(p0) + 1}`;
        if (classes.length > 1 && p0.turnClass) name += `-${p0.turnClass}`;
        for (let n = 2; used.has(name); n++) name = `${base}-${n}`;
        used.add(name);
        const a = part.length === 1 ? p0 : mergeAll(part, g);
        const segNotes = new Map<string, string>();
        const seg: Record<string, unknown> = { name, share: a.starts, model: g.model };
        if (g.tier !== 'standard') seg.service_tier = g.tier;
        const multi = historyMode && a.turns.sorted().some((t) => t > 1);
        if (split && a.prefixKey !== undefined && a.prefixTokens > 0) {
          let id = prefixIds.get(a.prefixKey);
          if (id === undefined) prefixIds.set(a.prefixKey, (id = `prefix-${prefixIds.size + 1}`));
          seg.system_tokens = a.prefixTokens;
          seg.system_prompt = id;
          segNotes.set(
            'system_tokens',
            a.prefixKey.startsWith(INFERRED)
              ? "the shared prefix every conversation of this segment starts with, inferred from the log's cache counts (reads + writes)"
              : `the shared prefix every conversation of this segment starts with (${a.prefixKey.length > 40 ? `${a.prefixKey.slice(0, 40)}...` : a.prefixKey})`,
          );
        }
        const pv = mostCommonKey(a.promptVersions);
        if (pv !== undefined) seg.prompt_version = pv;
        seg.input_tokens = empiricalOf(multi && a.laterMessage.length ? a.laterMessage : a.firstMessage);
        if (multi && a.laterMessage.length) seg.first_input_tokens = empiricalOf(a.firstMessage);
        seg.output_tokens = empiricalOf(a.output);
        if (multi) {
          seg.turns = empiricalOf(a.turns);
          seg.think_time_s = empiricalOf(a.think, 48, 1);
        }
        const partPrefixes = part.filter((x) => x.prefixKey !== undefined);
        if (!split && partPrefixes.length > 0) {
          const tokens = new Sample();
          for (const x of partPrefixes) tokens.push(x.prefixTokens);
          seg.shared_prefixes = {
            distinct: partPrefixes.length,
            zipf: zipfExponent(partPrefixes.map((x) => x.starts)),
            tokens: empiricalOf(tokens),
          };
          segNotes.set(
            'shared_prefixes',
            `${int(partPrefixes.length)} distinct prefixes over ${int(a.starts)} conversations; zipf from their rank and popularity`,
          );
        }
        if (blockTokens) {
          seg.block_tokens = blockTokens;
          segNotes.set('block_tokens', 'the log describes prompts as cumulative hash blocks of this size');
        }
        if (a.batchable > 0) seg.batchable = round4(a.batchable / a.requests);
        const tags: Record<string, string> = {};
        dims.forEach((d, j) => {
          const v = g.values[j]!;
          if (d === 'feature' || d === 'model') return;
          if (d === 'route') seg.route = v;
          else if (d === 'intent') seg.intent = v;
          else if (d === 'prompt_version') seg.prompt_version = v;
          else tags[d] = v;
        });
        if (Object.keys(tags).length) seg.tags = tags;
        segNotes.set(
          'name',
          `${int(a.requests)} requests${multi ? ` in ${int(a.starts)} conversations` : ''}${dims.length ? ` (${dims.map((d, j) => `${d}=${g.values[j]}`).join(', ')})` : ''}`,
        );
        segNotes.set(
          'input_tokens',
          multi && a.laterMessage.length
            ? `new tokens per later turn (input minus the previous turn's input and answer), ${int(a.laterMessage.length)} turns`
            : `input tokens after the shared prefix, ${int(a.firstMessage.length)} requests`,
        );
        if (seg.first_input_tokens)
          segNotes.set(
            'first_input_tokens',
            `first turns' input after the shared prefix, ${int(a.firstMessage.length)} conversations`,
          );
        if (multi) segNotes.set('think_time_s', `seconds between a turn and the next, ${int(a.think.length)} gaps`);
        out.push({ value: seg, starts: a.starts, multiTurn: multi, notes: segNotes });
      });
    }
    const total = out.reduce((t, s) => t + s.starts, 0);
    for (const s of out) s.value.share = round4(s.starts / total);
    return out;
  }
}

/** conversation length classes, named as segment suffixes */
function turnClass(turns: number): string {
  return turns === 1 ? 't1' : turns <= 4 ? 't2-4' : 't5+';
}

function newAcc(group: Group, prefixKey: string | undefined, prefixTokens: number): Acc {
  return {
    group,
    prefixKey,
    prefixTokens,
    starts: 0,
    requests: 0,
    batchable: 0,
    firstMessage: new Sample(),
    laterMessage: new Sample(),
    output: new Sample(),
    think: new Sample(),
    turns: new Sample(),
    promptVersions: new Map(),
  };
}

function mergeAcc(into: Acc, a: Acc): void {
  into.starts += a.starts;
  into.requests += a.requests;
  into.batchable += a.batchable;
  into.firstMessage.pushAll(a.firstMessage);
  into.laterMessage.pushAll(a.laterMessage);
  into.output.pushAll(a.output);
  into.think.pushAll(a.think);
  into.turns.pushAll(a.turns);
  for (const [k, n] of a.promptVersions) into.promptVersions.set(k, (into.promptVersions.get(k) ?? 0) + n);
}

/** one segment from several prefixes: messages stay per request, the prefix becomes shared_prefixes */
function mergeAll(parts: Acc[], g: Group): Acc {
  const into = newAcc(g, undefined, 0);
  for (const p of parts) mergeAcc(into, p);
  return into;
}

function dimValue(r: SimRequest, dim: string): string {
  const tag = dim === 'prompt_version' ? 'promptVersion' : dim;
  if (dim === 'model') return r.model;
  return Object.hasOwn(r.tags, tag) ? r.tags[tag]! : '(none)';
}

const key = (g: Group): string => JSON.stringify([g.model, g.tier, ...g.values]);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const round4 = (x: number): number => Math.round(x * 1e4) / 1e4;
/** segment names have no spaces or colons */
const safe = (s: string): string => s.replace(/[:\s]+/g, '_') || '_';

function baseName(g: Group, dims: string[]): string {
  const vals = dims
    .filter((d) => d !== 'model')
    .map((d) => (g.values[dims.indexOf(d)] === '(none)' ? 'none' : g.values[dims.indexOf(d)]!));
  return safe(vals.length ? vals.join('-') : g.model);
}

function mostCommon(m: Map<number, number>): number {
  return [...m].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
}

function mostCommonKey(m: Map<string, number>): string | undefined {
  return [...m].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]))[0]?.[0];
}

function topShares(m: Map<string, number>, n: number): [string, number][] {
  const sorted = [...m].sort((a, b) => b[1] - a[1] || cmp(a[0], b[0]));
  if (sorted.length <= n) return sorted;
  const rest = sorted.slice(n - 1).reduce((t, [, c]) => t + c, 0);
  return [...sorted.slice(0, n - 1), ['other', rest]];
}

function durationText(minutes: number): string {
  if (minutes % 1440 === 0) return `${minutes / 1440}d`;
  if (minutes % 60 === 0) return `${minutes / 60}h`;
  return `${minutes}m`;
}
