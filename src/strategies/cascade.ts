// cascade: every selected request goes to a cheap model first; a share is escalated to the strong
// model. An escalated request is billed TWICE: the cheap call (answers: false — paid, answer
// unused) and the strong call (which answers). Escalation is either a seeded share, or a seeded
// confidence score per request drawn from a distribution and compared with a threshold.
import { z } from 'zod';
import { copyRequest, type SimRequest, withTag } from '../engine/request.js';
import type { Rng } from '../engine/rng.js';
import { compileWhen, modelIdMemo, QualitySchema, WhenSchema, WhenTally, warnUnmatched } from './match.js';
import { warnMove } from './shape.js';
import type { Strategy } from '../engine/strategy.js';

const p01 = z.number().min(0).max(1);

const Distribution = z.discriminatedUnion('kind', [
  z
    .strictObject({ kind: z.literal('uniform'), min: p01.default(0), max: p01.default(1) })
    .refine((d) => d.min <= d.max, { message: 'min must be <= max' }),
  /** clamped to [0, 1] */
  z.strictObject({ kind: z.literal('normal'), mean: p01, sd: z.number().positive() }),
  z.strictObject({ kind: z.literal('beta'), alpha: z.number().positive(), beta: z.number().positive() }),
]);
export type ConfidenceDistribution = z.infer<typeof Distribution>;

const options = z
  .strictObject({
    /** label for attribution: tags.route = <name>:cheap | <name>:escalated */
    name: z.string().min(1).default('cascade'),
    cheap: z.string().min(1),
    /** default: the request's own model */
    strong: z.string().min(1).optional(),
    /** seeded share of the cascaded requests that escalate, 0..1 */
    escalation: p01.optional(),
    /** or: a seeded confidence score per request; escalate when it is below the threshold */
    confidence: z.strictObject({ threshold: p01, distribution: Distribution }).optional(),
    /** only these requests cascade; the others pass unchanged */
    when: WhenSchema.optional(),
    /** output tokens of every cheap call (default: the request's own output) */
    cheap_output_tokens: z.number().int().nonnegative().optional(),
    /**
     * a verifier/scorer call billed for every cascaded request (an LLM judge that decides whether the
     * cheap answer stands): its model (default the cheap model), input (default the request's input
     * plus the cheap answer) and output tokens
     */
    verifier: z
      .strictObject({
        model: z.string().min(1).optional(),
        input_tokens: z.number().int().nonnegative().optional(),
        output_tokens: z.number().int().nonnegative().default(5),
      })
      .optional(),
    /** success probability per tier (multiplies the request's quality); default 1 */
    quality: z
      .strictObject({ cheap: QualitySchema.default(1), strong: QualitySchema.default(1) })
      .default({ cheap: 1, strong: 1 }),
  })
  .refine((o) => (o.escalation === undefined) !== (o.confidence === undefined), {
    message: 'give exactly one of escalation (a share) or confidence ({threshold, distribution})',
  });
export type CascadeOptions = z.infer<typeof options>;

/** Marsaglia-Tsang gamma(shape, 1); shape < 1 via the boost gamma(shape+1) x U^(1/shape). */
function gamma(rng: Rng, shape: number): number {
  if (shape < 1) {
    let u = rng.next();
    while (u <= Number.EPSILON) u = rng.next();
    return gamma(rng, shape + 1) * u ** (1 / shape);
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const x = rng.normal();
    const v0 = 1 + c * x;
    if (v0 <= 0) continue;
    const v = v0 * v0 * v0;
    const u = rng.next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}

/** One seeded confidence score in [0, 1]. */
export function drawConfidence(rng: Rng, d: ConfidenceDistribution): number {
  switch (d.kind) {
    case 'uniform':
      return d.min + (d.max - d.min) * rng.next();
    case 'normal':
      return Math.min(1, Math.max(0, d.mean + d.sd * rng.normal()));
    case 'beta': {
      const a = gamma(rng, d.alpha);
      const b = gamma(rng, d.beta);
      return a + b === 0 ? 0 : a / (a + b);
    }
  }
}

export const cascade: Strategy<CascadeOptions> = {
  name: 'cascade',
  state: () => ({ key: { on: 'none' } }),
  summary: 'cheap model first, escalate a share (or low-confidence answers) to a strong model; escalations pay twice',
  options,
  start(o, ctx) {
    const cheapId = ctx.model(o.cheap, ['cheap']).id;
    const strongId = o.strong !== undefined ? ctx.model(o.strong, ['strong']).id : undefined;
    const verifier = o.verifier;
    const verifierId = verifier?.model !== undefined ? ctx.model(verifier.model, ['verifier', 'model']).id : cheapId;
    const tagVerify = `${o.name}:verify`;
    const idOf = modelIdMemo(ctx.models);
    // (what its when made of the requests: finish says when it matched none)
    const selected = new WhenTally(o.when, compileWhen(o.when, ctx));
    const conf = o.confidence;
    const escalates = conf
      ? (r: SimRequest) => drawConfidence(ctx.drawRng(r), conf.distribution) < conf.threshold
      : (r: SimRequest) => ctx.draw(r) < o.escalation!;
    const tagCheap = `${o.name}:cheap`;
    const tagEscalated = `${o.name}:escalated`;
    const qualityOf = (r: SimRequest, q: number): number => (r.quality ?? 1) * q;

    /** the request on another model: cached counts from the log do not carry over to another model's cache */
    let warnedCache = false;
    const onModel = (r: SimRequest, modelId: string): SimRequest => {
      const out = copyRequest(r);
      out.model = modelId;
      if (idOf(r.model) !== modelId && r.cached) {
        out.cached = undefined;
        if (!warnedCache) {
          warnedCache = true;
          warnMove(ctx, 'cascade');
        }
      }
      return out;
    };

    /** the judge's call on the cheap answer: billed, never the answer, not cached */
    const verifyCall = (r: SimRequest, cheapCall: SimRequest): SimRequest => {
      const v = copyRequest(r);
      v.id = `${r.id}/verify`;
      v.model = verifierId;
      v.inputTokens = verifier!.input_tokens ?? cheapCall.inputTokens + cheapCall.outputTokens;
      v.outputTokens = verifier!.output_tokens;
      v.historyTokens = 0;
      v.prefix = [];
      v.cached = undefined;
      v.retryOf = undefined;
      v.answers = false;
      v.quality = undefined;
      v.tags = withTag(r.tags, 'route', tagVerify);
      return v;
    };

    return {
      counters: () => selected.counters('when:'),
      step(r) {
        if (!selected.test(r)) return [r];
        const cheapCall = onModel(r, cheapId);
        if (o.cheap_output_tokens !== undefined) cheapCall.outputTokens = o.cheap_output_tokens;
        const verified = verifier ? [verifyCall(r, cheapCall)] : [];
        if (!escalates(r)) {
          cheapCall.tags = withTag(r.tags, 'route', tagCheap);
          cheapCall.quality = qualityOf(r, o.quality.cheap);
          return [cheapCall, ...verified];
        }
        const tags = withTag(r.tags, 'route', tagEscalated);
        cheapCall.id = `${r.id}/cheap`;
        cheapCall.tags = tags;
        cheapCall.answers = false;
        cheapCall.quality = undefined;
        const strongCall = strongId !== undefined ? onModel(r, strongId) : copyRequest(r);
        strongCall.tags = tags;
        strongCall.quality = qualityOf(r, o.quality.strong);
        return [cheapCall, ...verified, strongCall];
      },
    };
  },
  finish(o, c, ctx) {
    warnUnmatched(ctx, 'cascade', o.when, c, 'when:');
  },
};
