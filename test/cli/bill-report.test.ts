// Every report format shows each bill dimension a log used, with the hand-computed dollars:
// Sonnet 4.5 100K 1h writes x $6 = $0.60, 400 reasoning x $15 = $0.006, 3 searches x $10/1,000 = $0.03;
// Gemini 2.5 Flash 4,000 audio x $1 = $0.004, 2,000 image x $0.30 = $0.0006, 2 groundings x $35/1,000
// = $0.07; Gemini 2.5 Pro 2.4M token-hours x $4.50/M = $10.80 of storage. Total fees $0.10.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmcost-bill-report-'));
const log = join(dir, 'bill.csv');
writeFileSync(
  log,
  `timestamp,model,input_tokens,output_tokens,cached_input_tokens,cache_write_tokens,cache_write_1h_tokens,reasoning_tokens,audio_input_tokens,image_input_tokens,web_search_calls,cache_storage_token_hours
2026-11-20T10:00:00Z,claude-sonnet-4-5,100000,1000,0,100000,100000,400,,,3,
2026-11-20T10:01:00Z,gemini-2.5-flash,10000,500,0,0,,,4000,2000,2,
2026-11-20T10:02:00Z,gemini-2.5-pro,1000,0,0,0,,,,,,2400000
`,
);
const replay = (format: string) => runCli(['replay', log, '--pricing', '2026-11-01', '--format', format]);

describe('the token-class breakdown in every format', () => {
  it('json: money and quantities per class', async () => {
    const r = JSON.parse((await replay('json')).stdout);
    expect(r.baseline.breakdown).toMatchObject({
      cacheWrite1h: 0.6,
      reasoning: 0.006,
      audio: 0.004,
      image: 0.0006,
      storage: 10.8,
      fees: 0.1,
    });
    expect(r.baseline.tokens).toMatchObject({
      cacheWrite1h: 100_000,
      reasoning: 400,
      audioInput: 4000,
      imageInput: 2000,
      storageTokenHours: 2_400_000,
      webSearchCalls: 5,
    });
  });
  it('table, Markdown, HTML and CSV name each class with its cost', async () => {
    for (const format of ['table', 'md', 'html']) {
      const out = (await replay(format)).stdout;
      for (const [label, cost] of [
        ['cache write 1h', '$0.6000'],
        ['reasoning', '$0.006000'],
        ['audio', '$0.004000'],
        ['image', '$0.000600'],
        ['storage', '$10.80'],
        ['tool fees', '$0.1000'],
      ])
        expect(out, `${format}: ${label}`).toMatch(new RegExp(`${label}[^\\n]*?\\${cost}`));
    }
    const csv = (await replay('csv')).stdout.split('\n');
    expect(csv[0]).toContain('cacheWrite1h,output,reasoning,audio,image,storage,fees');
    expect(csv[1]).toContain(',0.6,0.01025,0.006,0.004,0.0006,10.8,0.1,');
  });
  it('replay --rows: each call costs every dimension it used (storage and fees too), summing to the report', async () => {
    const rows = join(dir, 'rows.csv');
    const r = await runCli(['replay', log, '--pricing', '2026-11-01', '--rows', rows, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const lines = readFileSync(rows, 'utf8').trim().split('\n').slice(1);
    // Sonnet $0.60 + 600 x $15 + $0.006 + $0.03; Flash $0.0012 + $0.004 + $0.0006 + 500 x $2.50 + $0.07; Pro $0.00125 + $10.80
    expect(lines.map((l) => l.split(',').at(-1))).toEqual(['0.645', '0.07705', '10.80125']);
    expect(lines[0]).toContain(',0,0,0,100000,1000,'); // output_tokens as logged (reasoning included)
  });
  it('a run over the request table (--threads 2, a sweep) keeps every dimension: the same report as one thread', async () => {
    const scenario = join(dir, 'bill.yaml');
    writeFileSync(
      scenario,
      'name: bill\nseed: 1\npricing:\n  version: "2026-11-01"\ntraffic:\n  log:\n    file: bill.csv\nstrategies:\n  - use: cap-output\n    max_output_tokens: 5000\n',
    );
    const sim = (threads: string) => runCli(['simulate', scenario, '--threads', threads, '--format', 'json']);
    const one = await sim('1');
    expect(one.code, one.stderr).toBe(0);
    expect(JSON.parse(one.stdout).baseline.breakdown).toMatchObject({ storage: 10.8, fees: 0.1, audio: 0.004 });
    expect((await sim('2')).stdout).toBe(one.stdout);
    const sweep = await runCli(['sweep', scenario, '--set', 'strategies.cap-output.max_output_tokens=300,5000']);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stdout).toContain('$11.52');
  });
});

describe('audio on a model only the catalog prices', () => {
  it('prices its audio tokens at LiteLLM per-token audio prices, not refused and not as text', async () => {
    // gpt-4o-mini-audio-preview (catalog, LiteLLM 2026-08-01): text $0.15/$0.60, audio $10/$20 per 1M.
    // 600 text in x $0.15 + 400 audio in x $10 + 100 text out x $0.60 + 100 audio out x $20 = $0.00615
    const audioLog = join(dir, 'audio.csv');
    writeFileSync(
      audioLog,
      'timestamp,model,input_tokens,output_tokens,audio_input_tokens,audio_output_tokens\n2026-11-20T10:00:00Z,gpt-4o-mini-audio-preview,1000,200,400,100\n',
    );
    const r = await runCli(['replay', audioLog, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.rows).toMatchObject({ priced: 1, rejected: 0 });
    expect(j.baseline.cost).toBe(0.00615);
    expect(j.pricing.catalog).toMatchObject({ requests: 1, models: ['gpt-4o-mini-audio-preview'] });
    expect(j.baseline.breakdown.audio).toBe(0.006);
  });
  it('a catalog model without an audio price refuses audio rows, naming the catalog', async () => {
    const noAudio = join(dir, 'no-audio.csv');
    writeFileSync(
      noAudio,
      'timestamp,model,input_tokens,output_tokens,audio_input_tokens\n2026-11-20T10:00:00Z,deepseek/deepseek-chat,1000,200,400\n',
    );
    const r = await runCli(['replay', noAudio]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      "model 'deepseek/deepseek-chat' has no price for audio input tokens in the catalog litellm-2026-08-01",
    );
  });
});
