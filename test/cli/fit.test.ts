// `llmcost fit`: the scenario it writes loads and simulates, and reproduces its log (docs/fit.md):
// the mean of seeds 1..5 against the log replayed through the same strategies. Tolerances: the
// bundled 10-minute trace slices (1,482-2,867 rows) and the full traces: baseline and cost after
// caching within 5%, cache hit rate within 2 points; the example logs (19-200 rows, where one
// conversation more or less moves the total) within 15% and 5 points.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitLog, type FitInput } from '../../src/app/fit.js';
import type { SimRequest } from '../../src/engine/request.js';
import type { Fidelity } from '../../src/report/fit.js';
import { CachedPrefixes } from '../../src/traffic/fit.js';
import { expectUserError, runCli } from '../helpers/cli.js';
import { bundledTrace, sharedData } from '../helpers/data.js';

const REPO = resolve(import.meta.dirname, '../..');
const LOGS = resolve(REPO, 'scenarios/logs');

async function fidelity(input: FitInput): Promise<Fidelity> {
  const r = await fitLog({ ...input, check: 5 }, { io: { ...ioQuiet(), cwd: REPO } });
  return r.fidelity!;
}

function ioQuiet() {
  const sink = { write: () => true, isTTY: false };
  return { stdout: sink, stderr: sink, cwd: REPO, env: {} };
}

function expectClose(f: Fidelity, costPct: number, hitPoints: number): void {
  const rel = (a: number, b: number): number => Math.abs(a / b - 1) * 100;
  const at = JSON.stringify({ log: f.log, mean: f.mean });
  expect(rel(f.mean.baselineUsd, f.log.baselineUsd), at).toBeLessThanOrEqual(costPct);
  expect(rel(f.mean.finalUsd, f.log.finalUsd), at).toBeLessThanOrEqual(costPct);
  expect(Math.abs(f.mean.hitRate - f.log.hitRate) * 100, at).toBeLessThanOrEqual(hitPoints);
}

const TRACES: [string, FitInput][] = [
  [
    'Mooncake conversation',
    {
      log: bundledTrace('mooncake_conversation_trace.first10min.jsonl.gz'),
      preset: 'mooncake',
      model: 'claude-sonnet-4-5',
    },
  ],
  [
    'Azure code',
    { log: bundledTrace('AzureLLMInferenceTrace_code.first10min.csv.gz'), preset: 'azure', model: 'gpt-4o' },
  ],
  [
    'Azure conv',
    { log: bundledTrace('AzureLLMInferenceTrace_conv.first10min.csv.gz'), preset: 'azure', model: 'gpt-4o' },
  ],
];

describe('fit: fidelity on the bundled trace slices (5%, 2 points)', () => {
  for (const [name, input] of TRACES)
    it(name, async () => {
      const f = await fidelity(input);
      expectClose(f, 5, 2);
      if (name.startsWith('Mooncake')) expect(f.log.hitRate).toBeGreaterThan(0.1); // the cache is really exercised
    });
});

describe('fit: fidelity on the example logs (15%, 5 points)', () => {
  for (const file of [
    'support-bot.csv',
    'support-bot-short.csv.gz',
    'litellm-spend.jsonl',
    'openai-batch-output.jsonl',
  ])
    it(file, async () => expectClose(await fidelity({ log: join(LOGS, file) }), 15, 5));
});

describe('fit: fidelity on the full traces (5%, 2 points)', () => {
  const full: [string, Omit<FitInput, 'log'>][] = [
    ['traces/mooncake_conversation_trace.jsonl', { preset: 'mooncake', model: 'claude-sonnet-4-5' }],
    ['traces/AzureLLMInferenceTrace_code.csv', { preset: 'azure', model: 'gpt-4o' }],
    ['traces/AzureLLMInferenceTrace_conv.csv', { preset: 'azure', model: 'gpt-4o' }],
  ];
  for (const [rel, o] of full) {
    const d = sharedData(rel);
    d.it(rel, async () => expectClose(await fidelity({ ...o, log: d.file }), 5, 2));
  }
});

