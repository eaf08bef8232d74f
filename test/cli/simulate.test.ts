import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/report/model.js';
import { expectUserError, runCli } from '../helpers/cli.js';

// $3 input, $15 output, cache read $0.30, 5-minute write $3.75 per 1M tokens; cache minimum 1,024.
const table = (input: string, output: string): string => `version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  sonnet:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "${input}"
    output: "${output}"
    cache: { style: explicit, read: "0.30", write_5m: "3.75", min_tokens: 1024 }
`;

// 1,000 requests/day, evenly spaced (86.4 s apart), 1 day: a 2,000-token system prompt,
// 200 new input tokens and 100 output tokens each.
const scenario = (extra = ''): string => `name: hand
seed: 5
pricing: { file: table.yaml }
traffic:
  profile:
    days: 1
    start: 2099-01-05
    requests_per_day: 1000
    arrivals: uniform
    tenants: [{ name: acme, share: 1 }]
    segments:
      - name: chat
        model: sonnet
        system_tokens: 2000
        input_tokens: 200
        output_tokens: 100
${extra}`;

let dir: string;
const json = async (args: string[]): Promise<{ code: number; report: Report; stderr: string }> => {
  const r = await runCli([...args, '--format', 'json'], { cwd: dir });
  if (r.code === 2 || r.code === 3) throw new Error(r.stderr);
  return { code: r.code, report: JSON.parse(r.stdout) as Report, stderr: r.stderr };
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-sim-'));
  writeFileSync(join(dir, 'table.yaml'), table('3.00', '15.00'));
  writeFileSync(join(dir, 'double.yaml'), table('6.00', '30.00'));
  writeFileSync(join(dir, 'base.yaml'), scenario());
  writeFileSync(
    join(dir, 'cached.yaml'),
    scenario('strategies:\n  - use: prompt-cache\n    ttl: 5m\n    scope: system\n'),
  );
});

