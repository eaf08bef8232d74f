// self-host: move requests to a model you run yourself, priced by GPU time instead of tokens.
// The strategy only renames the model and states the GPU figures (syntheticModels): the pricing
// layer derives the model's per-1M-token prices exactly (pricing/gpu.ts):
//   USD per 1M output tokens = gpu_hour_usd x 1e6 / (tokens_per_second_per_gpu x utilisation x 3600)
//   USD per 1M input tokens  = the same with the prefill speed (default 10x the output speed).
// This assumes the fleet scales with the load (cost proportional to tokens at the given average
// utilisation). The always-on minimum fleet (min_gpus) is not in the simulated cost; it sets the
// break-even VOLUME, which the report phase computes from the quantities fleet() states
// (report/fleet.ts). Assumptions: docs/strategies-routing.md.
import { z } from 'zod';
import { userError } from '../diagnostics.js';
import { copyRequest, withTag } from '../engine/request.js';
import type { FixedCost, FleetQuantities, GpuModelSpec, Strategy } from '../engine/strategy.js';
import { decimalText, parseRatio } from '../shared/decimal.js';
import { compileWhen, modelIdMemo, QualitySchema, WhenSchema, WhenTally, warnUnmatched } from './match.js';
import { warnMove } from './shape.js';

const decimalUsd = z.union([z.number().nonnegative(), z.string()]).refine((v) => decimalText(v) !== null, {
  message: 'expected a non-negative decimal amount in USD, e.g. 2.50 or "2.50" (at most 12 decimals)',
});
const positiveDecimal = z
  .number()
  .positive()
  .refine((v) => parseRatio(v) !== null, { message: 'expected a plain decimal number' });

const options = z.strictObject({
  /** synthetic model id, e.g. self-host/llama-70b (must not be a model of the pricing table) */
  name: z.string().min(1),
  /** which requests move: requests on these models (aliases accepted) ... */
  models: z.array(z.string().min(1)).min(1).optional(),
  /** ... and/or matching this rule; neither = every request */
  when: WhenSchema.optional(),
  /** seeded share of the selected requests that move (default 1) */
  share: z.number().min(0).max(1).optional(),
  gpu_hour_usd: decimalUsd,
  /** decode throughput per GPU, output tokens/s, at full load */
  tokens_per_second_per_gpu: positiveDecimal,
  /** prefill throughput per GPU, input tokens/s (default 10x tokens_per_second_per_gpu) */
  prefill_tokens_per_second_per_gpu: positiveDecimal.optional(),
  /** average fraction of the provisioned throughput that serves tokens, (0, 1] */
  utilisation: z
    .number()
    .gt(0)
    .max(1)
    .refine((v) => parseRatio(v) !== null, { message: 'expected a plain decimal number' }),
  /** always-on GPUs (the smallest fleet you would run); used for the break-even volume */
  min_gpus: z.number().int().nonnegative().default(1),
  context_window: z.number().int().positive().optional(),
  /** one-time costs: setup, fine-tuning, evaluation */
  fixed_costs: z.array(z.strictObject({ label: z.string().min(1), usd: decimalUsd })).default([]),
  /** success probability of the self-hosted model (multiplies the request's quality) */
  quality: QualitySchema.optional(),
});
export type SelfHostOptions = z.infer<typeof options>;

function prefillSpeed(o: SelfHostOptions): number {
  return o.prefill_tokens_per_second_per_gpu ?? o.tokens_per_second_per_gpu * 10;
}

/** The self-hosted model as GPU figures (priced by pricing/gpu.ts). */
export function selfHostSpec(o: SelfHostOptions): GpuModelSpec {
  return {
    id: o.name,
    provider: 'self-host',
    gpuHourUsd: o.gpu_hour_usd,
    outputTokensPerSecond: o.tokens_per_second_per_gpu,
    inputTokensPerSecond: prefillSpeed(o),
    utilisation: o.utilisation,
    ...(o.context_window !== undefined ? { contextWindow: o.context_window } : {}),
  };
}

/** A USD option as its decimal text, at least 2 decimals (validated by the schema). */
const usdText = (v: number | string): string => decimalText(v, 12, 2)!;

