// route: send requests to another model by rule (tags, token counts, model) and/or a seeded share.
// Rules are tried in order; the first that matches wins. A rule with `share` matches only that
// seeded fraction of the requests its `when` selects; the others fall through to the next rule.
// A request that no rule takes goes to `default` (when given) or stays where it was.
import { z } from 'zod';
import { copyRequest, type SimRequest, withTag } from '../engine/request.js';
import { compileWhen, modelIdMemo, QualitySchema, WhenSchema, WhenTally, warnUnmatched } from './match.js';
import { type Ratio, ratioOf, scaleTokens, warnMove } from './shape.js';
import { type OptionPath, type Strategy, type StrategyContext, stepOf } from '../engine/strategy.js';

const target = {
  /** success probability of answers on this route (multiplies the request's quality) */
  quality: QualitySchema.optional(),
  /** the target model needs this many times the tokens (output; input too with inflate_input) */
  token_inflation: z.number().positive().max(100).optional(),
  inflate_input: z.boolean().optional(),
};

const rule = z.strictObject({
  /** label for attribution (tags.route); default rule-N */
  name: z.string().min(1).optional(),
  when: WhenSchema.optional(),
  to: z.string().min(1),
  /** seeded fraction of the matching requests that take this rule, 0..1 */
  share: z.number().min(0).max(1).optional(),
  ...target,
});

const options = z
  .strictObject({
    rules: z.array(rule).default([]),
    default: z.strictObject({ to: z.string().min(1).optional(), ...target }).optional(),
  })
  .refine((o) => o.rules.length > 0 || o.default !== undefined, {
    message: 'give at least one rule (rules: [{when, to}]) or a default',
  });
export type RouteOptions = z.infer<typeof options>;

export interface RouteTarget {
  label: string;
  /** resolved model id, or undefined to keep the request's model */
  modelId?: string;
  contextWindow?: number;
  quality?: number;
  inflation?: Ratio;
  inflateInput: boolean;
}

/**
 * Move one request to a target. Never mutates `r`. On another model the prefix (and its keys) is
 * unchanged — the same text — but cached counts from the log are dropped: another provider's or
 * model's cache does not carry over (a later prompt-cache strategy recomputes them).
 */
export function moveRequest(r: SimRequest, t: RouteTarget, sameModel: boolean): SimRequest {
  const out = copyRequest(r);
  out.tags = withTag(r.tags, 'route', t.label);
  if (t.modelId !== undefined && !sameModel) {
    out.model = t.modelId;
    out.cached = undefined;
  }
  if (t.inflation) {
    out.outputTokens = scaleTokens(r.outputTokens, t.inflation);
    if (t.inflateInput) {
      // Scale cumulative sums, not blocks one by one, so rounding keeps prefix <= history/input order.
      const inf = t.inflation;
      let before = 0;
      let beforeScaled = 0;
      out.prefix = r.prefix.map((b) => {
        before += b.tokens;
        const cum = scaleTokens(before, inf);
        const tokens = cum - beforeScaled;
        beforeScaled = cum;
        return { ...b, tokens };
      });
      out.inputTokens = scaleTokens(r.inputTokens, inf);
      out.historyTokens = scaleTokens(r.historyTokens, inf);
      out.cached = undefined;
    }
  }
  if (t.quality !== undefined) out.quality = (r.quality ?? 1) * t.quality;
  return out;
}

function makeTarget(
  label: string,
  to: string | undefined,
  spec: { quality?: number | undefined; token_inflation?: number | undefined; inflate_input?: boolean | undefined },
  ctx: StrategyContext,
  path: OptionPath,
): RouteTarget {
  const m = to !== undefined ? ctx.model(to, path) : undefined;
  return {
    label,
    ...(m ? { modelId: m.id } : {}),
    ...(m?.contextWindow !== undefined ? { contextWindow: m.contextWindow } : {}),
    ...(spec.quality !== undefined ? { quality: spec.quality } : {}),
    ...(spec.token_inflation !== undefined && spec.token_inflation !== 1
      ? { inflation: ratioOf(spec.token_inflation) }
      : {}),
    inflateInput: spec.inflate_input ?? false,
  };
}

export const route: Strategy<RouteOptions> = {
  name: 'route',
  state: () => ({ key: { on: 'none' } }),
  summary: 'send requests to another model by rule on tags/tokens or by a seeded share',
  options,
  start(o, ctx) {
    const idOf = modelIdMemo(ctx.models);
    const rules = o.rules.map((x, i) => {
      const label = x.name ?? `rule-${i + 1}`;
      return {
        label,
        // (what its when made of the requests that reached it: finish says when it matched none)
        match: new WhenTally(x.when, compileWhen(x.when, ctx, ['rules', i, 'when'])),
        share: x.share,
        // one draw stream per rule: changing one rule's share never reshuffles another, and a
        // larger share selects a superset of the requests (the same draw, a higher bar)
        drawLabel: `rule:${i}`,
        target: makeTarget(label, x.to, x, ctx, ['rules', i, 'to']),
        warnedWindow: false,
      };
    });
    const catchAll = o.rules.findIndex((x) => x.when === undefined && (x.share === undefined || x.share === 1));
    if (catchAll >= 0 && catchAll < o.rules.length - 1)
      ctx.warn(
        'STRATEGY_UNREACHABLE',
        `route: rule ${rules[catchAll]!.label} matches every request, so the rules after it never apply`,
      );
    const fallback = o.default
      ? {
          label: 'default',
          target: makeTarget('default', o.default.to, o.default, ctx, ['default', 'to']),
          warnedWindow: false,
        }
      : undefined;

    let warnedCache = false;
    const apply = (r: SimRequest, x: { label: string; target: RouteTarget; warnedWindow: boolean }): SimRequest => {
      const t = x.target;
      const out = moveRequest(r, t, t.modelId === undefined || t.modelId === idOf(r.model));
      if (!warnedCache && r.cached && !out.cached) {
        warnedCache = true;
        warnMove(ctx, 'route');
      }
      if (!x.warnedWindow && t.contextWindow !== undefined && out.inputTokens + out.outputTokens > t.contextWindow) {
        x.warnedWindow = true;
        // (the message names no request: a split run's parts would each name their own)
        ctx.warn(
          'STRATEGY_CONTEXT_WINDOW',
          `route: ${x.label} sends requests longer than the context window of ${t.modelId} (${t.contextWindow} tokens); they are priced anyway — add an input_tokens bound to the rule`,
        );
      }
      return out;
    };

    const map = (r: SimRequest): SimRequest => {
      let chosen: (typeof rules)[number] | undefined;
      for (const x of rules) {
        if (!x.match.test(r)) continue;
        if (x.share !== undefined && !(ctx.draw(r, x.drawLabel) < x.share)) continue;
        chosen = x;
        break;
      }
      if (chosen) return apply(r, chosen);
      if (fallback) return apply(r, fallback);
      return r;
    };
    const counters = (): Record<string, number> =>
      Object.assign({}, ...rules.map((x, i) => x.match.counters(`rule${i}:`)));
    return { map, step: stepOf(map), counters };
  },
  finish(o, c, ctx) {
    o.rules.forEach((x, i) => warnUnmatched(ctx, `route: rule ${x.name ?? `rule-${i + 1}`}`, x.when, c, `rule${i}:`));
  },
};
