// The build step behind compiled.ts: each bundled table parsed and checked exactly as a run would
// parse it (load.ts), kept as the JSON a run reads instead. scripts/compile-pricing.mjs writes it.
import { isDeepStrictEqual } from 'node:util';
import { type Diagnostic, UserError } from '../diagnostics.js';
import { type CompiledTable, compiledForm } from './compiled.js';
import { parsePricingText } from './load.js';
import { listTables, readText } from './tables.js';

export interface TableCompilation {
  file: string;
  /** absent when the table has warnings: a run then reads its YAML and shows them */
  compiled?: CompiledTable;
  warnings: Diagnostic[];
}

/** Every table in `dir` compiled; a table with an error throws a UserError (the build fails). */
export function compileTables(dir: string): TableCompilation[] {
  return listTables(dir).map((file) => {
    const text = readText(file, 'pricing table');
    const { table, errors, warnings } = parsePricingText(text, file);
    if (!table) throw new UserError(errors);
    if (warnings.length) return { file, warnings };
    // the schema's output is strings and numbers; should it ever hold something JSON does not keep
    // (a Date, undefined), the compiled form would differ from a parse: refuse rather than drift
    if (!isDeepStrictEqual(JSON.parse(JSON.stringify(table)), table))
      throw new Error(`internal: ${file} does not survive JSON; its compiled form would differ from a parse`);
    return { file, compiled: compiledForm(table, file, text), warnings };
  });
}
