// The `pricing` pipelines: pick the table in force, list/show its models, diff two tables, check
// a table against LiteLLM's price file, import from it, validate a table file. Each returns a
// model for a renderer in report/pricing/; nothing here prints.
import { basename, resolve } from 'node:path';
import { type Diagnostic, suggestionHint, UserError, userError } from '../diagnostics.js';
import { diffBooks, type PricingDiff } from '../pricing/diff.js';
import {
  acceptedFileSchema,
  type CheckResult,
  chatModelNames,
  checkAgainstLiteLLM,
  findEntry,
  importFromLiteLLM,
  type LiteLLMFile,
} from '../pricing/litellm.js';
import { parseYaml } from '../config/yaml.js';
import { choosePricing, loadOverlayFile, parsePricingText } from '../pricing/load.js';
import { readText } from '../pricing/tables.js';
import type { Overlay } from '../pricing/overlay.js';
import type { PriceBook } from '../pricing/pricebook.js';
import { DEFAULT_STALE_AFTER_DAYS, stalenessWarning } from '../pricing/staleness.js';
import { bundledCatalog } from '../pricing/catalog.js';
import { type PricingCatalog, pricingCatalog } from '../report/pricing/catalog.js';
import { type PricingList, pricingList } from '../report/pricing/list.js';
import { type PricingShow, pricingShow } from '../report/pricing/show.js';
import { isIsoDate } from '../shared/dates.js';
import { LIMITS, parseJsonInput } from '../config/input-limits.js';
import { type Context, makeContext } from './context.js';
import { loadPricing, type ModelChoice, type TableChoice } from './pricing-choice.js';
import { resolvePath } from './io.js';

/** The overlays of a choice: the given ones, then the file's (relative to the working folder). */
export function overlaysOf(choice: ModelChoice, cwd: string, warn: (d: Diagnostic) => void): Overlay[] {
  const out = [...(choice.overlays ?? [])];
  if (choice.overlay) {
    const { overlays, warnings } = loadOverlayFile(resolve(cwd, choice.overlay), choice.overlay);
    for (const w of warnings) warn(w);
    out.push(...overlays);
  }
  return out;
}

/** The table in force for a command, its load warnings and staleness warning sent to ctx.warn. */
export function loadBook(choice: TableChoice, ctx: Context): PriceBook {
  const { book, warnings } = choosePricing({ pricing: choice.pricing, asOf: choice.asOf, cwd: ctx.io.cwd });
  for (const w of warnings) ctx.warn(w);
  // Staleness is judged against asOf only (never the wall clock); see pricing/staleness.ts.
  const stale = stalenessWarning(book, choice.asOf, choice.staleAfterDays ?? DEFAULT_STALE_AFTER_DAYS);
  if (stale) ctx.warn(stale);
  return book;
}

/** A table named by a file or a bundled version; its errors are located at `where` (a flag or argument). */
export function loadTable(value: string, where: string, ctx: Context): PriceBook {
  try {
    const { book, warnings } = choosePricing({ pricing: value, cwd: ctx.io.cwd });
    for (const w of warnings) ctx.warn(w);
    return book;
  } catch (e) {
    if (e instanceof UserError)
      throw new UserError(e.diagnostics.map((d) => (d.where === '--pricing' ? { ...d, where } : d)));
    throw e;
  }
}

export function listPricing(choice: TableChoice, context: Partial<Context> = {}): PricingList {
  const ctx = makeContext(context);
  return pricingList(loadBook(choice, ctx));
}

export async function showPricing(
  model: string,
  choice: TableChoice & ModelChoice,
  context: Partial<Context> = {},
): Promise<PricingShow> {
  const ctx = makeContext(context);
  const book = await loadPricing(choice, false, ctx);
  return pricingShow(book, book.resolve(model, 'model argument'));
}

/** `pricing catalog`: the bundled catalog's source and size, a search over it, what it left out. */
export function catalogPricing(o: { search?: string; skipped?: boolean } = {}): PricingCatalog {
  const ref = bundledCatalog();
  if (!ref) throw userError('FILE_NOT_FOUND', 'no bundled catalog', { hint: 'rebuild it with `npm run catalog`' });
  return pricingCatalog(ref.get(), o);
}

export function diffPricing(oldTable: string, newTable: string, context: Partial<Context> = {}): PricingDiff {
  const ctx = makeContext(context);
  return diffBooks(loadTable(oldTable, 'OLD argument', ctx), loadTable(newTable, 'NEW argument', ctx));
}

/** `pricing validate FILE`: the table's figures, or a UserError listing every problem. */
export function validatePricing(
  file: string,
  context: Partial<Context> = {},
): { file: string; version: string; effective: string; models: number } {
  const ctx = makeContext(context);
  const r = parsePricingText(readText(resolvePath(ctx.io, file), 'pricing table'), file);
  for (const w of r.warnings) ctx.warn(w);
  if (!r.book) throw new UserError(r.errors);
  return { file, version: r.book.version, effective: r.book.effective, models: r.book.models.size };
}

