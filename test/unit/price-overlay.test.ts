// Price overlays: a negotiated discount and an uplift per provider/model/tier/channel on top of the
// bundled tables. Expectations hand-computed from the table prices quoted (USD per 1M tokens).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseSchedule } from '../../src/pricing/load.js';
import { overlayOf } from '../../src/pricing/overlay.js';
import { expectUserError, runCli } from '../helpers/cli.js';

const at = Date.parse('2026-11-20T12:00:00Z');
const pico = (usd: string): bigint => {
  const [w, f = ''] = usd.split('.');
  return BigInt(w!) * 1_000_000_000_000n + BigInt(f.padEnd(12, '0'));
};

function schedule(entries: Parameters<typeof overlayOf>[0][]) {
  const s = chooseSchedule({ perRequest: true, catalog: false, overlays: entries.map(overlayOf) }).pricing;
  const p = s.periodOf(at);
  return { s, m: (name: string) => s.resolve(name, undefined, p) };
}

describe('price overlays', () => {
  const { s, m } = schedule([
    { provider: 'anthropic', discount: '20%' },
    { label: 'Bedrock regional +10%', channel: 'bedrock', endpoint: 'regional', multiplier: '1.10' },
  ]);
  it('20% off a provider: every class of its models (Sonnet 4.5: $3.00 -> $2.40, output $15 -> $12, 1h write $6 -> $4.80)', () => {
    const sonnet = m('claude-sonnet-4-5');
    expect(s.price(sonnet, 'standard', 'base', 'input')).toBe(pico('2.40'));
    expect(s.price(sonnet, 'standard', 'base', 'output')).toBe(pico('12.00'));
    expect(s.price(sonnet, 'standard', 'base', 'cacheWrite1h')).toBe(pico('4.80'));
    expect(s.price(sonnet, 'batch', 'base', 'input')).toBe(pico('1.20')); // $1.50 batch x 0.8
    expect(sonnet.overlays).toEqual(['20% off anthropic']);
    expect(s.overlayLabels).toEqual(['20% off anthropic', 'Bedrock regional +10%']);
  });
  it('composes with a channel uplift in order: Bedrock eu Sonnet 4.5 = $3.00 x 1.10 (table) x 0.8 x 1.10 = $2.904', () => {
    const eu = m('eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(s.price(eu, 'standard', 'base', 'input')).toBe(pico('2.904'));
    expect(eu.overlays).toEqual(['20% off anthropic', 'Bedrock regional +10%']);
  });
  it('leaves what it does not match: OpenAI gpt-5 stays $1.25', () => {
    const gpt = m('gpt-5');
    expect(s.price(gpt, 'standard', 'base', 'input')).toBe(pico('1.25'));
    expect(gpt.overlays).toBeUndefined();
  });
  it('a tier-only overlay changes that tier alone; a provider-wide one also scales cache storage', () => {
    const t = schedule([
      { provider: 'openai', tier: 'batch', discount: '10%' },
      { provider: 'google', multiplier: '0.9' },
    ]);
    const gpt = t.m('gpt-5');
    expect(t.s.price(gpt, 'batch', 'base', 'input')).toBe(pico('0.5625')); // $0.625 x 0.9
    expect(t.s.price(gpt, 'standard', 'base', 'input')).toBe(pico('1.25'));
    expect(t.m('gemini-2.5-pro').cache?.storagePerHourPicoPerM).toBe(pico('4.05')); // $4.50 x 0.9
  });
});

describe('--pricing-overlay and pricing.overlays', () => {
  const FIX = join(import.meta.dirname, '../fixtures/logs');
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-overlay-'));
  const file = join(dir, 'overlay.yaml');
  writeFileSync(
    file,
    'overlays:\n  - label: negotiated 20% off Anthropic\n    provider: anthropic\n    discount: "20%"\n',
  );
  it('replay: the Anthropic rows of canonical.csv cost 20% less; the header names the overlay', async () => {
    const r = await runCli(
      ['replay', 'canonical.csv', '--pricing', '2026-11-01', '--pricing-overlay', file, '--format', 'json'],
      { cwd: FIX },
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    // Anthropic rows $0.0435 + $0.0084 + $0.0144 = $0.0663 x 0.8 = $0.05304; gpt-4o-mini $0.0002904 unchanged
    expect(report.baseline.cost).toBe(0.05333);
    expect(report.pricing.overlays).toEqual(['negotiated 20% off Anthropic']);
    const table = await runCli(['replay', 'canonical.csv', '--pricing', '2026-11-01', '--pricing-overlay', file], {
      cwd: FIX,
    });
    expect(table.stdout).toContain('overlays: negotiated 20% off Anthropic');
  });
  it("a scenario's pricing.overlays apply to replay --scenario, then the flag's", async () => {
    const scenario = join(dir, 'negotiated.yaml');
    writeFileSync(
      scenario,
      'name: negotiated\npricing:\n  version: "2026-11-01"\n  overlays:\n    - { provider: openai, multiplier: "2" }\nstrategies: []\n',
    );
    const r = await runCli(
      [
        'replay',
        'canonical.csv',
        '--scenario',
        scenario,
        '--pricing-overlay',
        file,
        '--format',
        'json',
        '--allow-path',
        dir,
      ],
      { cwd: FIX },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout);
    // $0.05304 (Anthropic, 20% off) + 2 x $0.0002904 (gpt-4o-mini x2) = $0.0536208
    expect(report.baseline.cost).toBe(0.053621);
    expect(report.pricing.overlays).toEqual(['x2 on openai', 'negotiated 20% off Anthropic']);
  });
  it('diff and advise apply the flag too (both sides of a diff; every alternative of advise)', async () => {
    // the diff fixtures on Sonnet 4.6: $11.25 -> $13.50 at table prices, x 0.8 = $9.00 -> $10.80
    const root = join(import.meta.dirname, '../..');
    const diff = await runCli(
      [
        'diff',
        'test/fixtures/diff/base.yaml',
        'test/fixtures/diff/head.yaml',
        '--pricing-overlay',
        file,
        '--format',
        'json',
      ],
      { cwd: root },
    );
    expect(diff.code, diff.stderr).toBe(0);
    const d = JSON.parse(diff.stdout);
    expect([d.final.base, d.final.head]).toEqual([9, 10.8]);
    expect(d.base.overlays).toEqual(['negotiated 20% off Anthropic']);
    const advise = await runCli(
      ['advise', 'test/fixtures/diff/base.yaml', '--pricing-overlay', file, '--format', 'json'],
      {
        cwd: root,
      },
    );
    expect(advise.code, advise.stderr).toBe(0);
    expect(JSON.parse(advise.stdout).current.cost).toBe(9);
  });
  it('estimate: the model priced with the overlay, and the header says so', async () => {
    // Sonnet 4.5, 1,000 requests of 1,000 input + 100 output: (1,000 x $3 + 100 x $15) / 1M x 1,000 = $4.50 a day, x 0.8
    const flags = ['estimate', '--model', 'claude-sonnet-4-5', '--input-tokens', '1000', '--output-tokens', '100'];
    const more = ['--requests', '1000', '--pricing', '2026-11-01', '--pricing-overlay', file];
    const json = await runCli([...flags, ...more, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc.rows[0].daily.noCache).toBe(3.6);
    expect(doc.pricing.overlays).toEqual(['negotiated 20% off Anthropic']);
    const table = await runCli([...flags, ...more]);
    expect(table.stdout.split('\n')[0]).toContain('pricing 2026-11-01; overlays: negotiated 20% off Anthropic');
  });
  it('a bad overlay is a located error (exit 2)', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'overlays:\n  - provider: anthropic\n    discount: "20%"\n    multiplier: "0.8"\n');
    const r = await runCli(['replay', 'canonical.csv', '--pricing', '2026-11-01', '--pricing-overlay', bad], {
      cwd: FIX,
    });
    expectUserError(r, /bad\.yaml:2/);
    expect(r.stderr).toMatch(/either `multiplier`.*or `discount`/);
  });
});
