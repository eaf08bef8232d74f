// trim-context: cap the conversation history sent with each request, dropping the OLDEST history
// first (the newest turns are what the model needs). Two budgets:
//   max_history_tokens: N — whole history blocks (messages) are dropped, oldest first, until the
//     history fits; history not described by blocks (a log with a count only) is cut to exactly N.
//   keep_turns: N — keep the newest N turns; a turn is a user message and its answer, i.e. two
//     history blocks. A request with history but no history blocks cannot be counted in turns and
//     passes unchanged (one warning).
//   step_turns: S (optional) — drop whole turns in multiples of S, so the kept window is stable
//     for S turns in a row and conversation caching still hits between the steps.
// inputTokens falls by the trimmed amount. The blocks after a dropped block change identity (keys
// are cumulative), so their keys get a marker `~trim:<dropped tokens>`: conversation caching of a
// sliding window breaks after the system prompt, which is what happens with real providers.
import { z } from 'zod';
import { copyRequest, type PrefixBlock, type SimRequest } from '../engine/request.js';
import { clampCached, lostCached, rekeyFrom, setCached, warnOrder } from './shape.js';
import { QualitySchema } from './match.js';
import type { Strategy } from '../engine/strategy.js';

const options = z
  .strictObject({
    max_history_tokens: z.number().int().nonnegative().optional(),
    keep_turns: z.number().int().nonnegative().optional(),
    /** cache-friendly: drop history in steps of this many turns, so the window moves every N turns */
    step_turns: z.number().int().positive().optional(),
    /** quality factor of a trimmed request (multiplies its success probability) */
    quality: QualitySchema.optional(),
  })
  .refine((o) => (o.max_history_tokens === undefined) !== (o.keep_turns === undefined), {
    message: 'give exactly one of max_history_tokens or keep_turns',
  });
export type TrimOptions = z.infer<typeof options>;

/** Blocks per turn for keep_turns (a user message + the assistant answer). */
export const BLOCKS_PER_TURN = 2;

/**
 * Trim one request. `budget` is a token budget, or {turns} a turn budget. Returns the request
 * itself when nothing is trimmed, or undefined when turns cannot be counted (no history blocks).
 */
export function trimRequest(
  r: SimRequest,
  budget: { tokens: number } | { turns: number },
  quality?: number,
  stepBlocks = 1,
): SimRequest | undefined {
  if (r.historyTokens === 0) return r;
  const hist: number[] = [];
  r.prefix.forEach((b, i) => {
    if (b.kind === 'history') hist.push(i);
  });
  // d = how many of the oldest history blocks go
  let d = 0;
  if ('turns' in budget) {
    if (!hist.length) return undefined;
    d = Math.max(0, hist.length - budget.turns * BLOCKS_PER_TURN);
  } else {
    let left = r.historyTokens;
    while (d < hist.length && left > budget.tokens) left -= r.prefix[hist[d++]!]!.tokens;
  }
  // Cache-friendly steps: drop in multiples of stepBlocks, so the kept window (and its cache
  // prefix) stays the same for several consecutive turns instead of sliding every turn.
  if (d > 0 && stepBlocks > 1) d = Math.min(hist.length, Math.ceil(d / stepBlocks) * stepBlocks);
  const drop = new Set<number>(hist.slice(0, d));
  let remaining = r.historyTokens;
  for (const i of drop) remaining -= r.prefix[i]!.tokens;
  // History outside blocks (a log with counts only) is cut to the exact token budget.
  if ('tokens' in budget && remaining > budget.tokens) remaining = budget.tokens;
  // Blocks can claim more history than historyTokens in an inconsistent source; never go below 0.
  remaining = Math.max(0, Math.min(remaining, r.historyTokens));
  const trimmed = r.historyTokens - remaining;
  if (trimmed === 0 && drop.size === 0) return r;
  const dropped = [...drop].reduce((s, i) => s + r.prefix[i]!.tokens, 0);
  const cut = Math.min(r.inputTokens, Math.max(trimmed, dropped));
  let prefix: PrefixBlock[] = r.prefix;
  // Leading tokens the trim leaves untouched: the blocks before the first dropped one; with no
  // dropped block, every block (the cut history lies after them); with no blocks at all the layout
  // is unknown and we take input - history (system + message: an upper bound, by the message size).
  let unchanged = r.prefix.length
    ? r.prefix.reduce((s, b) => s + b.tokens, 0)
    : Math.max(0, r.inputTokens - r.historyTokens);
  if (drop.size) {
    const first = Math.min(...drop);
    unchanged = r.prefix.slice(0, first).reduce((s, b) => s + b.tokens, 0);
    const kept = r.prefix.filter((_, i) => !drop.has(i));
    prefix = rekeyFrom(kept, first, `trim:${cut}`);
  }
  const out = copyRequest(r);
  out.inputTokens = r.inputTokens - cut;
  out.historyTokens = Math.min(remaining, r.inputTokens - cut);
  out.prefix = prefix;
  // (an inconsistent source can claim blocks beyond the input: never keep more than is sent)
  setCached(out, clampCached(r.cached, Math.min(unchanged, out.inputTokens)));
  if (quality !== undefined) out.quality = (r.quality ?? 1) * quality;
  return out;
}

export const trimContext: Strategy<TrimOptions> = {
  name: 'trim-context',
  state: () => ({ key: { on: 'none' } }),
  summary: 'cap conversation history (a token budget or the newest N turns), oldest first',
  options,
  start(o, ctx) {
    const budget = o.keep_turns !== undefined ? { turns: o.keep_turns } : { tokens: o.max_history_tokens! };
    let warned = false;
    let warnedOrder = false;
    let requests = 0;
    let withHistory = 0;
    return {
      counters: () => ({ requests, withHistory }),
      step(r) {
        requests++;
        if (r.historyTokens > 0) withHistory++;
        const out = trimRequest(r, budget, o.quality, o.step_turns !== undefined ? o.step_turns * BLOCKS_PER_TURN : 1);
        if (out) {
          if (!warnedOrder && out !== r && lostCached(r, out)) {
            warnedOrder = true;
            warnOrder(ctx, 'trim-context');
          }
          return [out];
        }
        if (!warned) {
          warned = true;
          ctx.warn(
            'STRATEGY_NO_DATA',
            `trim-context: requests with history tokens but no history blocks cannot be counted in turns (keep_turns); they pass untrimmed (use max_history_tokens for logs without turn structure)`,
          );
        }
        return [r];
      },
    };
  },
  finish(_o, c, ctx) {
    // no history anywhere = nothing to trim: say so instead of a silent $0
    if ((c.requests ?? 0) > 0 && (c.withHistory ?? 0) === 0)
      ctx.warn(
        'STRATEGY_NO_DATA',
        'trim-context: no request carries conversation history (a request log gives whole prompts, not their history), so nothing is trimmed and the step saves nothing; to ask what trimming saves on a log, simulate a scenario fitted from it (llmcost fit LOG): a conversation whose turns resend its history is fitted with that history',
      );
  },
};
