// audit-cache on a hand-built log whose actual hits are known: three prefix families, each with
// hand-computed actual, ideal and realistic figures (claude-sonnet-4-5: input $3, cache read $0.30,
// 5-minute write $3.75, output $15 per 1M tokens; minimum 1,024).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CacheAuditReport, FamilyAudit } from '../../src/report/cache-audit/model.js';
import { expectUserError, runCli } from '../helpers/cli.js';

const HEAD =
  'timestamp,request_id,model,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens,prompt_version,prefix_key,prefix_tokens';
const row = (t: string, id: string, read: number, write: number, version: string, key: string): string =>
  `2026-11-02T${t}Z,${id},claude-sonnet-4-5,2500,${read},${write},100,${version},${key},2000`;

// steady: 5 requests a minute apart, the provider wrote once and read 4 times (as every rule predicts).
// busted: the same timing, but the provider wrote the 2,000-token prefix every time (a timestamp in
// the system prompt). parallel: 4 requests in the same second, 4 writes (the first had not responded).
const LOG = [
  HEAD,
  // in time order (an unsorted log is processed in file order: the cache clock would bunch them)
  ...[0, 1, 2, 3, 4].flatMap((m) => [
    row(`09:0${m}:00`, `s${m}`, m ? 2000 : 0, m ? 0 : 2000, 'steady', 'sys-a'),
    row(`09:0${m}:30`, `b${m}`, 0, 2000, 'busted', 'sys-b'),
  ]),
  ...[0, 1, 2, 3].map((i) => row('10:00:00', `p${i}`, 0, 2000, 'parallel', 'sys-c')),
].join('\n');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmcost-audit-'));
  writeFileSync(join(dir, 'log.csv'), `${LOG}\n`);
});

