// Schema of a scenario file (scenarios/*.yaml). Strict: unknown keys are errors with did-you-mean.
// Strategy options are checked afterwards against each strategy's own schema (config/scenario.ts),
// so an error can say which strategy owns a key.
import { dateText, isIsoDate } from '../shared/dates.js';
import { z } from 'zod';
import { profileSchema } from '../traffic/profile.js';
import { parseRealism } from '../strategies/prompt-cache/rules.js';
import { parseTimestampRange, type TimestampRange } from '../traffic/logs/period.js';
import { decimalUsd, overlaySchema } from './pricing-schema.js';

const tryRange = (s: string): TimestampRange | undefined => {
  try {
    return parseTimestampRange(s, 'timestamp_range');
  } catch {
    return undefined;
  }
};

const date = z
  .union([z.string(), z.date()])
  .transform(dateText)
  .refine(isIsoDate, { message: 'expected a date YYYY-MM-DD' });

export const pricingRefSchema = z
  .strictObject({
    /** a pricing table file, relative to the scenario file */
    file: z.string().min(1).optional(),
    /** the version of a bundled table, e.g. "2026-11-01" */
    version: z
      .union([z.string().min(1), z.date()])
      .transform((v) => (v instanceof Date ? v.toISOString().slice(0, 10) : v))
      .optional(),
    /** the bundled table in force on this date */
    as_of: date.optional(),
    /** price overlays on top of the tables: a negotiated discount or an uplift per provider/model/tier/channel */
    overlays: z.array(overlaySchema).min(1).optional(),
  })
  .refine(
    (p) => {
      const n = [p.file, p.version, p.as_of].filter((x) => x !== undefined).length;
      return n === 1 || (n === 0 && p.overlays !== undefined);
    },
    { message: 'give exactly one of file, version or as_of (or only overlays)' },
  );

export const logTrafficSchema = z.strictObject({
  /** request log (CSV or JSONL, optionally .gz), relative to the scenario file */
  file: z.string().min(1),
  /** export format, e.g. mooncake, litellm, langfuse (default: canonical columns) */
  preset: z.string().min(1).optional(),
  /** column overrides: canonical column -> field in the file */
  map: z.record(z.string(), z.string()).optional(),
  /** model for traces that have none */
  model: z.string().min(1).optional(),
  /**
   * the time of rows that have none (a Gemini API batch output file: the job's date), a UTC date
   * YYYY-MM-DD or a date-time with its zone; a row with a timestamp keeps its own
   */
  timestamp: z
    .union([z.string(), z.date()])
    .transform((v) => (v instanceof Date ? v.toISOString() : v))
    .optional(),
  /** stop at the first rejected row */
  strict: z.boolean().optional(),
  /** deployment names as the log writes them -> the model each serves (Azure: azure/NAME), like --deployment */
  deployments: z.record(z.string().min(1), z.string().min(1)).optional(),
  /** write rejected rows here (relative to the scenario file) */
  rejects: z.string().min(1).optional(),
  /** rows timestamped outside FROM..UNTIL (UTC dates, UNTIL excluded) are rejected; default 2015-01-01..2100-01-01 */
  timestamp_range: z
    .string()
    .refine((s) => tryRange(s) !== undefined, { message: 'expected FROM..UNTIL with two dates, FROM first' })
    .optional(),
  /**
   * place the log's first request at this UTC date (YYYY-MM-DD) or date-time, shifting every
   * timestamp by the same amount: for traces whose timestamps count from the trace start
   */
  rebase_to: z
    .union([z.string(), z.date()])
    .transform((v) => (v instanceof Date ? v.toISOString() : v))
    .refine((s) => /^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(s) && !Number.isNaN(Date.parse(s)), {
      message: 'expected a UTC date YYYY-MM-DD or a date-time 2026-11-02T09:00:00Z',
    })
    .optional(),
});

export const trafficSchema = z
  .strictObject({ profile: profileSchema.optional(), log: logTrafficSchema.optional() })
  .refine((t) => (t.profile === undefined) !== (t.log === undefined), {
    message: 'give exactly one of profile (synthetic traffic) or log (a request log)',
  });

/** One step of the waterfall: `use` names the strategy; the other keys are its options. */
export const strategyItemSchema = z.looseObject({
  use: z.string().min(1),
  label: z.string().min(1).optional(),
});

const usd = decimalUsd;

export const budgetsSchema = z.strictObject({
  /** final variable cost / requests */
  per_request_usd: usd.optional(),
  /** the most expensive tenant's final cost per day (needs tenants in the traffic) */
  per_tenant_per_day_usd: usd.optional(),
  /** final cost including fixed costs */
  total_usd: usd.optional(),
  /** final variable cost per day of traffic */
  per_day_usd: usd.optional(),
});

export const scenarioSchema = z.strictObject({
  name: z.string().min(1),
  description: z.string().optional(),
  seed: z.number().int().nonnegative().default(1),
  pricing: pricingRefSchema.optional(),
  traffic: trafficSchema,
  strategies: z.array(strategyItemSchema).default([]),
  report: z.strictObject({ by: z.array(z.string().min(1)).default([]) }).optional(),
  budgets: budgetsSchema.optional(),
  quality: z.strictObject({ floor: z.number().min(0).max(1) }).optional(),
  fixed_costs: z.array(z.strictObject({ label: z.string().min(1), usd })).default([]),
  /** when provider caches hit: realistic (default), ideal, or realistic rules joined by '+' (--cache-realism wins) */
  cache_realism: z
    .string()
    .superRefine((v, ctx) => {
      const r = parseRealism(v);
      if (typeof r === 'string') ctx.addIssue({ code: 'custom', message: r });
    })
    .default('realistic'),
});

export type ScenarioFile = z.infer<typeof scenarioSchema>;
export type StrategyItem = z.infer<typeof strategyItemSchema>;
