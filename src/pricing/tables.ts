// Finding the pricing tables, and reading a bundled one from its compiled form, without the YAML
// parser or the schema (yaml and zod load only when a table must be parsed: pricing/load.ts).
// `estimate` runs on this module alone: start-up is a file scan and one JSON.parse.
import { closeSync, existsSync, openSync, readdirSync, readFileSync, readSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LIMITS, tooLarge } from '../config/input-limits.js';
import { type Diagnostic, userError } from '../diagnostics.js';
import { isIsoDate } from '../shared/dates.js';
import { bundledCatalog, type CatalogRef } from './catalog.js';
import { COMPILED_TABLES_DIR, readCompiled } from './compiled.js';
import type { Overlay } from './overlay.js';
import { PriceBook } from './pricebook.js';
import { PriceSchedule, type ScheduleOptions } from './schedule.js';

/** pricing/ shipped with the package (dist/pricing/tables.js -> ../../pricing). */
export const BUNDLED_PRICING_DIR = fileURLToPath(new URL('../../pricing/', import.meta.url));

/** A table with its load warnings. */
export interface LoadedTable {
  book: PriceBook;
  warnings: Diagnostic[];
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

export function listTables(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /^\d{4}-\d{2}-\d{2}\.ya?ml$/.test(f))
    .sort()
    .map((f) => join(dir, f));
}

/** What a table is known by before it is parsed. */
export interface TableHeader {
  file: string;
  version: string;
  effective: string;
  /** its long-context thresholds, ascending */
  thresholds: number[];
}

/**
 * A table's header read from its text with regular expressions (a full YAML parse and schema check
 * of a table costs ~50 ms warm; start-up pays it only for the tables a run uses), or undefined when
 * the scan cannot read it (the table must then be parsed).
 */
export function scanHeader(file: string, text: string = readText(file, 'pricing table')): TableHeader | undefined {
  const field = (k: string): string | undefined =>
    new RegExp(`^${k}:\\s*["']?(\\d{4}-\\d{2}-\\d{2})["']?\\s*(?:#.*)?$`, 'm').exec(text)?.[1];
  const version = field('version');
  const effective = field('effective');
  if (!version || !effective) return undefined;
  const thresholds = [
    ...new Set([...text.matchAll(/^\s+threshold:\s*(\d+)\s*(?:#.*)?$/gm)].map((m) => Number(m[1]))),
  ].sort((a, b) => a - b);
  return { file, version, effective, thresholds };
}

export interface PricingChoice {
  /** a file path, or a version name of a bundled table, or undefined for "the table in force" */
  pricing?: string;
  asOf?: string;
  dir?: string;
  cwd?: string;
}

/**
 * The file of the table a choice pins: an explicit file or version, else the table in `dir` with
 * the latest `effective` date on or before --as-of (default: the newest table). Undefined when a
 * header `headerOf` cannot read stands in the way (the caller parses the tables instead).
 */
export function pinnedTableFile(
  choice: PricingChoice,
  headerOf: (file: string) => TableHeader | undefined,
): string | undefined {
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
    if (existsSync(asPath) || /[/\\]|\.ya?ml$/.test(choice.pricing)) return asPath;
    const byVersion = listTables(dir).find((f) => basename(f).replace(/\.ya?ml$/, '') === choice.pricing);
    if (!byVersion) {
      throw userError('PRICING_NONE', `no pricing table '${choice.pricing}'`, {
        where: '--pricing',
        hint: `bundled versions: ${listTables(dir)
          .map((f) => basename(f).replace(/\.ya?ml$/, ''))
          .join(', ')}; or pass a file path`,
      });
    }
    return byVersion;
  }
  const headers: TableHeader[] = [];
  for (const file of listTables(dir)) {
    const h = headerOf(file);
    if (!h) return undefined;
    headers.push(h);
  }
  headers.sort((x, y) => (x.effective < y.effective ? -1 : 1));
  const pick = headers.filter((h) => a === undefined || h.effective <= a).at(-1);
  if (!pick) {
    throw userError('PRICING_NONE', `no pricing table is in force on ${a}`, {
      where: '--as-of',
      hint: `tables start on ${headers[0]?.effective ?? '(none)'}; use a later --as-of or pass --pricing FILE`,
    });
  }
  return pick.file;
}

/**
 * A bundled table from its compiled form (pricing/compiled.ts), or undefined: not a bundled table,
 * no compiled form, a stale one, or one the price book finds a problem in (the YAML then locates it).
 */
export function compiledBook(
  file: string,
  text?: string,
  dirs: { pricing: string; compiled: string } = { pricing: BUNDLED_PRICING_DIR, compiled: COMPILED_TABLES_DIR },
): LoadedTable | undefined {
  if (resolve(dirname(file)) !== resolve(dirs.pricing)) return undefined;
  const table = readCompiled(file, text ?? readText(file, 'pricing table'), dirs.compiled);
  if (!table) return undefined;
  const { book, problems } = PriceBook.fromTable(table, file);
  return problems.length ? undefined : { book, warnings: [] };
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

/** Whether a choice prices everything with one table (else a log is priced per request). */
export function pinsOneTable(choice: ScheduleChoice): boolean {
  return Boolean(choice.pricing || choice.asOf || !choice.perRequest);
}

/** The catalog, deployments and overlays of a choice, as a PriceSchedule takes them. */
export function scheduleOptions(choice: ScheduleChoice): ScheduleOptions {
  const catalog: CatalogRef | undefined = choice.catalog === false ? undefined : bundledCatalog(choice.catalogDir);
  return {
    ...(catalog ? { catalog } : {}),
    ...(choice.deployments ? { deployments: choice.deployments } : {}),
    ...(choice.overlays?.length ? { overlays: choice.overlays } : {}),
  };
}

/**
 * chooseSchedule (pricing/load.ts) for a caller that can wait: a pinned bundled table with a fresh
 * compiled form is read without loading yaml and zod; anything else (a user's table file, a stale
 * compiled form, a log priced per request) loads the parser and takes the one code path there.
 */
export async function loadSchedule(
  choice: ScheduleChoice,
): Promise<{ pricing: PriceSchedule; warnings: Diagnostic[] }> {
  if (pinsOneTable(choice)) {
    const file = pinnedTableFile(choice, (f) => scanHeader(f));
    const loaded = file !== undefined ? compiledBook(file) : undefined;
    if (loaded)
      return { pricing: new PriceSchedule([loaded.book], scheduleOptions(choice)), warnings: loaded.warnings };
  }
  return (await import('./load.js')).chooseSchedule(choice);
}
