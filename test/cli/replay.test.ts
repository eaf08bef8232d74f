import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Context } from '../../src/app/context.js';
import { logReader } from '../../src/app/replay.js';
import type { Pricing } from '../../src/pricing/pricebook.js';
import { expectUserError, runCli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../fixtures/logs');
const PRICING = ['--pricing', '2026-11-01'];

async function replayJson(args: string[], opts: { stdin?: string } = {}) {
  const r = await runCli(['replay', ...args, ...PRICING, '--format', 'json'], { cwd: FIX, ...opts });
  if (r.code !== 0) throw new Error(`exit ${r.code}: ${r.stderr}`);
  return { report: JSON.parse(r.stdout), stderr: r.stderr };
}

describe('llmcost replay', () => {
  it('prices a canonical log exactly, honouring the cached tokens it reports', async () => {
    const { report } = await replayJson(['canonical.csv', '--by', 'tenant,feature']);
    // claude-sonnet-4-6 $3 in / $15 out / $0.30 cache read / $3.75 5m write; gpt-4o-mini $0.15 / $0.60 / $0.075
    // a1: 2,000 plain x 3 + 8,000 write x 3.75 + 500 out x 15 = 6,000 + 30,000 + 7,500 = 43,500 -> $0.0435
    // a2: 2,000 x 3 + 8,000 read x 0.30 = 6,000 + 2,400 = 8,400 -> $0.0084 (status error)
    // a3: 6,000 + 2,400 + 400 x 15 = 14,400 -> $0.0144 (retry of a2)
    // b1: 1,024 x 0.15 + 1,024 x 0.075 + 100 x 0.60 = 153.6 + 76.8 + 60 = 290.4 -> $0.0002904
    // total = 0.0435 + 0.0084 + 0.0144 + 0.0002904 = 0.0665904 -> 0.06659 (report money is rounded to 1e-6)
    expect(report.command).toBe('replay');
    expect(report.baseline.cost).toBe(0.06659);
    expect(report.final.cost).toBe(0.06659);
    expect(report.rows).toEqual({ read: 4, priced: 4, rejected: 0 });
    expect(report.period.startMs).toBe(Date.UTC(2026, 10, 2, 10));
    // tenant acme = a1 + a2 = 0.0519; globex = a3 + b1 = 0.0146904 -> 0.01469
    expect(report.by.tenant.map((b: { key: string; cost: number }) => [b.key, b.cost])).toEqual([
      ['acme', 0.0519],
      ['globex', 0.01469],
    ]);
    const o = report.extras.replay.outcomes;
    // 3 ok requests: 0.0665904 / 3 = 0.0221968 -> 0.022197
    expect(o).toMatchObject({ requests: 4, successful: 3, costPerSuccessUsd: 0.022197 });
    // retries: a3 = 0.0144; failed: a2 = 0.0084; either: 0.0228 = 34.23918...% of 0.0665904
    expect(o).toMatchObject({
      retryRequests: 1,
      retriesCostUsd: 0.0144,
      failedRequests: 1,
      failedCostUsd: 0.0084,
      retriesOrFailedCostUsd: 0.0228,
    });
    expect(o.retriesOrFailedSharePct).toBe(34.2392);
  });

  it('reconciles against cost_usd: billed vs computed, difference and %', async () => {
    const { report } = await replayJson(['canonical.csv']);
    // billed = 0.0435 + 0.0084 + 0.0144 + 0.001 = 0.0673; computed 0.0665904
    // difference = 0.0665904 - 0.0673 = -0.0007096 -> -0.00071 (1e-6); % from the exact figures:
    // -0.0007096 / 0.0673 x 100 = -1.05438... -> -1.0544
    expect(report.extras.replay.reconciliation).toMatchObject({
      rowsBilled: 4,
      billedUsd: 0.0673,
      computedUsd: 0.06659,
      differenceUsd: -0.00071,
      differencePct: -1.0544,
    });
  });

  it('prices an OpenAI batch output at batch prices; the failed line is skipped and counted (not billed)', async () => {
    const { report, stderr } = await replayJson(['openai-batch.jsonl', '--preset', 'openai-batch']);
    // gpt-4o-mini batch: input $0.075, output $0.30; cached batch input = $0.075 x (0.075/0.15) = $0.0375
    // 896 plain x 0.075 + 1,152 cached x 0.0375 + 100 x 0.30 = 67.2 + 43.2 + 30 = 140.4 -> $0.0001404 -> 0.00014 (1e-6)
    expect(report.baseline.cost).toBe(0.00014);
    expect(report.baseline.breakdown.cacheRead).toBe(0.000043); // 1,152 x 0.0375 = 43.2 -> 0.0000432
    expect(report.rows).toEqual({ read: 2, priced: 1, rejected: 0, skipped: 1 });
    expect(report.extras.replay.skipped.byReason).toEqual([
      { reason: 'failed batch request (batch_expired): not billed', records: 1 },
    ]);
    expect(stderr).toContain('warning[LOG_SKIPPED]');
    expect(stderr).not.toContain('warning[LOG_ROW]');
  });

  it('reads stdin and shows the extras in the table', async () => {
    const r = await runCli(['replay', '-', ...PRICING], {
      cwd: FIX,
      stdin: readFileSync(join(FIX, 'canonical.csv'), 'utf8'),
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('$0.0666');
    expect(r.stdout).toMatch(/reconciliation/);
    expect(r.stdout).toMatch(/cost per success/); // extras keys shown as words (costPerSuccessUsd)
  });

  it("--by a dimension no row has: the warning lists the log's own tag columns, with did-you-mean", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-by-'));
    writeFileSync(
      join(dir, 'tags.csv'),
      'timestamp,model,input_tokens,output_tokens,team_id,region\n2026-11-20T09:00:00Z,gpt-4o,100,10,t1,eu\n',
    );
    const r = await runCli(['replay', 'tags.csv', '--by', 'team', ...PRICING], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("warning[USAGE] --by: no row has a 'team' column or tag");
    expect(r.stderr).toContain("or a column of the log (this log's: team_id, region)");
    const near = await runCli(['replay', 'tags.csv', '--by', 'team_di', ...PRICING], { cwd: dir });
    expect(near.stderr).toContain("did you mean 'team_id'");
  });

  it('--strict: exit 2 at the first rejected row, with file:line and a hint', async () => {
    const r = await runCli(['replay', 'rejects.csv', '--strict', ...PRICING], { cwd: FIX });
    expectUserError(r, 'rejects.csv:3');
    expect(r.stdout).toBe('');
  });

  it('bad usage is exit 2 with a hint: unknown preset, missing --model, header, unknown --model', async () => {
    expectUserError(
      await runCli(['replay', 'canonical.csv', '--preset', 'litelm', ...PRICING], { cwd: FIX }),
      /did you mean 'litellm'/,
    );
    expectUserError(await runCli(['replay', 'azure.csv', '--preset', 'azure', ...PRICING], { cwd: FIX }), '--model');
    expectUserError(
      await runCli(['replay', 'azure.csv', '--preset', 'canonical', ...PRICING], { cwd: FIX }),
      /azure\.csv:1.*missing required columns/,
    );
    // without --preset the layout is recognised, and the trace still needs a model
    expectUserError(await runCli(['replay', 'azure.csv', ...PRICING], { cwd: FIX }), '--model');
    expectUserError(
      await runCli(['replay', 'azure.csv', '--preset', 'azure', '--model', 'gpt-4oo', ...PRICING], { cwd: FIX }),
      /gpt-4oo/,
    );
    expectUserError(await runCli(['replay', 'missing.csv', ...PRICING], { cwd: FIX }), 'missing.csv');
  });

  it('a JSONL log whose rows all lack a required field is a header-like error naming the fields found', async () => {
    const r = await runCli(['replay', 'helicone.jsonl', '--preset', 'canonical', ...PRICING], { cwd: FIX });
    expectUserError(r, /no row has|fields found/);
    expect(r.stderr).toContain('--preset helicone');
  });

  it("--scenario runs the scenario's strategies on the log: same baseline, one step per strategy", async () => {
    const scenario = join(import.meta.dirname, '../../scenarios/support-bot.yaml');
    const { report } = await replayJson(['canonical.csv', '--scenario', scenario]);
    // baseline is the plain replay's actual cost (0.0665904 -> 0.06659); steps come from the scenario
    expect(report.baseline.cost).toBe(0.06659);
    expect(report.steps.length).toBeGreaterThan(0);
    expect(report.rows).toEqual({ read: 4, priced: 4, rejected: 0 });
    // steps add up: baseline - final = sum of step savings (to 1e-6 rounding per step)
    const saved = report.steps.reduce((a: number, st: { saving: number }) => a + st.saving, 0);
    expect(Math.abs(report.baseline.cost - report.final.cost - saved)).toBeLessThan(1e-5);
    expectUserError(
      await runCli(['replay', 'canonical.csv', '--standalone', ...PRICING], { cwd: FIX }),
      '--standalone',
    );
  });

  it('--scenario on a log with rejected rows: one LOG_ROW with the reasons and file:line, its hint naming the flags', async () => {
    const scenario = join(import.meta.dirname, '../../scenarios/support-bot.yaml');
    const r = await runCli(['replay', 'rejects.csv', '--scenario', scenario, ...PRICING], { cwd: FIX });
    expect(r.code, r.stderr).toBe(0);
    const rejected = r.stderr.split('\n').filter((l) => l.startsWith('warning[LOG_ROW]'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]).toMatch(
      /^warning\[LOG_ROW\] rejects\.csv: 7 of \d+ rows rejected \(.+\); first: rejects\.csv:\d+: /,
    );
    expect(r.stderr).toContain('hint: add --rejects FILE to list every rejected row, or --strict to stop at the first');
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-whatif-'));
    const listed = await runCli(
      ['replay', 'rejects.csv', '--scenario', scenario, '--rejects', join(dir, 'r.csv'), ...PRICING],
      { cwd: FIX },
    );
    expect(listed.stderr).toContain(`hint: rejected rows are in ${join(dir, 'r.csv')}`);
  });

  it('--scenario without a traffic section: the log is the traffic; same report as with one', async () => {
    // log-what-if's strategies, once with its own traffic (another log) and once with none at all
    const withTraffic = join(import.meta.dirname, '../../scenarios/log-what-if.yaml');
    const text = readFileSync(withTraffic, 'utf8').replace(/\ntraffic:\n {2}log:\n {4}file: [^\n]+\n/, '\n');
    expect(text).not.toContain('traffic:');
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-whatif-'));
    const without = join(dir, 'what-if.yaml');
    writeFileSync(without, text);
    const a = await runCli(['replay', 'canonical.csv', '--scenario', withTraffic, '--format', 'json'], { cwd: FIX });
    const b = await runCli(['replay', 'canonical.csv', '--scenario', without, '--format', 'json'], { cwd: FIX });
    expect(b.code, b.stderr).toBe(0);
    // the same report, apart from the scenario file's name in extras.replay
    expect(b.stdout.replace(without, 'FILE')).toBe(a.stdout.replace(withTraffic, 'FILE'));
    // simulate still needs the section: the scenario alone names no traffic
    expectUserError(await runCli(['simulate', without]), "missing required key 'traffic'");
  });

  it('--help has an example', async () => {
    const r = await runCli(['replay', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('--preset mooncake');
  });
});

describe('LLMCOST_READER_THREAD', () => {
  const ROOT = join(import.meta.dirname, '../..');
  it('a log parsed in the worker thread gives the byte-identical report (replay, replay --scenario, simulate over a log)', async () => {
    const runs: [string, string[]][] = [
      ['replay', ['replay', 'scenarios/logs/support-bot.csv', '--by', 'tenant,feature', '--format', 'json']],
      [
        'replay --scenario',
        ['replay', 'scenarios/logs/support-bot.csv', '--scenario', 'scenarios/support-bot.yaml', '--format', 'md'],
      ],
      [
        'simulate over a log (the bundled first 10 minutes of the Mooncake trace, rebased)',
        ['simulate', 'scenarios/mooncake-blocks.yaml', '--format', 'csv'],
      ],
    ];
    for (const [name, args] of runs) {
      const off = await runCli(args, { cwd: ROOT, env: { LLMCOST_READER_THREAD: 'off' } });
      const on = await runCli(args, { cwd: ROOT, env: { LLMCOST_READER_THREAD: 'on' } });
      expect(off.code, `${name}: ${off.stderr}`).toBe(0);
      expect(on.code, name).toBe(0);
      expect(on.stdout, name).toBe(off.stdout);
      expect(on.stderr, name).toBe(off.stderr);
    }
  });

  it('a value other than on, off or auto is a usage error naming the variable', async () => {
    const r = await runCli(['replay', 'scenarios/logs/support-bot.csv'], {
      cwd: ROOT,
      env: { LLMCOST_READER_THREAD: 'yes' },
    });
    expectUserError(r, 'LLMCOST_READER_THREAD');
  });
});

describe('replay --threads', () => {
  const ROOT = join(import.meta.dirname, '../..');
  const ctx = (env: Record<string, string> = {}) =>
    ({ io: { env, cwd: ROOT, stderr: { write: () => true } } }) as unknown as Context;
  const book = {} as Pricing;

  it('1 reads the log on this thread, 2 or more let a big CSV be parsed in a reader thread', () => {
    expect(logReader({ log: 'big.csv', threads: '1' }, book, ctx()).thread).toBe('off');
    expect(logReader({ log: 'big.csv', threads: '2' }, book, ctx()).thread).toBeUndefined();
    // the flag beats LLMCOST_THREADS; LLMCOST_READER_THREAD overrides both, as for simulate
    expect(logReader({ log: 'big.csv', threads: '2' }, book, ctx({ LLMCOST_THREADS: '1' })).thread).toBeUndefined();
    expect(logReader({ log: 'big.csv' }, book, ctx({ LLMCOST_THREADS: '1' })).thread).toBe('off');
    expect(logReader({ log: 'big.csv', threads: '1' }, book, ctx({ LLMCOST_READER_THREAD: 'on' })).thread).toBe('on');
  });

  it('the report is the same for any number; 0 is a usage error naming the flag', async () => {
    const args = ['replay', 'scenarios/logs/support-bot.csv', '--by', 'tenant', '--format', 'json'];
    const one = await runCli([...args, '--threads', '1'], { cwd: ROOT });
    const two = await runCli([...args, '--threads', '2'], { cwd: ROOT });
    expect(one.code, one.stderr).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    expectUserError(await runCli([...args, '--threads', '0'], { cwd: ROOT }), "--threads '0'");
  });
});
