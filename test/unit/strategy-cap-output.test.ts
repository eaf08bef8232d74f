// cap-output: capped answers billed at the cap; a seeded share re-sent in full (two calls).
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { modelView, runSimulation } from '../../src/engine/run.js';
import { buildReport } from '../../src/report/model.js';
import { capOutput } from '../../src/strategies/cap-output.js';
import type { Strategy } from '../../src/engine/strategy.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import { bookFromYaml, ctxFor, drawFor, makeRequest } from '../helpers/sim.js';

const TABLE = `
version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  strong:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
`;
const book = (): PriceBook => bookFromYaml(TABLE);
const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'strong', inputTokens: 100, outputTokens: 0 }, p);
function runStep(raw: unknown, reqs: SimRequest[], seed = 5): SimRequest[] {
  const run = capOutput.start(
    capOutput.options.parse(raw),
    ctxFor({
      seed,
      position: 1,
      models: modelView(book()),
      warn: () => {},
    }),
  );
  return reqs.map((r) => Object.freeze({ ...r }) as SimRequest).flatMap((r) => run.step(r));
}

describe('cap-output', () => {
  it('caps only outputs above the cap; a kept truncated answer gets the quality factor', () => {
    const out = runStep(
      { max_output_tokens: 500, quality: 0.9 },
      [400, 500, 501, 1200].map((n, i) => req({ id: `r${i}`, outputTokens: n })),
    );
    expect(out.map((r) => r.outputTokens)).toEqual([400, 500, 500, 500]);
    expect(out.map((r) => r.quality)).toEqual([undefined, undefined, 0.9, 0.9]);
    expect(out.map((r) => r.tags.capped)).toEqual([undefined, undefined, 'kept', 'kept']);
  });

  it('a retried request: the truncated call is paid and unused, the retry carries the full output', () => {
    const out = runStep({ max_output_tokens: 500, truncation_retry_share: 1 }, [req({ id: 'x', outputTokens: 800 })]);
    expect(out.map((r) => [r.id, r.outputTokens, r.answers, r.inputTokens])).toEqual([
      ['x/truncated', 500, false, 100],
      ['x', 800, undefined, 100],
    ]);
    expect(out[1]!.retryOf).toBeUndefined(); // dedupe-retries must not drop it
    // with cached counts (from the log or prompt-cache): the retry reads what the first call wrote
    const [first, retry] = runStep({ max_output_tokens: 500, truncation_retry_share: 1 }, [
      req({ id: 'y', outputTokens: 800, cached: { read: 30, write5m: 50, write1h: 0 } }),
    ]);
    expect(first!.cached).toEqual({ read: 30, write5m: 50, write1h: 0 });
    expect(retry!.cached).toEqual({ read: 80, write5m: 0, write1h: 0 });
  });

  it('truncation_retry_share 0.3 on 1,000 capped requests: exact seeded retries, cost and successes by formula', async () => {
    const seed = 5;
    const reqs = Array.from({ length: 1000 }, (_, i) => req({ id: `r${i}`, outputTokens: 1000 }));
    const R = reqs.filter((r) => drawFor(r, { seed, name: 'cap-output' }) < 0.3).length;
    expect(R).toBeGreaterThan(250); // binomial(1000, 0.3): mean 300, sd 14.5
    expect(R).toBeLessThan(350);
    const b = book();
    const opts = capOutput.options.parse({ max_output_tokens: 500, truncation_retry_share: 0.3, quality: 0.8 });
    const run = await runSimulation({
      source: [reqs],
      stages: [{ strategy: capOutput as Strategy, options: opts, label: 'cap' }],
      book: b,
      seed,
    });
    const rep = buildReport({
      command: 't',
      scenario: 't',
      seed,
      run,
      book: b,
      labels: [{ strategy: 'cap-output', label: 'cap' }],
      version: '0',
    });
    // baseline: 1000 x (100*3 + 1000*15) = 1000 x 15300 µ$ = $15.30
    expect(rep.baseline.cost).toBe(15.3);
    expect(rep.final.calls).toBe(1000 + R);
    expect(rep.final.tokens.output).toBe(1000 * 500 + R * 1000);
    // cost = (1000 + R) x 100 x 3 + (500,000 + 1000 R) x 15, in µ$
    expect(rep.final.cost).toBeCloseTo(((1000 + R) * 300 + (500_000 + 1000 * R) * 15) / 1e6, 9);
    // successes: retried answers are full (1), kept truncated ones at 0.8
    expect(rep.final.successes).toBeCloseTo(R + (1000 - R) * 0.8, 6);
  });

  it('rejects a non-positive cap and a share above 1', () => {
    expect(capOutput.options.safeParse({ max_output_tokens: 0 }).success).toBe(false);
    expect(capOutput.options.safeParse({ max_output_tokens: 10, truncation_retry_share: 2 }).success).toBe(false);
    expect(capOutput.options.safeParse({ max_output_tokens: 10.5 }).success).toBe(false);
  });
});
