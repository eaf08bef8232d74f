// Every place a user's string becomes a key (a column, tag, tenant, feature, segment, model, --by,
// --map, a preset's columns, a sweep --set path, a saved report's attribution) is driven with
// names that collide with Object.prototype (__proto__, constructor, toString, ...). Each run must
// end in exit 0 with the right figures under that name, or exit 2 with a located message: never
// exit 3, and never a change to Object.prototype.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DIMENSIONS } from '../../src/engine/ledger.js';
import { CANONICAL_COLUMNS } from '../../src/traffic/logs/columns.js';
import { PRESETS } from '../../src/traffic/logs/presets.js';
import { mdEscape } from '../../src/report/text.js';
import { type CliResult, expectUserError, runCli } from '../helpers/cli.js';
import '../helpers/fast-check-seed.js';

const HOSTILE = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '__defineSetter__',
  '__lookupGetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  'prototype',
  'length',
  'then',
];
/** A name as a user could write it in a CSV header, a YAML key or a flag: hostile ones drawn most often. */
const name = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE), weight: 4 },
  { arbitrary: fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,11}$/), weight: 1 },
);
const RUNS = { numRuns: 12 };

const dir = mkdtempSync(join(tmpdir(), 'llmcost-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
afterEach(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort(), 'Object.prototype was changed').toEqual(PROTO_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

const PRICING = `version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  m:
    provider: openai
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.00"
    output: "2.00"
`;
writeFileSync(join(dir, 'pricing.yaml'), PRICING);
const ROW = (tail: string): string => `2026-11-02T10:00:00Z,m,1000,500${tail}\n`;
// one row: 1000 x $1 + 500 x $2 per 1M = $0.002
const ROW_USD = 0.002;

let n = 0;
function file(text: string, ext: string): string {
  const f = join(dir, `f${n++}.${ext}`);
  writeFileSync(f, text);
  return f;
}

/** exit 0 or a clean exit 2; never an internal error */
function clean(r: CliResult): void {
  expect(r.stderr, r.stderr).not.toMatch(/internal error/);
  expect([0, 2], r.stderr).toContain(r.code);
  if (r.code === 2) expectUserError(r, /./);
}

/** The `by` section of a JSON report as [dimension, [key, cost]] (own keys only). */
function byOf(stdout: string): Map<string, Map<string, number>> {
  const doc = JSON.parse(stdout) as { by?: Record<string, { key: string; cost: number }[]> };
  const out = new Map<string, Map<string, number>>();
  for (const [dim, rows] of Object.entries(doc.by ?? {})) out.set(dim, new Map(rows.map((r) => [r.key, r.cost])));
  return out;
}

/** replay LOG with the test's pricing table and `args`, as JSON */
const replayJson = (log: string, ...args: string[]): Promise<CliResult> =>
  runCli(['replay', log, '--pricing', join(dir, 'pricing.yaml'), ...args, '--format', 'json']);

const notCanonical = (k: string): boolean => !(CANONICAL_COLUMNS as readonly string[]).includes(k);

describe('hostile keys (names that are Object.prototype members)', () => {
  it('a log column named K is a tag: --by K attributes cost by its values', async () => {
    await fc.assert(
      fc.asyncProperty(name.filter(notCanonical), name, name, async (col, a, b) => {
        fc.pre(a !== b && !Object.hasOwn(DIMENSIONS, col));
        const log = file(
          `timestamp,model,input_tokens,output_tokens,${col}\n${ROW(`,${a}`)}${ROW(`,${a}`)}${ROW(`,${b}`)}`,
          'csv',
        );
        const r = await replayJson(log, '--by', col);
        clean(r);
        expect(r.code, r.stderr).toBe(0);
        const by = byOf(r.stdout).get(col)!;
        expect(by.get(a)).toBeCloseTo(2 * ROW_USD, 9);
        expect(by.get(b)).toBeCloseTo(ROW_USD, 9);
      }),
      RUNS,
    );
  });

  it('attribution values K (tenant, feature) and --by names with no such column', async () => {
    await fc.assert(
      fc.asyncProperty(name, name, async (tenant, dim) => {
        const log = file(
          `timestamp,model,input_tokens,output_tokens,tenant,feature\n${ROW(`,${tenant},${tenant}`)}`,
          'csv',
        );
        const r = await replayJson(log, '--by', `tenant,feature,${dim}`);
        clean(r);
        expect(r.code, r.stderr).toBe(0);
        const by = byOf(r.stdout);
        expect(by.get('tenant')!.get(tenant)).toBeCloseTo(ROW_USD, 9);
        expect(by.get('feature')!.get(tenant)).toBeCloseTo(ROW_USD, 9);
        if (!Object.hasOwn(DIMENSIONS, dim)) expect([...by.get(dim)!.keys()]).toEqual(['(none)']);
      }),
      RUNS,
    );
  });

  it('a model named K in a pricing table and in a log (priced, or __proto__ refused at its line)', async () => {
    await fc.assert(
      fc.asyncProperty(name, name, async (model, alias) => {
        fc.pre(model.toLowerCase() !== alias.toLowerCase() && model !== 'm' && alias !== 'm');
        const table = file(
          `${PRICING}  ${model}:\n    provider: openai\n    source: https://example.com/p\n    checked: "2099-01-01"\n    aliases: [${alias}]\n    input: "2.00"\n    output: "4.00"\n`,
          'yaml',
        );
        const log = file(`timestamp,model,input_tokens,output_tokens\n${ROW('').replace(',m,', `,${alias},`)}`, 'csv');
        const r = await runCli(['replay', log, '--pricing', table, '--by', 'model', '--format', 'json']);
        clean(r);
        if (model === '__proto__') {
          expect(r.stderr).toContain('__proto__');
          return;
        }
        expect(r.code, r.stderr).toBe(0);
        // --by model groups by the canonical id: the row names the alias
        expect(byOf(r.stdout).get('model')!.get(model)).toBeCloseTo(2 * ROW_USD, 9);
        const e = await runCli(['estimate', '--pricing', table, '--model', alias, '--format', 'json']);
        expect(e.code, e.stderr).toBe(0);
      }),
      RUNS,
    );
  });

  it('tenants, segments and segment tags named K in a scenario, and report.by / --by K', async () => {
    await fc.assert(
      fc.asyncProperty(name, name, name, async (tenant, segment, tag) => {
        fc.pre(tag !== 'm');
        const scenario = file(
          `name: hostile
seed: 1
pricing: { file: ${join(dir, 'pricing.yaml')} }
traffic:
  profile:
    days: 1
    requests_per_day: 20
    arrivals: uniform
    tenants: [ { name: "${tenant}", share: 1 } ]
    segments:
      - name: "${segment}"
        model: m
        input_tokens: 1000
        output_tokens: 500
        tags: { "${tag}": v }
report:
  by: [tenant, feature, "${tag}"]
`,
          'yaml',
        );
        const r = await runCli(['simulate', scenario, '--by', tag, '--format', 'json']);
        clean(r);
        if (tag === '__proto__') {
          expect(r.code).toBe(2);
          expect(r.stderr).toMatch(/f\d+\.yaml:\d+:\d+/);
          return;
        }
        expect(r.code, r.stderr).toBe(0);
        const by = byOf(r.stdout);
        const total = 20 * ROW_USD;
        expect(by.get('tenant')!.get(tenant)).toBeCloseTo(total, 9);
        expect(by.get('feature')!.get(segment)).toBeCloseTo(total, 9);
        // a tag named like a built-in dimension is read as the dimension
        if (!Object.hasOwn(DIMENSIONS, tag)) expect(by.get(tag)!.get('v')).toBeCloseTo(total, 9);
      }),
      RUNS,
    );
  });

  it('--map K=field is refused (not a column); --map tenant=K reads a column named K', async () => {
    await fc.assert(
      fc.asyncProperty(name.filter(notCanonical), name, async (col, value) => {
        const log = file(`timestamp,model,input_tokens,output_tokens,${col}\n${ROW(`,${value}`)}`, 'csv');
        const bad = await runCli(['replay', log, '--pricing', join(dir, 'pricing.yaml'), '--map', `${col}=x`]);
        expectUserError(bad, '--map');
        const r = await replayJson(log, '--map', `tenant=${col}`, '--by', 'tenant');
        clean(r);
        expect(r.code, r.stderr).toBe(0);
        expect(byOf(r.stdout).get('tenant')!.get(value)).toBeCloseTo(ROW_USD, 9);
      }),
      RUNS,
    );
  });

  it('every preset reading a CSV header or JSONL record with fields named K', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PRESETS.map((p) => p.name)), name, name, async (preset, k, v) => {
        const csv = file(`${k},timestamp,model,input_tokens,output_tokens\n${v},${ROW('').trim()}\n`, 'csv');
        const jsonl = file(
          `${JSON.stringify({ [k]: { [k]: v }, timestamp: '2026-11-02T10:00:00Z', model: 'm', attributes: [{ key: k, value: { stringValue: v } }] })}\n`,
          'jsonl',
        );
        // the preset's own column names, with the hostile name as the model (BurstGPT looked it up in an object)
        const p = PRESETS.find((x) => x.name === preset)!;
        const own = (['timestamp', 'model', 'input_tokens', 'output_tokens'] as const).map(
          (c) => p.columns[c]?.[0] ?? c,
        );
        const presetCsv = file(`${own.join(',')},${k}\n1762000000,${v},1000,500,${v}\n`, 'csv');
        for (const log of [csv, jsonl, presetCsv]) {
          const r = await runCli([
            'replay',
            log,
            '--preset',
            preset,
            '--model',
            'm',
            '--pricing',
            join(dir, 'pricing.yaml'),
          ]);
          clean(r);
        }
      }),
      RUNS,
    );
  });

  it('sweep --set paths through K never reach Object.prototype', async () => {
    const scenario = file(
      `name: sweep-hostile
pricing: { file: ${join(dir, 'pricing.yaml')} }
traffic:
  profile:
    requests_per_day: 10
    segments:
      - { name: chat, model: m, input_tokens: 100, output_tokens: 50, tags: { a: b } }
strategies:
  - use: cap-output
    max_output_tokens: 40
`,
      'yaml',
    );
    await fc.assert(
      fc.asyncProperty(
        name,
        fc.constantFrom(
          (k: string) => `${k}.polluted`,
          (k: string) => k,
          (k: string) => `traffic.profile.${k}`,
          (k: string) => `traffic.profile.segments[0].tags.${k}`,
          (k: string) => `traffic.profile.segments.${k}.share`,
          (k: string) => `strategies.${k}.max_output_tokens`,
          (k: string) => `strategies[0].${k}`,
        ),
        async (k, path) => {
          const r = await runCli(['sweep', scenario, '--set', `${path(k)}=1,2`, '--format', 'json']);
          clean(r);
        },
      ),
      RUNS,
    );
  });

  it('a saved report whose attribution dimensions and keys are K renders in every format', async () => {
    const log = file(`timestamp,model,input_tokens,output_tokens,tenant\n${ROW(',acme')}`, 'csv');
    const saved = await runCli([
      'replay',
      log,
      '--pricing',
      join(dir, 'pricing.yaml'),
      '--by',
      'tenant',
      '--format',
      'json',
    ]);
    expect(saved.code, saved.stderr).toBe(0);
    await fc.assert(
      fc.asyncProperty(name, name, fc.constantFrom('table', 'md', 'csv', 'html', 'json'), async (dim, key, format) => {
        const doc = JSON.parse(saved.stdout) as Record<string, unknown>;
        // built as JSON text so a __proto__ key is data, as JSON.parse reads it from a file
        const rows = JSON.stringify([{ key, cost: ROW_USD, baselineCost: ROW_USD, requests: 1 }]);
        const text = JSON.stringify({ ...doc, by: {} }).replace('"by":{}', `"by":{${JSON.stringify(dim)}:${rows}}`);
        const r = await runCli(['report', '--from', file(text, 'json'), '--format', format]);
        clean(r);
        expect(r.code, r.stderr).toBe(0);
        // (Markdown shows a key escaped: `__` is `\_\_`, which reads as `__`)
        expect(r.stdout).toContain(format === 'md' ? mdEscape(key) : key);
      }),
      RUNS,
    );
  });

  it('LiteLLM entries and --models named K: imported as the named model, or refused', async () => {
    await fc.assert(
      fc.asyncProperty(name, async (k) => {
        const entry = { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, litellm_provider: k, mode: 'chat' };
        const map = file(`{${JSON.stringify(k)}: ${JSON.stringify(entry)}, "gpt-x": ${JSON.stringify(entry)}}`, 'json');
        for (const models of [k, `${k}=gpt-x`, `gpt-x=${k}`]) {
          const r = await runCli([
            'pricing',
            'import',
            '--from',
            'litellm',
            map,
            '--models',
            models,
            '--version',
            '2099-01-01',
          ]);
          clean(r);
          if (r.code === 0) {
            const t = file(r.stdout, 'yaml');
            const v = await runCli(['pricing', 'validate', t]);
            clean(v);
          }
        }
      }),
      RUNS,
    );
  });
});
