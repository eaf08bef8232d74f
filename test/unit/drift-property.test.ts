// Property tests of drift: the same table twice changes nothing; a table with every price doubled
// doubles every cost exactly (the ledgers are re-priced, not re-simulated).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulationBook, unionThresholds } from '../../src/engine/drift.js';
import { driftScenario } from '../../src/report/drift/model.js';
import { runSimulation } from '../../src/engine/run.js';
import type { SimRequest } from '../../src/engine/request.js';
import { parsePricingText } from '../../src/pricing/load.js';

const table = (version: string, k: number) => {
  const p = (x: number) => (x * k).toFixed(4); // exact for these decimals
  return `version: "${version}"\neffective: "${version}"\ncurrency: USD\nmodels:
  a:
    provider: anthropic
    source: https://example.com
    checked: "2099-01-01"
    input: "${p(3)}"
    output: "${p(15)}"
    cache: { style: explicit, read: "${p(0.3)}", write_5m: "${p(3.75)}", write_1h: "${p(6)}", min_tokens: 1024 }
    batch: { discount: "0.5" }
    long_context: { threshold: 200000, input: "${p(6)}", output: "${p(22.5)}" }
  b:
    provider: openai
    source: https://example.com
    checked: "2099-01-01"
    input: "${p(0.15)}"
    output: "${p(0.6)}"
    cache: { style: automatic, read: "${p(0.075)}", min_tokens: 1024 }
    batch: { input: "${p(0.075)}", output: "${p(0.3)}" }
`;
};
const book = (v: string, k: number) => parsePricingText(table(v, k), `${v}.yaml`).book!;
const ONE = book('2099-01-01', 1);
const TWO = book('2099-01-02', 2);

const reqArb = fc.record({
  model: fc.constantFrom('a', 'b'),
  serviceTier: fc.constantFrom('standard' as const, 'batch' as const),
  inputTokens: fc.integer({ min: 0, max: 400_000 }),
  outputTokens: fc.integer({ min: 0, max: 10_000 }),
  read: fc.integer({ min: 0, max: 5_000 }),
  write5m: fc.integer({ min: 0, max: 5_000 }),
});

type Req = {
  model: string;
  serviceTier: 'standard' | 'batch';
  inputTokens: number;
  outputTokens: number;
  read: number;
  write5m: number;
};
async function drift(reqs: Req[], a = ONE, b = TWO) {
  const source: SimRequest[] = reqs.map((r, i) => {
    const cached =
      r.model === 'a'
        ? {
            read: Math.min(r.read, r.inputTokens),
            write5m: Math.min(r.write5m, r.inputTokens - Math.min(r.read, r.inputTokens)),
            write1h: 0,
          }
        : { read: Math.min(r.read, r.inputTokens), write5m: 0, write1h: 0 };
    return {
      id: `r${i}`,
      atMs: i,
      model: r.model,
      serviceTier: r.serviceTier,
      inputTokens: r.inputTokens,
      outputTokens: r.outputTokens,
      historyTokens: 0,
      prefix: [],
      cached,
      batchable: true,
      status: 'ok',
      tags: {},
    };
  });
  const run = await runSimulation({
    source: [source],
    stages: [],
    book: simulationBook(a, b),
    seed: 1,
    thresholds: unionThresholds(a, b),
  });
  return driftScenario({ scenario: 'p', run }, a, b);
}

describe('drift properties', () => {
  it('doubling every price doubles every cost exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reqArb, { maxLength: 30 }), async (reqs) => {
        const d = await drift(reqs);
        expect(d.exact.final.new).toBe(2n * d.exact.final.old!);
        expect(d.exact.baseline.new).toBe(2n * d.exact.baseline.old!);
      }),
      { numRuns: 60 },
    );
  });
  it('the same table on both sides changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(reqArb, { maxLength: 30 }), async (reqs) => {
        const d = await drift(reqs, ONE, ONE);
        expect(d.final.delta).toBe(0);
        for (const m of d.models) expect(m.final.delta).toBe(0);
      }),
      { numRuns: 40 },
    );
  });
});
