// JSON documents and auto-detection: how a JSON log's records are found (array, API page, OTLP
// document, one or more top-level objects, a page saved on one JSONL line), the line each starts
// on, bad documents as located errors, and a layout two presets fit equally refused.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UserError } from '../../src/diagnostics.js';
import { detectPreset } from '../../src/traffic/logs/detect.js';
import { documentPath } from '../../src/traffic/logs/json-document.js';
import type { Preset } from '../../src/traffic/logs/preset.js';
import { PRESETS } from '../../src/traffic/logs/presets.js';
import { type LogStats, newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { userErrorOf } from '../helpers/errors.js';

const DIR = mkdtempSync(join(tmpdir(), 'llmcost-json-'));
const row = (i: number) => ({
  timestamp: `2026-11-01T00:00:0${i}Z`,
  model: 'gpt-4o',
  input_tokens: 100 + i,
  output_tokens: 10,
});

async function read(name: string, text: string, preset?: string): Promise<{ lines: number[]; stats: LogStats }> {
  const file = join(DIR, name);
  writeFileSync(file, text);
  const stats = newLogStats();
  const lines: number[] = [];
  for await (const b of readLog({ file, ...(preset ? { preset } : {}) }, stats)) lines.push(...b.map((r) => r.line!));
  return { lines, stats };
}

describe('JSON documents', () => {
  it('a pretty-printed array: each record on the line it starts', async () => {
    const { lines, stats } = await read('a.json', JSON.stringify([row(1), row(2), row(3)], null, 2));
    expect(stats).toMatchObject({ format: 'json', read: 3, priced: 3, preset: 'canonical' });
    expect(lines).toEqual([2, 8, 14]);
  });

  it('an API page {"data": [...], "meta": {...}} and {"results": [...]}; meta before data too', async () => {
    const page = await read('p.json', JSON.stringify({ meta: { page: 1 }, data: [row(1), row(2)] }, null, 1));
    expect(page.stats).toMatchObject({ read: 2, priced: 2 });
    const results = await read('r.json', JSON.stringify({ results: [row(1)], next: null }));
    expect(results.stats).toMatchObject({ read: 1, priced: 1 });
    expect(documentPath('{"meta": {"a": [1]}, "data": [')).toBe('$.data.*');
    expect(documentPath('{"resourceSpans": [')).toBe('$.resourceSpans.*');
    expect(documentPath('{"request_id": "x", "data": 3}')).toBe('$');
    // Cloudflare's API envelope: its arrays before result are not the records
    const cf = await read(
      'cf.json',
      JSON.stringify({ success: true, errors: [], messages: [], result: [row(1), row(2)] }),
    );
    expect(cf.stats).toMatchObject({ read: 2, priced: 2 });
  });

  it('one pretty-printed object is one record; objects one after another are several', async () => {
    const one = await read('o.json', JSON.stringify(row(1), null, 2));
    expect(one.stats).toMatchObject({ format: 'json', read: 1, priced: 1 });
    const two = await read('two.json', `${JSON.stringify(row(1), null, 2)}\n${JSON.stringify(row(2), null, 2)}\n`);
    expect(two.stats).toMatchObject({ read: 2, priced: 2 });
    expect(two.lines).toEqual([1, 7]);
  });

  it('a page saved as one JSONL line yields its records', async () => {
    const { stats } = await read('page.jsonl', `${JSON.stringify({ data: [row(1), row(2)], meta: {} })}\n`);
    expect(stats).toMatchObject({ format: 'jsonl', read: 2, priced: 2 });
    const cf = await read('cf.jsonl', `${JSON.stringify({ result: [row(1), row(2)], success: true })}\n`);
    expect(cf.stats).toMatchObject({ format: 'jsonl', read: 2, priced: 2 });
  });

  it('a truncated or broken document is a located error; records before it were read', async () => {
    const text = JSON.stringify([row(1), row(2)], null, 2);
    const cut = await userErrorOf(read('cut.json', text.slice(0, text.length - 40)));
    expect(cut.diagnostics[0]!.code).toBe('LOG_FORMAT');
    expect(cut.diagnostics[0]!.where).toMatch(/cut\.json:\d+/);
    const bad = await userErrorOf(read('bad.json', '[\n{"a": 1},\n{"a": 2,,}\n]'));
    expect(bad.diagnostics[0]!.where).toBe(`${join(DIR, 'bad.json')}:3`);
  });

  it('an element that is not an object is a counted reject', async () => {
    const { stats } = await read('mixed.json', JSON.stringify([row(1), 42, row(2)]));
    expect(stats).toMatchObject({ read: 3, priced: 2, rejected: 1 });
    expect(stats.reasons).toEqual({ 'not a JSON object': 1 });
  });
});

describe('the openrouter preset', () => {
  const openrouter = PRESETS.find((p) => p.name === 'openrouter')!;
  it('a BYOK record reconciles against the provider charge, as JSON or as CSV text', () => {
    const rec = { id: 'gen-1', total_cost: 0.000125, upstream_inference_cost: 0.0025 };
    const cost = (f: Record<string, unknown>) => openrouter.prepare!(f).__llmcost_cost;
    expect(cost({ ...rec, is_byok: true })).toBe(0.0025);
    expect(cost({ ...rec, is_byok: 'true' })).toBe(0.0025);
    expect(cost({ ...rec, is_byok: false })).toBe(0.000125);
    expect(cost({ data: { ...rec, is_byok: true } })).toBe(0.0025);
  });
});

describe('the openai preset on objects OpenRouter returned', () => {
  const openai = PRESETS.find((p) => p.name === 'openai')!;
  it("reads an OpenRouter object's vendor/model as openrouter/...; leaves other gateways' slashed ids alone", () => {
    const or = { id: 'gen-1-a', provider: 'Groq', model: 'meta-llama/llama-3-70b-instruct', object: 'chat.completion' };
    expect(openai.prepare!(or).model).toBe('openrouter/meta-llama/llama-3-70b-instruct');
    // Together returns the same object with its own id and no provider field
    const together = { id: '8f1c-x', model: 'meta-llama/Llama-3-70b-chat-hf', object: 'chat.completion' };
    expect(openai.prepare!(together).model).toBe('meta-llama/Llama-3-70b-chat-hf');
    expect(openai.prepare!({ ...or, model: 'openrouter/openai/gpt-4o' }).model).toBe('openrouter/openai/gpt-4o');
  });
});

describe('auto-detection', () => {
  it('the preset matching the most records wins; a tie between two presets is refused with both names', () => {
    const a: Preset = { name: 'a', summary: '', columns: {}, cacheTokens: 'inside', detect: [['x', 'y']] };
    const b: Preset = { name: 'b', summary: '', columns: {}, cacheTokens: 'inside', detect: [['x', 'z']] };
    expect(
      detectPreset(
        [a, b],
        [
          { x: 1, y: 1 },
          { x: 1, y: 2 },
          { x: 1, z: 1 },
        ],
        'f',
      )?.preset.name,
    ).toBe('a');
    const e = (() => {
      try {
        detectPreset([a, b], [{ x: 1, y: 1, z: 1 }], 'f.jsonl');
      } catch (err) {
        return err as UserError;
      }
      throw new Error('expected a refusal');
    })();
    expect(e.diagnostics[0]!.code).toBe('LOG_PRESET');
    expect(e.diagnostics[0]!.hint).toBe('add --preset a or --preset b');
  });

  it('field=value signatures check the value; null counts as present (a batch error line)', () => {
    const match = (f: Record<string, unknown>) => detectPreset(PRESETS, [f], 'f')?.preset.name;
    expect(match({ object: 'chat.completion', usage: {}, model: 'gpt-4o' })).toBe('openai');
    expect(match({ object: 'list', usage: {}, model: 'gpt-4o' })).toBeUndefined();
    expect(match({ id: 'b', custom_id: 'c', response: null, error: { code: 'batch_expired' } })).toBe('openai-batch');
  });

  it('nothing recognised: read as canonical', async () => {
    const { stats } = await read('plain.jsonl', `${JSON.stringify(row(1))}\n`);
    expect(stats.preset).toBe('canonical');
  });
});