/** Read and parse the LiteLLM JSON, locating a syntax error as file:line:column. */
export function readLiteLLM(file: string, ctx: Context): LiteLLMFile {
  const text = readText(resolvePath(ctx.io, file), 'LiteLLM price file', LIMITS.priceMapBytes);
  const data = parseJsonInput(
    text,
    file,
    'FILE_READ',
    "pass LiteLLM's model_prices_and_context_window.json (a JSON object of model entries)",
  );
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw userError('FILE_READ', 'expected a JSON object of model entries', {
      where: file,
      hint: "pass LiteLLM's model_prices_and_context_window.json",
    });
  return data as LiteLLMFile;
}

/** The accepted-differences file of `pricing check`, every schema problem located (file:line:column). */
function readAccepted(file: string, ctx: Context) {
  const text = readText(resolvePath(ctx.io, file), 'accepted-differences file');
  const { value, errors } = parseYaml(text, file, acceptedFileSchema);
  if (!value) throw new UserError(errors);
  return value.accepted;
}

/** `pricing check --against litellm`: every disagreement; `accepted` names reviewed ones that do not fail. */
export function checkPricing(
  file: string,
  choice: TableChoice & { accepted?: string },
  context: Partial<Context> = {},
): CheckResult {
  const ctx = makeContext(context);
  const book = loadBook(choice, ctx);
  const accepted = choice.accepted ? readAccepted(choice.accepted, ctx) : [];
  const r = checkAgainstLiteLLM(book, readLiteLLM(file, ctx), basename(file), accepted);
  for (const u of r.unusedAccepted)
    ctx.warn(
      `accepted difference ${u.model} ${u.field}${u.theirs !== undefined ? ` (theirs ${u.theirs})` : ''} matched nothing: fixed, or LiteLLM's value moved; review it in ${choice.accepted}`,
    );
  return r;
}

export interface ImportInput {
  /** LiteLLM's model_prices_and_context_window.json */
  file: string;
  /** NAME or OUR_ID=LITELLM_KEY, as given */
  models: string[];
  /** version and effective date of the new table; default: a date in the file name */
  version?: string;
  /** where the table will be written (for messages) */
  out?: string;
}

/** `pricing import --from litellm`: a validated pricing table (YAML text) from LiteLLM entries. */
export function importPricing(
  input: ImportInput,
  context: Partial<Context> = {},
): { yaml: string; version: string; models: number } {
  const ctx = makeContext(context);
  const { file } = input;
  const version = input.version ?? /(\d{4}-\d{2}-\d{2})/.exec(basename(file))?.[1];
  if (!version)
    throw userError('USAGE', 'no --version given and no date in the file name', {
      where: '--version',
      hint: 'pass --version YYYY-MM-DD (the date the prices are in force; the wall clock is never used)',
    });
  if (!isIsoDate(version))
    throw userError('USAGE', `--version '${version}' is not a date`, {
      where: '--version',
      hint: 'use YYYY-MM-DD, e.g. --version 2026-12-01',
    });
  const data = readLiteLLM(file, ctx);
  if (!input.models.length)
    throw userError('USAGE', '--models is empty', { where: '--models', hint: 'e.g. --models gpt-4o,gpt-4o-mini' });
  const picked = input.models.map((spec) => {
    const [name, key] = spec.includes('=')
      ? (spec.split('=', 2) as [string, string])
      : [spec.replace(/^[a-z_-]+\//, ''), spec];
    const hit = findEntry(data, key);
    if (!hit)
      throw userError('UNKNOWN_MODEL', `model '${key}' is not in ${file}`, {
        where: '--models',
        hint: suggestionHint(key, chatModelNames(data), 'use the key as it appears in the LiteLLM file'),
      });
    return { name, ...hit };
  });
  // A price field that is present but not a number is a broken file, not a missing price.
  for (const { key, entry } of picked) {
    for (const [field, v] of Object.entries(entry)) {
      if (!/(_cost_per_token|_token_cost)/.test(field) || v === undefined || v === null) continue;
      if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
        throw userError('SCHEMA', `${key}.${field} is ${JSON.stringify(v)}, not a price in USD per token`, {
          where: file,
          hint: `fix that value in ${basename(file)} (LiteLLM prices are plain numbers such as 2.5e-06), or import other models with --models`,
        });
      }
    }
  }
  const r = importFromLiteLLM(data, picked, version, basename(file));
  // warnings first: a skipped model (e.g. a price that is not a number) explains an invalid table below
  for (const w of r.warnings) ctx.warn(w);
  const check = parsePricingText(r.yaml, input.out ?? `${version}.yaml`);
  if (!check.book)
    throw new UserError(
      check.errors.map(
        (d): Diagnostic => ({
          ...d,
          hint: `${d.hint ?? ''} (the LiteLLM data would give an invalid table; import the other models and add this one by hand)`.trim(),
        }),
      ),
    );
  return { yaml: r.yaml, version, models: check.book.models.size };
}
