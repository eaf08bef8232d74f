import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'csv-parse/sync';
import { expectUserError, runCli } from '../helpers/cli.js';

const ROOT = new URL('../..', import.meta.url).pathname;

// 100 requests/day, evenly spaced (uniform arrivals: exactly 100), 1,000 input + 100 output tokens,
// no system prompt, everything routed by `default` to a model with a quality. Per request:
//   Sonnet 4.6 ($3 in, $15 out per 1M): 1000 x 3/1e6 + 100 x 15/1e6 = $0.0045 -> 100 requests $0.45
//   Haiku 4.5  ($1 in, $5 out per 1M):  1000 x 1/1e6 + 100 x 5/1e6  = $0.0015 -> 100 requests $0.15
const TINY = `name: tiny
seed: 7
pricing:
  version: "2026-11-01"
traffic:
  profile:
    days: 1
    start: 2026-11-02
    requests_per_day: 100
    arrivals: uniform
    segments:
      - name: chat
        model: claude-sonnet-4-6
        input_tokens: 1000
        output_tokens: 100
strategies:
  - use: route
    label: cheap
    default: { to: claude-haiku-4-5, quality: 0.9 }
quality:
  floor: 0.95
`;

function tiny(text = TINY): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-sweep-'));
  const file = join(dir, 'tiny.yaml');
  writeFileSync(file, text);
  return { dir, file };
}

const GRID = [
  '--set',
  'strategies.cheap.default.to=claude-haiku-4-5,claude-sonnet-4-6',
  '--set',
  'strategies[0].default.quality=0.9,0.99',
];

