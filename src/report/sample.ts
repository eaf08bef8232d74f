// The estimate of a key-consistent sample (traffic/sample.ts) for the whole log: every quantity
// of the run scaled by 1/rate (whole numbers, so money stays exact), and a band for each cost of
// the waterfall from a bootstrap over the kept units (engine/stats.ts sampleBands). Report phase:
// it prices the per-unit ledgers, then drops them from the run and scales what remains.
import { type Diagnostic, warning } from '../diagnostics.js';
import { scaleLedger } from '../engine/ledger.js';
import { priceTotal } from '../engine/price.js';
import { createRng } from '../engine/rng.js';
import type { RunResult } from '../engine/run.js';
import { sampleBands } from '../engine/stats.js';
import { attoToUsd, usdToAtto } from '../pricing/money.js';
import type { Pricing } from '../pricing/pricebook.js';
import { round6 } from '../shared/numbers.js';
import { type SampleFilter, UNIT_TAG } from '../traffic/sample.js';

/** bootstrap resamples and the band's confidence level */
export const SAMPLE_RESAMPLES = 1000;
export const SAMPLE_LEVEL = 0.95;
/** fewer kept units than this: the band and the scaled totals are warned about (SAMPLE_SMALL) */
export const SAMPLE_MIN_UNITS = 30;

/**
 * The report extras of a sampled run (`sample`: what was kept and how it is scaled; `sampleBands`:
 * each cost's band), and the run's ledgers scaled to the whole log. Warns when the unit does not
 * hold a strategy's whole state (a prefix key shared by units, a retry whose original was left out).
 */
export function sampleEstimate(
  run: RunResult,
  book: Pricing,
  sample: SampleFilter,
  seed: number,
  labels: readonly string[],
  fixed: readonly { stage: number; usd: string }[],
  warn: (d: Diagnostic) => void,
  runWarnings: Diagnostic[],
): Record<string, unknown> {
  const n = sample.rate.scale;
  const th = run.thresholds;
  // USD per kept unit and tap (units in key order, so the bootstrap does not depend on arrival order)
  const perUnit = new Map<string, number[]>();
  const prices: Parameters<typeof priceTotal>[3] = new Map();
  run.taps.forEach((tap, k) => {
    for (const [unit, cells] of tap.by.get(UNIT_TAG) ?? []) {
      let row = perUnit.get(unit);
      if (!row) perUnit.set(unit, (row = new Array<number>(run.taps.length).fill(0)));
      row[k] = attoToUsd(priceTotal(cells, th, book, prices));
    }
  });
  for (const l of [...run.taps, ...(run.standalone ?? [])]) {
    l.by.delete(UNIT_TAG);
    scaleLedger(l, n);
  }
  const units = [...perUnit.keys()].sort().map((k) => perUnit.get(k)!);
  const fixedUpTo = (k: number): number =>
    attoToUsd(fixed.filter((f) => f.stage <= k).reduce((s, f) => s + (usdToAtto(f.usd) ?? 0n), 0n));
  const offsets = run.taps.map((_, k) => fixedUpTo(k));
  const bands = sampleBands(units, n, createRng(seed).fork('sample'), offsets, SAMPLE_RESAMPLES, SAMPLE_LEVEL);

  const { sharedPrefix, brokenRetries, unkeyedInConversation } = sample.crossings();
  const say = (d: Diagnostic): void => {
    warn(d);
    runWarnings.push(d);
  };
  if (sharedPrefix > 0)
    say(
      warning(
        'SAMPLE_SHARED_STATE',
        `${sharedPrefix} sampled requests share a prefix key with requests of other ${sample.unit} units: the sample thins those prefixes' arrivals, so their cache hits are understated`,
        { where: '--sample', hint: 'sample by prefix_key (--sample-by prefix_key) when prompt caching matters' },
      ),
    );
  if (unkeyedInConversation > 0)
    say(
      warning(
        'SAMPLE_SHARED_STATE',
        `${unkeyedInConversation} sampled requests report cache counts but have no prefix key, so each was sampled alone (by its request id), while prompt-cache infers their cached prefixes along their conversations: the sample thins those conversations, so their cache hits are understated`,
        { where: '--sample', hint: 'sample by conversation (--sample-by conversation_id)' },
      ),
    );
  if (brokenRetries > 0)
    say(
      warning(
        'SAMPLE_SHARED_STATE',
        `${brokenRetries} sampled retries name a call outside the sample: dedupe-retries cannot recognise them`,
        { where: '--sample', hint: 'sample by a unit that holds a retry and its original (the conversation)' },
      ),
    );
  if (units.length < SAMPLE_MIN_UNITS)
    say(
      warning(
        'SAMPLE_SMALL',
        `the sample kept ${units.length} ${sample.unit} unit${units.length === 1 ? '' : 's'} (${sample.kept} request${sample.kept === 1 ? '' : 's'}): a bootstrap over fewer than ${SAMPLE_MIN_UNITS} units is no confidence band, and the totals scaled x${n} may be far from the whole log's`,
        {
          where: '--sample',
          hint: 'simulate the whole log, or raise the rate (--sample) or sample by a finer unit (--sample-by conversation_id)',
        },
      ),
    );
  const band = (b: { low: number; high: number }) => ({ lowUsd: round6(b.low), highUsd: round6(b.high) });
  return {
    sample: {
      rate: sample.rate.text,
      unit: sample.unit,
      scale: n,
      keptUnits: units.length,
      keptRequests: sample.kept,
      band: `${SAMPLE_LEVEL * 100}% (${SAMPLE_RESAMPLES} Poisson bootstrap resamples over the kept units)`,
    },
    sampleBands: [
      ...bands.stages.map((b, k) => ({ figure: k === 0 ? 'baseline' : labels[k - 1]!, ...band(b) })),
      { figure: 'saving', ...band(bands.saving) },
      { figure: 'saving %', lowPct: round6(bands.savingPct.low), highPct: round6(bands.savingPct.high) },
    ],
  };
}
