// --sample: a key-consistent sample of a log, scaled up, whose 95% band holds the full run's
// figures (on a slice of the benchmark's log: workspaces' prefix keys, conversations, retries),
// the same for a seed whatever the thread count; bad rates and units are usage errors.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'sample-'));
let scenario = '';
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  // the bench generator (built by the test setup), 20,000 rows
  const { generateLog } = (await import(join(root, 'bench/generate.mjs'))) as {
    generateLog: (file: string, rows: number) => Promise<void>;
  };
  const log = join(dir, 'log.csv');
  await generateLog(log, 20_000);
  scenario = join(dir, 'waterfall.yaml');
  writeFileSync(
    scenario,
    `name: sample-check
seed: 7
pricing: { version: "2026-11-01" }
traffic: { log: { file: ${JSON.stringify(log)} } }
strategies:
  - use: dedupe-retries
  - use: route
    rules:
      - { name: search-to-nano, when: { tags: { feature: search } }, to: gpt-4.1-nano, quality: 0.97 }
  - use: prompt-cache
  - use: cap-output
    max_output_tokens: 500
`,
  );
});

const json = async (args: string[]) => {
  const r = await runCli([...args, '--format', 'json']);
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
};

describe('--sample', () => {
  it('10% by prefix key: the full run lies inside the band of every cost; figures scaled x10', async () => {
    const full = await json(['simulate', scenario]);
    const s = await json(['simulate', scenario, '--sample', '10%']);
    expect(s.extras.sample).toMatchObject({ rate: '10%', unit: 'prefix_key', scale: 10 });
    expect(s.rows.read).toBe(full.rows.read); // every row is read; those outside the sample are skipped
    expect(s.rows.priced + s.rows.skipped).toBe(full.rows.priced);
    // (the bench log has no records that are not billed calls: every skipped row is outside the sample)
    expect(s.rows.unsampled).toBe(s.rows.skipped);
    expect(full.rows.unsampled).toBeUndefined();
    const bands: { figure: string; lowUsd: number; highUsd: number }[] = s.extras.sampleBands;
    const costs = [full.baseline.cost, ...full.steps.map((x: { cost: number }) => x.cost)];
    costs.forEach((cost, k) => {
      expect(cost).toBeGreaterThanOrEqual(bands[k]!.lowUsd);
      expect(cost).toBeLessThanOrEqual(bands[k]!.highUsd);
    });
    // the band is a band, not the whole range: within +-40% of the full figure at 10%
    expect(bands[0]!.highUsd - bands[0]!.lowUsd).toBeLessThan(0.8 * full.baseline.cost);
    expect(Number.isInteger(s.requests / 10)).toBe(true);
    expect(s.extras.sample.keptUnits).toBeGreaterThanOrEqual(30);
    expect(JSON.stringify(s.warnings)).not.toContain('kept');
  });

  it('a sample of few units (a 200-row log, one of its four prefix keys) says its band means little', async () => {
    const r = await runCli(['simulate', 'scenarios/log-what-if.yaml', '--sample', '10%', '--format', 'json'], {
      cwd: root,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).extras.sample.keptUnits).toBe(1);
    expect(r.stderr).toContain(
      'warning[SAMPLE_SMALL] --sample: the sample kept 1 prefix_key unit (68 requests): a bootstrap over fewer than 30 units is no confidence band',
    );
  });

  it('the headline says the rows outside the sample as such, not as records that are not billed calls', async () => {
    const r = await runCli(['simulate', scenario, '--sample', '10%']);
    expect(r.code).toBe(0);
    const s = await json(['simulate', scenario, '--sample', '10%']);
    expect(r.stdout).toContain(
      `rows: 20,000 read · ${s.rows.priced.toLocaleString('en-US')} priced · 0 rejected · ${s.rows.unsampled.toLocaleString('en-US')} outside the sample\n`,
    );
    expect(r.stdout).not.toContain('not billed calls');
  });

  it('by conversation, the prefix keys shared by conversations are flagged (SAMPLE_SHARED_STATE)', async () => {
    const r = await runCli([
      'simulate',
      scenario,
      '--sample',
      '10%',
      '--sample-by',
      'conversation_id',
      '--format',
      'json',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/SAMPLE_SHARED_STATE.*share a prefix key with requests of other conversation_id units/);
  });

  it('the same sampled report on one thread and on two', async () => {
    const one = await runCli(['simulate', scenario, '--sample', '10%', '--threads', '1', '--format', 'json']);
    const two = await runCli(['simulate', scenario, '--sample', '10%', '--threads', '2', '--format', 'json']);
    expect(two.stdout).toBe(one.stdout);
  });

  it('with --runs: bands over seeds, each run reading the sample again; the preset note said once', async () => {
    const r = await runCli(['simulate', scenario, '--sample', '10%', '--runs', '3', '--format', 'json']);
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.monteCarlo.runs).toBe(3);
    // every seed over the same sample, scaled alike: a log's requests and baseline do not vary by seed
    // (runs 2 and 3 used to read the whole log unscaled: their band reached the unsampled figures)
    const { requests, baseline } = report.monteCarlo;
    expect([requests.p5, requests.p50, requests.p95]).toEqual(Array(3).fill(report.requests));
    expect([baseline.p5, baseline.p50, baseline.p95]).toEqual(Array(3).fill(report.baseline.cost));
    expect(r.stderr.match(/^note: reading /gm)).toHaveLength(1);
  });

  it('refuses a rate that is not 1/N, a unit without --sample, an unknown unit and a profile', async () => {
    const bad = await runCli(['simulate', scenario, '--sample', '3%']);
    expectUserError(bad, '--sample');
    // the flag is named once, where the error is
    expect(bad.stderr).toContain("error[USAGE] --sample: '3%' is not a sample rate of the form 1/N");
    expectUserError(await runCli(['simulate', scenario, '--sample-by', 'conversation_id']), '--sample-by');
    expectUserError(await runCli(['simulate', scenario, '--sample', '1%', '--sample-by', 'user']), '--sample-by');
    expectUserError(await runCli(['simulate', join(root, 'scenarios/support-bot.yaml'), '--sample', '1%']), '--sample');
  });
});
