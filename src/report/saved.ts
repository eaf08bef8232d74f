// Saved reports (the JSON every command writes with --format json) and `report --from`, which
// renders them again. A registry: the file's `schema` field names its kind, and each kind has a
// shape (zod, checking the fields its renderers read) and its renderer map. The text is checked as
// JSON, then against the kind's shape; every problem is located at file:line:column.
import { z } from 'zod';
import { locate } from '../config/yaml.js';
import { type Diagnostic, UserError, userError } from '../diagnostics.js';
import { parseJsonInput } from '../config/input-limits.js';
import { PRICING_DIFF_SCHEMA, type PricingDiff } from '../pricing/diff.js';
import { type CheckResult, PRICING_CHECK_SCHEMA } from '../pricing/litellm.js';
import { CACHE_AUDIT_SCHEMA, type CacheAuditReport } from './cache-audit/model.js';
import { AUDIT_RENDERERS } from './cache-audit/render.js';
import { ADVISE_RENDERERS, ADVISE_SCHEMA, type AdviseReport } from './advise.js';
import { DIFF_SCHEMA, type DiffReport } from './diff/model.js';
import { DIFF_RENDERERS } from './diff/render.js';
import { DRIFT_SCHEMA, type DriftReport } from './drift/model.js';
import { DRIFT_RENDERERS } from './drift/render.js';
import { ESTIMATE_RENDERERS, ESTIMATE_SCHEMA, type EstimateDoc } from './estimate.js';
import type { Display } from './format.js';
import { REPORT_SCHEMA, type Report } from './model.js';
import { PRICING_CHECK_RENDERERS } from './pricing/check.js';
import { PRICING_DIFF_RENDERERS } from './pricing/diff.js';
import { PRICING_LIST_RENDERERS, PRICING_LIST_SCHEMA, type PricingList } from './pricing/list.js';
import { PRICING_CATALOG_RENDERERS, PRICING_CATALOG_SCHEMA, type PricingCatalog } from './pricing/catalog.js';
import { PRICING_SHOW_RENDERERS, PRICING_SHOW_SCHEMA, type PricingShow } from './pricing/show.js';
import { FORMATS, type Format, formatsOf, type RendererMap } from './formats.js';
import { render } from './render.js';
import { SWEEP_SCHEMA, type SweepReport } from './sweep/model.js';
import { SWEEP_RENDERERS } from './sweep/render.js';
import type { RenderOptions } from './terminal.js';

const money = z.number();
const count = z.number().nonnegative();
const breakdown = z.looseObject({
  input: money,
  cacheRead: money,
  cacheWrite: money,
  output: money,
  storage: money,
  fixed: money,
});
const stage = {
  cost: money,
  breakdown,
  tokens: z.looseObject({ input: count, cacheRead: count, cacheWrite5m: count, cacheWrite1h: count, output: count }),
  calls: count,
  successes: count,
  successRate: count,
  costPerSuccess: money.nullable(),
};
const saving = { saving: money, savingPct: z.number() };

/** A display currency as a saved report states it (`--currency`/`--fx`). */
const displayShape = z.strictObject({ currency: z.string().regex(/^[A-Z]{3}$/), fx: z.number().positive() }).optional();

/** report/model.ts ReportPricing: simulate's, replay's and audit-cache's */
const reportPricingShape = z.looseObject({
  version: z.string(),
  effective: z.string(),
  perRequest: z.boolean().optional(),
  tables: z
    .array(
      z.looseObject({ version: z.string(), effective: z.string().nullable(), requests: count, baselineCost: money }),
    )
    .optional(),
  catalog: z
    .looseObject({ version: z.string(), requests: count, baselineCost: money, models: z.array(z.string()) })
    .nullable()
    .optional(),
  overlays: z.array(z.string()).optional(),
});

