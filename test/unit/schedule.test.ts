// The price in force per request: which table a timestamp falls in (exactly at the boundary),
// which table prices a model the in-force one lacks, the catalog last, deployment names first.
import { describe, expect, it } from 'vitest';
import type { CatalogRef } from '../../src/pricing/catalog.js';
import { chooseSchedule, tableRef } from '../../src/pricing/load.js';
import { BUNDLED_PRICING_DIR, listTables } from '../../src/pricing/tables.js';
import { PriceSchedule } from '../../src/pricing/schedule.js';
import { bookFromYaml } from '../helpers/sim.js';

const table = (version: string, models: string): string =>
  `version: "${version}"\neffective: "${version}"\ncurrency: USD\nmodels:\n${models}`;
const model = (id: string, input: string) =>
  `  ${id}:\n    provider: p\n    source: https://example.com\n    checked: "2026-01-01"\n    input: "${input}"\n    output: "1.00"\n`;
// old is retired by 2026; new launched in 2026; both price "kept" (1 -> 2)
const A = bookFromYaml(table('2025-01-01', model('kept', '1.00') + model('old', '5.00')));
const B = bookFromYaml(table('2026-01-01', model('kept', '2.00') + model('new', '7.00')));
const at = (iso: string): number => Date.parse(iso);
const input = (s: PriceSchedule, name: string, p?: number): number =>
  Number(s.lookup(name, p)!.prices.standard!.base.input) / 1e12;

describe('price schedule', () => {
  const s = new PriceSchedule([B, A]);
  it('puts a request in the table in force at its timestamp: the effective date starts at 00:00 UTC', () => {
    expect(s.periodOf(at('2025-06-01T00:00:00Z'))).toBe(0);
    expect(s.periodOf(at('2025-12-31T23:59:59.999Z'))).toBe(0);
    expect(s.periodOf(at('2026-01-01T00:00:00Z'))).toBe(1);
    expect(s.periodOf(at('2024-06-01T00:00:00Z'))).toBe(0); // before every table: the first
    expect(s.periodOf(12_345)).toBe(1); // a trace offset, not a date: as of the newest table
    expect(input(s, 'kept', 0)).toBe(1);
    expect(input(s, 'kept', 1)).toBe(2);
  });
  it('prices a model the in-force table lacks from the nearest table that has it', () => {
    expect(input(s, 'old', 1)).toBe(5); // retired since: its last price
    expect(input(s, 'new', 0)).toBe(7); // launched after the table's date: its launch price
    expect(s.lookup('old', 1)!.pricedBy).toEqual({ kind: 'table', version: '2025-01-01' });
  });
  it('pinned to one table: no other table is asked', () => {
    const pinned = s.pinnedTo(1);
    expect(pinned.periodOf(at('2025-06-01T00:00:00Z'))).toBe(0);
    expect(pinned.lookup('old')).toBeUndefined();
    expect(() => pinned.resolve('old', 'line 3')).toThrow(/is not in pricing table 2026-01-01/);
  });
  it('asks the catalog last, and only then loads it', () => {
    let loads = 0;
    const catalog = {
      manifest: { schema: 'llmcost.catalog/v1', version: '2026-08-01', file: 'x', models: 1, thresholds: [300000] },
      get: () => {
        loads++;
        return { lookup: (n: string) => (n === 'deepseek-chat' ? A.tryResolve('old') : undefined) };
      },
    } as unknown as CatalogRef;
    const withCatalog = new PriceSchedule([A, B], { catalog });
    expect(input(withCatalog, 'kept')).toBe(2);
    expect(loads).toBe(0); // a curated name never touches the catalog
    expect(input(withCatalog, 'deepseek-chat')).toBe(5);
    expect(loads).toBe(1);
    expect(withCatalog.thresholds()).toEqual([300000]); // from the manifest, without loading
  });
  it('rewrites deployment names first: azure/NAME and NAME', () => {
    const d = new PriceSchedule([A, B], { deployments: { 'Prod-Chat': 'kept' } });
    expect(d.lookup('azure/prod-chat')).toMatchObject({ id: 'kept', channel: { name: 'azure', endpoint: 'global' } });
    expect(d.lookup('prod-chat')?.id).toBe('kept');
  });
});

describe('chooseSchedule over the bundled tables', () => {
  it('per request: every table, in date order; pinned with --pricing or --as-of', () => {
    const all = chooseSchedule({ perRequest: true }).pricing;
    expect(all.tables().map((t) => t.version)).toEqual(['2024-12-01', '2025-10-01', '2026-11-01', '2026-11-18']);
    expect(all.periodOfDate('2025-10-15')).toBe(1);
    expect(chooseSchedule({ perRequest: true, asOf: '2025-10-15' }).pricing.tables()).toEqual([
      { version: '2025-10-01', effective: '2025-10-01' },
    ]);
    expect(chooseSchedule({}).pricing.version).toBe('2026-11-18');
  });
});

describe('tables known by their header', () => {
  it('reads version, effective date and thresholds of every bundled table as the full parse does', () => {
    for (const f of listTables(BUNDLED_PRICING_DIR)) {
      const ref = tableRef(f);
      const { book } = ref.load();
      expect([ref.version, ref.effective, ref.thresholds], f).toEqual([
        book.version,
        book.effective,
        book.thresholds(),
      ]);
    }
  });
  it('parses only the tables a run uses', () => {
    const s = chooseSchedule({ perRequest: true, catalog: false }).pricing;
    let loads = 0;
    const refs = (s as unknown as { refs: { load: () => unknown }[] }).refs;
    for (const r of refs) {
      const load = r.load;
      r.load = () => {
        loads++;
        return load();
      };
    }
    expect(s.lookup('gpt-4o', s.periodOfDate('2026-11-20'))?.id).toBe('gpt-4o');
    expect(loads).toBe(1);
  });
});
