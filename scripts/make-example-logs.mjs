#!/usr/bin/env node
// Writes the small example logs in scenarios/logs/ (seeded, deterministic: same output every run).
//   node scripts/make-example-logs.mjs
// cost_usd is what the provider would bill at the 2026-11-01 table, except for a few rows whose
// billed cost is deliberately off (a 10% surcharge), so `replay` has a reconciliation gap to show.
import { mkdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const OUT = new URL('../scenarios/logs/', import.meta.url);
mkdirSync(OUT, { recursive: true });

// mulberry32: a tiny seeded PRNG (scripts only; src/ uses src/engine/rng.ts).
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const r = rng(20261123);
const int = (lo, hi) => lo + Math.floor(r() * (hi - lo + 1));
const choose = (xs) => xs[Math.floor(r() * xs.length)];

// USD per 1M tokens (pricing/2026-11-01.yaml): input, output, cache read, cache write (5m).
const PRICES = {
  'claude-sonnet-4-6': [3.0, 15.0, 0.3, 3.75],
  'claude-haiku-4-5': [1.0, 5.0, 0.1, 1.25],
  'gpt-4o-mini': [0.15, 0.6, 0.075, 0.15], // automatic cache: writes are plain input
};
function cost(model, input, cached, write, output) {
  const [pi, po, pr, pw] = PRICES[model];
  return ((input - cached - write) * pi + cached * pr + write * pw + output * po) / 1e6;
}
const usd = (x) => x.toFixed(8).replace(/0+$/, '').replace(/\.$/, '');

// ---------------------------------------------------------------- canonical CSV (200 rows)
const FEATURES = [
  { feature: 'support-chat', model: 'claude-sonnet-4-6', system: 4200, pv: ['support-v3', 'support-v4'] },
  { feature: 'summarise', model: 'claude-haiku-4-5', system: 1800, pv: ['sum-v1'] },
  { feature: 'classify', model: 'gpt-4o-mini', system: 1200, pv: ['cls-v2'] },
];
const TENANTS = ['acme', 'globex', 'initech', 'umbrella'];
const header = [
  'timestamp',
  'request_id',
  'conversation_id',
  'model',
  'input_tokens',
  'cached_input_tokens',
  'cache_write_tokens',
  'output_tokens',
  'tenant',
  'feature',
  'route',
  'prompt_version',
  'prefix_key',
  'prefix_tokens',
  'status',
  'retry_of',
  'batchable',
  'cost_usd',
];
const rows = [];
let t = Date.UTC(2026, 10, 2, 8, 0, 0);
const warm = new Map(); // prefix key -> last use (ms): a crude stand-in for the provider's cache
for (let i = 1; rows.length < 200; i++) {
  t += int(5, 900) * 1000;
  const f = choose(FEATURES);
  const pv = choose(f.pv);
  const prefixKey = `${f.feature}:${pv}`;
  const user = int(80, 1500);
  const input = f.system + user;
  const output = int(40, 700);
  const hot = warm.has(prefixKey) && t - warm.get(prefixKey) < 300_000;
  warm.set(prefixKey, t);
  const anthropic = f.model.startsWith('claude');
  const cached = hot ? f.system : 0;
  const write = !hot && anthropic ? f.system : 0;
  const id = `req-${String(i).padStart(4, '0')}`;
  const base = {
    timestamp: new Date(t).toISOString(),
    request_id: id,
    conversation_id: `conv-${int(1, 60)}`,
    model: f.model,
    input_tokens: input,
    cached_input_tokens: cached,
    cache_write_tokens: write,
    output_tokens: output,
    tenant: choose(TENANTS),
    feature: f.feature,
    route: anthropic ? 'primary' : 'cheap',
    prompt_version: pv,
    prefix_key: prefixKey,
    prefix_tokens: f.system,
    status: 'ok',
    retry_of: '',
    batchable: f.feature === 'summarise' ? 'true' : 'false',
  };
  // ~4% errors (billed for input, short output), each followed by a retry
  if (r() < 0.04 && rows.length < 198) {
    const err = { ...base, status: 'error', output_tokens: 0 };
    err.cost_usd = usd(cost(f.model, err.input_tokens, err.cached_input_tokens, err.cache_write_tokens, 0));
    rows.push(err);
    t += 2000;
    const retry = {
      ...base,
      timestamp: new Date(t).toISOString(),
      request_id: `${id}-r1`,
      retry_of: id,
      cached_input_tokens: anthropic || hot ? f.system : 0,
      cache_write_tokens: 0,
    };
    retry.cost_usd = usd(cost(f.model, retry.input_tokens, retry.cached_input_tokens, 0, retry.output_tokens));
    rows.push(retry);
    continue;
  }
  let c = cost(f.model, input, cached, write, output);
  if (i % 25 === 0 && anthropic) c *= 1.1; // a billing discrepancy to reconcile
  base.cost_usd = usd(c);
  rows.push(base);
}
const csv = `${[header.join(','), ...rows.map((row) => header.map((h) => String(row[h] ?? '')).join(','))].join('\n')}\n`;
writeFileSync(new URL('support-bot.csv', OUT), csv);
// short gzip'd log: the first 40 rows (gzip header mtime is 0, so the bytes are stable)
writeFileSync(
  new URL('support-bot-short.csv.gz', OUT),
  gzipSync(
    `${[header.join(','), ...rows.slice(0, 40).map((row) => header.map((h) => String(row[h] ?? '')).join(','))].join(
      '\n',
    )}\n`,
  ),
);

// ---------------------------------------------------------------- LiteLLM spend logs (JSONL)
const litellm = [];
let lt = Date.UTC(2026, 10, 3, 9, 0, 0);
for (let i = 1; i <= 30; i++) {
  lt += int(10, 400) * 1000;
  const model = i % 3 === 0 ? 'gpt-4o-mini' : 'claude-haiku-4-5';
  const prompt = int(1500, 6000);
  const cachedRead = i % 4 === 0 ? 1024 : 0;
  const cacheCreate = model.startsWith('claude') && i % 5 === 0 ? 1024 : 0;
  const completion = int(50, 600);
  const cacheHit = i === 7 || i === 19;
  const failure = i === 12;
  litellm.push({
    request_id: `chatcmpl-${String(i).padStart(3, '0')}`,
    call_type: 'acompletion',
    startTime: new Date(lt).toISOString().replace('Z', '+00:00'),
    endTime: new Date(lt + 2500).toISOString().replace('Z', '+00:00'),
    model,
    model_group: model.startsWith('claude') ? 'fast' : 'cheap',
    prompt_tokens: cacheHit ? 0 : prompt,
    completion_tokens: cacheHit || failure ? 0 : completion,
    total_tokens: cacheHit ? 0 : prompt + completion,
    spend: cacheHit ? 0 : Number(usd(cost(model, prompt, cachedRead, cacheCreate, failure ? 0 : completion))),
    team_id: choose(['team-search', 'team-support']),
    user: `user-${int(1, 9)}`,
    cache_hit: cacheHit ? 'True' : 'False',
    status: failure ? 'failure' : 'success',
    metadata: {
      user_api_key_alias: 'prod-key',
      usage_object: {
        prompt_tokens: prompt,
        completion_tokens: completion,
        prompt_tokens_details: { cached_tokens: cachedRead },
        cache_creation_input_tokens: cacheCreate,
      },
    },
  });
}
writeFileSync(new URL('litellm-spend.jsonl', OUT), `${litellm.map((x) => JSON.stringify(x)).join('\n')}\n`);

// ---------------------------------------------------------------- OpenAI Batch output (JSONL)
const batch = [];
for (let i = 1; i <= 20; i++) {
  if (i === 13) {
    batch.push({
      id: `batch_req_${i}`,
      custom_id: `request-${i}`,
      response: null,
      error: {
        code: 'batch_expired',
        message: 'This request could not be executed before the completion window expired.',
      },
    });
    continue;
  }
  const prompt = int(300, 3000);
  const cachedTokens = prompt >= 2048 && i % 2 === 0 ? 1024 + 128 * int(0, 4) : 0;
  const completion = int(20, 400);
  batch.push({
    id: `batch_req_${i}`,
    custom_id: `request-${i}`,
    response: {
      status_code: 200,
      request_id: `req_${i}`,
      body: {
        id: `chatcmpl-b${i}`,
        object: 'chat.completion',
        created: 1793613600 + i * 37,
        model: 'gpt-4o-mini-2024-07-18',
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: prompt,
          completion_tokens: completion,
          total_tokens: prompt + completion,
          prompt_tokens_details: { cached_tokens: cachedTokens },
        },
      },
    },
    error: null,
  });
}
writeFileSync(new URL('openai-batch-output.jsonl', OUT), `${batch.map((x) => JSON.stringify(x)).join('\n')}\n`);

// ------------------------------------------------- Gemini API Batch results file (JSONL)
// Each line a GenerateContentResponse under `response`, or a status object under `error`, with the
// request's `key` (ai.google.dev/gemini-api/docs/batch-mode); no time of its own (--timestamp).
const gemini = [];
for (let i = 1; i <= 12; i++) {
  if (i === 7) {
    gemini.push({
      key: `request-${i}`,
      error: { code: 400, message: 'Request contains an invalid argument.', status: 'INVALID_ARGUMENT' },
    });
    continue;
  }
  const prompt = int(300, 3000);
  const out = int(20, 400);
  gemini.push({
    key: `request-${i}`,
    response: {
      candidates: [{ content: { parts: [{ text: 'ok' }], role: 'model' }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: out, totalTokenCount: prompt + out },
      modelVersion: 'gemini-2.5-flash',
      responseId: `resp-g${i}`,
    },
  });
}
writeFileSync(new URL('gemini-batch-output.jsonl', OUT), `${gemini.map((x) => JSON.stringify(x)).join('\n')}\n`);
console.log(
  `wrote ${rows.length} + 40 (gz) canonical rows, ${litellm.length} LiteLLM rows, ${batch.length} + ${gemini.length} batch lines to scenarios/logs/`,
);