/** The shape of a saved simulate/replay report. Loose objects: fields a newer v1 adds are kept, not refused. */
const reportShape = z.looseObject({
  schema: z.literal(REPORT_SCHEMA),
  display: displayShape,
  tool: z.looseObject({ name: z.literal('llmcost'), version: z.string() }),
  command: z.string(),
  scenario: z.string(),
  pricing: reportPricingShape,
  seed: z.number(),
  requests: count,
  rows: z.looseObject({ read: count, priced: count, rejected: count }),
  period: z.looseObject({ startMs: z.number().nullable(), endMs: z.number().nullable(), days: count }),
  baseline: z.looseObject(stage),
  steps: z.array(
    z.looseObject({
      ...stage,
      ...saving,
      strategy: z.string(),
      label: z.string(),
      standalone: z.looseObject({ cost: money, ...saving }).optional(),
      breakEvenDays: z.number().nullable().optional(),
    }),
  ),
  final: z.looseObject({ ...stage, ...saving, breakEvenDays: z.number().nullable().optional() }),
  fixed: z.array(z.looseObject({ label: z.string(), usd: money, from: z.string() })),
  models: z.array(
    z.looseObject({
      model: z.string(),
      channel: z.string().nullable().optional(),
      pricedBy: z.array(z.string()).optional(),
      baselineCost: money,
      finalCost: money,
    }),
  ),
  by: z
    .record(z.string(), z.array(z.looseObject({ key: z.string(), cost: money, baselineCost: money, requests: count })))
    .optional(),
  checks: z.array(
    z.looseObject({ name: z.string(), ok: z.boolean(), actual: z.number(), limit: z.number(), message: z.string() }),
  ),
  warnings: z.array(z.string()),
  diagnostics: z.array(z.looseObject({ code: z.string().optional(), message: z.string() })).optional(),
  extras: z.record(z.string(), z.unknown()).optional(),
  cache: z.looseObject({ realism: z.string(), rules: z.array(z.string()) }).optional(),
  chart: z.unknown().optional(),
  monteCarlo: z
    .looseObject({
      runs: count,
      seeds: z.tuple([z.number(), z.number()]),
      ...Object.fromEntries(
        ['requests', 'baseline', 'final', 'saving', 'savingPct', 'successRate'].map((k) => [
          k,
          z.looseObject({ p5: z.number(), p50: z.number(), p95: z.number() }),
        ]),
      ),
      steps: z.array(
        z.looseObject({
          label: z.string(),
          ...Object.fromEntries(
            ['cost', 'saving', 'savingPct'].map((k) => [
              k,
              z.looseObject({ p5: z.number(), p50: z.number(), p95: z.number() }),
            ]),
          ),
        }),
      ),
    })
    .optional(),
});

const tool = z.looseObject({ name: z.literal('llmcost'), version: z.string() });
const table = z.looseObject({ version: z.string(), effective: z.string() });
const usdOrNull = money.nullable();

/** `sweep`: the fields its renderers read (the configurations, the cheapest, the chart). */
const sweepShape = z.looseObject({
  schema: z.literal(SWEEP_SCHEMA),
  display: displayShape,
  tool,
  scenario: z.string(),
  seed: z.number(),
  axes: z.array(z.looseObject({ path: z.string(), values: z.array(z.string()) })),
  qualityFloor: z.number().nullable(),
  runs: z.array(
    z.looseObject({
      index: count,
      assignments: z.array(z.looseObject({ path: z.string(), value: z.string() })),
      pricing: z.string(),
      requests: count,
      baselineCost: money,
      finalCost: money,
      saving: money,
      savingPct: z.number(),
      successRate: count,
      costPerSuccess: usdOrNull,
      checksOk: z.boolean(),
      failed: z.array(z.string()),
      cheapest: z.boolean(),
    }),
  ),
  cheapest: count.nullable(),
  notes: z.array(z.string()),
  chart: z.looseObject({
    x: z.looseObject({ path: z.string(), values: z.array(z.string()) }),
    scaleUsd: money,
    ticks: z.array(z.looseObject({ usd: money, frac: z.number() })),
    series: z.array(
      z.looseObject({
        label: z.string(),
        points: z.array(z.looseObject({ x: count, run: count, cost: money, frac: z.number(), cheapest: z.boolean() })),
      }),
    ),
  }),
});

const moneyPair = z.looseObject({
  old: usdOrNull,
  new: usdOrNull,
  delta: usdOrNull,
  deltaPct: z.number().nullable(),
});

