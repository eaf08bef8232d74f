// Models priced by GPU time (a self-hosted route): a strategy states the GPU price and speeds, this
// file derives the per-1M-token prices exactly:
//   USD per 1M output tokens = gpu_hour_usd x 1e6 / (tokens_per_second_per_gpu x utilisation x 3600)
//   USD per 1M input tokens  = the same with the prefill speed
// computed in integer pico-USD and rounded half-up once, to 1 pico-USD per 1M tokens.
import { parseRatio } from '../shared/decimal.js';
import { mulDiv, parseUsd } from './money.js';
import { type ClassPrices, classPrices, type ModelInfo, TIERS } from './pricebook.js';

/**
 * A model a strategy adds to the run, stated as GPU figures: the pricing layer derives its
 * per-token prices exactly (pricing/gpu.ts), so the strategy never computes a price (self-host states one).
 */
export interface GpuModelSpec {
  /** model id (must not be a model of the pricing table) */
  id: string;
  /** provider shown in reports, e.g. 'self-host' */
  provider: string;
  /** USD per GPU-hour, as written in the scenario */
  gpuHourUsd: number | string;
  /** decode and prefill throughput per GPU at full load, tokens/s */
  outputTokensPerSecond: number;
  inputTokensPerSecond: number;
  /** average fraction of the provisioned throughput that serves tokens, (0, 1] */
  utilisation: number;
  contextWindow?: number;
}

/** pico-USD per 1M tokens = GPU pico-USD per hour x 1e6 / (tokens/s x utilisation x 3600), half-up. */
export function gpuPricePicoPerM(gpuHourUsd: number | string, tokensPerSecond: number, utilisation: number): bigint {
  const gpu = parseUsd(gpuHourUsd);
  const tps = parseRatio(tokensPerSecond);
  const util = parseRatio(utilisation);
  if (gpu === null || tps === null || util === null || tps.num === 0n || util.num === 0n)
    throw new Error('internal: GPU model figures were not validated');
  return mulDiv(gpu * 1_000_000n, tps.den * util.den, tps.num * util.num * 3600n);
}

/** The model: every tier and band at the same GPU-derived price, no provider cache. */
export function gpuModel(s: GpuModelSpec): ModelInfo {
  const input = gpuPricePicoPerM(s.gpuHourUsd, s.inputTokensPerSecond, s.utilisation);
  const output = gpuPricePicoPerM(s.gpuHourUsd, s.outputTokensPerSecond, s.utilisation);
  // audio is tokens to a self-hosted model: GPU time like text
  const cls: ClassPrices = classPrices({ input, output, audioInput: input, audioOutput: output });
  const prices: ModelInfo['prices'] = {};
  for (const t of TIERS) prices[t] = { base: cls, long: cls };
  return {
    id: s.id,
    provider: s.provider,
    source: 'scenario',
    checked: '',
    aliases: [],
    ...(s.contextWindow !== undefined ? { contextWindow: s.contextWindow } : {}),
    tiers: [...TIERS],
    prices,
    synthetic: `GPU $${s.gpuHourUsd}/h at ${s.outputTokensPerSecond} output tok/s (${s.inputTokensPerSecond} prefill tok/s) per GPU, ${s.utilisation * 100}% utilisation`,
  };
}
