// `llmcost init` from flags: the written scenario runs, and its figures agree with the flags by hand
// and with `estimate`'s closed form for the same traffic.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectUserError, runCli } from '../helpers/cli.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'llmcost-init-'));

async function simulate(cwd: string, file: string, ...args: string[]) {
  const r = await runCli(['simulate', file, '--format', 'json', ...args], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

describe('llmcost init from flags', () => {
  it('no cache: every request costs (500 x $3 + 300 x $15) / 1M = $0.006 on Sonnet 4.6', async () => {
    const dir = fresh();
    const w = await runCli(
      ['init', 'q.yaml', '--model', 'claude-sonnet-4-6', '--requests', '1000', '--days', '1', '--cache', 'off'],
      { cwd: dir },
    );
    expect(w.code, w.stderr).toBe(0);
    expect(w.stderr).toContain('wrote q.yaml; run: llmcost simulate q.yaml');
    const text = readFileSync(join(dir, 'q.yaml'), 'utf8');
    expect(text).toMatch(/^strategies:\n {2}\[\] +# none: the baseline only$/m);
    const r = await simulate(dir, 'q.yaml');
    expect(r.steps).toEqual([]);
    expect(r.baseline.cost).toBe(Math.round(r.requests * 6000) / 1e6);
    // Poisson arrivals around the daily count
    expect(r.requests).toBeGreaterThan(900);
    expect(r.requests).toBeLessThan(1100);
  });

  it('a cache step with nothing to cache (no --system-tokens, one turn) says so, and what to give', async () => {
    const dir = fresh();
    const idle = await runCli(['init', 'i.yaml', '--model', 'gpt-4o', '--days', '1'], { cwd: dir });
    expect(idle.code, idle.stderr).toBe(0);
    expect(idle.stderr).toContain('its prompt-cache step saves nothing');
    expect((await simulate(dir, 'i.yaml')).final.saving).toBe(0);
    for (const more of [
      ['--system-tokens', '4000'],
      ['--turns', '3'],
      ['--cache', 'off'],
    ]) {
      const w = await runCli(['init', 'j.yaml', '--model', 'gpt-4o', '--force', ...more], { cwd: dir });
      expect(w.stderr, more.join(' ')).not.toContain('saves nothing');
    }
  });

  it("agrees with estimate's closed form for the same flags (ideal cache rules, within 1%)", async () => {
    const dir = fresh();
    const flags = ['--model', 'claude-sonnet-4-6', '--requests', '10000', '--system-tokens', '8000'];
    const more = ['--input-tokens', '500', '--output-tokens', '300', '--cache', '5m', '--days', '2'];
    expect((await runCli(['init', 'e.yaml', ...flags, ...more], { cwd: dir })).code).toBe(0);
    const sim = await simulate(dir, 'e.yaml', '--cache-realism', 'ideal');
    const est = await runCli(['estimate', ...flags, ...more, '--format', 'json'], { cwd: dir });
    expect(est.code, est.stderr).toBe(0);
    const row = JSON.parse(est.stdout).rows[0];
    // the estimate's "monthly" column is --days days of its daily cost
    const perRequestSim = sim.final.cost / sim.requests;
    const perRequestEst = row.monthly.withCache / (10_000 * 2);
    expect(Math.abs(perRequestSim / perRequestEst - 1)).toBeLessThan(0.01);
  });

  it('turns and a routing share: a route step and a conversation cache, in that order', async () => {
    const dir = fresh();
    const w = await runCli(
      [
        'init',
        'bot.yaml',
        '--requests',
        '2000',
        '--days',
        '1',
        '--system-tokens',
        '3000',
        '--turns',
        '4',
        '--route-to',
        'claude-haiku-4-5',
        '--route-share',
        '0.6',
        '--name',
        'bot',
      ],
      { cwd: dir },
    );
    expect(w.code, w.stderr).toBe(0);
    const text = readFileSync(join(dir, 'bot.yaml'), 'utf8');
    expect(text).toContain('        turns: 4');
    expect(text).toContain('    scope: conversation');
    const r = await simulate(dir, 'bot.yaml');
    expect(r.scenario).toBe('bot');
    expect(r.steps.map((s: { label: string }) => s.label)).toEqual(['route', 'prompt-cache']);
    expect(r.models.map((m: { model: string }) => m.model).sort()).toEqual(['claude-haiku-4-5', 'claude-sonnet-4-5']);
    for (const s of r.steps) expect(s.saving).toBeGreaterThan(0);
  });

  it('an automatic cache (gpt-5): retention, never a ttl it would ignore; the first run has no warning', async () => {
    const dir = fresh();
    const flags = ['--model', 'gpt-5', '--requests', '10000', '--system-tokens', '8000', '--days', '2'];
    expect((await runCli(['init', 'a.yaml', ...flags], { cwd: dir })).code).toBe(0);
    const text = readFileSync(join(dir, 'a.yaml'), 'utf8');
    expect(text).not.toContain('ttl:');
    expect(text).toContain('# gpt-5 caches automatically: entries expire after 5 minutes idle');
    const first = await runCli(['simulate', 'a.yaml'], { cwd: dir });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).not.toContain('warning');
    // --cache 1h keeps entries an hour, as estimate's --cache 1h does (ideal rules, within 1%)
    const more = ['--input-tokens', '500', '--output-tokens', '300', '--cache', '1h'];
    expect((await runCli(['init', 'h.yaml', ...flags, ...more], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'h.yaml'), 'utf8')).toMatch(/^ {4}retention: 1h$/m);
    const sim = await simulate(dir, 'h.yaml', '--cache-realism', 'ideal');
    const est = await runCli(['estimate', ...flags, ...more, '--format', 'json'], { cwd: dir });
    const row = JSON.parse(est.stdout).rows[0];
    expect(Math.abs(sim.final.cost / sim.requests / (row.monthly.withCache / 20_000) - 1)).toBeLessThan(0.01);
    // a route from gpt-5 to an explicit cache (Haiku 4.5): both options, each model takes its own, silently
    const mixed = ['--route-to', 'claude-haiku-4-5', '--route-share', '0.5', '--cache', '1h'];
    expect((await runCli(['init', 'm.yaml', ...flags, ...mixed], { cwd: dir })).code).toBe(0);
    expect(readFileSync(join(dir, 'm.yaml'), 'utf8')).toContain('    ttl: 1h\n    retention: 1h\n');
    const run = await runCli(['simulate', 'm.yaml'], { cwd: dir });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('warning');
  });

  it('--tier batch: batchable traffic and a batch step; --as-of pins the table and the start', async () => {
    const r = await runCli([
      'init',
      '-',
      '--tier',
      'batch',
      '--as-of',
      '2025-11-03',
      '--requests',
      '100',
      '--days',
      '1',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('  as_of: "2025-11-03"');
    expect(r.stdout).toContain('    start: 2025-11-03');
    expect(r.stdout).toContain('  - use: batch');
    expect(r.stdout).toContain('#   llmcost simulate scenario.yaml');
  });

  it('bad flags: exit 2 naming the flag, and nothing written', async () => {
    const dir = fresh();
    expectUserError(await runCli(['init', 'x.yaml', '--route-share', '0.5'], { cwd: dir }), '--route-to');
    expectUserError(
      await runCli(['init', 'x.yaml', '--route-to', 'nope-model', '--route-share', '0.5'], { cwd: dir }),
      '--route-to',
    );
    expectUserError(
      await runCli(['init', 'x.yaml', '--route-to', 'claude-haiku-4-5', '--route-share', '1.5'], { cwd: dir }),
      '--route-share',
    );
    expectUserError(await runCli(['init', 'x.yaml', '--tier', 'flex'], { cwd: dir }), '--tier');
    expectUserError(await runCli(['init', 'x.yaml', '--model', 'gpt-nope'], { cwd: dir }), '--model');
    expectUserError(await runCli(['init', 'x.yaml', '--turns', '0'], { cwd: dir }), '--turns');
    expect((await runCli(['simulate', 'x.yaml'], { cwd: dir })).code).toBe(2);
  });
});