/** `drift`: both tables, the limits, per scenario and per model old/new money, the checks. */
const driftShape = z.looseObject({
  schema: z.literal(DRIFT_SCHEMA),
  display: displayShape,
  baseline: table,
  current: table,
  limits: z.looseObject({ maxIncreasePct: z.number().nullable(), maxIncreaseUsd: z.number().nullable() }),
  scenarios: z.array(
    z.looseObject({
      scenario: z.string(),
      requests: count,
      baseline: moneyPair,
      final: moneyPair,
      models: z.array(z.looseObject({ model: z.string(), baseline: moneyPair, final: moneyPair })),
      unpriced: z.array(
        z.looseObject({ model: z.string(), table: z.enum(['baseline', 'current']), reason: z.string() }),
      ),
    }),
  ),
  total: moneyPair,
  checks: z.array(
    z.looseObject({
      name: z.string(),
      scenario: z.string(),
      ok: z.boolean(),
      actual: z.number().nullable(),
      limit: z.number().nullable(),
      message: z.string(),
    }),
  ),
  ok: z.boolean(),
  increased: z.boolean(),
  warnings: z.array(z.string()),
});

const change = z.looseObject({
  base: z.number(),
  head: z.number(),
  delta: z.number(),
  deltaPct: z.number().nullable(),
});
const diffSide = z.looseObject({
  file: z.string(),
  scenario: z.string(),
  requests: count,
  seed: count,
  pricing: z.string(),
  days: count,
});
const stepSide = z.looseObject({ cost: money, saving: money }).nullable();

/** `diff`: BASE vs HEAD, line by line (totals, steps, models, token classes, attribution keys). */
const diffShape = z.looseObject({
  schema: z.literal(DIFF_SCHEMA),
  display: displayShape,
  tool,
  base: diffSide,
  head: diffSide,
  sameTraffic: z.boolean(),
  baseline: change,
  final: change,
  steps: z.array(
    z.looseObject({ label: z.string(), strategy: z.string(), base: stepSide, head: stepSide, savingDelta: money }),
  ),
  models: z.array(change.extend({ key: z.string() })),
  classes: z.array(change.extend({ key: z.string(), label: z.string(), tokens: change.nullable() })),
  by: z.array(
    z.looseObject({
      dimension: z.string(),
      rows: z.array(change.extend({ key: z.string() })),
      more: z.looseObject({ count: count, base: money, head: money, delta: money }).nullable(),
    }),
  ),
  limits: z.looseObject({ maxIncreasePct: z.number().nullable(), maxIncreaseUsd: z.number().nullable() }),
  checks: z.array(
    z.looseObject({
      name: z.string(),
      ok: z.boolean(),
      actual: z.number().nullable(),
      limit: z.number(),
      message: z.string(),
    }),
  ),
  ok: z.boolean(),
  warnings: z.array(z.string()),
  headChecksFailed: z.array(z.string()),
});

const candidate = z.looseObject({
  kind: z.string(),
  title: z.string(),
  change: z.looseObject({ action: z.enum(['set', 'add', 'remove']), step: z.string().nullable(), yaml: z.string() }),
  condition: z.string().nullable(),
  cost: money,
  saving: money,
  successRate: count,
  checksFailed: z.array(z.string()),
});

/** `advise`: the scenario as written, every alternative simulated and the ones that cost less. */
const adviseShape = z.looseObject({
  schema: z.literal(ADVISE_SCHEMA),
  tool,
  input: z.string(),
  scenario: z.string(),
  seed: count,
  requests: count,
  days: count,
  familyBy: z.string(),
  current: z.looseObject({ cost: money, successRate: count, checksFailed: z.array(z.string()) }),
  advice: z.array(candidate.extend({ savingPct: z.number(), sameAs: z.number().int().positive().nullable() })),
  tried: z.array(candidate),
  warnings: z.array(z.string()),
});

const auditFigures = z.looseObject({ read: count, written: count, readShare: count, cost: money });
const familyAudit = z.looseObject({
  family: z.string(),
  requests: count,
  inputTokens: count,
  actual: auditFigures,
  ideal: auditFigures,
  realistic: auditFigures,
  gapToIdeal: money,
  gapToRealistic: money,
  causes: z.array(z.string()),
});

