// The compiled form of each bundled pricing table (pricing/compiled.ts) is what parsing and checking
// its YAML gives, and a compiled form that does not match its YAML is never used.
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/diagnostics.js';
import { compileTables } from '../../src/pricing/compile.js';
import { compiledPath } from '../../src/pricing/compiled.js';
import { parsePricingText } from '../../src/pricing/load.js';
import { BUNDLED_PRICING_DIR, compiledBook, listTables, scanHeader } from '../../src/pricing/tables.js';

let scratch: string;
let dirs: { pricing: string; compiled: string };

/** A folder of tables and their compiled forms, as the build lays them out. */
function compileInto(pricing: string, compiled: string): void {
  mkdirSync(compiled, { recursive: true });
  for (const t of compileTables(pricing))
    if (t.compiled) writeFileSync(compiledPath(t.file, compiled), JSON.stringify(t.compiled));
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'llmcost-compiled-'));
  dirs = { pricing: join(scratch, 'pricing'), compiled: join(scratch, 'compiled') };
  cpSync(BUNDLED_PRICING_DIR, dirs.pricing, { recursive: true });
  compileInto(dirs.pricing, dirs.compiled);
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const parsed = (file: string) => parsePricingText(readFileSync(file, 'utf8'), file);
const newest = (): string => listTables(dirs.pricing).at(-1)!;

describe('compiled pricing tables', () => {
  const tables = listTables(BUNDLED_PRICING_DIR).map((f) => basename(f));

  it('there are bundled tables, each with a header the scan reads', () => {
    expect(tables.length).toBeGreaterThanOrEqual(4);
    for (const f of tables) expect(scanHeader(join(BUNDLED_PRICING_DIR, f)), f).toBeDefined();
  });

  it.each(tables)('%s: the compiled form is the parsed, checked table, and the book read from it the same', (name) => {
    const file = join(dirs.pricing, name);
    const compiled = compileTables(dirs.pricing).find((c) => c.file === file);
    const p = parsed(file);
    expect(p.errors).toEqual([]);
    expect(compiled?.warnings).toEqual([]);
    expect(compiled?.compiled?.table).toStrictEqual(p.table);
    // what a run reads back: JSON.parse of the file
    const onDisk = JSON.parse(readFileSync(compiledPath(file, dirs.compiled), 'utf8'));
    expect(onDisk).toStrictEqual(compiled?.compiled);
    const fromCompiled = compiledBook(file, undefined, dirs);
    expect(fromCompiled?.warnings).toEqual([]);
    expect(fromCompiled?.book.toData()).toStrictEqual(p.book!.toData());
  });

  it('a table edited after the build is read from its YAML, not the stale compiled form', () => {
    const file = newest();
    const text = readFileSync(file, 'utf8');
    try {
      expect(compiledBook(file, undefined, dirs)).toBeDefined();
      writeFileSync(file, text.replace('input: "2.50"', 'input: "2.60"'));
      expect(compiledBook(file, undefined, dirs)).toBeUndefined();
      // a comment changes no price, but the rule is the text: still not used
      writeFileSync(file, `${text}# edited\n`);
      expect(compiledBook(file, undefined, dirs)).toBeUndefined();
    } finally {
      writeFileSync(file, text);
    }
  });

  it('a damaged, foreign-format or missing compiled form is not used', () => {
    const file = newest();
    const path = compiledPath(file, dirs.compiled);
    const good = readFileSync(path, 'utf8');
    try {
      writeFileSync(path, good.slice(0, 100));
      expect(compiledBook(file, undefined, dirs)).toBeUndefined();
      writeFileSync(path, JSON.stringify({ ...JSON.parse(good), format: 2 }));
      expect(compiledBook(file, undefined, dirs)).toBeUndefined();
      writeFileSync(path, JSON.stringify({ ...JSON.parse(good), digest: '0000000000000000' }));
      expect(compiledBook(file, undefined, dirs)).toBeUndefined();
      rmSync(path);
      expect(compiledBook(file, undefined, dirs)).toBeUndefined();
    } finally {
      writeFileSync(path, good);
    }
    expect(compiledBook(file, undefined, dirs)).toBeDefined();
  });

  it("a copy of a bundled table elsewhere is the user's own file: parsed, never read from a compiled form", () => {
    const copy = join(scratch, basename(newest()));
    copyFileSync(newest(), copy);
    expect(compiledBook(copy, undefined, dirs)).toBeUndefined();
  });

  it('a table with a warning gets no compiled form (a run parses it and shows the warning); an error fails the build', () => {
    const dir = join(scratch, 'odd');
    mkdirSync(dir);
    const text = readFileSync(newest(), 'utf8');
    writeFileSync(join(dir, '2026-01-01.yaml'), text); // named after another version: a warning
    const [t] = compileTables(dir);
    expect(t?.compiled).toBeUndefined();
    expect(t?.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/does not match version/)]);
    writeFileSync(join(dir, '2026-01-01.yaml'), text.replace('input: "2.50"', 'input: "cheap"'));
    expect(() => compileTables(dir)).toThrow(UserError);
  });
});
