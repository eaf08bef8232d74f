// The strategy contract seen from the CLI: a typo in any strategy's `models:` list (or other model
// option) is located at file:line:col of that option, with did-you-mean; a strategy's warning has a
// code, is printed on stderr at its scenario entry, and is in every output format.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const SHARED = join(import.meta.dirname, '../fixtures/bad/_shared');
let dir = '';

const scenario = (strategies: string): string => `name: contract
seed: 1
pricing: { file: pricing.yaml }
traffic:
  profile:
    days: 1
    start: 2099-01-02
    requests_per_day: 40
    segments:
      - { name: s, share: 1, model: m, input_tokens: 100, output_tokens: 50, batchable: 1 }
strategies:
${strategies}
`;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-contract-'));
  copyFileSync(join(SHARED, 'pricing.yaml'), join(dir, 'pricing.yaml'));
});

describe('models: lists in strategy options', () => {
  const cases: [string, string, string][] = [
    ['batch', '  - use: batch\n    models: [m, mm]', 'strategies[0].models[1]'],
    ['prompt-cache', '  - use: prompt-cache\n    models: [mm]', 'strategies[0].models[0]'],
    ['response-cache', '  - use: response-cache\n    models: [m, mm]', 'strategies[0].models[1]'],
    [
      'self-host',
      '  - use: self-host\n    name: self/x\n    models: [mm]\n    gpu_hour_usd: 2\n    tokens_per_second_per_gpu: 100\n    utilisation: 0.5',
      'strategies[0].models[0]',
    ],
    ['cascade', '  - use: cascade\n    cheap: mm\n    strong: m\n    escalation: 0.5', 'strategies[0].cheap'],
  ];
  for (const [name, yaml, option] of cases) {
    it(`${name}: a typo is located at file:line:col of the option (${option}), with did-you-mean`, async () => {
      const file = `${name}.yaml`;
      writeFileSync(join(dir, file), scenario(yaml));
      const lines = scenario(yaml).split('\n');
      const r = await runCli(['simulate', file], { cwd: dir });
      expectUserError(r, /error\[UNKNOWN_MODEL\] \S+\.yaml:\d+:\d+:/);
      const at = /error\[UNKNOWN_MODEL\] \S+\.yaml:(\d+):(\d+):/.exec(r.stderr)!;
      // the located line is the one holding the typo
      expect(lines[Number(at[1]) - 1]).toContain('mm');
      expect(r.stderr).toContain("did you mean 'm'");
    });
  }
});

describe('coded strategy warnings', () => {
  it('STRATEGY_ORDER is not said when a prompt-cache after the stage simulates the lost caching again', async () => {
    // prompt-cache, compress (loses the cached counts), then prompt-cache again: the advice is followed
    const yaml = scenario(
      '  - use: prompt-cache\n  - use: compress\n    parts: [system]\n    ratio: 0.5\n  - use: prompt-cache\n    label: again',
    );
    writeFileSync(join(dir, 'again.yaml'), yaml.replace('input_tokens: 100', 'input_tokens: 100, system_tokens: 2000'));
    const r = await runCli(['simulate', 'again.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('STRATEGY_ORDER');
    expect(JSON.parse(r.stdout).warnings.join(' ')).not.toContain('compress: requests arrive with cached token counts');
  });

  it('reach stderr located at the strategy, and every output format with their code', async () => {
    // compress after prompt-cache: the cached counts of the prompts it changes are lost (STRATEGY_ORDER)
    const yaml = scenario('  - use: prompt-cache\n  - use: compress\n    parts: [system]\n    ratio: 0.5');
    writeFileSync(join(dir, 'order.yaml'), yaml.replace('input_tokens: 100', 'input_tokens: 100, system_tokens: 2000'));
    const json = await runCli(['simulate', 'order.yaml', '--format', 'json'], { cwd: dir });
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout);
    const warning = report.diagnostics.find((d: { code: string }) => d.code === 'STRATEGY_ORDER');
    expect(warning.message).toMatch(/^compress: requests arrive with cached token counts/);
    // the fix for both cases: a prompt-cache before compress, or (a log's own counts) one after it
    expect(warning.message).toMatch(
      /put compress before prompt-cache \(a log's own counts: add a prompt-cache step after compress\)$/,
    );
    expect(json.stderr).toMatch(/warning\[STRATEGY_ORDER\] order\.yaml:13:5: compress:/);
    expect(report.warnings).toContain(warning.message);
    for (const f of ['table', 'md', 'html']) {
      const r = await runCli(['simulate', 'order.yaml', '--format', f], { cwd: dir });
      expect(r.stdout.replace(/\\/g, ''), f).toContain('[STRATEGY_ORDER]'); // md escapes [ and _
    }
    const csv = await runCli(['simulate', 'order.yaml', '--format', 'csv'], { cwd: dir });
    const rows = parse(csv.stdout, { relax_column_count: true }) as string[][];
    expect(rows.some((row) => row[1] === 'STRATEGY_ORDER')).toBe(true); // warning,code section
  });

  it('batch on a model without a batch tier: STRATEGY_NO_TIER on stderr and in the report', async () => {
    writeFileSync(join(dir, 'tier.yaml'), scenario('  - use: batch'));
    const r = await runCli(['simulate', 'tier.yaml', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning\[STRATEGY_NO_TIER\] tier\.yaml:12:5: batch: model 'm' has no batch tier/);
    const report = JSON.parse(r.stdout);
    expect(report.diagnostics).toContainEqual({
      code: 'STRATEGY_NO_TIER',
      message: "batch: model 'm' has no batch tier in the pricing table; its requests stay on standard",
    });
    // a saved report keeps the codes: report --from renders them again
    writeFileSync(join(dir, 'saved.json'), r.stdout);
    const md = await runCli(['report', '--from', 'saved.json', '--format', 'md'], { cwd: dir });
    expect(md.stdout).toContain('\\[STRATEGY\\_NO\\_TIER\\]');
  });
});