/** `audit-cache`: per prefix family, actual vs ideal vs realistic cache reads and their cost. */
const cacheAuditShape = z.looseObject({
  schema: z.literal(CACHE_AUDIT_SCHEMA),
  tool,
  log: z.string(),
  pricing: reportPricingShape,
  rows: z.looseObject({ read: count, priced: count, rejected: count }),
  familyBy: z.array(z.string()),
  total: familyAudit,
  families: z.array(familyAudit),
  warnings: z.array(z.string()),
});

const listedModel = z.looseObject({ model: z.string(), provider: z.string(), input: z.string(), output: z.string() });

/** `pricing diff`: models added, removed, renamed and every changed price. */
const pricingDiffShape = z.looseObject({
  schema: z.literal(PRICING_DIFF_SCHEMA),
  old: table,
  new: table,
  added: z.array(listedModel),
  removed: z.array(listedModel),
  renamed: z.array(z.looseObject({ from: z.string(), to: z.string() })),
  changed: z.array(
    z.looseObject({
      model: z.string(),
      changes: z.array(
        z.looseObject({
          field: z.string(),
          old: z.string().nullable(),
          new: z.string().nullable(),
          pct: z.number().nullable(),
        }),
      ),
    }),
  ),
  unchanged: count,
  summary: z.looseObject({ up: count, down: count, other: count }),
});

const dayCost = z.looseObject({ noCache: money, withCache: money });

/** `estimate`: one row per requests/day volume, with and without caching. */
const estimateShape = z.looseObject({
  schema: z.literal(ESTIMATE_SCHEMA),
  display: displayShape,
  model: z.string(),
  pricing: z.looseObject({ pricedBy: z.string(), channel: z.string().nullable() }),
  assumptions: z.looseObject({
    systemTokens: count,
    inputTokens: count,
    outputTokens: count,
    cache: z.string(),
    cacheStyle: z.string(),
    days: count,
  }),
  rows: z.array(
    z.looseObject({
      requestsPerDay: count,
      cacheWritesPerDay: count,
      daily: dayCost,
      monthly: dayCost,
      saving: z.looseObject({ pct: z.number() }),
      naive: z.looseObject({ cacheWritesPerDay: count, daily: z.looseObject({ withCache: money }) }),
    }),
  ),
  notes: z.array(z.string()),
});

const price = z.string().nullable();

/** `pricing list`: every model of one table, prices as the table states them. */
const pricingListShape = z.looseObject({
  schema: z.literal(PRICING_LIST_SCHEMA),
  pricing: table,
  models: z.array(
    z.looseObject({
      ...listedModel.shape,
      cacheRead: price,
      cacheWrite5m: price,
      cacheWrite1h: price,
      cacheMinTokens: count.nullable(),
      batchInput: price,
      batchOutput: price,
      longContextThreshold: count.nullable(),
    }),
  ),
});

/** `pricing show MODEL`: every price of one model, as the table states it. */
const pricingShowShape = z.looseObject({
  schema: z.literal(PRICING_SHOW_SCHEMA),
  ...listedModel.shape,
  pricing: z.looseObject({ version: z.string() }),
  pricedBy: z.string(),
  source: z.string(),
  checked: z.string(),
  aliases: z.array(z.string()),
  channel: z.string().nullable(),
  catalog: z.boolean(),
  cache: z.looseObject({ style: z.string(), minTokens: count }).nullable(),
  contextWindow: count.nullable(),
  prices: z.array(z.looseObject({ tier: z.string(), band: z.enum(['base', 'long']) }).catchall(z.string())),
});

/** `pricing catalog [--search] [--skipped]`: the bundled catalog, and what a search found. */
const listedEntry = z.looseObject({ key: z.string(), reason: z.string() });
const pricingCatalogShape = z.looseObject({
  schema: z.literal(PRICING_CATALOG_SCHEMA),
  catalog: z.looseObject({
    version: z.string(),
    source: z.string(),
    notice: z.string(),
    models: count,
    providers: count,
  }),
  search: z.string().optional(),
  matches: z
    .array(
      z.looseObject({
        ...listedModel.shape,
        cacheRead: price,
        audioInput: price,
        audioOutput: price,
      }),
    )
    .optional(),
  skipped: z.array(listedEntry).optional(),
  corrected: z.array(listedEntry).optional(),
  skippedCount: count.optional(),
  correctedCount: count.optional(),
});

