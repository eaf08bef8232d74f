// Every real export sample (copies in test/fixtures/exports, see SOURCE.md) replays with its preset
// and with auto-detection: the same rows, 0 wrongly rejected rows, and where the file carries billed
// cost, the computed cost equals it.
//
// Tolerance: billed figures are decimal floats written by the tool (0.00347); llmcost prices in exact
// atto-USD and rounds the report to 1e-6. Billed and computed sums are compared to 1e-9 USD (float
// addition of a few billed values drifts by ~1e-18; a wrong price or token class moves cost by
// >= 1e-7 on these rows), and differenceUsd (rounded to 1e-6) must be exactly 0.
//
// Bedrock, Vertex and Azure ids (anthropic.claude-..., bedrock/..., us.anthropic..., vertex_ai/...@date,
// azure/gpt-4o) price as their model through the channel; the samples are dated 2024-11..2025-01
// and each row is priced with the table in force on its date (2024-12-01), without --as-of.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const FIX = join(import.meta.dirname, '../fixtures/exports');

interface Expect {
  file: string;
  preset: string;
  rows: { read: number; priced: number; rejected: number; skipped?: number };
  cost: number;
  /** billed sum when the file carries cost */
  billed?: number;
  failed?: number;
  /** the only reject reasons allowed */
  rejects?: string[];
}