describe('fit: a log with cache counts and no prefix columns', () => {
  // claude-sonnet-4-5 ($3 in, $0.30 cache read, $3.75 5-minute write, $15 out): ten calls a minute
  // apart, each 10,500 input tokens of which the provider wrote (first) or read (the rest) 10,000
  it('infers the shared prefix, caches it in the scenario, and the check replays the log with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-fit-cached-'));
    const log = join(dir, 'cached.csv');
    const rows = Array.from({ length: 10 }, (_, i) => {
      const at = `2026-11-25T09:${String(i).padStart(2, '0')}:00Z`;
      return `${at},req-${i},claude-sonnet-4-5,10500,100,${i === 0 ? 0 : 10000},${i === 0 ? 10000 : 0}`;
    });
    writeFileSync(
      log,
      `timestamp,request_id,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens\n${rows.join('\n')}\n`,
    );
    const r = await fitLog({ log, check: 2 }, { io: { ...ioQuiet(), cwd: dir } });
    expect(r.yaml).toContain('system_tokens: 10000');
    expect(r.yaml).toContain('use: prompt-cache');
    expect(r.yaml).toContain('inferred from the cache reads + writes 10 requests report');
    const log1 = r.fidelity!.log;
    // before caching: 10 x (10,500 x 3 + 100 x 15) = 330,000 micro-dollars
    expect(log1.baselineUsd).toBe(0.33);
    // the prompt-cache step on the inferred prefix: the first call writes it, the nine others read it:
    // (500 x 3 + 10,000 x 3.75 + 1,500) + 9 x (500 x 3 + 10,000 x 0.30 + 1,500) = 40,500 + 54,000 - what the log billed
    expect(log1.finalUsd).toBe(0.0945);
    expect(log1.hitRate).toBeCloseTo(90_000 / 105_000, 10);
  });

  it('the check replays the log with the prefixes the fit inferred, and no others', async () => {
    // a write of 10,000 of 10,500, then, without a conversation id, a read of 10,000 and a write of 500
    // of 11,000: the fit gives the second no prefix (its read may be its own history), so neither does
    // the check's log side: (500 x 3 + 10,000 x 3.75 + 1,500) + (11,000 x 3 + 1,500) = 75,000 micro-dollars
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-fit-own-'));
    const log = join(dir, 'own.csv');
    writeFileSync(
      log,
      'timestamp,request_id,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens\n2026-11-25T09:00:00Z,a,claude-sonnet-4-5,10500,100,0,10000\n2026-11-25T09:01:00Z,b,claude-sonnet-4-5,11000,100,10000,500\n',
    );
    const r = await fitLog({ log, check: 2 }, { io: { ...ioQuiet(), cwd: dir } });
    expect(r.fidelity!.log.finalUsd).toBe(0.075);
  });

  it('a turn that read and wrote, without a conversation id, gets no prefix; with one, the read part', () => {
    const p = new CachedPrefixes();
    const req = (id: string, read: number, write5m: number, conversationId?: string): SimRequest => ({
      id,
      atMs: 0,
      model: 'claude-sonnet-4-5',
      serviceTier: 'standard',
      inputTokens: 9000,
      outputTokens: 10,
      historyTokens: 0,
      prefix: [],
      cached: { read, write5m, write1h: 0 },
      batchable: false,
      status: 'ok',
      tags: {},
      ...(conversationId ? { conversationId } : {}),
    });
    const agentTurn = req('a', 6000, 1500);
    p.add(agentTurn);
    expect(agentTurn.prefix).toEqual([]);
    const first = req('b', 4000, 1200, 'c1');
    p.add(first);
    expect(first.prefix).toEqual([{ key: 'cached:claude-sonnet-4-5:4000', tokens: 4000, kind: 'system' }]);
    // a later turn of that conversation keeps it, whatever it read
    const later = req('c', 8500, 400, 'c1');
    p.add(later);
    expect(later.prefix).toBe(first.prefix);
    expect(p.inferred).toBe(2);
  });
});

