// The one place pricing tables are read from disk. Everything else gets a PriceBook.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { overlayFileSchema, pricingTableSchema } from '../config/pricing-schema.js';
import { LIMITS, tooLarge } from '../config/input-limits.js';
import { locate, parseYaml } from '../config/yaml.js';
import { type Diagnostic, UserError, userError } from '../diagnostics.js';
import { isIsoDate } from '../shared/dates.js';
import { bundledCatalog, type CatalogRef } from './catalog.js';
import { type Overlay, overlayOf } from './overlay.js';
import { type BookData, PriceBook, type Pricing } from './pricebook.js';
import { PriceSchedule, refOf, type ScheduleData, type TableRef } from './schedule.js';

/** pricing/ shipped with the package (dist/pricing/load.js -> ../../pricing). */
export const BUNDLED_PRICING_DIR = fileURLToPath(new URL('../../pricing/', import.meta.url));

export interface LoadedBook {
  book?: PriceBook;
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
  return errors.length ? { errors, warnings } : { book, errors, warnings };
}

/** A whole input file as text; larger than `maxBytes` (default: a YAML file's limit) is refused before reading. */
export function readText(file: string, what = 'file', maxBytes: number = LIMITS.yamlBytes): string {
  if (!existsSync(file))
    throw userError('FILE_NOT_FOUND', `${what} '${file}' does not exist`, {
      where: file,
      hint: 'check the path (relative paths are resolved from the current directory)',
    });
  const st = statSync(file);
  if (st.isDirectory())
    throw userError('FILE_READ', `${what} '${file}' is a directory`, { where: file, hint: 'pass a file' });
  if (st.size > maxBytes) throw tooLarge(file, what, st.size, maxBytes);
  if (st.isFile()) return readFileSync(file, 'utf8');
  // a FIFO or device has no size to check first: read it in chunks up to the limit (/dev/zero never ends)
  const fd = openSync(file, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw tooLarge(file, what, total, maxBytes);
      chunks.push(buf.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Load one table or throw a UserError listing every problem. */
export function loadPricingFile(file: string): { book: PriceBook; warnings: Diagnostic[] } {
  const r = parsePricingText(readText(file, 'pricing table'), file);
  if (!r.book) throw new UserError(r.errors);
  return { book: r.book, warnings: r.warnings };
}

export function listTables(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/**
 * A table known by its header before it is parsed: version, effective date and long-context
 * thresholds read from the text with regular expressions (a full YAML parse and schema check of
 * a table costs ~50 ms warm; start-up pays it only for the tables a run uses). `load()` parses
 * and validates once; a header the scan cannot read falls back to loading.
 */
export function tableRef(file: string): TableRef {
  let loaded: { book: PriceBook; warnings: Diagnostic[] } | undefined;
  const load = (): { book: PriceBook; warnings: Diagnostic[] } => (loaded ??= loadPricingFile(file));
  const text = readText(file, 'pricing table');
  const field = (k: string): string | undefined =>
    new RegExp(`^${k}:\\s*["']?(\\d{4}-\\d{2}-\\d{2})["']?\\s*(?:#.*)?$`, 'm').exec(text)?.[1];
  const version = field('version');
  const effective = field('effective');
  if (!version || !effective) {
    const { book } = load();
    return { ...refOf(book), load };
  }
  const thresholds = [
    ...new Set([...text.matchAll(/^\s+threshold:\s*(\d+)\s*(?:#.*)?$/gm)].map((m) => Number(m[1]))),
  ].sort((a, b) => a - b);
  return { file, version, effective, thresholds, load };
}

export interface PricingChoice {
  /** a file path, or a version name of a bundled table, or undefined for "the table in force" */
  pricing?: string;
  asOf?: string;
  dir?: string;
  cwd?: string;
}

/**
 * Pick the table in force: an explicit file or version, else the bundled table with the latest
 * `effective` date on or before --as-of (default: the newest table).
 */
export function choosePricing(choice: PricingChoice): { book: PriceBook; warnings: Diagnostic[] } {
  const dir = choice.dir ?? BUNDLED_PRICING_DIR;
  // Checked first: with --pricing, --as-of still dates the run (staleness), so a typo must not pass.
  const a = choice.asOf;
  if (a !== undefined && !isIsoDate(a)) {
    throw userError('USAGE', `--as-of '${a}' is not a date`, {
      where: '--as-of',
      hint: 'use YYYY-MM-DD, e.g. --as-of 2024-12-15',
    });
  }
  if (choice.pricing) {
    const asPath = resolve(choice.cwd ?? '.', choice.pricing);
    if (existsSync(asPath) || /[/\\]|\.ya?ml$/.test(choice.pricing)) return loadPricingFile(asPath);
    const byVersion = listTables(dir).find((f) => basename(f).replace(/\.ya?ml$/, '') === choice.pricing);
    if (!byVersion) {
      throw userError('PRICING_NONE', `no pricing table '${choice.pricing}'`, {
        where: '--pricing',
        hint: `bundled versions: ${listTables(dir)
          .map((f) => basename(f).replace(/\.ya?ml$/, ''))
          .join(', ')}; or pass a file path`,
      });
    }
    return loadPricingFile(byVersion);
  }
  // Only the table picked is parsed: the others are known by their header.
  const refs = listTables(dir)
    .map(tableRef)
    .sort((a, b) => (a.effective < b.effective ? -1 : 1));
  const asOf = choice.asOf;
  const pick = refs.filter((r) => asOf === undefined || r.effective <= asOf).at(-1);
  if (!pick) {
    throw userError('PRICING_NONE', `no pricing table is in force on ${asOf}`, {
      where: '--as-of',
      hint: `tables start on ${refs[0]?.effective ?? '(none)'}; use a later --as-of or pass --pricing FILE`,
    });
  }
  return pick.load();
}

export interface ScheduleChoice extends PricingChoice {
  /** price each request with the table in force at its time (logs); ignored when pricing/asOf pin one */
  perRequest?: boolean;
  /** use the bundled catalog for models the tables lack (default true) */
  catalog?: boolean;
  /** deployment name -> model id */
  deployments?: Record<string, string>;
  /** another catalog directory (tests) */
  catalogDir?: string;
  /** told of a lazily parsed table's warnings */
  warn?: (d: Diagnostic) => void;
  /** price overlays on every model (loadOverlayFile, a scenario's pricing.overlays) */
  overlays?: Overlay[];
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
  const catalog: CatalogRef | undefined = choice.catalog === false ? undefined : bundledCatalog(choice.catalogDir);
  const options = {
    ...(catalog ? { catalog } : {}),
    ...(choice.deployments ? { deployments: choice.deployments } : {}),
    ...(choice.overlays?.length ? { overlays: choice.overlays } : {}),
  };
  if (choice.pricing || choice.asOf || !choice.perRequest) {
    const { book, warnings } = choosePricing(choice);
    return { pricing: new PriceSchedule([book], options), warnings };
  }
  // Every table, each parsed when a request first needs it.
  const refs = listTables(choice.dir ?? BUNDLED_PRICING_DIR).map(tableRef);
  if (!refs.length) throw userError('PRICING_NONE', 'no bundled pricing table', { hint: 'reinstall llmcost' });
  return { pricing: new PriceSchedule(refs, options), warnings: [] };
}

/** What prices a run, as plain data (it crosses to worker threads). */
export type PricingData = { book: BookData } | { schedule: ScheduleData };

export function pricingData(p: Pricing): PricingData {
  if (p instanceof PriceBook) return { book: p.toData() };
  if (p instanceof PriceSchedule) return { schedule: p.toData() };
  throw new Error('internal: this pricing cannot cross to a worker thread');
}

/** The pricing again from its data: tables not parsed yet are parsed from their file on first use. */
export function pricingFromData(d: PricingData): PriceBook | PriceSchedule {
  if ('book' in d) return PriceBook.fromData(d.book);
  const s = d.schedule;
  const catalog = s.catalogDir !== undefined ? bundledCatalog(s.catalogDir) : undefined;
  return new PriceSchedule(
    s.tables.map((t) =>
      'book' in t ? PriceBook.fromData(t.book) : { ...t.ref, load: () => loadPricingFile(t.ref.file) },
    ),
    { ...(catalog ? { catalog } : {}), ...(s.deployments ? { deployments: s.deployments } : {}) },
  );
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
