// self-host: move requests to a model you run yourself, priced by GPU time instead of tokens.
// The strategy only renames the model; the price lives in a synthetic PriceBook model whose
// per-1M-token prices are derived exactly from the GPU price:
//   USD per 1M output tokens = gpu_hour_usd x 1e6 / (tokens_per_second_per_gpu x utilisation x 3600)
//   USD per 1M input tokens  = the same with the prefill speed (default 10x the output speed)
// computed in integer pico-USD and rounded half-up once, to 1 pico-USD per 1M tokens.
// This assumes the fleet scales with the load (cost proportional to tokens at the given average
// utilisation). The always-on minimum fleet (min_gpus) is not in the simulated cost; it sets the
// break-even VOLUME, computed by selfHostVolume() below from the run's ledgers.
import { z } from 'zod';
import { Q } from '../engine/ledger.js';
import { priceCells } from '../engine/price.js';
import type { RunResult } from '../engine/replay.js';
import { type ClassPrices, type ModelInfo, type Pricing, TIERS } from '../pricing/pricebook.js';
import { attoToUsd, formatPicoPerM, mulDiv, parseRatio, parseUsd, usdToAtto } from '../pricing/money.js';
import { userError } from '../diagnostics.js';
import { copyRequest } from '../engine/request.js';
import { MOVE_WARNING } from './compress.js';
import { compileWhen, modelIdMemo, QualitySchema, resolveOption, WhenSchema } from './match.js';
import type { FixedCost, Strategy } from './types.js';

