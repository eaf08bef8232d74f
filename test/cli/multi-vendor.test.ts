// The bundled multi-vendor log end to end: the current flagships of Anthropic, OpenAI and Google,
// their Bedrock/Vertex/Azure ids, catalog models (DeepSeek, Mistral, xAI, Llama on Groq), and
// rows from October 2025, all priced with 0 rejects, each at the price in force at its timestamp.
// Every expected cost is computed by hand below from the tables' (or the catalog's) prices:
// cost = input x $in + cached x $read + written x $write + output x $out, per 1M tokens.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const LOG = 'scenarios/logs/multi-vendor.csv';
const replay = (...extra: string[]) => runCli(['replay', LOG, '--by', 'feature', '--format', 'json', ...extra]);
const byFeature = (stdout: string): Record<string, number> =>
  Object.fromEntries((JSON.parse(stdout).by.feature as { key: string; cost: number }[]).map((x) => [x.key, x.cost]));

const EXPECTED: Record<string, number> = {
  // 2025-10-01 table: Sonnet 4.5 had a >200K band ($6 / $22.50): 250K x 6 + 10K x 22.50
  'oct25-sonnet-4-5-over-200k': 1.5 + 0.225,
  // Gemini 2.5 Pro cache hits $0.31 in Oct 2025: 20K x 1.25 + 80K x 0.31 + 10K x 10
  'oct25-gemini-2.5-pro-cached': 0.025 + 0.0248 + 0.1,
  // ... and $0.125 in Nov 2026 (2026-11-01 table): the same request after the price change
  'nov26-gemini-2.5-pro-cached': 0.025 + 0.01 + 0.1,
  // Opus 5.5 $4/$20, 5m write $5, read $0.20: 20K plain + 60K read + 20K written + 10K out
  'anthropic-opus-5-5': 0.08 + 0.012 + 0.1 + 0.2,
  // Sonnet 5.5 $2/$10, read $0.10 (after the 2026-10-07 cut): 20K + 80K read + 10K out
  'anthropic-sonnet-5-5': 0.04 + 0.008 + 0.1,
  // Haiku 5.5 at exactly 100,000 prompt tokens: still the base band $0.10/$0.50
  'anthropic-haiku-5-5-at-100k': 0.01 + 0.005,
  // one token more: every token at $0.50/$2.50 (0.0750005 rounds half-up to 1e-6)
  'anthropic-haiku-5-5-over-100k': 0.075001,
  // GPT-6.2 Astra $8/$40, cached $0.40, write $10: 40K + 50K read + 10K written + 10K out
  'openai-gpt-6.2-astra': 0.32 + 0.02 + 0.1 + 0.4,
  'openai-gpt-6.2-sol': 0.2 + 0.1, // $2 / $10
  'google-gemini-4-neon': 0.3 + 0.15, // $3 / $15
  // Gemini 3.1 Pro over 200K: whole request at $4 / $18
  'google-gemini-3.1-pro-over-200k': 1.2 + 0.18,
  // Bedrock us. (regional): Sonnet 4.5 +10% = $3.30 / $16.50
  'bedrock-us-sonnet-4-5': 0.33 + 0.165,
  'bedrock-global-opus-4-7': 0.5 + 0.25, // global: list price $5 / $25
  'bedrock-eu-haiku-4-5': 0.11 + 0.055, // regional: $1.10 / $5.50
  // Claude 3.5 Sonnet, retired: priced from the 2025-10-01 table ($3/$15), no uplift (pre-4.5)
  'bedrock-claude-3-5-sonnet': 0.3 + 0.15,
  'vertex-opus-4-6': 0.5 + 0.25, // Vertex without a location: global
  'vertex-us-east5-sonnet-4-5': 0.33 + 0.165, // a regional location: +10%
  'vertex-gemini-2.5-pro': 0.125 + 0.1, // $1.25 / $10
  'azure-gpt-4.1': 0.2 + 0.08, // Azure Global = OpenAI's $2 / $8
  'azure-prod-chat-deployment': 0.2 + 0.08, // --deployment prod-chat=gpt-4.1
  'azure-eu-data-zone-gpt-5.4': 0.275 + 0.165, // Data Zone +10%: $2.75 / $16.50
  // catalog (LiteLLM 2026-08-01): DeepSeek $0.28/$0.42, Mistral Large $0.50/$1.50,
  // Grok 4 $3/$15, Llama 3.3 70B on Groq $0.59/$0.79
  'catalog-deepseek-chat': 0.028 + 0.0042,
  'catalog-mistral-large': 0.05 + 0.015,
  'catalog-xai-grok-4': 0.3 + 0.15,
  'catalog-groq-llama-3.3-70b': 0.059 + 0.0079,
};
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