/** `pricing check --against litellm`: every disagreement with LiteLLM's price map. */
const pricingCheckShape = z.looseObject({
  schema: z.literal(PRICING_CHECK_SCHEMA),
  pricing: z.looseObject({ version: z.string() }),
  against: z.string(),
  compared: count,
  notFound: z.array(z.string()),
  disagreements: z.array(
    z.looseObject({
      model: z.string(),
      key: z.string(),
      field: z.string(),
      ours: price,
      theirs: price,
      kind: z.enum(['differs', 'only-theirs']),
      category: z.enum(['price', 'metadata']),
      accepted: z.string().optional(),
    }),
  ),
  failing: count,
  onlyOurs: count,
  rounded: z.array(z.string()),
});

/** One kind of saved report: the command that writes it, its shape and its renderers. */
interface SavedKind<M> {
  /** the commands that write it */
  by: string;
  /** how to write one, for hints: a command line with --format json */
  saveWith: string;
  shape: z.ZodType;
  renderers: RendererMap<M>;
  /** its table renderer takes colour options and makes its own text terminal-safe */
  styled: boolean;
}

/** Every JSON report llmcost writes, by its `schema` field (`pricing show` and `pricing catalog` carry none: they are one look-up, re-run them). */
const KINDS = {
  [REPORT_SCHEMA]: {
    by: 'simulate, replay',
    saveWith: 'llmcost simulate SCENARIO --format json --out saved.json',
    shape: reportShape,
    // render() recomputes the presentation figures first, exactly as simulate and replay do
    renderers: Object.fromEntries(
      FORMATS.map((f) => [f, (r: Report, o: RenderOptions) => render(r, f, o)]),
    ) as RendererMap<Report>,
    styled: true,
  } satisfies SavedKind<Report>,
  [SWEEP_SCHEMA]: {
    by: 'sweep',
    saveWith: 'llmcost sweep SCENARIO --set PATH=A,B --format json --out sweep.json',
    shape: sweepShape,
    renderers: SWEEP_RENDERERS,
    styled: true,
  } satisfies SavedKind<SweepReport>,
  [DRIFT_SCHEMA]: {
    by: 'drift',
    saveWith: 'llmcost drift --baseline OLD --current NEW SCENARIO --format json --out drift.json',
    shape: driftShape,
    renderers: DRIFT_RENDERERS,
    styled: false,
  } satisfies SavedKind<DriftReport>,
  [DIFF_SCHEMA]: {
    by: 'diff',
    saveWith: 'llmcost diff BASE HEAD --format json --out diff.json',
    shape: diffShape,
    renderers: DIFF_RENDERERS,
    styled: false,
  } satisfies SavedKind<DiffReport>,
  [ADVISE_SCHEMA]: {
    by: 'advise',
    saveWith: 'llmcost advise SCENARIO --format json --out advise.json',
    shape: adviseShape,
    renderers: ADVISE_RENDERERS,
    styled: false,
  } satisfies SavedKind<AdviseReport>,
  [CACHE_AUDIT_SCHEMA]: {
    by: 'audit-cache',
    saveWith: 'llmcost audit-cache LOG --format json --out audit.json',
    shape: cacheAuditShape,
    renderers: AUDIT_RENDERERS,
    styled: false,
  } satisfies SavedKind<CacheAuditReport>,
  [PRICING_DIFF_SCHEMA]: {
    by: 'pricing diff',
    saveWith: 'llmcost pricing diff OLD NEW --format json --out diff.json',
    shape: pricingDiffShape,
    renderers: PRICING_DIFF_RENDERERS,
    styled: false,
  } satisfies SavedKind<PricingDiff>,
  [ESTIMATE_SCHEMA]: {
    by: 'estimate',
    saveWith: 'llmcost estimate --model MODEL --format json --out estimate.json',
    shape: estimateShape,
    renderers: ESTIMATE_RENDERERS,
    styled: false,
  } satisfies SavedKind<EstimateDoc>,
  [PRICING_LIST_SCHEMA]: {
    by: 'pricing list',
    saveWith: 'llmcost pricing list --format json --out list.json',
    shape: pricingListShape,
    renderers: PRICING_LIST_RENDERERS,
    styled: false,
  } satisfies SavedKind<PricingList>,
  [PRICING_SHOW_SCHEMA]: {
    by: 'pricing show',
    saveWith: 'llmcost pricing show MODEL --format json --out show.json',
    shape: pricingShowShape,
    renderers: PRICING_SHOW_RENDERERS,
    styled: false,
  } satisfies SavedKind<PricingShow>,
  [PRICING_CATALOG_SCHEMA]: {
    by: 'pricing catalog',
    saveWith: 'llmcost pricing catalog --search TEXT --format json --out catalog.json',
    shape: pricingCatalogShape,
    renderers: PRICING_CATALOG_RENDERERS,
    styled: false,
  } satisfies SavedKind<PricingCatalog>,
  [PRICING_CHECK_SCHEMA]: {
    by: 'pricing check',
    saveWith: 'llmcost pricing check --against litellm FILE --format json --out check.json',
    shape: pricingCheckShape,
    renderers: PRICING_CHECK_RENDERERS,
    styled: false,
  } satisfies SavedKind<CheckResult>,
};

