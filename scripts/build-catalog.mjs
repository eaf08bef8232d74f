#!/usr/bin/env node
// Rebuild the bundled catalog (pricing/catalog/) from a copy of LiteLLM's price map.
//
//   npm run catalog                                   # from the pinned copy in vendor/litellm/
//   npm run catalog -- path/to/model_prices_and_context_window.json --version 2026-12-01
//
// Steps for a newer copy (docs/pricing-sources.md, "The catalog"): put the file in vendor/litellm/
// named model_prices_and_context_window-YYYY-MM-DD.json (the date it was copied), run this, review
// the skipped/corrected lists it prints and `git diff pricing/catalog/`, run the tests, commit.
// Reads and writes files only; the compile step is src/pricing/catalog-build.ts (via dist/).
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { compileCatalog, correctionsFileSchema } = await import(join(root, 'dist/pricing/catalog-build.js'));

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const v = args[i + 1];
  args.splice(i, 2);
  return v;
};
const versionFlag = flag('--version');
const vendorDir = join(root, 'vendor/litellm');
const input =
  args[0] ??
  join(
    vendorDir,
    readdirSync(vendorDir)
      .filter((f) => /^model_prices_and_context_window-\d{4}-\d{2}-\d{2}\.json$/.test(f))
      .sort()
      .at(-1),
  );
const version = versionFlag ?? /(\d{4}-\d{2}-\d{2})/.exec(basename(input))?.[1];
if (!version) {
  console.error(`error: no date in ${basename(input)}: pass --version YYYY-MM-DD (the date the copy was made)`);
  process.exit(2);
}

const corrections = correctionsFileSchema.parse(
  parse(readFileSync(join(root, 'pricing/catalog/corrections.yaml'), 'utf8')),
);
const litellm = JSON.parse(readFileSync(input, 'utf8'));
const { catalog, warnings } = compileCatalog(litellm, corrections.corrections, {
  version,
  source: `LiteLLM model_prices_and_context_window.json, copy of ${version} (vendor/litellm/${basename(input)})`,
  notice:
    'Compiled from LiteLLM (https://github.com/BerriAI/litellm), MIT License, Copyright (c) 2023 Berri AI: see LICENSE-litellm',
});

// One model per line: a newer copy's changes read as a line diff.
const { models, ...head } = catalog;
const lines = Object.entries(models).map(([k, row]) => `${JSON.stringify(k)}:${JSON.stringify(row)}`);
const text = `${JSON.stringify(head, null, 1).replace(/\n}$/, '')},\n"models":{\n${lines.join(',\n')}\n}}\n`;
JSON.parse(text); // the file must stay valid JSON

const outDir = join(root, 'pricing/catalog');
const file = `litellm-${version}.json`;
const write = (name, content) => {
  const tmp = join(outDir, `.${name}.tmp`);
  writeFileSync(tmp, content);
  renameSync(tmp, join(outDir, name));
};
write(file, text);
const manifest = { schema: catalog.schema, version, file, models: lines.length, thresholds: catalog.thresholds };
write('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);

console.log(`wrote pricing/catalog/${file}: ${lines.length} models from ${catalog.providers.length} providers`);
console.log(`${catalog.skipped.length} entries skipped, ${catalog.corrected.length} corrected (listed in the file):`);
for (const w of warnings.slice(0, 15)) console.log(`  ${w}`);
if (warnings.length > 15) console.log(`  … and ${warnings.length - 15} more`);
console.log('review: git diff --stat pricing/catalog/; then npm test');
