#!/usr/bin/env node
// Bundle the command line (dist/cli/index.js, as tsc wrote it) into dist/cli-bundle/, which
// bin/llmcost.js runs: a few chunks instead of ~250 modules (ours, zod's 95, yaml, csv-parse...),
// each of which Node's ESM loader resolves, reads and links one by one. A command still loads only
// its own chunks (the lazy imports of cli/index.ts stay lazy). `npm run build` runs it after tsc.
// The library (dist/index.js) and the worker threads' entries stay the unbundled tsc output.
// Every module keeps its own import.meta.url (rewritten to its dist/ or node_modules/ file), so
// what it finds beside itself (the compiled pricing tables, package.json, the workers) is found.
// zod and yaml get chunks of their own, so a start-up that must not load them can be checked.
import { rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist/cli-bundle');
rmSync(out, { recursive: true, force: true });
await build({
  input: { llmcost: join(root, 'dist/cli/index.js') },
  platform: 'node',
  external: [/^node:/],
  logLevel: 'warn',
  plugins: [
    {
      name: 'own-import-meta-url',
      transform(code, id) {
        if (id.startsWith('\0') || !code.includes('import.meta.url')) return null;
        const own = JSON.stringify(relative(out, id).split('\\').join('/'));
        return { code: code.replace(/\bimport\.meta\.url\b/g, `new URL(${own}, import.meta.url).href`), map: null };
      },
    },
  ],
  output: {
    dir: out,
    format: 'esm',
    codeSplitting: {
      groups: [
        { name: 'vendor-zod', test: /[\\/]node_modules[\\/]zod[\\/]/ },
        { name: 'vendor-yaml', test: /[\\/]node_modules[\\/]yaml[\\/]/ },
      ],
    },
  },
});