type Kinds = typeof KINDS;
/** The schemas `report --from` reads. */
export type SavedSchema = keyof Kinds;
export const SAVED_SCHEMAS = Object.keys(KINDS) as SavedSchema[];

/** A saved report read back: its kind and its model (the file's own object, key order kept). */
export type SavedReport =
  | { schema: typeof REPORT_SCHEMA; model: Report }
  | { schema: typeof SWEEP_SCHEMA; model: SweepReport }
  | { schema: typeof DRIFT_SCHEMA; model: DriftReport }
  | { schema: typeof DIFF_SCHEMA; model: DiffReport }
  | { schema: typeof ADVISE_SCHEMA; model: AdviseReport }
  | { schema: typeof CACHE_AUDIT_SCHEMA; model: CacheAuditReport }
  | { schema: typeof PRICING_DIFF_SCHEMA; model: PricingDiff }
  | { schema: typeof ESTIMATE_SCHEMA; model: EstimateDoc }
  | { schema: typeof PRICING_LIST_SCHEMA; model: PricingList }
  | { schema: typeof PRICING_SHOW_SCHEMA; model: PricingShow }
  | { schema: typeof PRICING_CATALOG_SCHEMA; model: PricingCatalog }
  | { schema: typeof PRICING_CHECK_SCHEMA; model: CheckResult };

const kindOf = (schema: SavedSchema): SavedKind<never> => KINDS[schema] as SavedKind<never>;

/** The formats a saved report of this kind renders to, in its renderer map's order. */
export function savedFormats(schema: SavedSchema): Format[] {
  return formatsOf(kindOf(schema).renderers);
}

/** The commands that write a saved report of this kind. */
export function savedBy(schema: SavedSchema): string {
  return kindOf(schema).by;
}

/** Whether the kind's table renderer styles its own output (the CLI then skips its terminal-safe pass). */
export function savedStyled(schema: SavedSchema): boolean {
  return kindOf(schema).styled;
}

/**
 * Render a saved report as the command that wrote it would have: byte for byte the same output.
 * A format its kind does not offer is a USAGE error naming the formats it does, located at the
 * flag that named the format (`from`: --format, or --out by its file's extension).
 */
export function renderSaved(
  saved: SavedReport,
  format: Format,
  o: RenderOptions = { color: false },
  from: '--format' | '--out' = '--format',
): string {
  const formats = savedFormats(saved.schema);
  const fn = kindOf(saved.schema).renderers[format];
  if (!fn)
    throw userError('USAGE', `an ${saved.schema} report has no ${format} format`, {
      where: from,
      hint: `an ${saved.schema} report renders as: ${formats.join(', ')}${from === '--out' ? ' (name one with --format, or give the file another name)' : ''}`,
    });
  return fn(saved.model as never, o);
}

