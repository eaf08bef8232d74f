// Report phase: the break-even volume of a stage that moves requests to a dedicated fleet (a
// self-hosted model priced by GPU time). The strategy states quantities (FleetQuantities: the
// fleet's model, GPU price, always-on GPUs, one-time costs); this file prices the run's ledgers
// before and after the stage and turns them into per-request costs, the volume above which the
// fleet beats the API, and the payback of the one-time costs.
import { parseCellKey, Q } from '../engine/ledger.js';
import { priceCells } from '../engine/price.js';
import type { RunResult, StageSpec } from '../engine/run.js';
import type { FleetQuantities } from '../engine/strategy.js';
import { attoToUsd, usdToAtto } from '../pricing/money.js';
import type { Pricing } from '../pricing/pricebook.js';
import { round6 } from '../shared/numbers.js';

export interface FleetVolume {
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
 * Break-even volume of a fleet stage, from the run's ledgers and the quantities the strategy
 * states (pure; for report.extras). `stage` is the 1-based position of the stage; `book` must
 * include its synthetic model; `days` is the report's period.days. The stage only renames models,
 * so the API cost of the moved requests is cost(tap k-1) - cost(tap k without the fleet's model).
 * The fleet's daily cost at volume V is max(floor, V x selfHostPerRequestUsd), the API's is
 * V x apiPerRequestUsd, so the fleet wins above V* = floor / apiPerRequestUsd when its per-request
 * cost is lower, and never otherwise.
 */
export function fleetVolume(input: {
  run: RunResult;
  book: Pricing;
  stage: number;
  fleet: FleetQuantities;
  days: number;
}): FleetVolume {
  const { run, book, stage, fleet: f } = input;
  const days = Math.max(input.days, 1e-9);
  const before = run.taps[stage - 1];
  const after = run.taps[stage];
  if (!before || !after) throw new Error(`internal: no tap for stage ${stage}`);
  const id = book.resolve(f.model).id;
  const split = (cells: typeof after.cells) => {
    const mine: typeof cells = new Map();
    const rest: typeof cells = new Map();
    for (const [k, c] of cells) (parseCellKey(k).model === id ? mine : rest).set(k, c);
    return { mine, rest };
  };
  const a = split(after.cells);
  const b = split(before.cells);
  const calls = (cells: typeof after.cells) => [...cells.values()].reduce((s, c) => s + c[Q.calls]!, 0);
  const moved = calls(a.mine) - calls(b.mine);
  const th = run.thresholds;
  const apiAtto = priceCells(before.cells, th, book).total - priceCells(a.rest, th, book).total;
  const selfAtto = priceCells(a.mine, th, book).total - priceCells(b.mine, th, book).total;
  const gpuAtto = usdToAtto(f.gpuHourUsd)!;
  const floorAtto = gpuAtto * BigInt(f.minGpus) * 24n;
  const perReq = (atto: bigint): number | null => (moved > 0 ? attoToUsd(atto) / moved : null);
  const api = perReq(apiAtto);
  const self = perReq(selfAtto);
  const floorUsd = attoToUsd(floorAtto);
  const perDay = moved / days;
  let breakEven: number | null = null;
  if (api !== null && self !== null && self < api && api > 0) breakEven = Math.ceil(floorUsd / api);
  let payback: number | null = null;
  const fixedUsd = f.fixedUsd.reduce((s, u) => s + attoToUsd(usdToAtto(u)!), 0);
  if (api !== null && self !== null) {
    const dailySaving = perDay * api - Math.max(floorUsd, perDay * self);
    if (dailySaving > 0) payback = Math.round((fixedUsd / dailySaving) * 100) / 100;
  }
  return {
    model: id,
    movedRequests: moved,
    requestsPerDay: Math.round(perDay * 100) / 100,
    apiPerRequestUsd: api === null ? null : round6(api),
    selfHostPerRequestUsd: self === null ? null : round6(self),
    gpuHoursPerDay: gpuAtto > 0n ? Math.round((Number(selfAtto) / Number(gpuAtto) / days) * 1000) / 1000 : 0,
    floorPerDayUsd: floorUsd,
    breakEvenRequestsPerDay: breakEven,
    paybackDays: payback,
  };
}

/**
 * The report phase for fleets: one FleetVolume per stage whose strategy states a fleet, keyed by
 * the stage label, for report.extras.selfHost - or undefined when no stage does. Pure: reads the
 * run's ledgers and the PriceBook the run was priced with.
 */
export function fleetExtras(
  run: RunResult,
  book: Pricing,
  stages: readonly StageSpec[],
  days: number,
): Record<string, FleetVolume> | undefined {
  const out: Record<string, FleetVolume> = {};
  stages.forEach((s, i) => {
    const fleet = s.strategy.fleet?.(s.options);
    if (fleet) out[s.label] = fleetVolume({ run, book, stage: i + 1, fleet, days });
  });
  return Object.keys(out).length ? out : undefined;
}
