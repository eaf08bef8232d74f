// docs/scale.md's SQL, run in DuckDB: its sample bucket keeps exactly the requests llmcost's
// --sample keeps; a sample cut in SQL simulates exactly like --sample on the whole log; the
// LiteLLM -> canonical export prices like the LiteLLM preset. Skipped, with the reason, when the
// DuckDB native module cannot load on this machine (it is a dev dependency).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { parseSampleRate, SampleFilter } from '../../src/traffic/sample.js';

const root = resolve(import.meta.dirname, '../..');
type Duck = typeof import('@duckdb/node-api');
let duck: Duck | undefined;
let why = '';
try {
  duck = await import('@duckdb/node-api');
} catch (e) {
  why = (e as Error).message;
}
if (!duck) console.warn(`skipping docs/scale.md SQL tests: @duckdb/node-api does not load here (${why})`);

const dir = mkdtempSync(join(tmpdir(), 'scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A canonical log: 3,000 requests in 400 conversations on 60 prefix keys, retries 2 s after failures. */
function smallLog(): string {
  const lines = [
    'timestamp,request_id,model,input_tokens,output_tokens,tenant,prefix_key,prefix_tokens,conversation_id,status,retry_of',
  ];
  const t0 = Date.UTC(2026, 10, 2);
  for (let i = 0; i < 3000; i++) {
    const conv = (i * 7919) % 400;
    const key = `sys:${conv % 60}`;
    const ts = new Date(t0 + i * 1500).toISOString();
    const failed = i % 97 === 0;
    lines.push(
      `${ts},r${i},claude-sonnet-4-5,${3000 + (i % 500)},${failed ? 0 : 200},t${conv % 5},${key},2048,c${conv},${failed ? 'error' : 'ok'},`,
    );
    if (failed)
      lines.push(
        `${new Date(t0 + i * 1500 + 2).toISOString()},r${i}b,claude-sonnet-4-5,${3000 + (i % 500)},200,t${conv % 5},${key},2048,c${conv},ok,r${i}`,
      );
  }
  const file = join(dir, 'log.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** the ```sql block of docs/scale.md that starts with `-- duckdb: <name>` */
function docSql(name: string): string {
  const doc = readFileSync(join(root, 'docs/scale.md'), 'utf8');
  const m = new RegExp('```sql\\n-- duckdb: ' + name + '\\n([\\s\\S]*?)```').exec(doc);
  if (!m) throw new Error(`docs/scale.md has no duckdb ${name} block`);
  return m[1]!;
}

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const inst = await duck!.DuckDBInstance.create(':memory:');
  const con = await inst.connect();
  const r = await con.runAndReadAll(sql);
  return r.getRowObjectsJson() as Record<string, unknown>[];
}

describe.skipIf(!duck)('docs/scale.md in DuckDB', () => {
  const log = smallLog();

  it("DuckDB's bucket keeps exactly the requests llmcost's sample keeps (by conversation, 10%)", async () => {
    const rows = await query(
      `SELECT request_id FROM read_csv('${log}', all_varchar = true)
       WHERE ('0x' || substr(md5(coalesce(nullif(trim(conversation_id), ''), request_id)), 1, 8))::BIGINT % 10000 < 1000`,
    );
    const sql = rows.map((r) => String(r.request_id)).sort();
    const sample = new SampleFilter(parseSampleRate('10%'), 'conversation_id');
    const kept: string[] = [];
    for await (const b of readLog({ file: log, sample }, newLogStats())) for (const r of b) kept.push(r.id);
    expect(kept.sort()).toEqual(sql);
    expect(sql.length).toBeGreaterThan(100); // ~10% of 3,031
  });

  it('a sample cut in SQL simulates exactly like --sample on the whole log', async () => {
    const cut = join(dir, 'cut.csv');
    await query(
      `COPY (SELECT * FROM read_csv('${log}', all_varchar = true)
       WHERE ('0x' || substr(md5(coalesce(nullif(trim(prefix_key), ''), request_id)), 1, 8))::BIGINT % 10000 < 1000)
       TO '${cut}' (HEADER)`,
    );
    const scenario = (file: string): string => {
      const p = join(dir, `${file.replace(/\W/g, '_')}.yaml`);
      writeFileSync(
        p,
        `name: cut\nseed: 3\npricing: { version: "2026-11-01" }\ntraffic: { log: { file: ${JSON.stringify(file)} } }\nstrategies:\n  - use: dedupe-retries\n  - use: prompt-cache\n`,
      );
      return p;
    };
    const whole = await runCli(['simulate', scenario(log), '--sample', '10%', '--format', 'json']);
    const fromSql = await runCli(['simulate', scenario(cut), '--sample', '10%', '--format', 'json']);
    expect(whole.code).toBe(0);
    const a = JSON.parse(whole.stdout);
    const b = JSON.parse(fromSql.stdout);
    expect(b.rows.skipped ?? 0).toBe(0); // the cut file is all inside the sample: the rule is idempotent
    expect(b.final).toEqual(a.final);
    expect(b.extras.sampleBands).toEqual(a.extras.sampleBands);
  });

  it('the LiteLLM export query prices the spend logs like the litellm preset', async () => {
    const out = join(dir, 'litellm-sample.csv');
    const fixture = join(root, 'test/fixtures/exports/litellm_spendlogs_psql_copy.csv');
    // the whole table (bucket < 10000), written where the test can read it
    const sql = docSql('litellm').replace("'litellm-sample.csv'", `'${out}'`).replace(' < 100\n', ' < 10000\n');
    await query(
      `CREATE TABLE "LiteLLM_SpendLogs" AS SELECT * FROM read_csv('${fixture}', all_varchar = true);\n${sql}`,
    );
    const exported = await runCli(['replay', out, '--preset', 'canonical', '--format', 'json']);
    const original = await runCli(['replay', fixture, '--preset', 'litellm', '--format', 'json']);
    expect(exported.code).toBe(0);
    expect(original.code).toBe(0);
    const a = JSON.parse(exported.stdout);
    const b = JSON.parse(original.stdout);
    expect(a.baseline.cost).toBe(b.baseline.cost);
    expect(a.requests).toBe(b.requests);
  });
});
