#!/usr/bin/env node
// Compile the bundled pricing tables (pricing/YYYY-MM-DD.yaml) into dist/pricing/tables/*.json, so a
// run reads them without the YAML parser and the schema (src/pricing/compiled.ts says when a
// compiled form is used). `npm run build` runs it after tsc. A table with an error fails the build.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { compileTables } = await import(join(root, 'dist/pricing/compile.js'));
const { COMPILED_TABLES_DIR, compiledPath } = await import(join(root, 'dist/pricing/compiled.js'));
const { formatDiagnostic, UserError } = await import(join(root, 'dist/diagnostics.js'));

let tables;
try {
  tables = compileTables(join(root, 'pricing'));
} catch (e) {
  if (!(e instanceof UserError)) throw e;
  for (const d of e.diagnostics) process.stderr.write(`${formatDiagnostic(d)}\n`);
  process.stderr.write(
    'compile-pricing: a bundled pricing table has errors; fix it (npx llmcost pricing validate FILE)\n',
  );
  process.exit(1);
}
rmSync(COMPILED_TABLES_DIR, { recursive: true, force: true });
mkdirSync(COMPILED_TABLES_DIR, { recursive: true });
for (const t of tables) {
  if (!t.compiled) {
    for (const d of t.warnings) process.stderr.write(`${formatDiagnostic(d)}\n`);
    process.stderr.write(`compile-pricing: ${t.file} has warnings: not compiled (runs parse its YAML)\n`);
    continue;
  }
  const out = compiledPath(t.file);
  writeFileSync(`${out}.tmp`, `${JSON.stringify(t.compiled)}\n`);
  renameSync(`${out}.tmp`, out);
}
