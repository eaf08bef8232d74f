// A saved report (schema llmcost.report/v1, written by --format json): its shape, and the parser
// that reads it back for `report --from`. The text is checked as JSON, then against the report
// shape (zod); every problem is located at file:line:column.
import { z } from 'zod';
import { locate } from '../config/yaml.js';
import { type Diagnostic, UserError, userError } from '../diagnostics.js';
import { parseJsonInput } from '../config/input-limits.js';
import { REPORT_SCHEMA, type Report } from './model.js';

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

/** The shape of a saved report. Loose objects: fields a newer v1 adds are kept, not refused. */
export const reportSchema = z.looseObject({
  schema: z.literal(REPORT_SCHEMA),
  tool: z.looseObject({ name: z.literal('llmcost'), version: z.string() }),
  command: z.string(),
  scenario: z.string(),
  pricing: z.looseObject({
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
  }),
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

const SAVE_HINT = 'save a report with e.g. `llmcost simulate SCENARIO --format json --out saved.json`';

/** Parse and validate a saved report's text; throws a UserError naming file:line:column and a fix. */
export function parseSavedReport(text: string, file: string): Report {
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
      hint: `pass a JSON report written by llmcost (it starts with "schema": "${REPORT_SCHEMA}"); ${SAVE_HINT}`,
    });
  }
  if (obj.schema !== REPORT_SCHEMA) {
    const ours = obj.schema.startsWith('llmcost.report/');
    throw userError('REPORT_INPUT', `unsupported report schema '${obj.schema}' (this llmcost reads ${REPORT_SCHEMA})`, {
      where: locate(text, file, ['schema']),
      hint: ours
        ? 're-render it with the llmcost version that wrote it, or re-run the simulation with this version'
        : `this is not an llmcost report; ${SAVE_HINT}`,
    });
  }
  const r = reportSchema.safeParse(data);
  // the original object, not zod's copy: keeps the key order, so json -> json is byte-identical
  if (r.success) return data as Report;
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
      hint: 'the report was edited or written by another tool; re-save it with --format json',
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
