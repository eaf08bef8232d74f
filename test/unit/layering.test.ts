// The layering of src/, checked on the sources (like the offline guarantee beside it): the data
// path runs command (cli/) -> pipeline (app/) -> traffic -> engine + strategies -> ledger ->
// pricing -> report, and nothing below the command layer reaches back up into it.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** Relative module specifiers a file imports or re-exports (static, type-only and dynamic). */
function specifiers(src: string): string[] {
  const noComments = src.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
  const re = /\b(?:import|export)\s[^'"]*?\bfrom\s*(['"])(\.[^'"]+)\1|\bimport\s*\(\s*(['"])(\.[^'"]+)\3/g;
  return [...noComments.matchAll(re)].map((m) => m[2] ?? m[4]!);
}

/** Each source file (relative to src/, '/' separated) -> the src files it imports. */
const GRAPH = new Map(
  walk(SRC).map((f) => {
    const from = relative(SRC, f).split('\\').join('/');
    const to = specifiers(readFileSync(f, 'utf8')).map((s) =>
      relative(SRC, normalize(join(dirname(f), s)))
        .split('\\')
        .join('/')
        .replace(/\.js$/, '.ts'),
    );
    return [from, to] as const;
  }),
);

const top = (file: string): string => (file.includes('/') ? file.split('/')[0]! : file);

/** Every import from a file under `from` into a file under one of `into`, as "a -> b". */
function crossings(from: string[], into: string[]): string[] {
  const out: string[] = [];
  for (const [file, deps] of GRAPH)
    if (from.includes(top(file))) for (const d of deps) if (into.includes(top(d))) out.push(`${file} -> ${d}`);
  return out;
}

const BELOW_COMMANDS = ['engine', 'strategies', 'pricing', 'report', 'traffic', 'config', 'shared', 'diagnostics.ts'];

describe('layering (src/)', () => {
  it('reads the import graph', () => {
    expect(GRAPH.size).toBeGreaterThan(50);
    expect(GRAPH.get('cli/simulate.ts')).toContain('app/simulate.ts');
  });

  it('nothing below the command layer imports cli/ or app/', () => {
    expect(crossings(BELOW_COMMANDS, ['cli', 'app'])).toEqual([]);
  });

  it('pipelines (app/) never import the command layer (cli/)', () => {
    expect(crossings(['app'], ['cli'])).toEqual([]);
  });

  it('report/ never imports cli/ (formats and renderers live in report/)', () => {
    expect(crossings(['report'], ['cli'])).toEqual([]);
  });

  it('strategies never import pricing: they see models through the engine contract (ModelView)', () => {
    expect(crossings(['strategies'], ['pricing'])).toEqual([]);
  });

  it('the engine imports no strategy, traffic, report or config module (strategies plug into its contract)', () => {
    expect(crossings(['engine'], ['strategies', 'traffic', 'report', 'config'])).toEqual([]);
  });

  it('shared/ is the floor: it imports only shared/ and diagnostics', () => {
    const out: string[] = [];
    for (const [file, deps] of GRAPH)
      if (top(file) === 'shared')
        for (const d of deps) if (!['shared', 'diagnostics.ts'].includes(top(d))) out.push(`${file} -> ${d}`);
    expect(out).toEqual([]);
  });

  it('the checks would catch a violation (the graph sees type-only and re-exports)', () => {
    expect(specifiers("import type { App } from '../cli/app.js';\nexport { x } from './y.js';")).toEqual([
      '../cli/app.js',
      './y.js',
    ]);
    expect(specifiers("// import { a } from '../cli/a.js'\nconst m = await import('../cli/b.js');")).toEqual([
      '../cli/b.js',
    ]);
  });
});