const SAMPLES: Expect[] = [
  {
    file: 'litellm_spend_logs_payload.original.json',
    preset: 'litellm',
    // gpt-4o: 10 x $2.50 + 20 x $10 per 1M = $0.000225, the payload's spend
    rows: { read: 1, priced: 1, rejected: 0 },
    cost: 0.000225,
    billed: 0.000225,
  },
  {
    file: 'litellm_spendlogs_psql_copy.csv',
    preset: 'litellm',
    // req-var-1 gpt-4o 476 + 1,024 cached + 100 out = 0.00347; req-var-2 azure/gpt-4o 0.0045;
    // req-var-3 claude-3-5-sonnet 14 + 2,048 read + 120 = 0.0024564; req-var-4 14 + 2,048 written = 0.009522;
    // req-var-5..8: Claude 3.5 Sonnet through Bedrock (in-region, bedrock/, us.) and Vertex, no uplift
    // before Sonnet 4.5: 500 x 3 + 50 x 15 = 0.00225 each; req-var-10 failure, 0 tokens = $0;
    // req-var-9 cache hit skipped. Sum 0.0199484 + 4 x 0.00225 = 0.0289484.
    rows: { read: 10, priced: 9, rejected: 0, skipped: 1 },
    cost: 0.028948,
    billed: 0.0289484,
    failed: 1,
  },
  // the same observations as an API page (a pretty-printed JSON document) and as v2 JSONL
  ...['langfuse_observations_api_page.json', 'langfuse_observations_v2.jsonl'].map((file) => ({
    file,
    preset: 'langfuse',
    // gen-1 0.00347 + gen-2 0.0024564 + gen-3 0.009522 + gen-4 failed $0 + the Bedrock generation
    // (anthropic.claude-3-5-sonnet-20240620-v1:0) 0.00225; SPAN and EVENT skipped
    rows: { read: 7, priced: 5, rejected: 0, skipped: 2 },
    cost: 0.017698,
    billed: 0.0176984,
    failed: 1,
  })),
  {
    file: 'helicone_export.jsonl',
    preset: 'helicone',
    // gpt-4o 0.00347 + gpt-4o-mini 800 x 0.15 + 60 x 0.60 = 0.000156 + claude (Anthropic: beside) 0.0024564;
    // the 429 and the -2 rows are failed calls with 0 tokens
    rows: { read: 5, priced: 5, rejected: 0 },
    cost: 0.006082,
    billed: 0.0060824,
    failed: 2,
  },
  {
    file: 'helicone_export_tool.csv',
    preset: 'helicone',
    // no cache columns in this layout: gpt-4o 1,500 x 2.50 + 100 x 10 = 0.00475; mini 0.000156;
    // claude 14 x 3 + 120 x 15 = 0.001842; cost_usd is empty (no reconciliation)
    rows: { read: 5, priced: 5, rejected: 0 },
    cost: 0.006748,
    failed: 2,
  },
  {
    file: 'openai_batch_output_docs.jsonl',
    preset: 'openai-batch',
    // gpt-3.5-turbo-0125 batch $0.25/$0.75: (22 + 20) x 0.25 + (2 + 9) x 0.75 = 10.5 + 8.25 -> $0.00001875
    rows: { read: 2, priced: 2, rejected: 0 },
    cost: 0.000019,
  },
  {
    file: 'openai_batch_errors_docs.jsonl',
    preset: 'openai-batch',
    // both lines expired: never run, never billed
    rows: { read: 2, priced: 0, rejected: 0, skipped: 2 },
    cost: 0,
  },
  {
    file: 'openai_batch_output_responses_api.jsonl',
    preset: 'openai-batch',
    // gpt-4.1 batch $1.00 in / $0.25 cached / $4.00 out: 512 + 1,024 x 0.25 + 87 x 4 = 512 + 256 + 348 -> $0.001116
    rows: { read: 1, priced: 1, rejected: 0 },
    cost: 0.001116,
  },
  {
    file: 'otel_otlp_file_exporter.jsonl',
    preset: 'otel',
    // gpt-4o 0.00347; claude inside (2,062 incl. 2,048 read) 0.0024564; claude 14 + 2,048 read (read as beside)
    // 0.0024564; the 429 span failed ($0); the invoke_agent span skipped. Sum 0.0083828
    rows: { read: 5, priced: 4, rejected: 0, skipped: 1 },
    cost: 0.008383,
    failed: 1,
  },
  {
    file: 'otel_python_console.jsonl',
    preset: 'otel',
    rows: { read: 4, priced: 4, rejected: 0 },
    cost: 0.008383,
    failed: 1,
  },
  {
    file: 'anthropic_usage_claude_code_transcript.jsonl',
    preset: 'claude-code',
    // claude-sonnet-4-5 $3 / read $0.30 / 5m $3.75 / 1h $6 / out $15:
    // msg_01 4 x 3 + 12,500 x 0.30 + 1,800 x 6 (1h) + 300 x 15 = 12 + 3,750 + 10,800 + 4,500 = $0.019062
    // msg_02 42,100 x 3 + 12,500 x 0.30 + 1,800 x 3.75 (5m) + 3,134 x 15 = 126,300 + 3,750 + 6,750 + 47,010 = $0.18381
    rows: { read: 3, priced: 2, rejected: 0, skipped: 1 },
    cost: 0.202872,
  },
  {
    file: 'bedrock_invocation_logs.jsonl',
    preset: 'bedrock',
    // us.anthropic.claude-sonnet-4-5 (regional +10%: $3.30 in / $0.33 read / $4.125 5m write / $16.50 out):
    //   3 x 3.30 + 25,037 x 4.125 + 13 x 16.50 = 103,502.025; 412 x 3.30 + 25,037 x 0.33 + 388 x 16.50 = 16,023.81
    // foundation-model ARN of claude-haiku-4-5 (in-region, $1/$5): 1,500 + 2,500 = 4,000
    // apac.amazon.nova-micro (catalog, $0.035/$0.14): 0.035 + 1.12 = 1.155; the errorCode call $0; the embedding skipped
    // -> 123,526.99 / 1M = $0.123527
    rows: { read: 6, priced: 5, rejected: 0, skipped: 1 },
    cost: 0.123527,
    failed: 1,
  },
  {
    file: 'gemini_generate_content.jsonl',
    preset: 'gemini',
    // gemini-2.5-flash $0.30 in / $0.03 cached / $2.50 out (thoughts billed as output):
    //   12,000 prompt incl. 8,192 cached: 3,808 x 0.30 + 8,192 x 0.03 + (300 + 700) x 2.50 = 3,888.16
    // gemini-2.5-pro $1.25 in and audio in / $10 out: 1,000 x 1.25 + 4,000 audio x 1.25 + 200 x 10 = 8,250
    // tool use: (100 prompt + 900 tool-use prompt) x 0.30 + 50 x 2.50 = 425
    // a Vertex batch output line (batch $0.15 / $1.25): 2,000 x 0.15 + 400 x 1.25 = 800
    // Provisioned Throughput and the error response skipped -> 13,363.16 / 1M
    rows: { read: 6, priced: 4, rejected: 0, skipped: 2 },
    cost: 0.013363,
  },
  {
    file: 'langsmith_runs.jsonl',
    preset: 'langsmith',
    // gpt-4o-mini $0.15 / $0.075 cached / $0.60: 407 x 0.15 + 12 x 0.075 + 87 x 0.60 = 114.15
    // claude-sonnet-4-5 (usage_metadata only; cache_creation 0 beside a 1-hour write of 3,000):
    //   100 x 3 + 2,000 x 0.30 + 3,000 x 6 + 200 x 15 = 21,900
    // the 429 run bills $0; the bulk-export row (extra as JSON text) gemini-2.5-flash 1,000 x 0.30 + 100 x 2.50 = 550
    // the chain run skipped -> 22,564.15 / 1M, each run's total_cost to the micro-dollar
    rows: { read: 5, priced: 4, rejected: 0, skipped: 1 },
    cost: 0.022564,
    billed: 0.02256415,
    failed: 1,
  },
  {
    file: 'openrouter_generations.jsonl',
    preset: 'openrouter',
    // anthropic/claude-sonnet-4.5 as claude-sonnet-4-5 ($3 / $0.30 cached / $15): 12,000 prompt incl.
    //   10,000 cached: 2,000 x 3 + 10,000 x 0.30 + 500 x 15 = 16,500
    // openai/gpt-4o-mini (unwrapped record) 1,000 x 0.15 + 200 x 0.60 = 270
    // google/gemini-2.5-flash 3,000 x 0.30 + 1,000 (600 reasoning inside) x 2.50 = 3,400
    // meta-llama/llama-3-70b-instruct:nitro, the catalog's openrouter entry ($0.59 / $0.79): 5,000 x 0.59 + 1,000 x 0.79 = 3,740
    // BYOK anthropic/claude-haiku-4.5 ($1 / $5): 2,000 x 1 + 100 x 5 = 2,500 = its upstream_inference_cost
    // the :free record skipped; the failed generation bills $0 -> 26,410 / 1M, each record's cost exactly
    rows: { read: 7, priced: 6, rejected: 0, skipped: 1 },
    cost: 0.02641,
    billed: 0.02641,
    failed: 1,
  },
  {
    file: 'openrouter_chat_completions.jsonl',
    preset: 'openai',
    // OpenRouter's chat.completion objects (OpenAI's shape; writes and reads inside prompt_tokens):
    // anthropic/claude-sonnet-4.5 as claude-sonnet-4-5: 5,000 prompt = 500 plain x 3 + 3,000 cached x 0.30
    //   + 1,500 written x 3.75, + 300 x 15 = 1,500 + 900 + 5,625 + 4,500 = 12,525
    // openai/gpt-4o-mini: 976 x 0.15 + 1,024 x 0.075 + 100 x 0.60 = 283.2
    // meta-llama/llama-3-70b-instruct, the catalog's openrouter entry: 1,000 x 0.59 + 100 x 0.79 = 669
    // -> 13,477.2 / 1M; usage.cost reconciles
    rows: { read: 3, priced: 3, rejected: 0 },
    cost: 0.013477,
    billed: 0.0134772,
  },
  {
    file: 'cloudflare_ai_gateway_logs.json',
    preset: 'cloudflare',
    // the API's page ({"result": [...], "result_info": ...}); no cache counts in these logs
    // gpt-4o-mini 1,200 x 0.15 + 300 x 0.60 = 360; claude-sonnet-4-5 4,000 x 3 + 500 x 15 = 19,500
    // aws-bedrock us.anthropic.claude-haiku-4-5 (regional, +10%: $1.10 / $5.50) 2,000 x 1.10 + 200 x 5.50 = 3,300
    // workers-ai @cf/meta/llama-4-scout-17b-16e-instruct, the catalog ($0.27 / $0.85): 10,000 x 0.27 + 1,000 x 0.85 = 3,550
    // the gateway cache hit skipped; the 429 bills $0 -> 26,710 / 1M, each log's cost exactly
    rows: { read: 6, priced: 5, rejected: 0, skipped: 1 },
    cost: 0.02671,
    billed: 0.02671,
    failed: 1,
  },
  {
    file: 'burstgpt1_head3.csv',
    preset: 'burstgpt',
    // gpt-3.5-turbo (472 + 1,087) x 0.50 + (18 + 230) x 1.50 = 779.5 + 372 = 1,151.5; gpt-4-turbo 417 x 10 + 276 x 30 = 12,450
    rows: { read: 3, priced: 3, rejected: 0 },
    cost: 0.013602,
  },
  {
    file: 'burstgpt3_head4.csv',
    preset: 'burstgpt',
    // gpt-4-turbo (906 + 1,779) x 10 + (446 + 123) x 30 = 43,920; gpt-3.5-turbo (36 + 935) x 0.5 + (29 + 178) x 1.5 = 796
    rows: { read: 4, priced: 4, rejected: 0 },
    cost: 0.044716,
  },
];

