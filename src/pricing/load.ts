// The one place pricing tables are parsed (YAML + schema, with located errors). Everything else
// gets a PriceBook. Finding the tables, and a bundled table's compiled form, are in tables.ts:
// this module loads yaml and zod, that one does not.
import { basename } from 'node:path';
import { overlayFileSchema, type PricingTableFile, pricingTableSchema } from '../config/pricing-schema.js';
import { locate, parseYaml } from '../config/yaml.js';
import { type Diagnostic, UserError, userError } from '../diagnostics.js';
import { type Overlay, overlayOf } from './overlay.js';
import { type PricingData, pricingData, pricingWith } from './data.js';
import { PriceBook, type Pricing } from './pricebook.js';
import { PriceSchedule, refOf, type TableRef } from './schedule.js';
import {
  BUNDLED_PRICING_DIR,
  compiledBook,
  type LoadedTable,
  pinnedTableFile,
  pinsOneTable,
  type PricingChoice,
  readText,
  type ScheduleChoice,
  scanHeader,
  scheduleOptions,
  listTables,
} from './tables.js';

export interface LoadedBook {
  book?: PriceBook;
  /** the table as the schema returned it (with `book`) */
  table?: PricingTableFile;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

export function parsePricingText(text: string, file: string): LoadedBook {
  const { value, errors, warnings } = parseYaml(text, file, pricingTableSchema);
  if (!value) return { errors, warnings };
  const { book, problems } = PriceBook.fromTable(value, file);
  for (const p of problems)
    errors.push({
      code: 'PRICING_INCONSISTENT',
      severity: 'error',
      message: p.message,
      where: locate(text, file, p.path),
      hint: p.hint,
    });
  const base = basename(file).replace(/\.ya?ml$/, '');
  if (/^\d{4}-\d{2}-\d{2}$/.test(base) && base !== value.version) {
    warnings.push({
      code: 'PRICING_INCONSISTENT',
      severity: 'warning',
      message: `file name ${basename(file)} does not match version '${value.version}'`,
      where: locate(text, file, ['version']),
      hint: 'name table files after their version',
    });
  }
  return errors.length ? { errors, warnings } : { book, table: value, errors, warnings };
}

/**
 * Load one table (a bundled one from its compiled form when that is fresh) or throw a UserError
 * listing every problem.
 */
export function loadPricingFile(file: string): LoadedTable {
  const text = readText(file, 'pricing table');
  const compiled = compiledBook(file, text);
  if (compiled) return compiled;
  const r = parsePricingText(text, file);
  if (!r.book) throw new UserError(r.errors);
  return { book: r.book, warnings: r.warnings };
}

/** A table known by its header before it is parsed (scanHeader); `load()` parses and checks it once. */
export function tableRef(file: string): TableRef {
  let loaded: LoadedTable | undefined;
  const load = (): LoadedTable => (loaded ??= loadPricingFile(file));
  const header = scanHeader(file);
  if (!header) {
    const { book } = load();
    return { ...refOf(book), load };
  }
  return { ...header, load };
}

/**
 * Pick the table in force: an explicit file or version, else the bundled table with the latest
 * `effective` date on or before --as-of (default: the newest table). Only the table picked is
 * parsed: the others are known by their header.
 */
export function choosePricing(choice: PricingChoice): LoadedTable {
  const file = pinnedTableFile(choice, tableRef);
  if (file === undefined) throw new Error('internal: a parsed table has a header');
  return loadPricingFile(file);
}

/** A file of price overlays (`--pricing-overlay FILE`), or a UserError locating every problem. */
export function loadOverlayFile(file: string, shown: string = file): { overlays: Overlay[]; warnings: Diagnostic[] } {
  const { value, errors, warnings } = parseYaml(readText(file, 'price overlay file'), shown, overlayFileSchema);
  if (!value) throw new UserError(errors);
  return { overlays: value.overlays.map(overlayOf), warnings };
}

/**
 * The pricing a run uses: --pricing/--as-of pin one table; otherwise a log is priced per request
 * with every bundled table (each row by the table in force at its timestamp) and anything else by
 * the newest table. The catalog, unless turned off, prices what no table knows.
 */
export function chooseSchedule(choice: ScheduleChoice): { pricing: PriceSchedule; warnings: Diagnostic[] } {
  const options = scheduleOptions(choice);
  if (pinsOneTable(choice)) {
    const { book, warnings } = choosePricing(choice);
    return { pricing: new PriceSchedule([book], options), warnings };
  }
  // Every table, each parsed when a request first needs it.
  const refs = listTables(choice.dir ?? BUNDLED_PRICING_DIR).map(tableRef);
  if (!refs.length) throw userError('PRICING_NONE', 'no bundled pricing table', { hint: 'reinstall llmcost' });
  return { pricing: new PriceSchedule(refs, options), warnings: [] };
}

/** The pricing again from its data: tables not parsed yet are parsed from their file on first use. */
export function pricingFromData(d: PricingData): PriceBook | PriceSchedule {
  return pricingWith(d, loadPricingFile);
}

/** Runs priced the same way give the same key (a sweep's configurations that may share one read of a log). */
export function pricingKey(p: Pricing): string {
  const d = pricingData(p);
  if ('book' in d) return JSON.stringify(['book', d.book.file, d.book.version, d.book.models.map((m) => m.id)]);
  const s = d.schedule;
  return JSON.stringify([
    'schedule',
    s.tables.map((t) => ('book' in t ? [t.book.file, t.book.models.map((m) => m.id)] : [t.ref.file])),
    s.catalogDir ?? null,
    s.deployments ?? null,
  ]);
}
