import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffBooks, pctChange } from '../../src/pricing/diff.js';
import { parsePricingText } from '../../src/pricing/load.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';

function load(name: string): PriceBook {
  const file = `test/fixtures/pricing/${name}`;
  const r = parsePricingText(readFileSync(file, 'utf8'), file);
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book;
}
function fromText(text: string): PriceBook {
  const r = parsePricingText(text, 'inline.yaml');
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book;
}
const table = (version: string, model: string) =>
  `version: "${version}"\neffective: "${version}"\ncurrency: USD\nmodels:\n${model}`;

describe('pricing diff', () => {
  const d = diffBooks(load('old.yaml'), load('new.yaml'));

  it('finds models added, removed and renamed (old id kept as an alias)', () => {
    expect(d.added.map((m) => m.model)).toEqual(['fresh']);
    expect(d.removed.map((m) => m.model)).toEqual(['retired']);
    expect(d.renamed).toEqual([{ from: 'old-name', to: 'new-name' }]);
  });

  it('lists every changed field with % change; the batch discount carries the output change', () => {
    const big = d.changed.find((m) => m.model === 'big')!.changes;
    expect(big).toContainEqual({ field: 'output', old: '15.00', new: '18.00', pct: 20 }); // (18-15)/15
    expect(big).toContainEqual({ field: 'batch.output', old: '7.50', new: '9.00', pct: 20 }); // 50% of each
    expect(big).toContainEqual({ field: 'long_context.threshold', old: '200000', new: '128000', pct: null });
    expect(big).toContainEqual({ field: 'cache.min_tokens', old: '1024', new: '2048', pct: null });
    const small = d.changed.find((m) => m.model === 'small')!.changes;
    expect(small).toEqual([{ field: 'batch.output', old: '2.00', new: '1.80', pct: -10 }]); // (1.8-2)/2
    expect(d.summary).toEqual({ up: 2, down: 1, other: 3 });
  });

  it('compares exact values: "3" and "3.00" are the same price', () => {
    const m = (p: string) =>
      `  m:\n    provider: x\n    source: https://example.com\n    checked: "2099-01-01"\n    input: "${p}"\n    output: "15"\n`;
    const x = diffBooks(fromText(table('2099-01-01', m('3'))), fromText(table('2099-01-02', m('3.00'))));
    expect(x.changed).toEqual([]);
    expect(x.unchanged).toBe(1);
  });

  it('a long-context band appearing is listed field by field (absent = null)', () => {
    const base = `  m:\n    provider: x\n    source: https://example.com\n    checked: "2099-01-01"\n    input: "1.25"\n    output: "10"\n`;
    const x = diffBooks(
      fromText(table('2099-01-01', base)),
      fromText(table('2099-01-02', `${base}    long_context: { threshold: 200000, input: "2.50", output: "15" }\n`)),
    );
    expect(x.changed[0]!.changes).toEqual([
      { field: 'long_context.threshold', old: null, new: '200000', pct: null },
      { field: 'long_context.input', old: null, new: '2.50', pct: null },
      { field: 'long_context.output', old: null, new: '15.00', pct: null },
    ]);
  });

  it('percent change is exact and rounded half-up to 0.01', () => {
    expect(pctChange(3n, 4n)).toBe(33.33); // 1/3 = 33.333..
    expect(pctChange(3n, 5n)).toBe(66.67); // 2/3 = 66.666..
    expect(pctChange(8n, 7n)).toBe(-12.5);
    expect(pctChange(0n, 1n)).toBeNull();
  });
});
