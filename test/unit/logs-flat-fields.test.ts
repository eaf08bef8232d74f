// A record object's columns and tags, found in one pass over its keys (row.ts FlatPlan), are the
// ones the column getters find (the first present source field of each column, in the column's
// order) and the ones Object.entries gives for tags: checked with toRequest on random JSON records
// (repeated keys, __proto__, numeric keys, blank, null, nested and non-string values) under several
// presets, one a column with three top-level source fields, against the same context whose columns
// are all read by their getters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { getPreset } from '../../src/traffic/logs/presets.js';
import { flatPlanOf, gettersOf, ROW_TAGS, type RowContext, toRequest } from '../../src/traffic/logs/row.js';
import { TokenCounter } from '../../src/traffic/tokens.js';

const NAMES = [
  'timestamp',
  'model',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'tenant',
  'team',
  'org',
  'feature',
  'request_id',
  'id',
  'status',
  'prefix_key',
  'prefix_tokens',
  'conversation_id',
  'costUSD',
  'cost_usd',
  'region',
  'note',
  '0',
  '__proto__',
  'toString',
];
const value = fc.oneof(
  fc.constantFrom(
    '2026-10-01T00:00:00Z',
    'gpt-4o',
    'acme',
    ' acme ',
    '',
    '   ',
    'ok',
    'error',
    '429',
    'k1',
    '12',
    'x'.repeat(120),
  ),
  fc.integer({ min: -1, max: 5000 }),
  fc.constantFrom(null, true, false, 1.5),
  fc.constant({ nested: 1 }),
  fc.constant(['a']),
);
/** a valid call under the preset (its first source field of each required column), then random fields */
function recordFor(columns: RowContext['columns']) {
  const base: Record<string, unknown> = {};
  const put = (path: string, v: unknown): void => {
    const parts = path.split('.');
    let o = base;
    for (const p of parts.slice(0, -1)) o = (o[p] ??= {}) as Record<string, unknown>;
    o[parts.at(-1)!] = v;
  };
  put(columns.timestamp![0]!, '2026-10-01T00:00:00Z');
  put(columns.model![0]!, 'gpt-4o');
  put(columns.input_tokens![0]!, 100);
  put(columns.output_tokens![0]!, 10);
  const own = Object.values(columns).flatMap((fields) => (fields ?? []).map((f) => f.split('.')[0]!));
  const names = [...new Set([...NAMES, ...own])];
  // JSON text, so that JSON.parse makes the object as a log line would (own __proto__, last repeat wins)
  return fc
    .array(fc.tuple(fc.constantFrom(...names), value), { maxLength: 14 })
    .map((pairs) =>
      JSON.parse(
        `{${[...Object.entries(base), ...pairs].map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`,
      ),
    );
}

function contexts(presetName: string, extra: Partial<Record<string, string[]>> = {}): [RowContext, RowContext] {
  const preset = getPreset(presetName);
  const columns = { ...preset.columns, ...extra } as RowContext['columns'];
  const used = new Set<string>();
  for (const fields of Object.values(columns)) for (const f of fields ?? []) used.add(f.split('.')[0]!);
  const make = (): RowContext => ({
    preset,
    columns,
    used,
    getters: gettersOf(columns),
    flat: flatPlanOf(columns),
    tokens: new TokenCounter(),
    fallbackModel: 'gpt-4o',
  });
  const byGetters = make();
  byGetters.flat.flat.fill(0);
  byGetters.flat.byName.clear();
  return [make(), byGetters];
}

describe('a record read in one pass (FlatPlan)', () => {
  it('gives the requests, rejects and tags of the column getters, for every preset layout (property)', () => {
    const cases: [string, Partial<Record<string, string[]>>][] = [
      ['canonical', {}],
      ['canonical', { tenant: ['team', 'tenant', 'org'] }],
      ['helicone', {}],
      ['openrouter', {}],
      ['langfuse', {}],
    ];
    for (const [name, extra] of cases) {
      const [flat, byGetters] = contexts(name, extra);
      let requests = 0;
      fc.assert(
        fc.property(recordFor(flat.columns), (rec) => {
          const a = toRequest(rec, 7, flat);
          const b = toRequest(rec, 7, byGetters);
          expect(JSON.stringify(a)).toBe(JSON.stringify(b));
          if (!a.req) return;
          requests++;
          // the record's other fields as tags, in its order, as Object.entries gives them
          const own = new Set([...ROW_TAGS, ...Object.keys(flat.preset.tags ?? {})]);
          const expected = Object.entries(rec as Record<string, unknown>)
            .filter(
              ([k, v]) =>
                !flat.used.has(k) &&
                !own.has(k) &&
                (typeof v === 'string'
                  ? v.length <= 100 && v.trim() !== ''
                  : typeof v === 'number' || typeof v === 'boolean'),
            )
            .map(([k, v]) => [k, String(v).trim()]);
          expect(Object.entries(a.req.tags).filter(([k]) => !own.has(k))).toEqual(expected);
        }),
        { numRuns: 400 },
      );
      // many records are calls (their tags compared), not rejects
      expect(requests, name).toBeGreaterThan(80);
    }
  });

  it('takes a column from its first present source field, and the rest of the record as tags in key order', () => {
    const [flat] = contexts('canonical', { tenant: ['team', 'tenant', 'org'] });
    const rec = JSON.parse(
      '{"org":"o","timestamp":"2026-10-01T00:00:00Z","tenant":"t","team":" ","input_tokens":5,"output_tokens":1,"zone":"eu","0":"zero","__proto__":"p"}',
    );
    const again = JSON.parse(
      '{"team":"T0","org":"o","timestamp":"2026-10-01T00:00:00Z","tenant":"t","input_tokens":5,"output_tokens":1}',
    );
    const r = toRequest(rec, 1, flat);
    expect(r.req?.tags.tenant).toBe('t');
    expect(toRequest(again, 2, flat).req?.tags.tenant).toBe('T0');
    expect(Object.entries(r.req!.tags).filter(([k]) => ['0', 'zone', '__proto__'].includes(k))).toEqual(
      Object.entries(rec)
        .filter(([k]) => ['0', 'zone', '__proto__'].includes(k))
        .map(([k, v]) => [k, v]),
    );
  });
});