describe('replay of the multi-vendor log', () => {
  it('prices every row (0 rejected) at its vendor, channel or catalog price', async () => {
    const r = await replay('--deployment', 'prod-chat=gpt-4.1');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows).toEqual({ read: 25, priced: 25, rejected: 0 });
    const got = byFeature(r.stdout);
    for (const [feature, usd] of Object.entries(EXPECTED)) expect(got[feature], feature).toBe(round6(usd));
    expect(Object.keys(got).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it('says which table, channel or catalog priced what, with counts and dollars', async () => {
    const j = JSON.parse((await replay('--deployment', 'prod-chat=gpt-4.1')).stdout);
    expect(j.pricing.perRequest).toBe(true);
    expect(j.pricing.tables.map((t: { version: string; requests: number }) => [t.version, t.requests])).toEqual([
      ['2025-10-01', 3],
      ['2026-11-01', 1],
      ['2026-11-18', 17],
    ]);
    expect(j.pricing.catalog).toEqual({
      version: 'litellm-2026-08-01',
      requests: 4,
      baselineCost: round6(0.0322 + 0.065 + 0.45 + 0.0669),
      models: ['deepseek/deepseek-chat', 'groq/llama-3.3-70b-versatile', 'mistral/mistral-large-latest', 'xai/grok-4'],
    });
    expect(j.models).toContainEqual({
      model: 'claude-sonnet-4-5',
      channel: 'bedrock regional +10%',
      pricedBy: ['2026-11-18'],
      baselineCost: 0.495,
      finalCost: 0.495,
    });
    expect(j.models).toContainEqual(
      expect.objectContaining({ model: 'gemini-2.5-pro', channel: null, pricedBy: ['2025-10-01', '2026-11-01'] }),
    );
    const table = await runCli(['replay', LOG, '--deployment', 'prod-chat=gpt-4.1']);
    expect(table.stdout).toContain(
      'pricing per request: 2025-10-01 (3 req), 2026-11-01 (1 req), 2026-11-18 (17 req); catalog litellm-2026-08-01: 4 req, $0.6141 (community prices, not vendor-checked)',
    );
    expect(table.stdout).toContain('claude-sonnet-4-5 · bedrock regional +10%');
    expect(table.stdout).toContain('xai/grok-4 · catalog');
  });

  it('an unmapped Azure deployment is the only reject, with the mapping as the fix', async () => {
    const r = await replay();
    const j = JSON.parse(r.stdout);
    expect(j.rows.rejected).toBe(1);
    expect(r.stderr).toContain(
      "multi-vendor.csv:21: model 'azure/prod-chat' is in no pricing table (an Azure deployment: map it to its model with --deployment prod-chat=MODEL",
    );
  });

  it('--no-catalog refuses the models only the catalog knows', async () => {
    const j = JSON.parse((await replay('--deployment', 'prod-chat=gpt-4.1', '--no-catalog')).stdout);
    expect(j.rows.rejected).toBe(4);
    expect(j.pricing.catalog).toBeNull();
  });

  it('an October-2025 log is priced with the 2025 table without any flag; --as-of pins one table', async () => {
    const oct = readFileSync(LOG, 'utf8').split('\n').slice(0, 3).join('\n');
    const r = await runCli(['replay', '-', '--by', 'feature', '--format', 'json'], { stdin: oct });
    const j = JSON.parse(r.stdout);
    expect(j.pricing.tables.map((t: { version: string }) => t.version)).toEqual(['2025-10-01']);
    expect(byFeature(r.stdout)['oct25-sonnet-4-5-over-200k']).toBe(1.725);
    // pinned to today's table: the retired band and the old cache price are gone
    const pinned = await runCli(['replay', '-', '--by', 'feature', '--format', 'json', '--as-of', '2026-11-30'], {
      stdin: oct,
    });
    expect(byFeature(pinned.stdout)).toEqual({
      'oct25-sonnet-4-5-over-200k': 0.75 + 0.15,
      'oct25-gemini-2.5-pro-cached': 0.135,
    });
  });
});