const audit = async (): Promise<CacheAuditReport> => {
  const r = await runCli(['audit-cache', 'log.csv', '--format', 'json'], { cwd: dir });
  if (r.code !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as CacheAuditReport;
};
const fam = (r: CacheAuditReport, name: string): FamilyAudit => r.families.find((f) => f.family === name)!;

describe('llmcost audit-cache', () => {
  it('steady: actual = ideal = realistic (1 write, 4 reads); as predicted', async () => {
    const f = fam(await audit(), 'steady');
    // first: 2,000 x 3.75 + 500 x 3 + 100 x 15 = $0.0105; then 2,000 x 0.30 + 500 x 3 + 100 x 15 = $0.0036 x 4
    for (const k of ['actual', 'ideal', 'realistic'] as const)
      expect(f[k]).toEqual({ read: 8000, written: 2000, readShare: 0.64, cost: 0.0249 });
    expect(f.gapToIdeal).toBe(0);
    expect(f.causes).toEqual(['as predicted by the realistic rules']);
    expect(f.prefixFrom).toEqual({ log: 5, counts: 0, none: 0 });
  });

  it('busted: writes every time where the rules read: fewer hits than even the realistic rules', async () => {
    const f = fam(await audit(), 'busted');
    expect(f.actual).toEqual({ read: 0, written: 10000, readShare: 0, cost: 0.0525 }); // 5 x $0.0105
    expect(f.realistic.cost).toBe(0.0249);
    expect(f.gapToRealistic).toBe(0.0276);
    expect(f.causes[0]).toMatch(/^fewer hits than even the realistic rules predict: the cached prefix changes/);
  });

  it('parallel: 4 writes are what the realistic rules expect; fan-out explains the gap to ideal', async () => {
    const f = fam(await audit(), 'parallel');
    expect(f.actual).toEqual({ read: 0, written: 8000, readShare: 0, cost: 0.042 }); // 4 x $0.0105
    expect(f.realistic).toEqual(f.actual);
    // ideal: 1 write + 3 reads = $0.0105 + 3 x $0.0036
    expect(f.ideal).toEqual({ read: 6000, written: 2000, readShare: 0.6, cost: 0.0213 });
    expect(f.gapToIdeal).toBe(0.0207);
    expect(f.gapToRealistic).toBe(0);
    expect(f.ruleAlone['fan-out']).toBe(0);
    expect(f.causes).toEqual([
      'the realistic rules read 60.0 points of input less than the ideal ones: fan-out: parallel requests start before the first response has written the cache (send one first) (alone: 60.0 points of input)',
    ]);
  });

  it('families sorted by what they leave on the table; the total adds them up exactly', async () => {
    const r = await audit();
    expect(r.schema).toBe('llmcost.cache-audit/v1');
    expect(r.families.map((f) => f.family)).toEqual(['busted', 'parallel', 'steady']);
    expect(r.total.requests).toBe(14);
    expect(r.total.actual.cost).toBe(0.1194); // 0.0249 + 0.0525 + 0.042
    expect(r.total.gapToIdeal).toBe(0.0483); // 0.0276 + 0.0207
  });

  it('every format; bad flags are exit 2 naming the flag', async () => {
    const md = await runCli(['audit-cache', 'log.csv', '--format', 'md'], { cwd: dir });
    expect(md.stdout).toContain('| busted | 5 | 0.0% · $0.0525 |');
    const csv = await runCli(['audit-cache', 'log.csv', '--format', 'csv'], { cwd: dir });
    expect(csv.stdout.split('\n')[0]).toMatch(/^family,requests,inputTokens,actualRead/);
    expect(csv.stdout).toContain('\n(all),14,');
    const table = await runCli(['audit-cache', 'log.csv'], { cwd: dir });
    expect(table.stdout).toContain('Likely causes');
    expectUserError(await runCli(['audit-cache', 'log.csv', '--family', ','], { cwd: dir }), '--family');
    expectUserError(await runCli(['audit-cache', 'log.csv', '--format', 'html'], { cwd: dir }), '--format');
    expectUserError(await runCli(['audit-cache', 'log.csv', '--ttl', '2h'], { cwd: dir }), '--ttl');
  });

  it('a log that reports no cache counts at all: no family is blamed on its prefixes, the mapping is suggested', async () => {
    // the busted and steady rows without their cache columns: nothing read or written anywhere in the log
    const bare = LOG.split('\n').map((l) =>
      l
        .split(',')
        .filter((_, i) => i !== 4 && i !== 5)
        .join(','),
    );
    writeFileSync(join(dir, 'nocache.csv'), `${bare.join('\n')}\n`);
    const r = await runCli(['audit-cache', 'nocache.csv', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CacheAuditReport;
    for (const f of report.families) {
      expect(f.actual.read + f.actual.written).toBe(0);
      expect(f.causes.join(' ')).not.toContain('the cached prefix changes between requests');
    }
    // steady and busted: the rules read 64% of the input; parallel: the realistic rules read nothing either (fan-out)
    for (const name of ['steady', 'busted'])
      expect(fam(report, name).causes[0]).toMatch(/^no hits in the log: no row of it reports cache reads or writes/);
    expect(fam(report, 'parallel').causes[0]).toMatch(/^the realistic rules read 60.0 points of input less/);
    expect(report.warnings.join(' ')).toContain('no row reports cache reads or writes');
  });

  it('a log without prefix columns: prefixes inferred from the reported counts of each conversation', async () => {
    // One conversation: 1,800 written, then 1,800 read + 700 written, then 2,500 read (a growing prefix).
    const lines = [
      'timestamp,request_id,conversation_id,model,input_tokens,cached_input_tokens,cache_write_tokens,output_tokens',
      '2026-11-02T09:00:00Z,c1,conv,claude-sonnet-4-5,2000,0,1800,50',
      '2026-11-02T09:01:00Z,c2,conv,claude-sonnet-4-5,2600,1800,700,50',
      '2026-11-02T09:02:00Z,c3,conv,claude-sonnet-4-5,2600,2500,0,50',
    ];
    writeFileSync(join(dir, 'nokeys.csv'), `${lines.join('\n')}\n`);
    const r = await runCli(['audit-cache', 'nokeys.csv', '--format', 'json'], { cwd: dir });
    const f = (JSON.parse(r.stdout) as CacheAuditReport).families[0]!;
    expect(f.prefixFrom).toEqual({ log: 0, counts: 3, none: 0 });
    // the rules see prefixes of 1,800, 2,500 and 2,500 tokens extending each other: the same reads
    expect(f.realistic.read).toBe(4300);
    expect(f.actual.read).toBe(4300);
    expect(f.causes[0]).toBe('as predicted by the realistic rules');
  });

  it('a Claude Code transcript (auto-detected): 1-hour writes, a read of a prefix written before the log', async () => {
    // Anthropic usage counts input beside the cache classes: inputTokens = 4 + 1,800 + 12,500 = 14,304.
    const usage = (input: number, write1h: number, read: number) =>
      `{"input_tokens": ${input}, "cache_creation_input_tokens": ${write1h}, "cache_read_input_tokens": ${read}, "cache_creation": {"ephemeral_5m_input_tokens": 0, "ephemeral_1h_input_tokens": ${write1h}}, "output_tokens": 100, "service_tier": "standard"}`;
    const msg = (id: string, t: string, u: string) =>
      `{"type": "assistant", "message": {"id": "${id}", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5-20250929", "content": [{"type": "text", "text": "ok"}], "stop_reason": "end_turn", "usage": ${u}}, "requestId": "r-${id}", "timestamp": "2025-10-01T12:0${t}Z", "sessionId": "s-1"}`;
    const lines = [
      '{"type": "user", "message": {"role": "user", "content": "fix the failing test"}, "timestamp": "2025-10-01T12:00:00.000Z", "sessionId": "s-1"}',
      msg('m1', '0:05.000', usage(4, 1800, 12500)),
      msg('m2', '1:05.000', usage(200, 500, 14300)),
    ];
    writeFileSync(join(dir, 'transcript.jsonl'), `${lines.join('\n')}\n`);
    const r = await runCli(['audit-cache', 'transcript.jsonl', '--ttl', '1h', '--format', 'json'], { cwd: dir });
    expect(r.stderr).toContain('--preset claude-code');
    const f = (JSON.parse(r.stdout) as CacheAuditReport).families[0]!;
    expect(f.requests).toBe(2);
    expect(f.actual.read).toBe(12500 + 14300);
    // the first read was written before the log began (the session's first request reads 12,500): the
    // simulations find it there (a warm start), then read the second request's 14,300-token prefix,
    // which the first wrote; they predict what the provider did
    expect(f.realistic.read).toBe(12500 + 14300);
    expect(f.realistic.written).toBe(1800 + 500);
    expect(f.causes[0]).toMatch(/^as predicted by the realistic rules/);
  });

  it('a log across price tables: each row priced by the table in force at its time, as replay prices it', async () => {
    // gpt-3.5-turbo is only in the 2024-12-01 table ($0.50 / $1.50): 1,000 x 0.50 + 100 x 1.50 = $0.00065;
    // claude-sonnet-4-5 in the 2026-11-18 table ($3 / $15): 2,000 x 3 + 100 x 15 = $0.0075
    const lines = [
      'timestamp,request_id,model,input_tokens,output_tokens',
      '2024-12-05T09:00:00Z,old,gpt-3.5-turbo,1000,100',
      '2026-11-20T09:00:00Z,new,claude-sonnet-4-5,2000,100',
    ];
    writeFileSync(join(dir, 'eras.csv'), `${lines.join('\n')}\n`);
    const r = await runCli(['audit-cache', 'eras.csv', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CacheAuditReport;
    expect(report.rows).toEqual({ read: 2, priced: 2, rejected: 0 });
    expect(report.total.actual.cost).toBe(0.00815);
    expect(report.pricing.perRequest).toBe(true);
    expect(report.pricing.tables?.map((t) => [t.version, t.requests, t.baselineCost])).toEqual([
      ['2024-12-01', 1, 0.00065],
      ['2026-11-18', 1, 0.0075],
    ]);
    const table = await runCli(['audit-cache', 'eras.csv'], { cwd: dir });
    expect(table.stdout).toContain('pricing per request: 2024-12-01 (1 req), 2026-11-18 (1 req)');
    // one table pinned, without the catalog: the old model is a rejected row; so is a row outside --timestamp-range
    const pinned = await runCli(
      ['audit-cache', 'eras.csv', '--as-of', '2026-11-18', '--no-catalog', '--format', 'json'],
      {
        cwd: dir,
      },
    );
    expect((JSON.parse(pinned.stdout) as CacheAuditReport).rows).toEqual({ read: 2, priced: 1, rejected: 1 });
    expect(pinned.stderr).toContain("eras.csv:2: model 'gpt-3.5-turbo' is in no pricing table");
    const ranged = await runCli(['audit-cache', 'eras.csv', '--timestamp-range', '2025-01-01..2027-01-01'], {
      cwd: dir,
    });
    expect(ranged.stdout).toContain('2 read · 1 priced · 1 rejected');
  });

  it("warns PRICING_STALE when the newest table is older than --stale-after on the log's last date", async () => {
    writeFileSync(
      join(dir, 'late.csv'),
      'timestamp,request_id,model,input_tokens,output_tokens\n2027-09-20T09:00:00Z,a,gpt-4o,2000,100\n',
    );
    const r = await runCli(['audit-cache', 'late.csv', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning[PRICING_STALE]');
    // the 2026-11-18 table is 306 days older than 2027-09-20
    expect((JSON.parse(r.stdout) as CacheAuditReport).warnings[0]).toMatch(
      /^pricing table 2026-11-18 .* 306 days older/,
    );
    const wide = await runCli(['audit-cache', 'late.csv', '--stale-after', '400'], { cwd: dir });
    expect(wide.stderr).not.toContain('PRICING_STALE');
  });

  it("does not warn that an automatic cache ignores the TTL: the TTL is the audit's own setting", async () => {
    // the LiteLLM sample has gpt-4o (automatic cache) rows beside Claude ones
    const r = await runCli(
      [
        'audit-cache',
        join(import.meta.dirname, '../fixtures/exports/litellm_spendlogs_psql_copy.csv'),
        '--format',
        'json',
      ],
      { cwd: dir },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as CacheAuditReport;
    expect(report.families.map((f) => f.family)).toContain('gpt-4o');
    expect(r.stderr + JSON.stringify(report.warnings)).not.toContain('ttl is ignored');
  });

  it('records that are not billed calls are said (LOG_SKIPPED) and counted in the rows line', async () => {
    // a Langfuse export: 5 GENERATION observations, a SPAN and an EVENT
    const r = await runCli(
      ['audit-cache', join(import.meta.dirname, '../fixtures/exports/langfuse_observations_v2.jsonl')],
      {
        cwd: dir,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning[LOG_SKIPPED]: 2 of 7 records skipped');
    expect(r.stdout).toContain('rows: 7 read · 5 priced · 0 rejected · 2 skipped (not billed calls)');
  });
});