const decimalUsd = z.union([z.number().nonnegative(), z.string()]).refine((v) => parseUsd(v) !== null, {
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

/** pico-USD per 1M tokens = GPU pico-USD per hour x 1e6 / (tokens/s x utilisation x 3600), half-up. */
export function gpuPricePicoPerM(gpuHourUsd: number | string, tokensPerSecond: number, utilisation: number): bigint {
  const gpu = parseUsd(gpuHourUsd);
  const tps = parseRatio(tokensPerSecond);
  const util = parseRatio(utilisation);
  if (gpu === null || tps === null || util === null || tps.num === 0n || util.num === 0n)
    throw new Error('internal: self-host options were not validated');
  return mulDiv(gpu * 1_000_000n, tps.den * util.den, tps.num * util.num * 3600n);
}

function prefillSpeed(o: SelfHostOptions): number {
  return o.prefill_tokens_per_second_per_gpu ?? o.tokens_per_second_per_gpu * 10;
}

/** The synthetic model: every tier and band at the same GPU-derived price, no provider cache. */
export function selfHostModel(o: SelfHostOptions): ModelInfo {
  const input = gpuPricePicoPerM(o.gpu_hour_usd, prefillSpeed(o), o.utilisation);
  const output = gpuPricePicoPerM(o.gpu_hour_usd, o.tokens_per_second_per_gpu, o.utilisation);
  const cls: ClassPrices = { input, output, cacheRead: undefined, cacheWrite5m: undefined, cacheWrite1h: undefined };
  const prices: ModelInfo['prices'] = {};
  for (const t of TIERS) prices[t] = { base: cls, long: cls };
  return {
    id: o.name,
    provider: 'self-host',
    source: 'scenario',
    checked: '',
    aliases: [],
    ...(o.context_window !== undefined ? { contextWindow: o.context_window } : {}),
    tiers: [...TIERS],
    prices,
    synthetic: `GPU $${o.gpu_hour_usd}/h at ${o.tokens_per_second_per_gpu} output tok/s (${prefillSpeed(o)} prefill tok/s) per GPU, ${o.utilisation * 100}% utilisation`,
  };
}

export const selfHost: Strategy<SelfHostOptions> = {
  name: 'self-host',
  summary: 'move requests to a self-hosted model priced by GPU-hours; one-time costs and break-even',
  options,
  start(o, ctx) {
    const idOf = modelIdMemo(ctx.models);
    const from = o.models ? new Set(o.models.map((m, i) => resolveOption(ctx, m, `models[${i}]`).id)) : undefined;
    const selected = compileWhen(o.when, ctx);
    const target = ctx.models.has(o.name) ? ctx.models.resolve(o.name) : undefined;
    if (!target)
      throw new Error(
        `internal: self-host model '${o.name}' is not in the PriceBook; the runner must add syntheticModels() before start()`,
      );
    if (target.provider !== 'self-host') {
      throw userError('SCHEMA', `self-host name '${o.name}' is already a model of the pricing table`, {
        where: `strategies[${ctx.position - 1}].name`,
        hint: "pick a new id for the self-hosted model, e.g. 'self-host/llama-70b'",
      });
    }
    const targetId = target.id;
    let warnedCache = false;
    const prefill = prefillSpeed(o);
    let busyGpuSeconds = 0;
    let firstMs = Infinity;
    let lastMs = -Infinity;
    return {
      step(r) {
        if (r.atMs < firstMs) firstMs = r.atMs;
        if (r.atMs > lastMs) lastMs = r.atMs;
        if (from && !from.has(idOf(r.model))) return [r];
        if (!selected(r)) return [r];
        if (o.share !== undefined && !(ctx.rng.next() < o.share)) return [r];
        const out = copyRequest(r);
        out.model = targetId;
        out.tags = { ...r.tags, route: targetId };
        // A provider's cached counts do not carry over; the synthetic model has no cache prices.
        if (out.cached) {
          out.cached = undefined;
          if (!warnedCache) {
            warnedCache = true;
            ctx.warn(MOVE_WARNING('self-host'));
          }
        }
        if (o.quality !== undefined) out.quality = (r.quality ?? 1) * o.quality;
        busyGpuSeconds += out.outputTokens / o.tokens_per_second_per_gpu + out.inputTokens / prefill;
        return [out];
      },
      flush() {
        // Time, not money: GPU-hours the moved load needs at the stated utilisation vs the
        // always-on fleet. Far below it, the stated utilisation cannot happen and the per-token
        // price understates the cost (the break-even volume in report extras accounts for it).
        if (o.min_gpus > 0 && busyGpuSeconds > 0) {
          const days = Math.max(1, Math.ceil((lastMs - firstMs + 1) / 86_400_000));
          const neededPerDay = busyGpuSeconds / o.utilisation / 3600 / days;
          const fleetPerDay = o.min_gpus * 24;
          if (neededPerDay < fleetPerDay) {
            const real = (busyGpuSeconds / 3600 / days / fleetPerDay) * 100;
            ctx.warn(
              `self-host: the moved load needs ${neededPerDay.toFixed(1)} GPU-hours/day at ${o.utilisation * 100}% utilisation, but ${o.min_gpus} always-on GPU${o.min_gpus === 1 ? '' : 's'} run ${fleetPerDay} GPU-hours/day (real utilisation ${real.toFixed(1)}%); the simulated cost assumes the fleet scales down with the load — see the break-even volume`,
            );
          }
        }
        return [];
      },
    };
  },
  syntheticModels: (o) => [selfHostModel(o)],
  // formatPicoPerM turns the exact amount back into a plain decimal string (never 1e+21 notation)
  fixedCosts: (o): FixedCost[] => o.fixed_costs.map((f) => ({ label: f.label, usd: formatPicoPerM(parseUsd(f.usd)!) })),
};

export interface SelfHostVolume {
  model: string;
  /** requests the stage moved to the self-hosted model */
  movedRequests: number;
  /** the moved requests per day of traffic */
  requestsPerDay: number;
  /** what the moved requests cost on the API just before this stage, per request */
  apiPerRequestUsd: number | null;
  /** their GPU-time cost on the self-hosted model, per request */
  selfHostPerRequestUsd: number | null;
  /** GPU-hours per day the moved load needs at the stated utilisation */
  gpuHoursPerDay: number;
  /** always-on fleet: min_gpus x 24 h x GPU price */
  floorPerDayUsd: number;
  /** requests/day above which self-hosting (with the always-on fleet) beats the API; null = never */
  breakEvenRequestsPerDay: number | null;
  /** days to pay back the one-time costs at the current volume, with the always-on fleet; null = never */
  paybackDays: number | null;
}

/**
 * Break-even volume of a self-host stage, from the run's ledgers (pure; for report.extras).
 * `stage` is the 1-based position of the self-host strategy; `book` must include its synthetic
 * model; `days` is the report's period.days. The stage only renames models, so the API cost of the
 * moved requests is cost(tap k-1) - cost(tap k without the synthetic model).
 * Self-host daily cost at volume V is max(floor, V x selfHostPerRequestUsd), the API's is
 * V x apiPerRequestUsd, so self-hosting wins above V* = floor / apiPerRequestUsd when its
 * per-request cost is lower, and never otherwise.
 */
export function selfHostVolume(input: {
  run: RunResult;
  book: Pricing;
  stage: number;
  options: SelfHostOptions;
  days: number;
}): SelfHostVolume {
  const { run, book, stage, options: o } = input;
  const days = Math.max(input.days, 1e-9);
  const before = run.taps[stage - 1];
  const after = run.taps[stage];
  if (!before || !after) throw new Error(`internal: no tap for stage ${stage}`);
  const id = book.resolve(o.name).id;
  const split = (cells: typeof after.cells) => {
    const mine: typeof cells = new Map();
    const rest: typeof cells = new Map();
    for (const [k, c] of cells) (k.split('\u0001')[0] === id ? mine : rest).set(k, c);
    return { mine, rest };
  };
  const a = split(after.cells);
  const b = split(before.cells);
  const calls = (cells: typeof after.cells) => [...cells.values()].reduce((s, c) => s + c[Q.calls]!, 0);
  const moved = calls(a.mine) - calls(b.mine);
  const th = run.thresholds;
  const apiAtto = priceCells(before.cells, th, book).total - priceCells(a.rest, th, book).total;
  const selfAtto = priceCells(a.mine, th, book).total - priceCells(b.mine, th, book).total;
  const gpuAtto = usdToAtto(o.gpu_hour_usd)!;
  const floorAtto = gpuAtto * BigInt(o.min_gpus) * 24n;
  const perReq = (atto: bigint): number | null => (moved > 0 ? attoToUsd(atto) / moved : null);
  const api = perReq(apiAtto);
  const self = perReq(selfAtto);
  const floorUsd = attoToUsd(floorAtto);
  const perDay = moved / days;
  let breakEven: number | null = null;
  if (api !== null && self !== null && self < api && api > 0) breakEven = Math.ceil(floorUsd / api);
  let payback: number | null = null;
  const fixedUsd = o.fixed_costs.reduce((s, f) => s + attoToUsd(usdToAtto(f.usd)!), 0);
  if (api !== null && self !== null) {
    const dailySaving = perDay * api - Math.max(floorUsd, perDay * self);
    if (dailySaving > 0) payback = Math.round((fixedUsd / dailySaving) * 100) / 100;
  }
  const round6 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1e6) / 1e6);
  return {
    model: id,
    movedRequests: moved,
    requestsPerDay: Math.round(perDay * 100) / 100,
    apiPerRequestUsd: round6(api),
    selfHostPerRequestUsd: round6(self),
    gpuHoursPerDay: gpuAtto > 0n ? Math.round((Number(selfAtto) / Number(gpuAtto) / days) * 1000) / 1000 : 0,
    floorPerDayUsd: floorUsd,
    breakEvenRequestsPerDay: breakEven,
    paybackDays: payback,
  };
}

/**
 * The hook for the runner (src/cli/run-scenario.ts): one SelfHostVolume per self-host stage,
 * keyed by the stage label, ready for report.extras.selfHost — or undefined when the scenario
 * has no self-host stage. Pure: reads the run's ledgers and the PriceBook the run was priced with.
 */
export function selfHostExtras(
  run: RunResult,
  book: Pricing,
  stages: { strategy: { name: string }; options: unknown; label: string }[],
  days: number,
): Record<string, SelfHostVolume> | undefined {
  const out: Record<string, SelfHostVolume> = {};
  stages.forEach((s, i) => {
    if (s.strategy.name === selfHost.name)
      out[s.label] = selfHostVolume({ run, book, stage: i + 1, options: s.options as SelfHostOptions, days });
  });
  return Object.keys(out).length ? out : undefined;
}