describe('llmcost fit (CLI)', () => {
  it('writes a commented scenario that simulate runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-fit-'));
    const out = join(dir, 'fitted.yaml');
    const r = await runCli(['fit', 'scenarios/logs/support-bot.csv', '-o', out], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/fitted 189 requests .*: wrote /);
    const text = readFileSync(out, 'utf8');
    expect(text).toMatch(/^# Fitted by: llmcost fit scenarios\/logs\/support-bot.csv/);
    expect(text).toContain('# 11 retries of 189 requests');
    expect(text).toContain('use: prompt-cache');
    const sim = await runCli(['simulate', out, '--format', 'json'], { cwd: dir });
    expect(sim.code, sim.stderr).toBe(0);
    expect(JSON.parse(sim.stdout).requests).toBeGreaterThan(100);
  });

  it('--check prints the comparison on stderr, the scenario on stdout', async () => {
    const r = await runCli(['fit', 'scenarios/logs/litellm-spend.jsonl', '--check', '2'], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^# Fitted by/);
    expect(r.stderr).toMatch(/fidelity: .*seeds 1\.\.2/);
    expect(r.stderr).toMatch(/baseline \(before caching\) +\$0\.1088/);
  });

  it("warns PRICING_STALE, as replay does, when the table is older than --stale-after on the log's last date", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-fit-'));
    // the newest bundled table (2026-11-18) is 306 days older than 2027-09-20
    writeFileSync(
      join(dir, 'late.csv'),
      'timestamp,request_id,model,input_tokens,output_tokens\n2027-09-20T09:00:00Z,a,gpt-4o,2000,100\n2027-09-20T09:01:00Z,b,gpt-4o,2000,100\n',
    );
    const r = await runCli(['fit', 'late.csv'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning[PRICING_STALE]');
    expect(r.stderr).toContain('306 days older than 2027-09-20');
    const wide = await runCli(['fit', 'late.csv', '--stale-after', '400'], { cwd: dir });
    expect(wide.stderr).not.toContain('PRICING_STALE');
  });

  it('a log of failed calls only: exit 2 saying what the rows were, not pointing at reasons never printed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-fit-'));
    writeFileSync(
      join(dir, 'errs.csv'),
      'timestamp,request_id,model,input_tokens,output_tokens,status\n2026-11-20T09:00:00Z,a,gpt-4o,,,429\n2026-11-20T09:01:00Z,b,gpt-4o,,,500\n',
    );
    const r = await runCli(['fit', 'errs.csv'], { cwd: dir });
    expectUserError(
      r,
      'no billed request in errs.csv to fit (2 rows read: 0 rejected, 2 failed calls that billed nothing)',
    );
    expect(r.stderr).not.toContain('see the reasons above');
  });

  it('bad flags are located usage errors', async () => {
    expectUserError(
      await runCli(['fit', 'scenarios/logs/support-bot.csv', '--start', 'monday'], { cwd: REPO }),
      '--start',
    );
    expectUserError(await runCli(['fit', '-', '--check'], { cwd: REPO, stdin: 'x' }), '--check');
    expectUserError(await runCli(['fit', 'scenarios/logs/multi-vendor.csv'], { cwd: REPO }), /spans \d+ days/);
  });
});

describe('growth what-ifs: simulate --scale, sweep over traffic.profile.scale', () => {
  const fitted = 'scenarios/support-bot-fitted.yaml';
  const json = async (args: string[]) => {
    const r = await runCli([...args, '--format', 'json'], { cwd: REPO });
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout);
  };
  const hit = (rep: { final: { tokens: Record<string, number> } }): number => {
    const t = rep.final.tokens;
    return t.cacheRead! / (t.input! + t.cacheRead! + t.cacheWrite5m! + t.cacheWrite1h!);
  };

  it('--scale 10x: ten times the requests, the same structure, a higher cache hit rate and a lower cost per request', async () => {
    const one = await json(['simulate', fitted]);
    const ten = await json(['simulate', fitted, '--scale', '10x']);
    // about 200 requests at 1x: Poisson noise of ~7% on the ratio
    expect(ten.requests / one.requests).toBeGreaterThan(8);
    expect(ten.requests / one.requests).toBeLessThan(13);
    expect(hit(ten)).toBeGreaterThan(hit(one) + 0.1);
    expect(ten.final.cost / ten.requests).toBeLessThan((one.final.cost / one.requests) * 0.8);
    // the same as writing the scale into the scenario
    const set = await runCli(['sweep', fitted, '--set', 'traffic.profile.scale=10', '--format', 'json'], { cwd: REPO });
    expect(JSON.parse(set.stdout).runs[0].finalCost).toBe(ten.final.cost);
  });

  it('sweep over the scale gives the cost curve, and the HTML draws it', async () => {
    const r = await runCli(['sweep', fitted, '--set', 'traffic.profile.scale=1,2,5,10', '--format', 'html'], {
      cwd: REPO,
    });
    expect(r.code, r.stderr).toBe(0);
    const line = /<polyline points="([^"]+)"/.exec(r.stdout)![1]!.split(' ');
    expect(line).toHaveLength(4);
    // cost rises with the scale: y falls (SVG y grows downwards)
    const ys = line.map((p) => Number(p.split(',')[1]));
    expect([...ys].sort((a, b) => b - a)).toEqual(ys);
    expect(r.stdout).toContain('Final cost by traffic.profile.scale');
  });

  it('--scale on a log, or not a factor, is a located usage error', async () => {
    expectUserError(
      await runCli(['simulate', 'scenarios/mooncake-blocks.yaml', '--scale', '3x'], { cwd: REPO }),
      '--scale',
    );
    expectUserError(await runCli(['simulate', fitted, '--scale', 'lots'], { cwd: REPO }), '--scale');
    expectUserError(await runCli(['simulate', fitted, '--scale', '1e9'], { cwd: REPO }), '--scale');
  });
});
