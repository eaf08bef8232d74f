// Each preset's token conventions, one case each: cached/written tokens inside or beside input,
// 5-minute and 1-hour cache writes, reasoning tokens, a failed call without usage (a failed request
// with 0 tokens) and a record that is not a model call (skipped and counted, never rejected). The
// records follow the layouts of the real samples in test/fixtures/exports (see SOURCE.md) with
// values changed to isolate each convention; expectations are the token classes a request carries.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { type LogStats, newLogStats, parseMap, readLog } from '../../src/traffic/logs/read.js';

const DIR = mkdtempSync(join(tmpdir(), 'llmcost-conventions-'));
let n = 0;

async function read(
  preset: string,
  lines: unknown[],
  opts: { map?: string[]; ext?: string } = {},
): Promise<{ reqs: SimRequest[]; stats: LogStats }> {
  const file = join(DIR, `log-${n++}.${opts.ext ?? 'jsonl'}`);
  writeFileSync(file, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`);
  const stats = newLogStats();
  const reqs: SimRequest[] = [];
  const map = opts.map ? parseMap(opts.map) : undefined;
  for await (const b of readLog({ file, preset, ...(map ? { map } : {}) }, stats)) reqs.push(...b);
  return { reqs, stats };
}

/** the token classes of a request: [input, read, write5m, write1h, output, reasoning] */
const classes = (r: SimRequest): (number | undefined)[] => [
  r.inputTokens,
  r.cached?.read ?? 0,
  r.cached?.write5m ?? 0,
  r.cached?.write1h ?? 0,
  r.outputTokens,
  r.reasoningTokens,
];

describe('canonical', () => {
  const head =
    'timestamp,model,input_tokens,cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,output_tokens,reasoning_tokens,status';
  it('inside by default; --map cache_tokens=beside adds cache tokens to input', async () => {
    const row = '2026-11-01T00:00:00Z,claude-sonnet-4-5,1000,600,300,100,50,20,ok';
    const inside = await read('canonical', [head, row], { ext: 'csv' });
    expect(classes(inside.reqs[0]!)).toEqual([1000, 600, 200, 100, 50, 20]);
    const beside = await read('canonical', [head, row], { ext: 'csv', map: ['cache_tokens=beside'] });
    expect(classes(beside.reqs[0]!)).toEqual([1900, 600, 200, 100, 50, 20]);
  });
  it('1h writes beyond all writes, reasoning beyond output: rejected with the reason', async () => {
    const { stats } = await read(
      'canonical',
      [head, '2026-11-01T00:00:00Z,gpt-4o,1000,0,100,200,50,0,ok', '2026-11-01T00:00:00Z,gpt-4o,1000,0,0,0,50,60,ok'],
      { ext: 'csv' },
    );
    expect(stats.reasons).toEqual({ 'cache_write_1h > cache_write': 1, 'reasoning > output': 1 });
  });
  it('a failed call without usage is a failed request with 0 tokens; without a model too it is skipped', async () => {
    const { reqs, stats } = await read(
      'canonical',
      [head, '2026-11-01T00:00:00Z,gpt-4o,,,,,,,error', '2026-11-01T00:00:00Z,,,,,,,,timeout'],
      { ext: 'csv' },
    );
    expect(reqs.map((r) => [r.status, ...classes(r)])).toEqual([['error', 0, 0, 0, 0, 0, undefined]]);
    expect(stats).toMatchObject({ priced: 1, rejected: 0, skipped: 1 });
    expect(stats.skipReasons).toEqual({ 'failed call without model or usage (not billed)': 1 });
  });
});

describe('litellm', () => {
  const meta = (usage: object) => JSON.stringify({ usage_object: usage, user_api_key_team_id: 'team-a' });
  const row = (o: object) => ({
    request_id: 'r',
    call_type: 'acompletion',
    startTime: '2025-01-24 09:21:01.000001',
    model: 'gpt-4o',
    messages: '{}',
    status: 'success',
    cache_hit: 'None',
    ...o,
  });
  it('inside: prompt_tokens include cache reads and writes; metadata as JSON text; reasoning inside completion', async () => {
    const { reqs } = await read('litellm', [
      row({
        prompt_tokens: 2062,
        completion_tokens: 120,
        spend: 0.01,
        metadata: meta({
          prompt_tokens: 2062,
          completion_tokens: 120,
          cache_read_input_tokens: 1024,
          cache_creation_input_tokens: 1000,
          completion_tokens_details: { reasoning_tokens: 80 },
        }),
      }),
    ]);
    expect(classes(reqs[0]!)).toEqual([2062, 1024, 1000, 0, 120, 80]);
    // messages "{}": prompts were not stored, so no prompt hash (response-cache cannot invent repeats)
    expect(reqs[0]!.tags.promptHash).toBeUndefined();
    expect(reqs[0]!.tags.tenant).toBe('team-a');
  });
  it('failed with 0 tokens is a failed request; a cache hit is skipped', async () => {
    const { reqs, stats } = await read('litellm', [
      row({ prompt_tokens: 0, completion_tokens: 0, spend: 0, status: 'failure', metadata: '{}' }),
      row({ prompt_tokens: 10, completion_tokens: 20, spend: 0, cache_hit: 'True', metadata: '{}' }),
    ]);
    expect(reqs.map((r) => r.status)).toEqual(['error']);
    expect(stats.skipReasons).toEqual({ 'LiteLLM response-cache hit (not sent to a provider)': 1 });
  });
});

describe('langfuse', () => {
  const gen = (o: object) => ({
    id: 'g',
    traceId: 't',
    type: 'GENERATION',
    startTime: '2025-01-24T09:21:46.847Z',
    providedModelName: 'o3',
    level: 'DEFAULT',
    ...o,
  });
  it('beside: cached, written and reasoning tokens are their own keys, added back', async () => {
    const { reqs } = await read('langfuse', [
      gen({
        usageDetails: { input: 476, input_cached_tokens: 1024, output: 100, output_reasoning_tokens: 300 },
      }),
      gen({ usageDetails: { input: 14, cache_creation_input_tokens: 2048, output: 120 } }),
    ]);
    expect(classes(reqs[0]!)).toEqual([1500, 1024, 0, 0, 400, 300]);
    expect(classes(reqs[1]!)).toEqual([2062, 0, 2048, 0, 120, undefined]);
  });
  it('an ERROR generation without usage is a failed request; SPAN and EVENT are skipped', async () => {
    const { reqs, stats } = await read('langfuse', [
      gen({ level: 'ERROR', statusMessage: 'Error: 529 overloaded', usageDetails: {} }),
      { ...gen({ usageDetails: {} }), type: 'SPAN', providedModelName: null },
      { ...gen({ usageDetails: {} }), type: 'EVENT', providedModelName: null },
    ]);
    expect(reqs.map((r) => [r.status, r.inputTokens, r.outputTokens])).toEqual([['error', 0, 0]]);
    expect(stats).toMatchObject({ read: 3, priced: 1, rejected: 0, skipped: 2 });
  });
});

describe('helicone', () => {
  const row = (o: object) => ({
    request_id: 'h',
    request_created_at: '2025-03-10 14:22:01.123',
    response_status: 200,
    provider: 'OPENAI',
    request_model: 'gpt-4o',
    prompt_tokens: 1500,
    completion_tokens: 100,
    reasoning_tokens: 0,
    prompt_cache_read_tokens: 1024,
    prompt_cache_write_tokens: 0,
    cost: 0.00347,
    ...o,
  });
  it('OpenAI rows inside, Anthropic rows beside; reasoning inside completion_tokens', async () => {
    const { reqs, stats } = await read('helicone', [
      row({ completion_tokens: 500, reasoning_tokens: 400 }),
      row({ provider: 'ANTHROPIC', request_model: 'claude-3-5-sonnet-20241022', prompt_tokens: 14 }),
      row({
        provider: 'ANTHROPIC',
        request_model: 'claude-3-5-sonnet-20241022',
        prompt_tokens: 14,
        prompt_cache_read_tokens: 0,
        prompt_cache_write_tokens: 2048,
      }),
    ]);
    expect(reqs.map(classes)).toEqual([
      [1500, 1024, 0, 0, 500, 400],
      [1038, 1024, 0, 0, 100, 0],
      [2062, 0, 2048, 0, 100, 0],
    ]);
    // cost is USD in exports
    expect(stats.costUsdSum).toBeCloseTo(3 * 0.00347, 12);
  });
  it('429 and a negative status (no HTTP response) are failed requests', async () => {
    const { reqs } = await read('helicone', [
      row({ response_status: 429, prompt_tokens: 0, completion_tokens: 0, prompt_cache_read_tokens: 0, cost: 0 }),
      row({ response_status: -2, prompt_tokens: 0, completion_tokens: 0, prompt_cache_read_tokens: 0, cost: 0 }),
    ]);
    expect(reqs.map((r) => [r.status, r.inputTokens])).toEqual([
      ['error', 0],
      ['error', 0],
    ]);
  });
});

describe('openai', () => {
  const chat = {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1711652795,
    model: 'o3-2025-04-16',
    service_tier: 'flex',
    usage: {
      prompt_tokens: 2000,
      completion_tokens: 900,
      prompt_tokens_details: { cached_tokens: 1536 },
      completion_tokens_details: { reasoning_tokens: 640 },
    },
  };
  const response = {
    id: 'resp_1',
    object: 'response',
    created_at: 1741476542,
    status: 'completed',
    model: 'gpt-4.1-2025-04-14',
    service_tier: 'default',
    usage: {
      input_tokens: 1536,
      input_tokens_details: { cached_tokens: 1024 },
      output_tokens: 87,
      output_tokens_details: { reasoning_tokens: 0 },
    },
  };
  it('inside: cached within prompt/input tokens, reasoning within completion/output; service_tier', async () => {
    const { reqs } = await read('openai', [chat, response]);
    expect(reqs.map((r) => [r.serviceTier, ...classes(r)])).toEqual([
      ['flex', 2000, 1536, 0, 0, 900, 640],
      ['standard', 1536, 1024, 0, 0, 87, 0],
    ]);
  });
  it('a failed response without usage is a failed request; one still in progress is skipped', async () => {
    const { reqs, stats } = await read('openai', [
      { ...response, status: 'failed', usage: null, error: { code: 'server_error' } },
      { ...response, status: 'in_progress', usage: null },
    ]);
    expect(reqs.map((r) => [r.status, r.inputTokens])).toEqual([['error', 0]]);
    expect(stats.skipReasons).toEqual({ 'response still in_progress (not finished)': 1 });
  });
});

describe('openai-batch', () => {
  it('batch tier; responses usage inside; an error-file line is skipped as not billed', async () => {
    const { reqs, stats } = await read('openai-batch', [
      {
        id: 'batch_req_r1',
        custom_id: 'task-1',
        response: {
          status_code: 200,
          body: {
            object: 'response',
            created_at: 1741476542,
            model: 'o4-mini',
            usage: {
              input_tokens: 3000,
              input_tokens_details: { cached_tokens: 2048 },
              output_tokens: 500,
              output_tokens_details: { reasoning_tokens: 320 },
            },
          },
        },
        error: null,
      },
      {
        id: 'batch_req_123',
        custom_id: 'request-3',
        response: null,
        error: { code: 'batch_expired', message: 'expired' },
      },
    ]);
    expect(reqs.map((r) => [r.serviceTier, ...classes(r)])).toEqual([['batch', 3000, 2048, 0, 0, 500, 320]]);
    expect(stats).toMatchObject({ read: 2, priced: 1, rejected: 0, skipped: 1 });
  });
});

describe('anthropic', () => {
  const msg = (usage: object, o: object = {}) => ({
    timestamp: '2025-10-01T12:00:05.123Z',
    id: 'msg_01',
    type: 'message',
    role: 'assistant',
    model: 'claude-sonnet-4-5-20250929',
    usage,
    ...o,
  });
  it('beside: input excludes reads and writes; cache_creation split into 5m and 1h; service tier', async () => {
    const { reqs } = await read('anthropic', [
      msg({
        input_tokens: 4,
        cache_read_input_tokens: 12500,
        cache_creation_input_tokens: 3000,
        cache_creation: { ephemeral_5m_input_tokens: 1200, ephemeral_1h_input_tokens: 1800 },
        output_tokens: 300,
        service_tier: 'priority',
      }),
      // no cache_creation split: every write at the 5-minute price
      msg({ input_tokens: 100, cache_creation_input_tokens: 2048, output_tokens: 10 }),
    ]);
    expect(reqs.map((r) => [r.serviceTier, ...classes(r)])).toEqual([
      ['priority', 15504, 12500, 1200, 1800, 300, undefined],
      ['standard', 2148, 0, 2048, 0, 10, undefined],
    ]);
  });
  it('an error response is skipped as not billed', async () => {
    const { stats } = await read('anthropic', [
      { timestamp: '2025-10-01T12:00:05Z', type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      msg({ input_tokens: 1, output_tokens: 1 }),
    ]);
    expect(stats).toMatchObject({ read: 2, priced: 1, rejected: 0, skipped: 1 });
  });
});

describe('claude-code', () => {
  const line = (id: string, req: string, usage: object, o: object = {}) => ({
    type: 'assistant',
    message: { id, type: 'message', role: 'assistant', model: 'claude-opus-4-1-20250805', content: [], usage },
    requestId: req,
    timestamp: '2025-10-01T12:00:05.123Z',
    sessionId: 's-1',
    ...o,
  });
  const usage = {
    input_tokens: 4,
    cache_creation_input_tokens: 1800,
    cache_read_input_tokens: 12500,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1800 },
    output_tokens: 300,
  };
  it('beside, 1h writes; a response written as two lines counts once; lines without both ids all count', async () => {
    const { reqs, stats } = await read('claude-code', [
      { type: 'user', message: { role: 'user', content: 'hi' }, timestamp: '2025-10-01T12:00:00Z', sessionId: 's-1' },
      line('msg_01', 'req_1', usage),
      line('msg_01', 'req_1', usage),
      line('msg_02', 'req_2', {
        ...usage,
        cache_creation: { ephemeral_5m_input_tokens: 1800, ephemeral_1h_input_tokens: 0 },
      }),
      { ...line('msg_03', 'x', usage), requestId: undefined },
      { ...line('msg_03', 'x', usage), requestId: undefined },
    ]);
    expect(reqs.map(classes)).toEqual([
      [14304, 12500, 0, 1800, 300, undefined],
      [14304, 12500, 1800, 0, 300, undefined],
      [14304, 12500, 0, 1800, 300, undefined],
      [14304, 12500, 0, 1800, 300, undefined],
    ]);
    expect(reqs[0]!.conversationId).toBe('s-1');
    expect(stats.skipReasons).toEqual({
      'Claude Code user line (not an API response)': 1,
      'repeats an earlier record of the same API call': 1,
    });
  });
});

describe('otel', () => {
  const span = (attrs: Record<string, unknown>, o: object = {}) => ({
    traceId: 't',
    spanId: 's',
    name: 'chat',
    startTimeUnixNano: '1737710446847000000',
    attributes: Object.entries(attrs).map(([key, v]) => ({
      key,
      value: typeof v === 'number' ? { intValue: String(v) } : { stringValue: v },
    })),
    status: {},
    ...o,
  });
  const envelope = (spans: object[]) => ({
    resourceSpans: [{ resource: { attributes: [] }, scopeSpans: [{ scope: { name: 'x' }, spans }] }],
  });
  const chat = { 'gen_ai.operation.name': 'chat', 'gen_ai.request.model': 'gpt-4o' };
  it('an envelope expands into its spans; inside per semconv, beside when cache reads exceed input', async () => {
    const { reqs, stats } = await read('otel', [
      envelope([
        span({
          ...chat,
          'gen_ai.usage.input_tokens': 1500,
          'gen_ai.usage.cache_read.input_tokens': 1024,
          'gen_ai.usage.output_tokens': 100,
        }),
        span({
          ...chat,
          'gen_ai.request.model': 'claude-sonnet-4-5',
          'gen_ai.usage.input_tokens': 14,
          'gen_ai.usage.cache_read.input_tokens': 2048,
          'gen_ai.usage.output_tokens': 120,
        }),
        span({ ...chat, 'error.type': '429' }, { status: { code: 2, message: 'Rate limit' } }),
        span({ 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.agent.name': 'support' }),
      ]),
    ]);
    expect(reqs.map((r) => [r.status, ...classes(r)])).toEqual([
      ['ok', 1500, 1024, 0, 0, 100, undefined],
      ['ok', 2062, 2048, 0, 0, 120, undefined],
      ['error', 0, 0, 0, 0, 0, undefined],
    ]);
    expect(stats).toMatchObject({ read: 4, priced: 3, rejected: 0, skipped: 1 });
    expect(stats.skipReasons).toEqual({ 'invoke_agent span (not a model call)': 1 });
  });
});
