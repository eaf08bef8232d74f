// Schema of a pricing table file (pricing/YYYY-MM-DD.yaml). Strict: unknown keys are errors.
import { z } from 'zod';
import { parseUsd } from '../pricing/money.js';
import { dateText, isIsoDate } from '../shared/dates.js';

export const decimalUsd = z
  .union([z.string(), z.number()])
  // Exactly what parseUsd accepts: a YAML number such as 5e-324 or 1e21 stringifies with an
  // exponent and would reach the PriceBook unparseable (an internal error instead of a located one).
  .refine((v) => parseUsd(String(v).trim()) !== null, {
    message: 'expected a non-negative decimal price such as "3.00" with at most 12 decimals (USD per 1M tokens)',
  })
  .transform((v) => String(v).trim());
const date = z.union([z.string(), z.date()]).transform((v, ctx) => {
  const s = dateText(v);
  if (!isIsoDate(s)) {
    ctx.addIssue({ code: 'custom', message: `expected a date YYYY-MM-DD, got '${s}'` });
    return z.NEVER;
  }
  return s;
});
const positiveInt = z.number().int().positive();

/**
 * Channel endpoints that can carry their own price (see src/pricing/channels.ts): Bedrock and
 * Vertex regional endpoints (Claude Sonnet 4.5 and later: +10% over global), Azure OpenAI Data
 * Zone and Regional deployments (above Global, which is OpenAI's price).
 */
export const ENDPOINT_KINDS = ['bedrock-regional', 'vertex-regional', 'azure-data-zone', 'azure-regional'] as const;
export type EndpointKind = (typeof ENDPOINT_KINDS)[number];

const cacheBand = z.strictObject({
  read: decimalUsd.optional(),
  write_5m: decimalUsd.optional(),
  write_1h: decimalUsd.optional(),
});

/** Prices of the classes split out of input and output, where a vendor bills them apart (per 1M tokens). */
const splitClassPrices = {
  reasoning: decimalUsd
    .optional()
    .describe('USD per 1M reasoning (thinking) output tokens when billed apart from output; default: the output price'),
  audio_input: decimalUsd
    .optional()
    .describe(
      'USD per 1M audio input tokens; a request with audio input on a model without it is rejected (UNPRICED_DIMENSION)',
    ),
  audio_output: decimalUsd
    .optional()
    .describe('USD per 1M audio output tokens; a request with audio output on a model without it is rejected'),
  image_input: decimalUsd
    .optional()
    .describe('USD per 1M image input tokens when billed apart from text; default: the input price'),
};

const tierPrices = z
  .strictObject({
    discount: decimalUsd.optional(),
    input: decimalUsd.optional(),
    output: decimalUsd.optional(),
    cache_read: decimalUsd.optional(),
    cache_write_5m: decimalUsd.optional(),
    cache_write_1h: decimalUsd.optional(),
    ...splitClassPrices,
  })
  .refine((t) => (t.discount !== undefined) !== (t.input !== undefined || t.output !== undefined), {
    message: 'give either `discount` (a multiplier such as "0.5") or explicit `input` and `output` prices, not both',
  })
  .refine((t) => t.discount !== undefined || (t.input !== undefined && t.output !== undefined), {
    message: 'explicit tier prices need both `input` and `output`',
  });

/** Per-call fees of server-side tools, USD per 1,000 calls (not per 1M tokens). */
const feePrices = z.strictObject({
  /** web search / grounding: USD per 1,000 calls (Anthropic and OpenAI $10; Gemini 2.5 $35, Gemini 3 $14) */
  web_search: decimalUsd.optional().describe('web search / grounding: USD per 1,000 calls'),
});
export const FEE_KINDS = ['web_search'] as const;
export type FeeKind = (typeof FEE_KINDS)[number];

/** A table-wide fee for every model of a provider (a model's own `fees` win), with its source. */
const providerFee = z.strictObject({
  /** USD per 1,000 calls */
  price: decimalUsd,
  source: z.url({ message: 'source must be the URL of the provider page that states the fee' }),
  checked: date,
});

