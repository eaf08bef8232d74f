// simulate --runs N (Monte Carlo over seeds): end to end.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { expectUserError, runCli } from '../helpers/cli.js';
import type { Band, Report } from '../../src/report/model.js';

// Poisson arrivals and a seeded 50% route: every seed gives different counts and costs.
const NOISY = `name: noisy
seed: 11
pricing:
  version: "2026-11-01"
traffic:
  profile:
    days: 1
    start: 2026-11-02
    requests_per_day: 300
    segments:
      - name: chat
        model: claude-sonnet-4-6
        input_tokens: { uniform: { min: 500, max: 1500 } }
        output_tokens: 100
strategies:
  - use: route
    rules:
      - name: half
        to: claude-haiku-4-5
        share: 0.5
        quality: 0.9
quality:
  floor: 0.9
`;

function scenario(): string {
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-mc-'));
  const file = join(dir, 'noisy.yaml');
  writeFileSync(file, NOISY);
  return file;
}

const ordered = (b: Band): boolean => b.p5 <= b.p50 && b.p50 <= b.p95;

describe('simulate --runs', () => {
  it('bands are ordered, seeds run seed..seed+N-1, the main figures stay the scenario seed run', async () => {
    const file = scenario();
    const single = JSON.parse((await runCli(['simulate', file, '--format', 'json'])).stdout) as Report;
    const r = await runCli(['simulate', file, '--runs', '9', '--format', 'json']);
    expect(r.code).toBe(0);
    const rep = JSON.parse(r.stdout) as Report;
    const mc = rep.monteCarlo!;
    expect(mc.runs).toBe(9);
    expect(mc.seeds).toEqual([11, 19]);
    for (const b of [
      mc.requests,
      mc.baseline,
      mc.final,
      mc.saving,
      mc.savingPct,
      mc.successRate,
      ...mc.steps.flatMap((s) => [s.cost, s.saving, s.savingPct]),
    ])
      expect(ordered(b)).toBe(true);
    // the seeds really differ: Poisson volume is not the same in all 9 runs
    expect(mc.requests.p5).toBeLessThan(mc.requests.p95);
    const { monteCarlo, ...rest } = rep;
    expect(monteCarlo).toBeDefined();
    expect(rest).toEqual(single);
    // the scenario seed's run is one of the 9: its final cost lies within the band
    expect(rep.final.cost).toBeGreaterThanOrEqual(mc.final.p5);
    expect(rep.final.cost).toBeLessThanOrEqual(mc.final.p95);
    // with 9 runs, p5 is rank ceil(0.45) = 1 (the minimum) and p95 is rank ceil(8.55) = 9 (the maximum):
    // the run with seed 12 (--seed 12 alone) must lie inside too
    const other = JSON.parse((await runCli(['simulate', file, '--seed', '12', '--format', 'json'])).stdout) as Report;
    expect(other.final.cost).toBeGreaterThanOrEqual(mc.final.p5);
    expect(other.final.cost).toBeLessThanOrEqual(mc.final.p95);
  });

  it('--runs 1 equals the single run (every band collapses to its figure)', async () => {
    const file = scenario();
    const rep = JSON.parse((await runCli(['simulate', file, '--runs', '1', '--format', 'json'])).stdout) as Report;
    const mc = rep.monteCarlo!;
    const one = (x: number): Band => ({ p5: x, p50: x, p95: x });
    expect(mc.seeds).toEqual([11, 11]);
    expect(mc.baseline).toEqual(one(rep.baseline.cost));
    expect(mc.final).toEqual(one(rep.final.cost));
    expect(mc.saving).toEqual(one(rep.final.saving));
    expect(mc.savingPct).toEqual(one(rep.final.savingPct));
    expect(mc.successRate).toEqual(one(rep.final.successRate));
    expect(mc.steps[0]!.cost).toEqual(one(rep.steps[0]!.cost));
  });

  it('same seed: byte-identical json; --seed moves the window', async () => {
    const file = scenario();
    const a = await runCli(['simulate', file, '--runs', '4', '--format', 'json']);
    const b = await runCli(['simulate', file, '--runs', '4', '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
    const c = JSON.parse(
      (await runCli(['simulate', file, '--runs', '4', '--seed', '100', '--format', 'json'])).stdout,
    ) as Report;
    expect(c.monteCarlo!.seeds).toEqual([100, 103]);
  });

  it('renders the band in table, md, html and csv; no progress off a TTY', async () => {
    const file = scenario();
    const t = await runCli(['simulate', file, '--runs', '3']);
    expect(t.stdout).toContain('Monte Carlo: low / expected / high');
    expect(t.stdout).toContain('3 runs, seeds 11..13');
    expect(t.stderr).not.toContain('monte carlo:');
    expect((await runCli(['simulate', file, '--runs', '3', '--format', 'md'])).stdout).toContain(
      '| figure | low (p5) | expected (p50) | high (p95) |',
    );
    expect((await runCli(['simulate', file, '--runs', '3', '--format', 'html'])).stdout).toContain(
      '<h2>Monte Carlo: low / expected / high</h2>',
    );
    const csv = (await runCli(['simulate', file, '--runs', '3', '--format', 'csv'])).stdout;
    const section = csv.split('\n\n').find((s) => s.startsWith('monteCarlo,'))!;
    const rows = parse(section, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => x.monteCarlo)).toEqual([
      'requests',
      'baseline',
      'step1.cost',
      'step1.saving',
      'final',
      'saving',
      'savingPct',
      'successRate',
    ]);
    for (const x of rows) expect(Number(x.p5) <= Number(x.p50) && Number(x.p50) <= Number(x.p95)).toBe(true);
  });

  it('progress (runs done / N) on a TTY stderr', async () => {
    const r = await runCli(['simulate', scenario(), '--runs', '2', '--format', 'json'], { isTTY: true });
    expect(r.stderr).toContain('monte carlo: 2/2 runs');
  });

  it('--runs must be a whole number >= 1', async () => {
    expectUserError(await runCli(['simulate', scenario(), '--runs', '0']), '--runs');
    expectUserError(await runCli(['simulate', scenario(), '--runs', 'many']), '--runs');
  });
});