async function replay(args: string[]) {
  const r = await runCli(['replay', ...args, '--format', 'json'], { cwd: FIX });
  return { code: r.code, report: r.code === 0 ? JSON.parse(r.stdout) : undefined, stderr: r.stderr };
}

describe('real export samples', () => {
  for (const s of SAMPLES) {
    it(`${s.file}: --preset ${s.preset} and auto-detection agree`, async () => {
      const given = await replay([s.file, '--preset', s.preset]);
      const detected = await replay([s.file]);
      expect(given.code, given.stderr).toBe(0);
      expect(detected.code, detected.stderr).toBe(0);
      expect(detected.stderr).toContain(`note: reading ${s.file} as --preset ${s.preset}`);
      expect(given.stderr).not.toContain('note:');
      for (const { report } of [given, detected]) {
        expect(report.rows).toEqual(s.rows);
        expect(report.baseline.cost).toBe(s.cost);
        expect(report.extras.replay.log.preset).toBe(s.preset);
        expect(report.extras.replay.outcomes.failedRequests).toBe(s.failed ?? 0);
        const reasons = (report.extras.replay.rejects?.byReason ?? []).map((x: { reason: string }) => x.reason);
        expect(reasons.sort()).toEqual((s.rejects ?? []).slice().sort());
        const rec = report.extras.replay.reconciliation;
        if (s.billed === undefined) expect(rec).toBeUndefined();
        else {
          expect(Math.abs(rec.billedUsd - s.billed)).toBeLessThan(1e-6);
          expect(Math.abs(rec.computedUsd - rec.billedUsd)).toBeLessThan(1e-9);
          expect(rec.differenceUsd).toBe(0);
        }
      }
      expect(detected.report.extras.replay.log.presetDetected).toBe(true);
      expect(given.report.extras.replay.log.presetDetected).toBe(false);
    });
  }

  it('the Parquet export of the LiteLLM rows reads like the CSV: same rows, cost and reconciliation; rejects name their row', async () => {
    const csv = await replay(['litellm_spendlogs_psql_copy.csv']);
    const pq = await replay(['tool-layouts.parquet']);
    expect(pq.code, pq.stderr).toBe(0);
    expect(pq.stderr).toContain('as --preset litellm');
    // the Parquet copy has one more row: negative prompt tokens (row 11), rejected
    expect(pq.report.rows).toEqual({ read: 11, priced: 9, rejected: 1, skipped: 1 });
    expect(pq.report.baseline).toEqual(csv.report.baseline);
    expect(pq.report.extras.replay.reconciliation).toEqual(csv.report.extras.replay.reconciliation);
    expect(pq.report.extras.replay.log.format).toBe('parquet');
    expect(pq.report.extras.replay.rejects.first).toContainEqual({
      where: 'tool-layouts.parquet:11',
      reason: 'input_tokens -5 is negative',
    });
  });

  it('a directory of Claude Code transcripts: every file, one API call counted once (message id + request id)', async () => {
    const r = await replay(['claude-code-project']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('as --preset claude-code');
    const replayed = r.report.extras.replay;
    expect(replayed.log.files).toBe(2);
    // session-a: the sample (2 calls) + msg_02 written again as a second content block (skipped);
    // session-b: a summary line, a synthetic message, one call (msg_03: 10 in, 200 read, 50 out)
    expect(r.report.rows).toEqual({ read: 8, priced: 3, rejected: 0, skipped: 5 });
    expect(replayed.skipped.byReason).toEqual([
      { reason: 'Claude Code user line (not an API response)', records: 2 },
      { reason: 'Claude Code summary line (not an API response)', records: 1 },
      { reason: 'Claude Code synthetic message (no API call)', records: 1 },
      { reason: 'repeats an earlier record of the same API call', records: 1 },
    ]);
    // 0.202872 + msg_03 10 x 3 + 200 x 0.30 + 50 x 15 = 30 + 60 + 750 -> $0.00084
    expect(r.report.baseline.cost).toBe(0.203712);
  });

  it('1-hour cache writes on a model whose table has no 1-hour price: the row is rejected, never priced at 5m or $0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-1h-'));
    const log = join(dir, 'messages.jsonl');
    const usage = { input_tokens: 10, cache_creation_input_tokens: 100, output_tokens: 5 };
    const msg = (cache: object) =>
      JSON.stringify({
        timestamp: '2024-11-01T00:00:00Z',
        type: 'message',
        id: 'm',
        model: 'claude-3-5-sonnet-20241022',
        usage: { ...usage, ...cache },
      });
    writeFileSync(log, `${msg({ cache_creation: { ephemeral_1h_input_tokens: 100 } })}\n${msg({})}\n`);
    const r = await replay([log]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.report.rows).toEqual({ read: 2, priced: 1, rejected: 1 });
    expect(r.report.extras.replay.rejects.byReason).toEqual([{ reason: 'no 1-hour cache write price', rows: 1 }]);
    // the other row: 110 input x 3 ... 10 x $3 + 100 x $3.75 (5m) + 5 x $15 = 30 + 375 + 75 -> $0.00048
    expect(r.report.baseline.cost).toBe(0.00048);
  });

  it('Bedrock invocation logs: requestMetadata keys and the caller are tags --by can use', async () => {
    const r = await replay(['bedrock_invocation_logs.jsonl', '--by', 'team,identity']);
    expect(r.code, r.stderr).toBe(0);
    const team = r.report.by.team.map((x: { key: string; requests: number }) => [x.key, x.requests]);
    expect(team).toEqual([
      ['support', 3],
      ['(none)', 2],
    ]);
    expect(r.report.by.identity.map((x: { key: string }) => x.key)).toContain(
      'arn:aws:sts::111122223333:assumed-role/support-bot/session-1',
    );
  });

  it('--by a tag no row has: the hint lists the tags of a JSON log, and did-you-mean finds them', async () => {
    const r = await runCli(['replay', 'bedrock_invocation_logs.jsonl', '--by', 'teem'], { cwd: FIX });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("did you mean 'team' or 'tier'?");
    expect(r.stderr).toMatch(/this log's: [^)]*\bregion\b[^)]*\bteam\b/);
  });

  it('Bedrock latency-optimized calls are rejected, never priced at the standard price', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-bedrock-'));
    const rec = (id: string, latency: string) =>
      JSON.stringify({
        schemaType: 'ModelInvocationLog',
        schemaVersion: '1.0',
        timestamp: '2026-11-20T09:00:00Z',
        requestId: id,
        modelId: 'us.anthropic.claude-haiku-4-5-20251001-v1:0',
        performanceConfig: { latency },
        input: { inputTokenCount: 10 },
        output: { outputTokenCount: 5 },
      });
    writeFileSync(join(dir, 'lat.jsonl'), `${rec('x1', 'optimized')}\n${rec('x2', 'standard')}\n`);
    const r = await runCli(['replay', join(dir, 'lat.jsonl'), '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).rows).toEqual({ read: 2, priced: 1, rejected: 1 });
    expect(r.stderr).toContain('lat.jsonl:1: latency-optimized inference');
  });

  it('a Bedrock application inference profile ARN: the reject says how to map it, and the mapping prices it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmcost-bedrock-'));
    const arn = 'arn:aws:bedrock:us-east-1:111122223333:application-inference-profile/abc123';
    const rec = { schemaType: 'ModelInvocationLog', timestamp: '2026-11-20T09:00:00Z', modelId: arn };
    writeFileSync(
      join(dir, 'aip.jsonl'),
      `${JSON.stringify({ ...rec, input: { inputTokenCount: 10 }, output: { outputTokenCount: 5 } })}\n`,
    );
    const refused = await runCli(['replay', join(dir, 'aip.jsonl')]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(
      `a Bedrock application inference profile: map it to its model with --deployment ${arn}=MODEL`,
    );
    // claude-haiku-4-5 $1/$5: 10 + 25 = 35 micro-dollars
    const mapped = await runCli([
      'replay',
      join(dir, 'aip.jsonl'),
      '--deployment',
      `${arn}=claude-haiku-4-5`,
      '--format',
      'json',
    ]);
    expect(mapped.code, mapped.stderr).toBe(0);
    expect(JSON.parse(mapped.stdout).baseline.cost).toBe(0.000035);
  });

  it('--by model groups by canonical id; --by model_raw keeps the names as the log spells them', async () => {
    const r = await replay(['helicone_export.jsonl', '--by', 'model,model_raw']);
    const keys = (dim: string): string[] => r.report.by[dim].map((x: { key: string }) => x.key).sort();
    expect(keys('model')).toEqual(['claude-3-5-sonnet', 'gpt-4o', 'gpt-4o-mini']);
    expect(keys('model_raw')).toEqual(['claude-3-5-sonnet-20241022', 'gpt-4o', 'gpt-4o-2024-08-06', 'gpt-4o-mini']);
    expect(keys('model')).toEqual(r.report.models.map((m: { model: string }) => m.model).sort());
  });
});

