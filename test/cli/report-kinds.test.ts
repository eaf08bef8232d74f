// `report --from` re-renders every kind of JSON llmcost saves: for each kind, the command's own
// output in each of its formats and `report --from` on its saved JSON are the same bytes; a format
// the kind lacks is a USAGE error naming its formats; a damaged file is a located REPORT_INPUT.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/report/formats.js';
import { SAVED_SCHEMAS, savedFormats } from '../../src/report/saved.js';
import { expectUserError, runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-kinds-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// the support-bot example, one day at 400 messages: every strategy runs, in a fraction of the time
const small = readFileSync('scenarios/support-bot.yaml', 'utf8')
  .replace(/\bdays: 7\b/, 'days: 1')
  .replace(/requests_per_day: 12000\b/, 'requests_per_day: 400');
const scenario = join(dir, 'support-bot-small.yaml');
writeFileSync(scenario, small);

/** One command per saved kind (simulate's own round trip is test/unit/render-report-cli.test.ts). */
const KINDS = [
  {
    schema: 'llmcost.sweep/v1',
    args: ['sweep', scenario, '--set', 'strategies.prompt-cache.ttl=5m,1h'],
    formats: ['table', 'json', 'md', 'csv', 'html'],
    // a field the renderers read and a wrong value for it (undefined: the field is removed)
    damage: { path: ['runs', 1, 'finalCost'], value: 'cheap' },
    field: 'runs[1].finalCost',
  },
  {
    schema: 'llmcost.drift/v1',
    args: ['drift', '--baseline', '2025-10-01', '--current', '2026-11-01', scenario],
    formats: ['table', 'md', 'json'],
    damage: { path: ['scenarios', 0, 'final'], value: undefined },
    field: "missing key 'final' in scenarios[0]",
  },
  {
    schema: 'llmcost.diff/v1',
    args: ['diff', 'test/fixtures/diff/base.yaml', 'test/fixtures/diff/head.yaml', '--max-increase', '50'],
    formats: ['table', 'md', 'json'],
    damage: { path: ['final', 'delta'], value: 'more' },
    field: 'final.delta',
  },
  {
    schema: 'llmcost.advise/v1',
    args: ['advise', 'test/fixtures/advise/families.yaml', '--max-families', '2'],
    formats: ['table', 'md', 'json'],
    damage: { path: ['advice', 0, 'change', 'action'], value: 'replace' },
    field: 'advice[0].change.action',
  },
  {
    schema: 'llmcost.cache-audit/v1',
    args: ['audit-cache', 'scenarios/logs/support-bot.csv'],
    formats: ['table', 'md', 'csv', 'json'],
    damage: { path: ['families', 0, 'causes'], value: 'none' },
    field: 'families[0].causes',
  },
  {
    schema: 'llmcost.pricing-diff/v1',
    args: ['pricing', 'diff', '2025-10-01', '2026-11-01'],
    formats: ['table', 'md', 'json'],
    damage: { path: ['changed', 0, 'changes', 0, 'pct'], value: '5%' },
    field: 'changed[0].changes[0].pct',
  },
  {
    schema: 'llmcost.estimate/v1',
    args: ['estimate', '--model', 'claude-sonnet-4-5', '--system-tokens', '8000', '--requests', '1000,100000'],
    formats: ['table', 'json', 'md', 'csv'],
    damage: { path: ['rows', 1, 'daily', 'withCache'], value: null },
    field: 'rows[1].daily.withCache',
  },
  {
    schema: 'llmcost.pricing-list/v1',
    args: ['pricing', 'list', '--pricing', '2026-11-01'],
    formats: ['table', 'json', 'md', 'csv'],
    damage: { path: ['models', 2, 'provider'], value: undefined },
    field: "missing key 'provider' in models[2]",
  },
  {
    schema: 'llmcost.pricing-show/v1',
    args: ['pricing', 'show', 'claude-sonnet-4-5', '--pricing', '2026-11-01'],
    formats: ['table', 'json'],
    damage: { path: ['prices', 0, 'band'], value: 'wide' },
    field: 'prices[0].band',
  },
  {
    schema: 'llmcost.pricing-catalog/v1',
    args: ['pricing', 'catalog', '--search', 'gpt-audio-mini'],
    formats: ['table', 'json'],
    damage: { path: ['matches', 0, 'audioInput'], value: 10 },
    field: 'matches[0].audioInput',
  },
  {
    schema: 'llmcost.pricing-check/v1',
    // exits 1: a price differs (the check's answer, not a failure)
    args: ['pricing', 'check', '--against', 'litellm', 'test/fixtures/pricing/litellm-price-differs.json'],
    formats: ['table', 'md', 'json'],
    damage: { path: ['disagreements', 0, 'kind'], value: 'worse' },
    field: 'disagreements[0].kind',
  },
] as const;

describe('report --from: every saved kind', () => {
  it('runs on a small copy of the support-bot example', () => {
    expect(small).toMatch(/days: 1\b/);
    expect(small).toMatch(/requests_per_day: 400\b/);
  });
  it('knows every kind this test covers, and simulate/replay reports', () => {
    expect([...SAVED_SCHEMAS].sort()).toEqual(['llmcost.report/v1', ...KINDS.map((k) => k.schema)].sort());
    expect(savedFormats('llmcost.report/v1')).toEqual([...FORMATS]);
  });

  for (const k of KINDS) {
    describe(k.schema, () => {
      const saved = join(dir, `${k.schema.replace(/\W/g, '-')}.json`);
      it(`${k.args[0]} --format json saves it; report --from renders each format byte for byte`, async () => {
        const save = await runCli([...k.args, '--format', 'json', '--out', saved]);
        expect(save.code, save.stderr).toBe(k.schema === 'llmcost.pricing-check/v1' ? 1 : 0);
        expect(JSON.parse(readFileSync(saved, 'utf8')).schema).toBe(k.schema);
        expect(savedFormats(k.schema)).toEqual(k.formats);
        for (const f of k.formats) {
          const direct = await runCli([...k.args, '--format', f]);
          const again = await runCli(['report', '--from', saved, '--format', f]);
          expect(again.code, again.stderr).toBe(0); // a re-render is not the check: exit 0
          expect(direct.stdout.length, `${f} is not empty`).toBeGreaterThan(0);
          expect(again.stdout, `${k.schema} as ${f}`).toBe(direct.stdout);
        }
      });
      it('a format the kind lacks is a USAGE error naming its formats', async () => {
        for (const f of FORMATS.filter((x) => !(k.formats as readonly string[]).includes(x))) {
          const out = await runCli(['report', '--from', saved, '--format', f, '--out', join(dir, 'never.txt')]);
          expectUserError(out, '--format');
          expect(out.stderr).toContain('error[USAGE]');
          expect(out.stderr).toContain(`renders as: ${k.formats.join(', ')}`);
        }
        // the format named by --out's extension, not by --format: the error names --out
        if (!(k.formats as readonly string[]).includes('html')) {
          const implied = await runCli(['report', '--from', saved, '--out', join(dir, 'never.html')]);
          expectUserError(implied, '--out');
          expect(implied.stderr).toContain(`report has no html format`);
        }
      });
      it('a damaged file is a REPORT_INPUT error at the field', async () => {
        const j = JSON.parse(readFileSync(saved, 'utf8')) as Record<string | number, unknown>;
        const { path, value } = k.damage;
        let parent = j;
        for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, unknown>;
        const last = path[path.length - 1]!;
        expect(parent[last], `${k.schema} has ${path.join('.')}`).toBeDefined();
        if (value === undefined) delete parent[last];
        else parent[last] = value;
        const text = JSON.stringify(j, null, 2);
        const name = `damaged-${k.args[0]}.json`;
        writeFileSync(join(dir, name), text);
        const out = await runCli(['report', '--from', name], { cwd: dir });
        expectUserError(out, new RegExp(`${name.replace('.', '\\.')}:\\d+:\\d+`));
        expect(out.stderr).toContain('error[REPORT_INPUT]');
        expect(out.stderr).toContain(k.field);
        expect(out.stderr).toContain(`llmcost ${k.args[0]}`); // the hint names the command that saves it
      });
    });
  }

  it('another version of a known kind, and an unknown llmcost kind, are located REPORT_INPUT errors', async () => {
    writeFileSync(join(dir, 'v2.json'), '{\n  "schema": "llmcost.sweep/v2",\n  "runs": []\n}\n');
    const v2 = await runCli(['report', '--from', 'v2.json'], { cwd: dir });
    expectUserError(v2, 'v2.json:2:13');
    expect(v2.stderr).toContain("unsupported report schema 'llmcost.sweep/v2' (this llmcost reads llmcost.sweep/v1)");
    writeFileSync(join(dir, 'kind.json'), '{"schema": "llmcost.forecast/v1"}');
    const kind = await runCli(['report', '--from', 'kind.json'], { cwd: dir });
    expectUserError(kind, 'kind.json:1:12');
    expect(kind.stderr).toContain('llmcost.drift/v1');
  });
});
