// The compiled form of a bundled pricing table: `npm run build` parses and checks each
// pricing/YYYY-MM-DD.yaml with the run-time YAML loader and schema (pricing/compile.ts) and writes
// the checked table as JSON to dist/pricing/tables/. A run reads a bundled table from it with
// JSON.parse: no yaml, no zod (together ~0.2 s of `estimate`'s start-up, twice `node -e 0`).
//
// A compiled form is used only when it was made from the very text of the YAML file beside it,
// checked by the very schema file of this build: it records a 64-bit hash of both (an edit is
// what it must notice, not an attacker; node:crypto would add ~10 ms to every start). A table edited
// after the build, or a schema rebuilt without the tables, falls back to parsing the YAML, so a
// stale or missing compiled form costs start-up time, never a wrong price. A table the build found
// a warning in gets no compiled form (its YAML is read, and its warning shown, at run time).
import { existsSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PricingTableFile } from '../config/pricing-schema.js';
import { hash64 } from '../shared/hash.js';

/** Where the build writes the compiled tables: dist/pricing/tables/ (from src/: absent, so YAML). */
export const COMPILED_TABLES_DIR = fileURLToPath(new URL('./tables/', import.meta.url));

/** The schema module of this build (.js in dist/, .ts under the tests): its text is in every digest. */
const SCHEMA_FILE = fileURLToPath(
  new URL(`../config/pricing-schema${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
);

const FORMAT = 1;

export interface CompiledTable {
  format: typeof FORMAT;
  /** the YAML file's name, for a reader of dist/ */
  source: string;
  /** hash64 of the schema module's text, a NUL, and the YAML text */
  digest: string;
  /** the table as the schema returns it (strings and numbers only: JSON keeps it exactly) */
  table: PricingTableFile;
}

/** The digest a compiled form of `yamlText` must carry to be used with this build's schema. */
export function tableDigest(yamlText: string): string {
  return hash64(`${readFileSync(SCHEMA_FILE, 'utf8')}\0${yamlText}`);
}

/** The compiled form's path of a table file (same name, .json). */
export function compiledPath(yamlFile: string, dir: string = COMPILED_TABLES_DIR): string {
  return join(dir, basename(yamlFile).replace(/\.ya?ml$/, '.json'));
}

export function compiledForm(table: PricingTableFile, yamlFile: string, yamlText: string): CompiledTable {
  return { format: FORMAT, source: basename(yamlFile), digest: tableDigest(yamlText), table };
}

/** The checked table of `yamlText` from its compiled form, or undefined when there is none or it is stale. */
export function readCompiled(
  yamlFile: string,
  yamlText: string,
  dir: string = COMPILED_TABLES_DIR,
): PricingTableFile | undefined {
  const path = compiledPath(yamlFile, dir);
  if (!existsSync(path)) return undefined;
  let c: Partial<CompiledTable>;
  try {
    c = JSON.parse(readFileSync(path, 'utf8')) as Partial<CompiledTable>;
  } catch {
    return undefined; // half-written or damaged: the YAML is the truth
  }
  return c.format === FORMAT && c.digest === tableDigest(yamlText) ? c.table : undefined;
}