describe('a strategy that cannot act on the data says so (STRATEGY_NO_DATA)', () => {
  // LiteLLM without stored prompts ("messages": "{}"), no prefix columns, no retry links, no batchable column
  const dir = mkdtempSync(join(tmpdir(), 'llmcost-nodata-'));
  const scenario = join(dir, 'whatif.yaml');
  writeFileSync(
    scenario,
    'name: nodata\nseed: 1\ntraffic:\n  profile: { days: 1, requests_per_day: 1, segments: [{ name: a, share: 1, model: gpt-4o, input_tokens: 10, output_tokens: 10 }] }\nstrategies:\n  - use: prompt-cache\n  - use: response-cache\n  - use: dedupe-retries\n  - use: batch\n',
  );
  const codes = /STRATEGY\\?_NO\\?_DATA/g; // Markdown escapes the underscores

  it('on stderr once each, and in every output format', async () => {
    for (const format of ['json', 'table', 'md', 'csv', 'html']) {
      const r = await runCli(
        ['replay', 'litellm_spend_logs_payload.original.json', '--scenario', scenario, '--format', format],
        { cwd: FIX },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr.match(/warning\[STRATEGY_NO_DATA\]/g)?.length).toBe(4);
      expect(r.stderr).toContain('prompt-cache: no request carries prefix blocks');
      expect(r.stderr).toContain('response-cache: requests carry no query key');
      expect(r.stderr).toContain('dedupe-retries: no request names the call it retries');
      expect(r.stderr).toContain('batch: no request it saw is marked batchable (the log has no batchable column');
      expect(r.stdout.match(codes)?.length, format).toBe(4);
    }
  });

  it('prompt-cache on a log that reports cache counts but no prefixes infers them (STRATEGY_INFERRED, not NO_DATA)', async () => {
    const only = join(dir, 'cache-only.yaml');
    writeFileSync(
      only,
      'name: cache-only\nseed: 1\ntraffic:\n  profile: { days: 1, requests_per_day: 1, segments: [{ name: a, share: 1, model: gpt-4o, input_tokens: 10, output_tokens: 10 }] }\nstrategies:\n  - use: prompt-cache\n',
    );
    // the Claude Code transcript: its two calls report cache reads and writes, and no prefix columns
    const r = await runCli(['replay', 'anthropic_usage_claude_code_transcript.jsonl', '--scenario', only], {
      cwd: FIX,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain(
      'prompt-cache: 2 of 2 requests carry no prefix blocks; their cacheable prefixes are inferred from the cache reads and writes the log reports',
    );
    expect(r.stderr).not.toContain('STRATEGY_NO_DATA');
  });

  it('batch with only_batchable: false moves every standard request: no warning for it', async () => {
    const all = join(dir, 'batch-all.yaml');
    writeFileSync(
      all,
      'name: batch-all\nseed: 1\ntraffic:\n  profile: { days: 1, requests_per_day: 1, segments: [{ name: a, share: 1, model: gpt-4o, input_tokens: 10, output_tokens: 10 }] }\nstrategies:\n  - use: batch\n    only_batchable: false\n',
    );
    const r = await runCli(
      ['replay', 'litellm_spend_logs_payload.original.json', '--scenario', all, '--format', 'json'],
      {
        cwd: FIX,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('STRATEGY_NO_DATA');
    expect(JSON.parse(r.stdout).steps[0].saving).toBeGreaterThan(0);
  });

  it('a prompt hash from real prompts lets response-cache act: no warning for it', async () => {
    const log = join(dir, 'prompts.jsonl');
    const row = (id: string) =>
      JSON.stringify({
        request_id: id,
        call_type: 'acompletion',
        spend: 0.000225,
        startTime: '2025-01-24 09:20:46',
        model: 'gpt-4o',
        prompt_tokens: 10,
        completion_tokens: 20,
        messages: '[{"role":"user","content":"hi"}]',
      });
    writeFileSync(log, `${row('a')}\n${row('b')}\n`);
    const r = await runCli(['replay', log, '--scenario', scenario, '--format', 'json'], { cwd: FIX });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('response-cache: requests carry no query key');
    // the second identical prompt is answered from the cache
    const report = JSON.parse(r.stdout);
    expect(report.steps.find((x: { strategy: string }) => x.strategy === 'response-cache').saving).toBeGreaterThan(0);
  });
});