describe('llmcost simulate', () => {
  it('baseline cost by hand: 1,000 x (2,200 x $3 + 100 x $15) / 1M = $8.10', async () => {
    const { code, report } = await json(['simulate', 'base.yaml']);
    expect(code).toBe(0);
    expect(report.schema).toBe('llmcost.report/v1');
    expect(report.scenario).toBe('hand');
    expect(report.pricing.version).toBe('2099-01-01');
    expect(report.seed).toBe(5);
    expect(report.requests).toBe(1000);
    expect(report.rows).toEqual({ read: 1000, priced: 1000, rejected: 0 });
    expect(report.period.days).toBe(1);
    expect(report.baseline.cost).toBe(8.1);
    expect(report.baseline.breakdown.input).toBe(6.6); // 1,000 x 2,200 x $3 / 1M
    expect(report.baseline.breakdown.output).toBe(1.5); // 1,000 x 100 x $15 / 1M
    expect(report.steps).toEqual([]);
    expect(report.final.cost).toBe(8.1);
  });

  it('system-prompt caching by hand: one write, then 999 reads (requests 86.4 s apart < 5 min TTL)', async () => {
    const { report } = await json(['simulate', 'cached.yaml']);
    // first: 2,000 x $3.75 + 200 x $3 + 100 x $15 = $0.0096; others: 2,000 x $0.30 + 600 + 1,500 = $0.0027 each
    // 0.0096 + 999 x 0.0027 = $2.7069
    expect(report.final.cost).toBe(2.7069);
    expect(report.steps[0]!.strategy).toBe('prompt-cache');
    expect(report.steps[0]!.saving).toBe(5.3931); // 8.10 - 2.7069
    expect(report.final.tokens.cacheRead).toBe(999 * 2000);
    expect(report.final.tokens.cacheWrite5m).toBe(2000);
  });

  it('--cache-realism: both rule sets agree on spaced requests; the report says which was used', async () => {
    // 86.4 s apart: no fan-out, lookback or overflow effect; only the named rules differ.
    const ideal = (await json(['simulate', 'cached.yaml', '--cache-realism', 'ideal'])).report;
    const realistic = (await json(['simulate', 'cached.yaml'])).report;
    expect(ideal.final.cost).toBe(2.7069);
    expect(realistic.final.cost).toBe(2.7069);
    expect(ideal.cache).toEqual({ realism: 'ideal', rules: [] });
    expect(realistic.cache).toEqual({
      realism: 'realistic',
      rules: ['breakpoints', 'overflow', 'fan-out', 'batch', 'semantic'],
    });
    // the scenario's cache_realism, beaten by the flag
    writeFileSync(
      join(dir, 'fanout.yaml'),
      `${scenario()}cache_realism: fan-out+batch\nstrategies: [{ use: prompt-cache }]\n`,
    );
    expect((await json(['simulate', 'fanout.yaml'])).report.cache!.rules).toEqual(['fan-out', 'batch']);
    expect((await json(['simulate', 'fanout.yaml', '--cache-realism', 'ideal'])).report.cache!.realism).toBe('ideal');
    // every format names the rules; a run without a caching step says nothing about them
    for (const f of ['table', 'md', 'csv', 'html']) {
      const out = (await runCli(['simulate', 'cached.yaml', '--cache-realism', 'ideal', '--format', f], { cwd: dir }))
        .stdout;
      expect(out).toMatch(f === 'csv' ? /cacheRealism,rules\nideal,/ : /cache rules: ideal/);
    }
    expect((await runCli(['simulate', 'base.yaml'], { cwd: dir })).stdout).not.toContain('cache rules');
    expect((await json(['simulate', 'base.yaml'])).report.cache).toBeUndefined();
  });

  it('--cache-realism and cache_realism: a bad value is exit 2 naming the flag or the scenario line', async () => {
    const bad = await runCli(['simulate', 'cached.yaml', '--cache-realism', 'lookback'], { cwd: dir });
    expectUserError(bad, '--cache-realism');
    expect(bad.stderr).toContain('breakpoints, overflow, fan-out, batch, semantic');
    writeFileSync(join(dir, 'badrealism.yaml'), `${scenario()}cache_realism: sometimes\n`);
    const file = await runCli(['simulate', 'badrealism.yaml'], { cwd: dir });
    expectUserError(file, /badrealism\.yaml:\d+:16/);
    expect(file.stderr).toContain("cache_realism: 'sometimes' is not a cache realism");
  });

  it('--pricing beats the scenario table: doubling every price doubles the cost', async () => {
    const { report } = await json(['simulate', 'base.yaml', '--pricing', 'double.yaml']);
    expect(report.baseline.cost).toBe(16.2);
  });

  it('--check: a violated budget exits 1 and is listed in report.checks with actual/limit', async () => {
    writeFileSync(
      join(dir, 'budget.yaml'),
      scenario(
        'budgets:\n  per_request_usd: "0.005"\n  per_day_usd: "10"\n  per_tenant_per_day_usd: "5"\nquality: { floor: 0.99 }\n',
      ),
    );
    const { code, report, stderr } = await json(['simulate', 'budget.yaml', '--check']);
    expect(code).toBe(1);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    // per request: $8.10 / 1,000 = $0.0081 > $0.005
    expect(byName['budget.per_request_usd']).toMatchObject({ ok: false, actual: 0.0081, limit: 0.005 });
    // per day: $8.10 over 1 day <= $10
    expect(byName['budget.per_day_usd']).toMatchObject({ ok: true, actual: 8.1, limit: 10 });
    // one tenant carries everything: $8.10/day > $5
    expect(byName['budget.per_tenant_per_day_usd']).toMatchObject({ ok: false, actual: 8.1, limit: 5 });
    expect(byName['quality.floor']).toMatchObject({ ok: true, actual: 1, limit: 0.99 });
    expect(stderr).toContain('check failed: budget.per_request_usd');
    // without --check the same report exits 0 and warns
    const plain = await runCli(['simulate', 'budget.yaml', '--format', 'json'], { cwd: dir });
    expect(plain.code).toBe(0);
    expect(plain.stderr).toContain('warning: budget.per_request_usd');
  });

  it('--seed changes a Poisson stream; the same seed reproduces the report byte for byte', async () => {
    writeFileSync(join(dir, 'poisson.yaml'), scenario().replace('arrivals: uniform', 'arrivals: poisson'));
    const a = await runCli(['simulate', 'poisson.yaml', '--format', 'json'], { cwd: dir });
    const b = await runCli(['simulate', 'poisson.yaml', '--format', 'json'], { cwd: dir });
    const c = await runCli(['simulate', 'poisson.yaml', '--format', 'json', '--seed', '6'], { cwd: dir });
    expect(a.stdout).toBe(b.stdout);
    expect((JSON.parse(c.stdout) as Report).seed).toBe(6);
    expect((JSON.parse(c.stdout) as Report).requests).not.toBe((JSON.parse(a.stdout) as Report).requests);
  });

  it('--by adds attribution; --out writes the file; the table shows the waterfall', async () => {
    mkdirSync(join(dir, 'out')); // --out never creates a missing folder
    const r = await runCli(
      ['simulate', 'cached.yaml', '--by', 'tenant,feature', '--format', 'json', '--out', 'out/r.json'],
      { cwd: dir },
    );
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out/r.json'), 'utf8')) as Report;
    expect(report.by!.tenant).toEqual([{ key: 'acme', cost: 2.7069, baselineCost: 8.1, requests: 1000 }]);
    const t = await runCli(['simulate', 'cached.yaml', '--standalone'], { cwd: dir });
    expect(t.code).toBe(0);
    expect(t.stdout).toContain('prompt-cache');
    expect(t.stdout).toContain('$2.71');
  });

  it('user errors: exit 2, located, with a hint', async () => {
    writeFileSync(join(dir, 'badmodel.yaml'), scenario().replace('model: sonnet', 'model: sonet'));
    expectUserError(await runCli(['simulate', 'badmodel.yaml'], { cwd: dir }), 'badmodel.yaml:13:16');
    expectUserError(await runCli(['simulate', 'missing.yaml'], { cwd: dir }), 'missing.yaml');
    writeFileSync(join(dir, 'typo.yaml'), scenario('strategies:\n  - use: prompt-cach\n'));
    const typo = await runCli(['simulate', 'typo.yaml'], { cwd: dir });
    expectUserError(typo, 'typo.yaml:18:10');
    expect(typo.stderr).toContain("did you mean 'prompt-cache'");
    expectUserError(await runCli(['simulate', 'base.yaml', '--seed', 'x'], { cwd: dir }), '--seed');
    expectUserError(await runCli(['simulate', 'base.yaml', '--format', 'pdf'], { cwd: dir }), '--format');
    expect(existsSync(join(dir, 'nothing.json'))).toBe(false);
  });

  it('log traffic: records that are not billed calls are skipped and counted by reason (LOG_SKIPPED), as replay does', async () => {
    // a Langfuse export: 5 generations, one SPAN and one EVENT observation
    copyFileSync(
      join(import.meta.dirname, '../fixtures/exports/langfuse_observations_v2.jsonl'),
      join(dir, 'lf.jsonl'),
    );
    writeFileSync(
      join(dir, 'lf.yaml'),
      'name: lf\npricing: { version: "2026-11-01" }\ntraffic:\n  log: { file: lf.jsonl }\n',
    );
    const skipped =
      '2 of 7 records skipped, not billed model calls (Langfuse EVENT observation (not a model call) ×1, Langfuse SPAN observation (not a model call) ×1)';
    const { report, stderr } = await json(['simulate', 'lf.yaml']);
    expect(report.rows).toEqual({ read: 7, priced: 5, rejected: 0, skipped: 2 });
    expect(stderr).toContain(`warning[LOG_SKIPPED]: ${skipped}`);
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'LOG_SKIPPED', message: skipped }));
    // sampled: the rows outside the sample are in the rows line, not among the skipped records' reasons
    const sampled = await json(['simulate', 'lf.yaml', '--sample', '25%']);
    expect(sampled.report.rows.unsampled).toBeGreaterThan(0);
    expect(sampled.stderr).toContain(`warning[LOG_SKIPPED]: ${skipped}`);
  });

  it('log traffic: a CSV log relative to the scenario; an unknown-model row is rejected and counted', async () => {
    writeFileSync(
      join(dir, 'log.csv'),
      'timestamp,model,input_tokens,output_tokens,tenant\n2099-01-05T10:00:00Z,sonnet,1000,100,acme\n2099-01-05T10:01:00Z,sonet,5,5,acme\n2099-01-05T11:00:00Z,sonnet,2000,200,beta\n',
    );
    writeFileSync(
      join(dir, 'log.yaml'),
      'name: from-log\npricing: { file: table.yaml }\ntraffic:\n  log: { file: log.csv }\nreport: { by: [tenant] }\n',
    );
    const { code, report, stderr } = await json(['simulate', 'log.yaml']);
    expect(code).toBe(0);
    expect(report.rows).toEqual({ read: 3, priced: 2, rejected: 1 });
    // the rejected row is located (file:line) and its reason given, on stderr and in the report, as replay does
    const located =
      "1 of 3 rows rejected (unknown model 'sonet' ×1); first: log.csv:3: model 'sonet' is in no pricing table";
    expect(stderr).toContain(`warning[LOG_ROW] log.csv: ${located}`);
    expect(stderr).toContain('hint: add rejects: FILE under traffic.log');
    expect(report.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'LOG_ROW', message: expect.stringContaining(located) }),
    );
    // (1,000 + 2,000) x $3 + (100 + 200) x $15 = 9,000 + 4,500 micro-USD = $0.0135
    expect(report.baseline.cost).toBe(0.0135);
    expect(report.by!.tenant!.map((t) => t.key)).toEqual(['beta', 'acme']);
    // rebase_to moves the first request to the given instant, every other by the same shift
    writeFileSync(
      join(dir, 'rebased.yaml'),
      'name: rebased\npricing: { file: table.yaml }\ntraffic:\n  log: { file: log.csv, rebase_to: 2099-02-01 }\n',
    );
    const rebased = (await json(['simulate', 'rebased.yaml'])).report;
    expect(rebased.period.startMs).toBe(Date.parse('2099-02-01T00:00:00Z'));
    expect(rebased.period.endMs).toBe(Date.parse('2099-02-01T01:00:00Z')); // the last row was 1 h after the first
  });

  it('a trace whose times count from its start is reported by its span, not as 1970 dates, until rebased', async () => {
    // Mooncake's layout: ms from the trace's start; the last request 1 h 2 min 5 s after the first
    writeFileSync(
      join(dir, 'trace.jsonl'),
      '{"timestamp": 0, "input_length": 1000, "output_length": 100, "hash_ids": [0]}\n{"timestamp": 3725000, "input_length": 2000, "output_length": 200, "hash_ids": [1]}\n',
    );
    const scenarioOf = (log: string) =>
      `name: trace\npricing: { file: table.yaml }\ntraffic:\n  log: { file: trace.jsonl, preset: mooncake, model: sonnet${log} }\n`;
    writeFileSync(join(dir, 'trace.yaml'), scenarioOf(''));
    writeFileSync(join(dir, 'trace-rebased.yaml'), scenarioOf(', rebase_to: 2099-02-01'));
    const relative = (await json(['simulate', 'trace.yaml'])).report;
    expect(relative.period).toEqual({ startMs: 0, endMs: 3_725_000, days: 1, relative: true });
    const line = "2 requests over 1 h 2 min (times from the trace's start, no dates)";
    expect((await runCli(['simulate', 'trace.yaml'], { cwd: dir })).stdout).toContain(line);
    const replayed = await runCli(
      ['replay', 'trace.jsonl', '--preset', 'mooncake', '--model', 'sonnet', '--pricing', 'table.yaml'],
      {
        cwd: dir,
      },
    );
    expect(replayed.stdout).toContain(line);
    const rebased = (await json(['simulate', 'trace-rebased.yaml'])).report;
    expect(rebased.period).toEqual({
      startMs: Date.parse('2099-02-01'),
      endMs: Date.parse('2099-02-01') + 3_725_000,
      days: 1,
    });
    expect((await runCli(['simulate', 'trace-rebased.yaml'], { cwd: dir })).stdout).toContain(
      '2 requests over 1 day (2099-02-01 .. 2099-02-01)',
    );
  });
});

