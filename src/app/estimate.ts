// `estimate`: the closed-form calculator (no traffic file). Validates the model's options against
// its pricing, computes one row per daily volume (engine/estimate.ts) and the notes a reader needs.
import { userError } from '../diagnostics.js';
import { type CacheMode, estimateRow } from '../engine/estimate.js';
import { describeChannel, type ModelInfo, TIERS, type Tier } from '../pricing/pricebook.js';
import type { PriceSchedule } from '../pricing/schedule.js';
import { ESTIMATE_SCHEMA, type EstimateDoc } from '../report/estimate.js';
import { int } from '../report/format.js';
import { type Context, makeContext } from './context.js';
import { loadPricing, type ModelChoice, type TableChoice } from './pricing-choice.js';

export interface EstimateInput extends TableChoice, ModelChoice {
  model: string;
  /** requests per day, one row each */
  requestsPerDay: number[];
  /** cacheable shared prefix per request (system prompt, tools) */
  systemTokens: number;
  /** dynamic (never repeated) input tokens per request */
  inputTokens: number;
  outputTokens: number;
  /** prompt cache TTL: off | 5m | 1h */
  cache: string;
  /** days in the "monthly" column */
  days: number;
  /** service tier */
  tier: string;
}

/**
 * The table, the model and the cache mode of estimate-style flags, checked (an unknown model, cache
 * mode or tier, a 1-hour TTL the model lacks); `init` writes a scenario from the same flags.
 */
export async function checkEstimateFlags(
  input: EstimateInput,
  ctx: Context,
): Promise<{ book: PriceSchedule; model: ModelInfo; cache: CacheMode }> {
  const book = await loadPricing(input, false, ctx);
  const model = book.resolve(input.model, '--model');
  if (!['off', '5m', '1h'].includes(input.cache))
    throw userError('USAGE', `--cache '${input.cache}' is not off, 5m or 1h`, {
      where: '--cache',
      hint: 'use --cache off, --cache 5m or --cache 1h',
    });
  if (!(TIERS as readonly string[]).includes(input.tier))
    throw userError('USAGE', `--tier '${input.tier}' is not a service tier`, {
      where: '--tier',
      hint: `use one of ${TIERS.join(', ')}`,
    });
  const cache = input.cache as CacheMode;
  if (cache === '1h' && model.cache?.style === 'explicit' && !model.cache.has1h) {
    throw userError('USAGE', `model '${model.id}' has no 1-hour cache in pricing table ${book.version}`, {
      where: '--cache',
      hint: 'use --cache 5m, or a newer table (--as-of)',
    });
  }
  return { book, model, cache };
}

export async function estimate(input: EstimateInput, context: Partial<Context> = {}): Promise<EstimateDoc> {
  const ctx = makeContext(context);
  const { book, model, cache } = await checkEstimateFlags(input, ctx);
  const common = {
    model,
    book,
    systemTokens: input.systemTokens,
    inputTokens: input.inputTokens,
    outputTokens: input.outputTokens,
    cache,
    days: input.days,
    tier: input.tier as Tier,
  };
  const rows = input.requestsPerDay.map((requestsPerDay) => estimateRow({ ...common, requestsPerDay }));
  const notes: string[] = [];
  if (cache !== 'off' && common.systemTokens === 0)
    notes.push(
      'no shared prefix (--system-tokens 0): nothing repeats between requests, so caching saves nothing; give the system prompt and tools with --system-tokens N',
    );
  if (cache !== 'off' && common.systemTokens > 0 && rows[0]!.cacheableTokens === 0) {
    notes.push(
      model.cache
        ? `the ${int(common.systemTokens)}-token prefix is below ${model.id}'s cache minimum of ${int(model.cache.minTokens)} tokens: nothing is cached`
        : `${model.id} has no prompt caching in table ${book.version}`,
    );
  }
  if (rows.some((r) => r.band === 'long'))
    notes.push(
      `requests exceed the ${int(model.longContextThreshold!)}-token long-context threshold: the whole request is priced in the long band`,
    );
  return {
    schema: ESTIMATE_SCHEMA,
    model: model.id,
    pricing: {
      version: book.version,
      effective: book.effective,
      source: model.source,
      // a catalog price or a channel's is said as such: neither is the table's vendor price
      pricedBy: model.pricedBy?.kind === 'catalog' ? `catalog ${model.pricedBy.version}` : book.version,
      channel: model.channel ? describeChannel(model.channel) : null,
      ...(model.overlays?.length ? { overlays: model.overlays } : {}),
    },
    assumptions: {
      systemTokens: common.systemTokens,
      inputTokens: common.inputTokens,
      outputTokens: common.outputTokens,
      cache,
      cacheStyle: !model.cache
        ? 'none'
        : model.cache.storagePerHourPicoPerM !== undefined && (cache === '1h' || !model.cache.implicit)
          ? 'explicit, storage per token-hour'
          : model.cache.style,
      tier: common.tier,
      days: common.days,
    },
    rows,
    notes,
  };
}
