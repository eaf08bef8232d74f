// End to end: `llmcost drift` on fixture tables (test/fixtures/pricing/{old,new}.yaml) and tiny
// log scenarios (test/fixtures/pricing/drift/*.yaml, no strategies: baseline = final).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const OLD = 'test/fixtures/pricing/old.yaml';
const NEW = 'test/fixtures/pricing/new.yaml';
const D = 'test/fixtures/pricing/drift';
const drift = (...args: string[]) => runCli(['drift', '--baseline', OLD, '--current', NEW, ...args]);

describe('llmcost drift', () => {
  it('exit 0 when nothing rises past the limit', async () => {
    // steady: 2 x (10000 in x $1 + 2000 out x $4) = 2 x 18000 micro-USD = $0.036 under both tables
    const r = await drift(`${D}/steady.yaml`, '--max-increase', '5', '--format', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schema).toBe('llmcost.drift/v1');
    expect(j.scenarios[0].final).toEqual({ old: 0.036, new: 0.036, delta: 0, deltaPct: 0 });
    expect(j.ok).toBe(true);
  });

  it('exit 1 over the % limit, with the driving model named in the Markdown', async () => {
    const r = await drift(`${D}/spiky.yaml`, `${D}/steady.yaml`, '--max-increase', '5', '--format', 'md');
    expect(r.code).toBe(1);
    // spiky old: big 1000*3+1000*15 + 150000*3 = 468000; small 10000*1+2000*4 = 18000 -> $0.486
    // new: big 1000*3+1000*18 + 150000*6 (long band: 150000 > new threshold 128000) = 921000; small 18000 -> $0.939
    // +$0.453 = +93.21% (453/486)
    expect(r.stdout).toContain(
      '| spiky | 3 | $0.4860 → $0.9390 | $0.4860 → $0.9390 | +$0.4530 | +93.21% | FAIL: over limit |',
    );
    expect(r.stdout).toContain('| big | $0.4680 → $0.9210 | +$0.4530 | +96.79% |'); // 453/468
    expect(r.stdout).toContain('**FAILED**: 1 of 2 scenarios');
    expect(r.stderr).toContain('check failed: spiky: max-increase-pct: final cost rose 93.2099%, over the 5% limit');
  });

  it('USD limit: +$0.453 passes a $0.50 limit and fails a $0.45 one', async () => {
    expect((await drift(`${D}/spiky.yaml`, '--max-increase-usd', '0.50')).code).toBe(0);
    expect((await drift(`${D}/spiky.yaml`, '--max-increase-usd', '$0.45')).code).toBe(1);
  });

  it('no limit: report only, exit 0 even when cost rises', async () => {
    const r = await drift(`${D}/spiky.yaml`);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('no limit set');
  });

  it('a model missing from the current table is unpriced (never $0), named with its scenario, and fails', async () => {
    const r = await drift(`${D}/legacy.yaml`, '--format', 'md');
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '| legacy | 2 | $0.0401 → unknown | $0.0401 → unknown | unknown | n/a | FAIL: unpriced |',
    ); // retired 1000*10+1000*30 + old-name 1000*0.10
    expect(r.stdout).toContain('`legacy`: `retired` cannot be priced by the current table');
    expect(r.stderr).toContain("check failed: legacy: priced: the current table cannot price 'retired'");
  });

  it('--only-increases prints nothing (and leaves --out empty) when no cost went up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-drift-'));
    const out = join(dir, 'drift.md');
    writeFileSync(out, 'stale content');
    const r = await drift(`${D}/steady.yaml`, '--only-increases', '--format', 'md', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('');
    expect(r.stderr).toContain('no cost increase: 1 scenario checked');
    const up = await drift(`${D}/spiky.yaml`, `${D}/steady.yaml`, '--only-increases', '--format', 'md');
    expect(up.stdout).toContain('| spiky |');
    expect(up.stdout).not.toContain('| steady |');
  });

  it('--scenarios DIR checks every scenario file in it', async () => {
    const r = await drift('--scenarios', D, '--format', 'json');
    expect(JSON.parse(r.stdout).scenarios.map((s: { scenario: string }) => s.scenario)).toEqual([
      'legacy',
      'spiky',
      'steady',
    ]);
  });

  it('bundled tables: the Sonnet 4.5 >200K band (2025-10-01, retired by 2026-11-01) drives the change', async () => {
    const r = await runCli([
      'drift',
      '--baseline',
      '2026-11-01',
      '--current',
      '2025-10-01',
      'test/fixtures/pricing/drift-real/long.yaml',
      '--max-increase',
      '5',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(1);
    const s = JSON.parse(r.stdout).scenarios[0];
    // 2026-11-01 (no band): 250000*3 + 2000*15 + 50000*3 + 1000*15 = 945000 micro-USD;
    // 2025-10-01: the 250K request in the band: 250000*6 + 2000*22.5 = 1545000, + 165000 = 1710000.
    // gemini-2.5-pro 300K: 300000*2.50 + 1000*15 = 765000 under both. Total 1710000 -> 2475000.
    expect(s.final).toEqual({ old: 1.71, new: 2.475, delta: 0.765, deltaPct: 44.7368 }); // 765/1710
    expect(s.models[0]).toMatchObject({
      model: 'claude-sonnet-4-5',
      final: { old: 0.945, new: 1.71, delta: 0.765, deltaPct: 80.9524 },
    });
    expect(s.models[1]).toMatchObject({ model: 'gemini-2.5-pro', final: { delta: 0 } });
  });

  it("the bundled scenarios: a model neither table knows runs on the scenario's own table and is unpriced under both", async () => {
    // chatbot-10k is pinned to 2024 prices (gpt-4-turbo), which neither 2026-11-01 nor 2026-11-18
    // lists: it fails the check as unpriced (exit 1) and every other scenario is still compared.
    const r = await runCli([
      'drift',
      '--baseline',
      '2026-11-01',
      '--current',
      '2026-11-18',
      '--scenarios',
      'scenarios',
      '--format',
      'json',
    ]);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as {
      scenarios: { scenario: string; unpriced: { model: string; table: string }[] }[];
      checks: { scenario: string; ok: boolean }[];
    };
    const chatbot = report.scenarios.find((s) => s.scenario === 'chatbot-10k')!;
    expect(chatbot.unpriced.map((u) => `${u.model}@${u.table}`).sort()).toEqual([
      'gpt-4-turbo@baseline',
      'gpt-4-turbo@current',
    ]);
    expect(report.scenarios.length).toBeGreaterThanOrEqual(9);
    expect(new Set(report.checks.filter((c) => !c.ok).map((c) => c.scenario))).toEqual(new Set(['chatbot-10k']));
    // a model the baseline table cannot price is a coded warning, on stderr and in the report
    expect(r.stderr).toContain(
      "warning[UNKNOWN_MODEL]: scenario 'chatbot-10k': the baseline table 2026-11-01 cannot price 'gpt-4-turbo'",
    );
    expect((JSON.parse(r.stdout) as { diagnostics: { code: string }[] }).diagnostics[0]!.code).toBe('UNKNOWN_MODEL');
    // the table and the Markdown (a PR comment) show the warnings too, with their codes
    const args = ['drift', '--baseline', '2026-11-01', '--current', '2026-11-18', 'scenarios/chatbot-10k.yaml'];
    const table = await runCli(args);
    expect(table.stdout).toMatch(
      /\nWarnings\n! \[UNKNOWN_MODEL\] scenario 'chatbot-10k': the baseline table 2026-11-01/,
    );
    const md = await runCli([...args, '--format', 'md']);
    expect(md.stdout).toContain('<details><summary>Warnings (');
    expect(md.stdout).toContain("- `UNKNOWN_MODEL` scenario 'chatbot-10k'");
  });

  it('a model that no table knows, not even the scenario own, is still a usage error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-drift-'));
    const file = join(dir, 'x.yaml');
    writeFileSync(
      file,
      'name: x\ntraffic:\n  profile:\n    days: 1\n    start: 2026-11-02\n    requests_per_day: 10\n    segments:\n      - { name: a, share: 1, model: gpt-9, input_tokens: 10, output_tokens: 10 }\n',
    );
    expectUserError(await drift(file), 'gpt-9');
  });

  it('bad input: exit 2 with a located message and a hint', async () => {
    expectUserError(await drift(`${D}/steady.yaml`, '--max-increase', 'five'), '--max-increase');
    expectUserError(await drift(), 'SCENARIO');
    expectUserError(await drift('--scenarios', 'nope/'), '--scenarios');
    expectUserError(
      await runCli(['drift', '--baseline', '1999-01-01', '--current', NEW, `${D}/steady.yaml`]),
      '--baseline',
    );
    expectUserError(await drift(`${D}/missing.yaml`), 'missing.yaml');
    const r = await runCli(['drift', '--current', NEW, `${D}/steady.yaml`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--baseline');
    expect(existsSync('drift.md')).toBe(false);
  });
});
