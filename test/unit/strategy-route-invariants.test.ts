// Invariants of the routing and shaping strategies on random requests (fast-check): outputs are
// valid requests (integer counts, cached <= input, history <= input, blocks within the input),
// the input request is never mutated, and one request in gives 1 or 2 out.
import { gpuModel } from '../../src/pricing/gpu.js';
import { ctxFor } from '../helpers/sim.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePricingText } from '../../src/pricing/load.js';
import type { PrefixBlock, SimRequest } from '../../src/engine/request.js';
import { modelView } from '../../src/engine/run.js';
import { route } from '../../src/strategies/route.js';
import { cascade } from '../../src/strategies/cascade.js';
import { trimContext } from '../../src/strategies/trim-context.js';
import { compress } from '../../src/strategies/compress.js';
import { capOutput } from '../../src/strategies/cap-output.js';
import { selfHost } from '../../src/strategies/self-host.js';
import type { Strategy } from '../../src/engine/strategy.js';

const TABLE = `
version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  strong: { provider: anthropic, source: https://example.com, checked: "2099-01-01", input: "3.00", output: "15.00" }
  cheap: { provider: anthropic, source: https://example.com, checked: "2099-01-01", input: "0.25", output: "1.25" }
`;
const sh = selfHost.options.parse({
  name: 'self-host/x',
  gpu_hour_usd: '2.50',
  tokens_per_second_per_gpu: 1000,
  utilisation: 0.5,
});
const book = (() => {
  const r = parsePricingText(TABLE, 't.yaml');
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book.withModels(selfHost.syntheticModels!(sh).map(gpuModel));
})();

const CONFIGS: [Strategy, unknown][] = [
  [
    route,
    {
      rules: [
        {
          when: { input_tokens: { lt: 3000 } },
          to: 'cheap',
          share: 0.5,
          token_inflation: 1.37,
          inflate_input: true,
          quality: 0.9,
        },
      ],
      default: { to: 'strong' },
    },
  ],
  [cascade, { cheap: 'cheap', escalation: 0.5, cheap_output_tokens: 7, quality: { cheap: 0.9, strong: 0.99 } }],
  [trimContext, { max_history_tokens: 300, quality: 0.99 }],
  [trimContext, { keep_turns: 1, step_turns: 2 }],
  [compress, { parts: ['system', 'history'], ratio: 0.33 }],
  [compress, { parts: ['input', 'output'], ratio: 0.5, quality: 0.95 }],
  [capOutput, { max_output_tokens: 100, truncation_retry_share: 0.5, quality: 0.8 }],
  [selfHost, sh],
];

/** a consistent request: [system][history blocks][message], loose history, optional cached lead */
const request = fc
  .record({
    system: fc.integer({ min: 0, max: 5000 }),
    hist: fc.array(fc.integer({ min: 0, max: 800 }), { maxLength: 8 }),
    loose: fc.integer({ min: 0, max: 500 }),
    message: fc.integer({ min: 0, max: 3000 }),
    output: fc.integer({ min: 0, max: 2000 }),
    cachedShare: fc.double({ min: 0, max: 1, noNaN: true }),
    model: fc.constantFrom('strong', 'cheap'),
  })
  .map(({ system, hist, loose, message, output, cachedShare, model }): SimRequest => {
    const prefix: PrefixBlock[] = [];
    let key = 'k';
    if (system) prefix.push({ key: (key = `${key}/s`), tokens: system, kind: 'system' });
    hist.forEach((t, i) => prefix.push({ key: (key = `${key}/h${i}`), tokens: t, kind: 'history' }));
    const historyTokens = hist.reduce((s, t) => s + t, 0) + loose;
    const inputTokens = system + historyTokens + message;
    const read = Math.floor(cachedShare * (system + historyTokens));
    return {
      id: 'r',
      atMs: 0,
      model,
      serviceTier: 'standard',
      inputTokens,
      outputTokens: output,
      historyTokens,
      prefix,
      batchable: false,
      status: 'ok',
      tags: {},
      ...(read ? { cached: { read, write5m: 0, write1h: 0 } } : {}),
    };
  });

function valid(r: SimRequest): string | undefined {
  for (const [k, v] of [
    ['input', r.inputTokens],
    ['output', r.outputTokens],
    ['history', r.historyTokens],
    ...r.prefix.map((b) => ['block', b.tokens] as const),
  ] as const) {
    if (!Number.isInteger(v) || v < 0) return `${k} ${v}`;
  }
  const cached = r.cached ? r.cached.read + r.cached.write5m + r.cached.write1h : 0;
  if (cached > r.inputTokens) return `cached ${cached} > input ${r.inputTokens}`;
  if (r.historyTokens > r.inputTokens) return `history ${r.historyTokens} > input ${r.inputTokens}`;
  const blocks = r.prefix.reduce((s, b) => s + b.tokens, 0);
  if (blocks > r.inputTokens) return `blocks ${blocks} > input ${r.inputTokens}`;
  if (r.quality !== undefined && !(r.quality >= 0 && r.quality <= 1)) return `quality ${r.quality}`;
  return undefined;
}

describe('routing and shaping strategies: invariants on random requests', () => {
  for (const [s, raw] of CONFIGS) {
    it(`${s.name} ${JSON.stringify(raw).slice(0, 60)}`, () => {
      const run = s.start(
        s.options.parse(raw),
        ctxFor({
          seed: 3,
          position: 1,
          models: modelView(book),
          warn: () => {},
        }),
      );
      fc.assert(
        fc.property(request, (r) => {
          const before = JSON.stringify(r);
          const out = run.step(r);
          expect(JSON.stringify(r)).toBe(before); // never mutated
          expect(out.length === 1 || out.length === 2).toBe(true);
          for (const o of out) expect(valid(o)).toBeUndefined();
          // at most one answering call per request
          expect(out.filter((o) => o.answers !== false).length).toBe(1);
        }),
        { numRuns: 300, seed: 42 },
      );
    });
  }
});