describe('llmcost sweep', () => {
  it('csv: one row per configuration in grid order; the cheapest meeting the floor is marked', async () => {
    const { file } = tiny();
    const r = await runCli(['sweep', file, ...GRID, '--format', 'csv']);
    expect(r.code).toBe(0);
    const rows = parse(r.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((x) => [x['strategies.cheap.default.to'], x['strategies[0].default.quality']])).toEqual([
      ['claude-haiku-4-5', '0.9'],
      ['claude-haiku-4-5', '0.99'],
      ['claude-sonnet-4-6', '0.9'],
      ['claude-sonnet-4-6', '0.99'],
    ]);
    expect(rows.map((x) => Number(x.requests))).toEqual([100, 100, 100, 100]);
    expect(rows.map((x) => Number(x.baselineCost))).toEqual([0.45, 0.45, 0.45, 0.45]);
    expect(rows.map((x) => Number(x.finalCost))).toEqual([0.15, 0.15, 0.45, 0.45]);
    // success rate = the route's quality (no errors in the profile); floor 0.95 fails the 0.9 rows
    expect(rows.map((x) => Number(x.successRate))).toEqual([0.9, 0.99, 0.9, 0.99]);
    expect(rows.map((x) => x.checksOk)).toEqual(['false', 'true', 'false', 'true']);
    expect(rows.map((x) => x.failedChecks)).toEqual(['quality.floor', '', 'quality.floor', '']);
    // cheapest meeting the floor: Haiku at 0.99 ($0.15); Haiku at 0.9 is as cheap but fails the floor
    expect(rows.map((x) => x.cheapest)).toEqual(['false', 'true', 'false', 'false']);
    expect(Number(rows[1]!.costPerSuccess)).toBe(0.001515); // 0.15 / (100 x 0.99) = 0.00151515...
    expect(Number(rows[1]!.savingPct)).toBe(66.6667); // (0.45 - 0.15) / 0.45
  });

  it('table and md name the cheapest configuration; html is self-contained with an SVG line per second-variable value', async () => {
    const { file } = tiny();
    const t = await runCli(['sweep', file, ...GRID]);
    expect(t.stdout).toContain(
      'cheapest configuration meeting the quality floor 95.00% and its checks: #2 strategies.cheap.default.to=claude-haiku-4-5, strategies[0].default.quality=0.99 — final $0.1500',
    );
    const md = await runCli(['sweep', file, ...GRID, '--format', 'md']);
    expect(md.stdout).toContain('| **2** | **claude-haiku-4-5** | **0.99** |');
    const html = await runCli(['sweep', file, ...GRID, '--format', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout.match(/<polyline /g)).toHaveLength(2); // quality 0.9 and 0.99
    expect(html.stdout).toContain('tr class="cheapest"');
    expect(html.stdout).not.toMatch(/(src|href)=|https?:\/\//);
  });

  it('same inputs and seed: byte-identical json; --seed applies to every configuration', async () => {
    const { file } = tiny(TINY.replace('arrivals: uniform', 'arrivals: poisson'));
    const a = await runCli(['sweep', file, ...GRID, '--format', 'json', '--seed', '3']);
    const b = await runCli(['sweep', file, ...GRID, '--format', 'json', '--seed', '3']);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    const j = JSON.parse(a.stdout) as {
      schema: string;
      seed: number;
      runs: { requests: number }[];
      cheapest: number | null;
    };
    expect(j.schema).toBe('llmcost.sweep/v1');
    expect(j.seed).toBe(3);
    // same seed in every configuration: the same generated traffic
    expect(new Set(j.runs.map((x) => x.requests)).size).toBe(1);
    expect(j.cheapest).toBe(1);
  });

  it('--check exits 1 when no configuration meets the floor; --out writes the file', async () => {
    const { dir, file } = tiny(TINY.replace('floor: 0.95', 'floor: 0.995'));
    const r = await runCli(['sweep', file, ...GRID, '--check', '--format', 'csv', '--out', 'grid.csv'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('check failed: no configuration meets the quality floor and budgets');
    expect(readFileSync(join(dir, 'grid.csv'), 'utf8').split('\n')[0]).toMatch(/^run,/);
    const w = await runCli(['sweep', file, ...GRID]);
    expect(w.code).toBe(0);
    expect(w.stdout).toContain('no configuration of the 4 meets the quality floor 99.50%');
  });

  it('bad --set: exit 2 naming the flag (wrong segment with did-you-mean, bad value, unknown model, too many runs, none)', async () => {
    const { file } = tiny();
    const wrong = await runCli(['sweep', file, '--set', 'traffic.profile.requests_per_dya=1,2']);
    expectUserError(wrong, '--set traffic.profile.requests_per_dya=1,2');
    expect(wrong.stderr).toContain("did you mean 'requests_per_day'");
    const name = await runCli(['sweep', file, '--set', 'strategies.cheep.default.to=x']);
    expectUserError(name, '--set strategies.cheep.default.to=x');
    expect(name.stderr).toContain("did you mean 'cheap'");
    const value = await runCli(['sweep', file, '--set', 'strategies.cheap.default.quality=0.9,1.5']);
    expectUserError(value, '--set strategies.cheap.default.quality=1.5'); // the bad value alone is blamed
    expect(value.stderr).toContain('strategies[0].default.quality');
    const model = await runCli(['sweep', file, '--set', 'traffic.profile.segments.chat.model=claude-haiku-4-5,gpt-9']);
    expectUserError(model, /tiny\.yaml:13:\d+/); // located in the user's file ...
    expect(model.stderr).toContain('--set traffic.profile.segments.chat.model=gpt-9'); // ... and naming the --set
    expect(model.stdout).toBe(''); // nothing half-written
    // a strategy's model is met when the configurations run together: the one that fails is named
    const route = await runCli(['sweep', file, '--set', 'strategies.cheap.default.to=claude-haiku-4-5,gpt-9']);
    expectUserError(route, /tiny\.yaml:\d+:\d+/);
    expect(route.stderr).toContain('configuration #2: --set strategies.cheap.default.to=gpt-9');
    const many = await runCli([
      'sweep',
      file,
      '--set',
      `seed=${Array.from({ length: 15 }, (_, i) => i).join(',')}`,
      '--set',
      `traffic.profile.requests_per_day=${Array.from({ length: 14 }, (_, i) => i + 1).join(',')}`,
    ]);
    expectUserError(many, '--max-runs'); // 15 x 14 = 210 > 200
    expect(many.stderr).toContain('--max-runs 210');
    expectUserError(await runCli(['sweep', file]), '--set');
    expectUserError(await runCli(['sweep', file, '--set', 'seed=1', '--format', 'pdf']), '--format');
  });

  it('a configuration costs what simulate gives for the same scenario edited by hand', async () => {
    const { file } = tiny(TINY.replace('arrivals: uniform', 'arrivals: poisson'));
    const edited = tiny(
      TINY.replace('arrivals: uniform', 'arrivals: poisson')
        .replace('quality: 0.9 }', 'quality: 0.99 }')
        .replace('claude-haiku-4-5', 'claude-sonnet-4-5'),
    );
    const sw = JSON.parse(
      (
        await runCli([
          'sweep',
          file,
          '--set',
          'strategies.cheap.default.to=claude-sonnet-4-5',
          '--set',
          'strategies.cheap.default.quality=0.99',
          '--format',
          'json',
        ])
      ).stdout,
    ) as { runs: { finalCost: number; baselineCost: number; successRate: number; requests: number }[] };
    const sim = JSON.parse((await runCli(['simulate', edited.file, '--format', 'json'])).stdout) as {
      final: { cost: number; successRate: number };
      baseline: { cost: number };
      requests: number;
    };
    expect(sw.runs[0]).toMatchObject({
      finalCost: sim.final.cost,
      baselineCost: sim.baseline.cost,
      successRate: sim.final.successRate,
      requests: sim.requests,
    });
  });

  it('--seed with a seed --set is refused; progress on a TTY only', async () => {
    const { file } = tiny();
    expectUserError(await runCli(['sweep', file, '--set', 'seed=1,2', '--seed', '5']), '--seed');
    const tty = await runCli(['sweep', file, ...GRID, '--format', 'json'], { isTTY: true });
    // the four configurations change only a strategy: one profile generated, run together
    expect(tty.stderr).toContain('sweep: configurations 1-4/4');
    expect((await runCli(['sweep', file, ...GRID, '--format', 'json'])).stderr).toBe('');
  });

  it('sweeps a bundled scenario by strategy name (docs example, two volumes)', async () => {
    const r = await runCli(
      [
        'sweep',
        'scenarios/system-prompt-8k-1k.yaml',
        '--set',
        'traffic.profile.requests_per_day=200,400',
        '--set',
        'strategies.prompt-cache.ttl=5m,1h',
        '--format',
        'json',
      ],
      { cwd: ROOT },
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      runs: { assignments: { value: string }[]; finalCost: number }[];
      notes: string[];
    };
    expect(j.runs.map((x) => x.assignments.map((a) => a.value).join(' '))).toEqual([
      '200 5m',
      '200 1h',
      '400 5m',
      '400 1h',
    ]);
    expect(j.notes[0]).toContain('different request volumes');
  });

  it('LLMCOST_TABLE_MB: a table past a tiny budget spills and gives the same report; a bad value names the variable, not a configuration', async () => {
    const args = ['sweep', 'scenarios/log-what-if.yaml', '--set', 'seed=1,2', '--format', 'json'];
    const inMemory = await runCli(args, { cwd: ROOT });
    const spilled = await runCli(args, { cwd: ROOT, env: { LLMCOST_TABLE_MB: '0.01' } });
    expect(inMemory.code).toBe(0);
    expect(spilled.stdout).toBe(inMemory.stdout);
    const bad = await runCli(args, { cwd: ROOT, env: { LLMCOST_TABLE_MB: 'lots' } });
    expectUserError(bad, "LLMCOST_TABLE_MB: LLMCOST_TABLE_MB 'lots' is not a positive number of MB");
    expect(bad.stderr).not.toContain('configuration #');
  });

  it('warns PRICING_STALE as simulate does, once for the configurations that share a table', async () => {
    // support-bot's traffic ends 2026-11-08: the 2025-10-01 table is 403 days older, the others fresh
    const r = await runCli(
      ['sweep', 'scenarios/support-bot.yaml', '--set', 'pricing.version=2025-10-01,2026-11-01', '--set', 'seed=1,2'],
      { cwd: ROOT },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr.match(/warning\[PRICING_STALE\]/g)).toHaveLength(1);
    expect(r.stderr).toContain('pricing table 2025-10-01 (effective 2025-10-01) is 403 days older than 2026-11-08');
  });

  it("on a terminal, the log reader's note clears the sweep's status line: it is on a line of its own", async () => {
    const r = await runCli(['sweep', 'scenarios/log-what-if.yaml', '--set', 'seed=1,2', '--format', 'json'], {
      cwd: ROOT,
      isTTY: true,
    });
    expect(r.code).toBe(0);
    // the status line is drawn, then cleared by the note
    expect(r.stderr).toMatch(/\r {2}sweep: configurations 1-2\/2…\r\x1b\[Knote: reading /);
  });

  it('on a terminal, every note, warning and error clears the line a progress bar may be drawing', async () => {
    // each line from its last carriage return: a bar drawn before a message (a slow run draws one)
    // shares the message's line, and the message then starts where it cleared the bar
    const lines = (stderr: string) =>
      stderr
        .split('\n')
        .map((l) => l.slice(Math.max(0, l.lastIndexOf('\r'))))
        .filter((l) => /^(\r\x1b\[K)?(note|warning|error)\b/.test(l));
    const ok = await runCli(['simulate', 'scenarios/log-what-if.yaml', '--format', 'json'], { cwd: ROOT, isTTY: true });
    const bad = await runCli(['simulate', 'scenarios/log-what-if.yaml', '--pricing', 'nope'], {
      cwd: ROOT,
      isTTY: true,
    });
    expect(bad.code).toBe(2);
    const all = [...lines(ok.stderr), ...lines(bad.stderr)];
    expect(all.map((l) => l.replace(/^\r\x1b\[K/, '').split(/[[:]/)[0])).toEqual(
      expect.arrayContaining(['note', 'warning', 'error']),
    );
    for (const l of all) expect(l.startsWith('\r\x1b[K')).toBe(true);
    // off a terminal, plain lines
    const plain = await runCli(['simulate', 'scenarios/log-what-if.yaml', '--format', 'json'], { cwd: ROOT });
    expect(plain.stderr).not.toContain('\x1b');
  });
});