describe('llmcost init and schema', () => {
  it('init writes a commented example that simulates; refuses to overwrite without --force', async () => {
    const r = await runCli(['init', 'my.yaml'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(readFileSync(join(dir, 'my.yaml'), 'utf8')).toContain('# llmcost scenario');
    expectUserError(await runCli(['init', 'my.yaml'], { cwd: dir }), 'my.yaml');
    expect((await runCli(['init', 'my.yaml', '--force'], { cwd: dir })).code).toBe(0);
    const sim = await runCli(['simulate', 'my.yaml', '--format', 'json', '--check'], { cwd: dir });
    expect(sim.code).toBe(0);
    expect((JSON.parse(sim.stdout) as Report).checks.every((c) => c.ok)).toBe(true);
  });

  it('schema scenario prints JSON Schema with each strategy spelled out', async () => {
    const r = await runCli(['schema', 'scenario']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as {
      properties: Record<string, { items?: { anyOf?: { properties: { use: { const: string } } }[] } }>;
    };
    expect(Object.keys(s.properties)).toEqual(expect.arrayContaining(['name', 'traffic', 'strategies', 'budgets']));
    const uses = s.properties.strategies!.items!.anyOf!.map((v) => v.properties.use.const);
    expect(uses).toEqual(expect.arrayContaining(['prompt-cache', 'route', 'batch']));
    // a distribution may be a bare number (input_tokens: 200)
    expect(JSON.stringify(s)).toContain('"input_tokens":{"anyOf":[{"type":"number"');
    expect(JSON.parse((await runCli(['schema', 'pricing'])).stdout)).toHaveProperty('properties.models');
    expectUserError(await runCli(['schema', 'scenarios']), 'schema argument');
  });
});
