// compress: prompt compression (LLMLingua-style, or "condense the system prompt") scales the named
// parts of each request by `ratio` (the kept fraction). Token counts stay integers: each part is
// scaled on its own and rounded half-up exactly (integer arithmetic on the decimal ratio), so
// 1,001 tokens at 0.5 -> 501 and a 1-token part at 0.4 -> 0. The shaping helpers it shares with
// trim-context and route (exact scaling, re-keying, cached counts) are in ./shape.ts.
import { z } from 'zod';
import { copyRequest, type PrefixBlock, type SimRequest } from '../engine/request.js';
import { type Strategy, stepOf } from '../engine/strategy.js';
import { QualitySchema } from './match.js';
import { clampCached, lostCached, type Ratio, ratioOf, rekey, scaleTokens, setCached, warnOrder } from './shape.js';

export const PARTS = ['system', 'history', 'message', 'input', 'output'] as const;
export type Part = (typeof PARTS)[number];

const options = z.strictObject({
  /** which parts to scale: system blocks, history, the current message, all input, output */
  parts: z.array(z.enum(PARTS)).min(1),
  /** kept fraction, 0..1 (0.6 keeps 60% of the tokens) */
  ratio: z.number().min(0).max(1),
  /** quality factor of a compressed request (multiplies its success probability) */
  quality: QualitySchema.optional(),
});
export type CompressOptions = z.infer<typeof options>;

/** What a compress run scales, decided once (not per request). */
export interface CompressPlan {
  system: boolean;
  history: boolean;
  message: boolean;
  output: boolean;
  ratio: Ratio;
  marker: string;
  quality?: number | undefined;
  /** original cumulative key -> its re-keyed, rescaled block (the same prefix recurs on every request) */
  memo: Map<string, PrefixBlock>;
  /** a shared one-block prefix -> what compressing it gives (shapePrefix) */
  shapes: Map<PrefixBlock[], PrefixShape>;
}

const MEMO_LIMIT = 65_536;

export function compressPlan(parts: Iterable<Part>, ratio: number, quality?: number): CompressPlan {
  const set = new Set<Part>(parts);
  const all = set.has('input');
  return {
    system: all || set.has('system'),
    history: all || set.has('history'),
    message: all || set.has('message'),
    output: set.has('output'),
    ratio: ratioOf(ratio),
    marker: `cmp:${[...set].sort().join('+')}@${ratio}`,
    quality,
    memo: new Map(),
    shapes: new Map(),
  };
}

function scalesBlock(plan: CompressPlan, kind: PrefixBlock['kind']): boolean {
  return kind === 'system'
    ? plan.system
    : kind === 'history'
      ? plan.history
      : kind === 'message'
        ? plan.message
        : false;
}

/** Block `b` re-keyed (a block at or after the first change) with `tokens`, shared across requests. */
function rekeyed(plan: CompressPlan, b: PrefixBlock, tokens: number): PrefixBlock {
  const hit = plan.memo.get(b.key);
  if (hit && hit.tokens === tokens && hit.kind === b.kind) return hit;
  if (plan.memo.size >= MEMO_LIMIT) plan.memo.clear();
  const out: PrefixBlock = { ...b, key: rekey(b.key, plan.marker), tokens };
  plan.memo.set(b.key, out);
  return out;
}

/** What compressing a prefix gives: the same for every request that carries that prefix. */
interface PrefixShape {
  /** tokens in blocks, before and after */
  covered: number;
  blockTokens: number;
  /** tokens in history blocks, before and after */
  historyBlocks: number;
  historyOut: number;
  /** the first block changed (scaled or gone), -1 when none */
  first: number;
  /** tokens of the blocks before the first change */
  before: number;
  /** the blocks after compression (the request's own array when none changed) */
  prefix: PrefixBlock[];
}

/** each block's scaled tokens, reused by every call (shapePrefix is not re-entered) */
const scaledScratch: number[] = [];

/**
 * The prefix compressed. A one-block prefix (a log's prefix_key/prefix_tokens) is one array shared
 * by every request that repeats it (the log readers share it), so its shape is kept by that array.
 */