export const selfHost: Strategy<SelfHostOptions> = {
  name: 'self-host',
  summary: 'move requests to a self-hosted model priced by GPU-hours; one-time costs and break-even',
  options,
  start(o, ctx) {
    const idOf = modelIdMemo(ctx.models);
    const from = ctx.modelSet(o.models, ['models']);
    // (what its when made of the requests it takes: finish says when it matched none)
    const selected = new WhenTally(o.when, compileWhen(o.when, ctx));
    const target = ctx.models.has(o.name) ? ctx.models.resolve(o.name) : undefined;
    if (!target)
      throw new Error(
        `internal: self-host model '${o.name}' is not in the PriceBook; the runner must add syntheticModels() before start()`,
      );
    if (target.provider !== 'self-host') {
      throw userError('SCHEMA', `self-host name '${o.name}' is already a model of the pricing table`, {
        where: ctx.where(['name']),
        hint: "pick a new id for the self-hosted model, e.g. 'self-host/llama-70b'",
      });
    }
    const targetId = target.id;
    let warnedCache = false;
    // tokens moved (whole numbers, so the parts of a split run add up exactly) and the time span seen
    let movedInput = 0;
    let movedOutput = 0;
    let firstMs = Infinity;
    let lastMs = -Infinity;
    return {
      step(r) {
        if (r.atMs < firstMs) firstMs = r.atMs;
        if (r.atMs > lastMs) lastMs = r.atMs;
        if (from && !from.has(idOf(r.model))) return [r];
        if (!selected.test(r)) return [r];
        if (o.share !== undefined && !(ctx.draw(r) < o.share)) return [r];
        const out = copyRequest(r);
        out.model = targetId;
        out.tags = withTag(r.tags, 'route', targetId);
        // A provider's cached counts do not carry over; the synthetic model has no cache prices.
        if (out.cached) {
          out.cached = undefined;
          if (!warnedCache) {
            warnedCache = true;
            warnMove(ctx, 'self-host');
          }
        }
        if (o.quality !== undefined) out.quality = (r.quality ?? 1) * o.quality;
        movedInput += out.inputTokens;
        movedOutput += out.outputTokens;
        return [out];
      },
      counters: () => ({
        movedInput,
        movedOutput,
        'min:firstMs': firstMs,
        'max:lastMs': lastMs,
        ...selected.counters('when:'),
      }),
    };
  },
  // no state across requests: the share is a per-request draw, the counters add up
  state: () => ({ key: { on: 'none' } }),
  finish(o, c, ctx) {
    warnUnmatched(ctx, 'self-host', o.when, c, 'when:');
    // Time, not money: GPU-hours the moved load needs at the stated utilisation vs the
    // always-on fleet. Far below it, the stated utilisation cannot happen and the per-token
    // price understates the cost (the break-even volume in report extras accounts for it).
    const busyGpuSeconds = (c.movedOutput ?? 0) / o.tokens_per_second_per_gpu + (c.movedInput ?? 0) / prefillSpeed(o);
    const firstMs = c['min:firstMs'] ?? 0;
    const lastMs = c['max:lastMs'] ?? 0;
    if (o.min_gpus > 0 && busyGpuSeconds > 0) {
      const days = Math.max(1, Math.ceil((lastMs - firstMs + 1) / 86_400_000));
      const neededPerDay = busyGpuSeconds / o.utilisation / 3600 / days;
      const fleetPerDay = o.min_gpus * 24;
      if (neededPerDay < fleetPerDay) {
        const real = (busyGpuSeconds / 3600 / days / fleetPerDay) * 100;
        ctx.warn(
          'SELF_HOST_IDLE_FLEET',
          `self-host: the moved load needs ${neededPerDay.toFixed(1)} GPU-hours/day at ${o.utilisation * 100}% utilisation, but ${o.min_gpus} always-on GPU${o.min_gpus === 1 ? '' : 's'} run ${fleetPerDay} GPU-hours/day (real utilisation ${real.toFixed(1)}%); the simulated cost assumes the fleet scales down with the load — see the break-even volume`,
        );
      }
    }
  },
  syntheticModels: (o) => [selfHostSpec(o)],
  // plain decimal text, never 1e+21 notation
  fixedCosts: (o): FixedCost[] => o.fixed_costs.map((f) => ({ label: f.label, usd: usdText(f.usd) })),
  fleet: (o): FleetQuantities => ({
    model: o.name,
    gpuHourUsd: usdText(o.gpu_hour_usd),
    minGpus: o.min_gpus,
    fixedUsd: o.fixed_costs.map((f) => usdText(f.usd)),
  }),
};
