// Every request object in a run has makeRequest's fields in makeRequest's order (one hidden class):
// copies made by spreading take their source's shape, and strategies stepping many shapes ran ~30%
// slower on a 1M-row log. This pins the shape for the log reader, the profile generator and every
// strategy's outputs.
import { gpuModel } from '../../src/pricing/gpu.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeRequest, type SimRequest } from '../../src/engine/request.js';
import { STRATEGIES } from '../../src/strategies/registry.js';
import { generateProfile, profileSchema } from '../../src/traffic/profile.js';
import { newLogStats, readLog } from '../../src/traffic/logs/read.js';
import { bookFromYaml, startStrategy } from '../helpers/sim.js';

const ROOT = join(import.meta.dirname, '../..');
const book = bookFromYaml(readFileSync(join(ROOT, 'pricing/2026-11-01.yaml'), 'utf8'));
const KEYS = Object.keys(
  makeRequest({
    id: 'x',
    atMs: 0,
    model: 'm',
    serviceTier: 'standard',
    inputTokens: 0,
    outputTokens: 0,
    historyTokens: 0,
    prefix: [],
    batchable: false,
    status: 'ok',
    tags: {},
  }),
);

const profile = profileSchema.parse({
  days: 1,
  requests_per_day: 400,
  errors: { rate: 0.1, timeout_rate: 0.1 },
  segments: [
    {
      name: 'chat',
      model: 'claude-sonnet-4-5',
      system_tokens: 1500,
      input_tokens: 300,
      output_tokens: { uniform: { min: 10, max: 600 } },
      turns: 3,
      queries: { distinct: 20 },
    },
    { name: 'jobs', model: 'gpt-4.1-mini', system_tokens: 1100, input_tokens: 800, output_tokens: 300, batchable: 0.5 },
  ],
});

// every strategy, each with work to do on the stream above
const CHAIN: Record<string, unknown> = {
  'dedupe-retries': {},
  'response-cache': { mode: 'exact', ttl: '1h' },
  cascade: {
    when: { tags: { feature: 'chat' } },
    cheap: 'claude-haiku-4-5',
    strong: 'claude-sonnet-4-5',
    escalation: 0.3,
  },
  route: { rules: [{ name: 'r', when: { tags: { feature: 'jobs' } }, to: 'gpt-4.1-nano', share: 0.5 }] },
  'trim-context': { max_history_tokens: 500 },
  compress: { parts: ['system', 'history'], ratio: 0.8, quality: 0.99 },
  'cap-output': { max_output_tokens: 150, truncation_retry_share: 0.5, quality: 0.98 },
  'prompt-cache': { ttl: '5m' },
  batch: { only_batchable: false },
  'self-host': {
    name: 'self-host/small',
    when: { tags: { feature: 'jobs' } },
    gpu_hour_usd: '2.50',
    tokens_per_second_per_gpu: 1200,
    utilisation: 0.4,
    min_gpus: 1,
  },
};

function shapes(reqs: SimRequest[]): string[] {
  return [...new Set(reqs.map((r) => Object.keys(r).join(',')))];
}

describe('one request shape', () => {
  it('the profile generator and the log reader build requests with every field in one order', async () => {
    const generated = [...generateProfile(profile, 3)].flat();
    expect(generated.some((r) => r.retryOf !== undefined)).toBe(true);
    expect(shapes(generated)).toEqual([KEYS.join(',')]);
    const logged: SimRequest[] = [];
    for await (const b of readLog({ file: join(ROOT, 'test/fixtures/logs/canonical.csv') }, newLogStats()))
      logged.push(...b);
    expect(logged.length).toBeGreaterThan(0);
    expect(shapes(logged)).toEqual([KEYS.join(',')]);
  });

  it('every strategy outputs requests of that shape', () => {
    let cur = [...generateProfile(profile, 3)].flat();
    expect(Object.keys(CHAIN).sort()).toEqual(STRATEGIES.map((s) => s.name).sort());
    for (const s of STRATEGIES.slice().sort(
      (a, b) => Object.keys(CHAIN).indexOf(a.name) - Object.keys(CHAIN).indexOf(b.name),
    )) {
      const extra = (s.syntheticModels?.(s.options.parse(CHAIN[s.name]) as never) ?? []).map(gpuModel);
      const run = startStrategy(s, CHAIN[s.name], extra.length ? book.withModels(extra) : book);
      const out: SimRequest[] = [];
      for (const r of cur) out.push(...run.step(r));
      out.push(...(run.flush?.() ?? []));
      const changed = out.filter((o) => !cur.includes(o)).length;
      expect(changed + cur.length - out.length, `${s.name} changed or dropped no request`).toBeGreaterThan(0);
      expect(shapes(out), s.name).toEqual([KEYS.join(',')]);
      cur = out;
    }
  });
});