function shapePrefix(plan: CompressPlan, blocks: PrefixBlock[]): PrefixShape {
  const n = blocks.length;
  if (n === 1) {
    const hit = plan.shapes.get(blocks);
    if (hit !== undefined) return hit;
  }
  const { ratio } = plan;
  let covered = 0;
  let historyBlocks = 0;
  let first = -1;
  let historyOut = 0;
  let blockTokens = 0;
  let before = 0;
  const scaledTokens = scaledScratch;
  for (let i = 0; i < n; i++) {
    const b = blocks[i]!;
    covered += b.tokens;
    const t = scalesBlock(plan, b.kind) ? scaleTokens(b.tokens, ratio) : b.tokens;
    scaledTokens[i] = t;
    blockTokens += t;
    if (b.kind === 'history') {
      historyBlocks += b.tokens;
      historyOut += t;
    }
    // a scaled block, or one that is gone (0 tokens are dropped), is the first change
    if ((t !== b.tokens || t <= 0) && first < 0) first = i;
    if (first < 0) before += b.tokens;
  }
  // Blocks before the first change stay as they are; from it on, every kept block is re-keyed
  // (keys are cumulative) and blocks scaled to 0 are gone.
  let prefix = blocks;
  if (first >= 0) {
    prefix = [];
    for (let i = 0; i < n; i++) {
      const t = scaledTokens[i]!;
      if (t <= 0) continue;
      prefix.push(i < first ? blocks[i]! : rekeyed(plan, blocks[i]!, t));
    }
  }
  const shape: PrefixShape = { covered, blockTokens, historyBlocks, historyOut, first, before, prefix };
  if (n === 1) {
    if (plan.shapes.size >= MEMO_LIMIT) plan.shapes.clear();
    plan.shapes.set(blocks, shape);
  }
  return shape;
}

/** The shaping itself, pure, exported for tests. Returns the request unchanged when nothing moved. */
export function compressRequest(r: SimRequest, plan: CompressPlan): SimRequest {
  const { ratio } = plan;
  const { covered, blockTokens, historyBlocks, historyOut, first, before, prefix } = shapePrefix(plan, r.prefix);
  // The input beyond the blocks: history not held in blocks, then the current message.
  const rest = Math.max(0, r.inputTokens - covered);
  const looseHistory = Math.min(rest, Math.max(0, r.historyTokens - historyBlocks));
  const message = rest - looseHistory;
  const looseHistoryOut = plan.history ? scaleTokens(looseHistory, ratio) : looseHistory;
  const messageOut = plan.message ? scaleTokens(message, ratio) : message;
  const inputTokens = blockTokens + looseHistoryOut + messageOut;
  const historyTokens = plan.history ? Math.min(inputTokens, historyOut + looseHistoryOut) : r.historyTokens;
  const outputTokens = plan.output ? scaleTokens(r.outputTokens, ratio) : r.outputTokens;
  const inputChanged = inputTokens !== r.inputTokens || first >= 0;
  if (!inputChanged && outputTokens === r.outputTokens) return r;
  const out = copyRequest(r);
  out.inputTokens = inputTokens;
  out.outputTokens = outputTokens;
  out.historyTokens = historyTokens;
  out.prefix = prefix;
  if (inputChanged) {
    // Leading tokens left as they were: the blocks before the first changed one, or (no block
    // changed) every block, then the loose history and the message while they are unchanged.
    let unchanged = before;
    if (first < 0 && looseHistoryOut === looseHistory)
      unchanged += looseHistory + (messageOut === message ? message : 0);
    setCached(out, clampCached(r.cached, Math.min(unchanged, inputTokens)));
  }
  if (plan.quality !== undefined) out.quality = (r.quality ?? 1) * plan.quality;
  return out;
}

export const compress: Strategy<CompressOptions> = {
  name: 'compress',
  state: () => ({ key: { on: 'none' } }),
  summary: 'prompt compression: scale system/history/message/input/output tokens by a kept ratio',
  options,
  start(o, ctx) {
    const plan = compressPlan(o.parts, o.ratio, o.quality);
    let warned = false;
    let requests = 0;
    let changed = 0;
    const map = (r: SimRequest): SimRequest => {
      requests++;
      const out = compressRequest(r, plan);
      if (out !== r) {
        changed++;
        if (!warned && lostCached(r, out)) {
          warned = true;
          warnOrder(ctx, 'compress');
        }
      }
      return out;
    };
    return { map, step: stepOf(map), counters: () => ({ requests, changed }) };
  },
  finish(o, c, ctx) {
    // parts that no request has (a log's system prompt or history, known only as prefix blocks): say
    // so instead of a silent $0 (a ratio of 1 keeps everything on purpose)
    if ((c.requests ?? 0) > 0 && (c.changed ?? 0) === 0 && o.ratio < 1)
      ctx.warn(
        'STRATEGY_NO_DATA',
        `compress: no request has tokens in the parts named (${o.parts.join(', ')}), so nothing is compressed and the step saves nothing; a request log gives whole prompts, whose system prompt and history are known only as prefix blocks (prefix_key/prefix_tokens, or the prefixes a prompt-cache step infers from cache counts): name input or message to compress the whole prompt`,
      );
  },
};