/** The kinds whose renderers show money in a display currency. */
const MONEY_KINDS: ReadonlySet<string> = new Set([
  REPORT_SCHEMA,
  SWEEP_SCHEMA,
  DRIFT_SCHEMA,
  DIFF_SCHEMA,
  ESTIMATE_SCHEMA,
]);

/** A saved report shown in another display currency (`report --from --currency`). */
export function withDisplay(saved: SavedReport, display: Display | undefined): SavedReport {
  if (!display) return saved;
  if (!MONEY_KINDS.has(saved.schema))
    throw userError('USAGE', `--currency: an ${saved.schema} report has no display currency`, {
      where: '--currency',
      hint: `drop --currency/--fx; a display currency applies to ${[...MONEY_KINDS].join(', ')} reports`,
    });
  return { ...saved, model: { ...saved.model, display } } as SavedReport;
}

const SAVE_HINT = 'save a report with e.g. `llmcost simulate SCENARIO --format json --out saved.json`';
const isKnown = (schema: string): schema is SavedSchema => Object.hasOwn(KINDS, schema);

/** Parse and validate a saved report's text; throws a UserError naming file:line:column and a fix. */
export function parseSavedReport(text: string, file: string): SavedReport {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw userError('REPORT_INPUT', 'the file is empty', { where: file, hint: SAVE_HINT });
  const data = parseJsonInput(
    text,
    file,
    'REPORT_INPUT',
    /^\s*[<{[]/.test(text)
      ? 'the file is truncated or was edited by hand; re-save it with --format json'
      : `this does not look like a JSON report; ${SAVE_HINT}`,
  );
  const obj = data as Record<string, unknown>;
  if (typeof data !== 'object' || data === null || Array.isArray(data) || typeof obj.schema !== 'string') {
    throw userError('REPORT_INPUT', "not an llmcost report: no 'schema' field", {
      where: file,
      hint: `pass a JSON report written by llmcost with --format json (it starts with a "schema" field such as "${REPORT_SCHEMA}"); ${SAVE_HINT}`,
    });
  }
  const schema = obj.schema;
  if (!isKnown(schema)) {
    const family = schema.replace(/\/[^/]*$/, '/');
    const newer = SAVED_SCHEMAS.find((s) => s.startsWith(family));
    throw userError(
      'REPORT_INPUT',
      `unsupported report schema '${schema}' (this llmcost reads ${newer ?? SAVED_SCHEMAS.join(', ')})`,
      {
        where: locate(text, file, ['schema']),
        hint: newer
          ? 're-render it with the llmcost version that wrote it, or re-run the command with this version'
          : schema.startsWith('llmcost.')
            ? `this llmcost cannot render that kind; it renders ${SAVED_SCHEMAS.join(', ')}`
            : `this is not an llmcost report; ${SAVE_HINT}`,
      },
    );
  }
  const kind = kindOf(schema);
  const r = kind.shape.safeParse(data);
  // the original object, not zod's copy: keeps the key order, so json -> json is byte-identical
  if (r.success) return { schema, model: data } as SavedReport;
  const diags: Diagnostic[] = r.error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
    const dotted =
      path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '') || '(top level)';
    let v: unknown = data;
    for (const p of path)
      v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[p as string | number] : undefined;
    const parent =
      path.length > 1 ? dotted.slice(0, dotted.length - String(path[path.length - 1]).length - 1) : '(top level)';
    return {
      code: 'REPORT_INPUT',
      severity: 'error',
      message:
        v === undefined && issue.code === 'invalid_type'
          ? `missing key '${String(path[path.length - 1])}' in ${parent}`
          : `${dotted}: ${issue.message}`,
      where: locate(text, file, path),
      hint: `the ${schema} report was edited or written by another tool; re-save it with \`${kind.saveWith}\``,
    };
  });
  if (r.error.issues.length > 10)
    diags.push({
      code: 'REPORT_INPUT',
      severity: 'error',
      message: `… and ${r.error.issues.length - 10} more problems`,
      where: file,
    });
  throw new UserError(diags);
}
