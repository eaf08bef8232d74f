// End to end: `llmcost diff` on test/fixtures/diff/{base,head}.yaml, whose figures are worked out
// by hand in the files' comments (1,000 requests on Sonnet 4.6 at $3 / $15 per 1M tokens).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const BASE = 'test/fixtures/diff/base.yaml';
const HEAD = 'test/fixtures/diff/head.yaml';
const diff = (...args: string[]) => runCli(['diff', ...args]);

describe('llmcost diff', () => {
  it('every line by hand: totals, steps, token classes, models, tenants (JSON)', async () => {
    const r = await diff(BASE, HEAD, '--format', 'json');
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.schema).toBe('llmcost.diff/v1');
    // baseline 1000 x (2500 x 3 + 300 x 15) / 1e6 = $12 -> 1000 x (3500 x 3 + 300 x 15) / 1e6 = $15
    expect(j.baseline).toEqual({ base: 12, head: 15, delta: 3, deltaPct: 25 });
    // final: cap 250 -> 200 output tokens: $11.25 -> 1000 x (3500 x 3 + 200 x 15) / 1e6 = $13.50
    expect(j.final).toEqual({ base: 11.25, head: 13.5, delta: 2.25, deltaPct: 20 });
    expect(j.steps).toEqual([
      {
        label: 'cap',
        strategy: 'cap-output',
        base: { cost: 11.25, saving: 0.75 },
        head: { cost: 13.5, saving: 1.5 },
        savingDelta: 0.75,
      },
      {
        label: 'dedupe-retries',
        strategy: 'dedupe-retries',
        base: null,
        head: { cost: 13.5, saving: 0 },
        savingDelta: 0,
      },
    ]);
    const cls = Object.fromEntries(j.classes.map((c: { key: string }) => [c.key, c]));
    expect(cls.input).toMatchObject({ base: 7.5, head: 10.5, delta: 3, tokens: { base: 2_500_000, head: 3_500_000 } });
    expect(cls.output).toMatchObject({ base: 3.75, head: 3, delta: -0.75, tokens: { base: 250_000, head: 200_000 } });
    expect(j.models).toEqual([{ key: 'claude-sonnet-4-6', base: 11.25, head: 13.5, delta: 2.25, deltaPct: 20 }]);
    // the same seed draws the same tenants on both sides: 580 acme, 420 globex, each +20%
    expect(j.by[0].rows.map((x: { key: string; deltaPct: number }) => [x.key, x.deltaPct])).toEqual([
      ['acme', 20],
      ['globex', 20],
    ]);
    expect(j.sameTraffic).toBe(false); // the system prompt grew: a traffic change
    expect(j.checks).toEqual([]);
    expect(j.ok).toBe(true);
  });

  it('--max-increase: +20% fails 5% and passes 20%; $ limits the same way', async () => {
    const over = await diff(BASE, HEAD, '--max-increase', '5', '--format', 'md');
    expect(over.code).toBe(1);
    expect(over.stdout).toContain(
      '**+$2.25** (+20.0%) on the final cost: $11.25 → $13.50 · **FAILED** (limit +5% on the final cost)',
    );
    expect(over.stdout).toContain('| input | $7.50 | $10.50 | +$3.00 | +40.0% | 2,500,000 → 3,500,000 |');
    expect(over.stderr).toContain(
      'check failed: max-increase-pct: the final cost changes by 20% (+$2.25): over the limit of +5%',
    );
    expect((await diff(BASE, HEAD, '--max-increase', '20%')).code).toBe(0);
    expect((await diff(BASE, HEAD, '--max-increase', '$2.25')).code).toBe(0);
    expect((await diff(BASE, HEAD, '--max-increase', '$2.24')).code).toBe(1);
    expect((await diff(BASE, HEAD, '--max-increase-usd', '2')).code).toBe(1);
  });

  it('the other way round is a saving, and a scenario against itself changes nothing', async () => {
    const back = JSON.parse((await diff(HEAD, BASE, '--max-increase', '0', '--format', 'json')).stdout);
    expect(back.final).toEqual({ base: 13.5, head: 11.25, delta: -2.25, deltaPct: -16.6667 });
    expect(back.ok).toBe(true);
    const same = await diff(BASE, BASE, '--max-increase', '0', '--format', 'json');
    expect(same.code).toBe(0);
    const s = JSON.parse(same.stdout);
    expect(s.sameTraffic).toBe(true);
    expect([s.final.delta, s.baseline.delta, ...s.by[0].rows.map((x: { delta: number }) => x.delta)]).toEqual([
      0, 0, 0, 0,
    ]);
  });

  it("--traffic base: HEAD's strategies on BASE's traffic (the longer prompt left out)", async () => {
    const j = JSON.parse((await diff(BASE, HEAD, '--traffic', 'base', '--format', 'json')).stdout);
    // 1000 x (2500 x 3 + 200 x 15) / 1e6 = $10.50
    expect(j.final).toMatchObject({ base: 11.25, head: 10.5, delta: -0.75 });
    expect(j.sameTraffic).toBe(true);
  });

  it("HEAD's own seed is not used: both run with BASE's (a warning says so)", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-diff-'));
    writeFileSync(join(dir, 'base.yaml'), readFileSync(BASE, 'utf8'));
    writeFileSync(join(dir, 'head.yaml'), readFileSync(BASE, 'utf8').replace('seed: 1', 'seed: 7'));
    const r = await runCli(['diff', 'base.yaml', 'head.yaml', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toContain("HEAD's seed 7 is not used: both sides run with BASE's seed 1");
    expect(JSON.parse(r.stdout).final.delta).toBe(0);
  });

  it('warns PRICING_STALE as simulate does, once for both sides; a shared log is read with one note', async () => {
    // Sonnet 4.6 is in the 2026-11-01 table; traffic of 2027-06-01 is 212 days past it
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-diff-'));
    writeFileSync(join(dir, 'old.yaml'), readFileSync(BASE, 'utf8').replace('start: 2026-11-02', 'start: 2027-06-01'));
    const r = await runCli(['diff', 'old.yaml', 'old.yaml'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/warning\[PRICING_STALE\]/g)).toHaveLength(1);
    expect(r.stderr).toContain('is 212 days older than 2027-06-01');
    const log = await runCli(['diff', 'scenarios/log-what-if.yaml', 'scenarios/log-what-if.yaml']);
    expect(log.code, log.stderr).toBe(0);
    expect(log.stderr.match(/note: reading .*support-bot\.csv as --preset canonical/g)).toHaveLength(1);
    expect(log.stderr.match(/warning\[STRATEGY_ORDER\]/g)).toHaveLength(1);
  });

  it('bad input: a missing scenario, a limit that is not a number, an unknown --traffic (exit 2)', async () => {
    expectUserError(await diff(BASE, 'nope.yaml'), 'nope.yaml');
    expectUserError(await diff(BASE, HEAD, '--max-increase', 'lots'), '--max-increase');
    expectUserError(await diff(BASE, HEAD, '--traffic', 'head'), '--traffic');
  });
});