export const modelSchema = z.strictObject({
  provider: z.string().min(1),
  source: z.url({ message: 'source must be the URL of the provider price page' }),
  checked: date,
  input: decimalUsd,
  output: decimalUsd,
  /** reasoning, audio and image prices where billed apart from input and output */
  ...splitClassPrices,
  /** per-call fees of server tools (USD per 1,000 calls); default: the table's `fees` for the provider */
  fees: feePrices
    .optional()
    .describe("per-call tool fees (USD per 1,000 calls); default: the table's fees for the provider"),
  context_window: positiveInt.optional(),
  aliases: z.array(z.string().min(1)).optional(),
  cache: z
    .strictObject({
      style: z.enum(['explicit', 'automatic']),
      read: decimalUsd,
      write_5m: decimalUsd.optional(),
      write_1h: decimalUsd.optional(),
      storage_per_hour: decimalUsd.optional(),
      min_tokens: positiveInt,
      /** automatic: cached tokens are billed in steps of this many above min_tokens (OpenAI: 128); absent = no rounding */
      increment: positiveInt
        .optional()
        .describe(
          'automatic caches: cached tokens billed in steps of this many above min_tokens (OpenAI: 128); absent: no rounding',
        ),
      /**
       * automatic: false when the model gave no implicit (automatic) hits at the table's date, only explicit caches
       * (Gemini 1.5 and 2.0: cachedContents); default true. Simulated caching of such a model is explicit.
       */
      implicit: z
        .boolean()
        .optional()
        .describe(
          'automatic caches: false when the model gave no implicit hits at the table date (Gemini 1.5/2.0): simulated caching is explicit, storage billed per token-hour',
        ),
      // Cache behaviour (docs/strategies-caching.md, "Rules"); defaults per style/provider when absent.
      /** explicit: block positions one breakpoint's lookback checks, itself included (Anthropic: 20) */
      lookback_blocks: positiveInt.optional(),
      /** explicit: breakpoints a request may carry (Anthropic: 4) */
      max_breakpoints: positiveInt.optional(),
      /** automatic: requests per minute one prefix (+ prompt_cache_key) takes before overflowing to cold machines */
      overflow_rpm: positiveInt.optional(),
      /** automatic: idle retention of a cached prefix, e.g. "5m", "30m", "24h" (default 5m) */
      retention: z
        .string()
        .regex(/^\d+(m|h)$/, { message: 'expected a duration such as "5m", "30m" or "24h"' })
        .optional(),
      /** automatic: write premium per 1M tokens written to the cache (OpenAI GPT-5.6+: 1.25x input); default none */
      write: decimalUsd.optional(),
    })
    .optional(),
  batch: tierPrices.optional(),
  flex: tierPrices.optional(),
  /** OpenAI Priority processing, renamed Fast mode (logs say service_tier priority or fast) */
  priority: tierPrices.optional(),
  /** OpenAI Ultrafast mode (GPT-6 Astra) */
  ultrafast: tierPrices.optional().describe('OpenAI Ultrafast mode (service_tier ultrafast)'),
  /** multipliers on every price of the model when served through a channel's endpoint (docs/pricing-sources.md) */
  uplift: z.partialRecord(z.enum(ENDPOINT_KINDS), decimalUsd).optional(),
  long_context: z
    .strictObject({
      threshold: positiveInt,
      input: decimalUsd,
      output: decimalUsd,
      cache: cacheBand.optional(),
      ...splitClassPrices,
    })
    .optional(),
  notes: z.string().optional(),
});

export const pricingTableSchema = z.strictObject({
  version: z.string().min(1),
  effective: date,
  currency: z.literal('USD'),
  notes: z.string().optional(),
  /** table-wide per-call fees per provider (e.g. web_search: {anthropic: {price, source, checked}}) */
  fees: z
    .strictObject({ web_search: z.record(z.string().min(1), providerFee).optional() })
    .optional()
    .describe(
      'table-wide per-call fees per provider: web_search: {PROVIDER: {price, source, checked}}, USD per 1,000 calls',
    ),
  models: z
    .record(z.string().min(1), modelSchema)
    .refine((m) => Object.keys(m).length > 0, { message: 'a pricing table needs at least one model' }),
});

export type PricingTableFile = z.infer<typeof pricingTableSchema>;
export type ModelFile = z.infer<typeof modelSchema>;

/**
 * A price overlay: a multiplier on the prices of the models it matches (every criterion given must
 * match; none = every model), e.g. a negotiated discount or a regional uplift, applied on top of the
 * tables without copying them. `discount: "20%"` is `multiplier: "0.8"`.
 */
export const overlaySchema = z
  .strictObject({
    /** shown in the report header; default: built from the criteria and the multiplier */
    label: z.string().min(1).optional(),
    /** the model's provider in the table (anthropic, openai, google, ...) */
    provider: z.string().min(1).optional(),
    /** a model id or alias (the table's name; any channel form of it matches) */
    model: z.string().min(1).optional(),
    /** a service tier: standard, batch, flex, priority, ultrafast (default: every tier) */
    tier: z.enum(['standard', 'batch', 'flex', 'priority', 'ultrafast']).optional(),
    /** the channel the request came through: direct (the vendor's API), bedrock, vertex, azure */
    channel: z.enum(['direct', 'bedrock', 'vertex', 'azure']).optional(),
    /** the channel's endpoint: global, regional, data-zone, in-region */
    endpoint: z.enum(['global', 'regional', 'data-zone', 'in-region']).optional(),
    /** a multiplier on every matched price, e.g. "0.8" or "1.10" */
    multiplier: decimalUsd.optional(),
    /** a discount off every matched price, e.g. "20%" or "0.2" */
    discount: z
      .union([z.string(), z.number()])
      .refine((v) => /^(?:\d+(?:\.\d+)?%|0(?:\.\d+)?|1(?:\.0+)?)$/.test(String(v).trim()), {
        message: 'expected a discount such as "20%" or "0.2" (between 0 and 100%)',
      })
      .refine((v) => !String(v).trim().endsWith('%') || Number.parseFloat(String(v)) <= 100, {
        message: 'a discount is at most 100%',
      })
      .transform((v) => String(v).trim())
      .optional(),
  })
  .refine((o) => (o.multiplier !== undefined) !== (o.discount !== undefined), {
    message: 'give either `multiplier` (e.g. "1.10") or `discount` (e.g. "20%"), not both',
  });
export type OverlayEntry = z.output<typeof overlaySchema>;

/** A file of overlays (`--pricing-overlay FILE`). */
export const overlayFileSchema = z.strictObject({
  overlays: z.array(overlaySchema).min(1),
});
