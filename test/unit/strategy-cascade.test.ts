// cascade: both calls billed on escalation; quality per tier; cost per successful request.
import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { createRng } from '../../src/engine/rng.js';
import { modelView, runSimulation } from '../../src/engine/run.js';
import { buildReport } from '../../src/report/model.js';
import { cascade, drawConfidence } from '../../src/strategies/cascade.js';
import type { Strategy } from '../../src/engine/strategy.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import { bookFromYaml, ctxFor, drawFor, drawRngFor, makeRequest } from '../helpers/sim.js';

// strong: $3 in / $15 out; cheap: $0.25 in / $1.25 out (per 1M tokens)
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
  cheap:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "0.25"
    output: "1.25"
  other:
    provider: openai
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "2.00"
    output: "8.00"
`;
const book = (): PriceBook => bookFromYaml(TABLE);
const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'strong', inputTokens: 1000, outputTokens: 200 }, p);
function runStep<O>(s: Strategy<O>, raw: unknown, reqs: SimRequest[], seed = 11): SimRequest[] {
  const run = s.start(
    s.options.parse(raw),
    ctxFor({
      seed,
      position: 1,
      name: s.name,
      models: modelView(book()),
      warn: () => {},
    }),
  );
  return reqs.flatMap((r) => run.step(Object.freeze({ ...r, tags: Object.freeze({ ...r.tags }) }) as SimRequest));
}
async function simulate(raw: unknown, reqs: SimRequest[], seed = 11) {
  const b = book();
  const stages = [{ strategy: cascade as Strategy, options: cascade.options.parse(raw), label: 'cascade' }];
  const run = await runSimulation({ source: [reqs], stages, book: b, seed });
  return buildReport({
    command: 'test',
    scenario: 't',
    seed,
    run,
    book: b,
    labels: [{ strategy: 'cascade', label: 'cascade' }],
    version: '0',
  });
}

describe('cascade', () => {
  it('a when that matched none of the requests that reached it: STRATEGY_UNMATCHED at the end', () => {
    const said: string[] = [];
    const ctx = ctxFor({
      seed: 11,
      position: 1,
      models: modelView(book()),
      warn: (m, code) => said.push(`${code}: ${m}`),
    });
    const o = cascade.options.parse({ cheap: 'cheap', escalation: 0.4, when: { tags: { feature: 'serach' } } });
    const run = cascade.start(o, ctx);
    for (const r of [req({ id: 'a', tags: { feature: 'search' } })]) run.step(r);
    cascade.finish!(o, run.counters!(), ctx);
    expect(said).toEqual([
      'STRATEGY_UNMATCHED: cascade: its when ({"tags":{"feature":"serach"}}) matched none of the 1 request that reached it, so it moved nothing (a misspelt tag value, or a tag the traffic does not have?)',
    ]);
  });

  it('escalation 0.4 on 1,000 requests: exactly the seeded escalations pay twice; cost per success matches the formula', async () => {
    const reqs = Array.from({ length: 1000 }, (_, i) => req({ id: `r${i}` }));
    // the seeded count: each cascaded request's own draw
    const E = reqs.filter((r) => drawFor(r, { seed: 11, name: 'cascade' }) < 0.4).length;
    expect(E).toBeGreaterThan(360); // binomial(1000, 0.4): mean 400, sd 15.5
    expect(E).toBeLessThan(440);
    const report = await simulate({ cheap: 'cheap', escalation: 0.4, quality: { cheap: 0.9, strong: 0.98 } }, reqs);
    const f = report.final;
    expect(f.calls).toBe(1000 + E); // every escalation billed twice
    // cheap call: 1000*0.25 + 200*1.25 = 500 µ$; strong call: 1000*3 + 200*15 = 6000 µ$
    const costUsd = (1000 * 500 + E * 6000) / 1e6;
    expect(f.cost).toBeCloseTo(costUsd, 9);
    expect(report.baseline.cost).toBe(6); // 1000 x 6000 µ$
    // successes: (1000 - E) answered by cheap at 0.9, E by strong at 0.98
    const successes = (1000 - E) * 0.9 + E * 0.98;
    expect(f.successes).toBeCloseTo(successes, 6);
    expect(f.costPerSuccess).toBeCloseTo(Math.round((costUsd / successes) * 1e6) / 1e6, 9);
    expect(report.baseline.costPerSuccess).toBe(0.006);
  });

  it('an escalated request: cheap call (answers false, billed) then the strong call (answers, strong quality)', () => {
    const out = runStep(
      { ...cascade },
      {
        cheap: 'cheap',
        strong: 'other',
        escalation: 1,
        quality: { cheap: 0.8, strong: 0.95 },
        cheap_output_tokens: 20,
      },
      [req({ id: 'x', cached: { read: 100, write5m: 0, write1h: 0 }, quality: 0.9 })],
    );
    expect(out).toHaveLength(2);
    const [c, s] = out;
    expect(c).toMatchObject({
      id: 'x/cheap',
      model: 'cheap',
      answers: false,
      outputTokens: 20,
      tags: { route: 'cascade:escalated' },
    });
    expect(c!.cached).toBeUndefined();
    expect(c!.quality).toBeUndefined();
    expect(s).toMatchObject({ id: 'x', model: 'other', outputTokens: 200, tags: { route: 'cascade:escalated' } });
    expect(s!.answers).toBeUndefined();
    expect(s!.cached).toBeUndefined(); // moved to another model
    expect(s!.quality).toBeCloseTo(0.855, 12); // 0.9 x 0.95
  });

  it("the strong call on the request's own model keeps the log's cached counts; a non-escalated request is one cheap call", () => {
    const r = req({ id: 'y', cached: { read: 100, write5m: 0, write1h: 0 } });
    const [c, s] = runStep(cascade, { cheap: 'cheap', escalation: 1 }, [r]);
    expect(c!.model).toBe('cheap');
    expect(s!.cached).toEqual({ read: 100, write5m: 0, write1h: 0 });
    const none = runStep(cascade, { name: 'tiered', cheap: 'cheap', escalation: 0, quality: { cheap: 0.9 } }, [r]);
    expect(none).toHaveLength(1);
    expect(none[0]).toMatchObject({ id: 'y', model: 'cheap', quality: 0.9, tags: { route: 'tiered:cheap' } });
    expect(none[0]!.answers).toBeUndefined();
  });

  it('a verifier call is billed for every cascaded request: 100 requests, judge on the cheap model', async () => {
    // Nothing escalates: per request a cheap call (1,000 in, 200 out: 500 µ$) and a verifier call
    // reading the request and the cheap answer (1,200 in at $0.25 = 300 µ$) and writing 5 tokens
    // (5 x $1.25 = 6.25 µ$): 806.25 µ$ x 100 = $0.080625; 200 calls, 100 answers.
    const reqs = Array.from({ length: 100 }, (_, i) => req({ id: `r${i}` }));
    const report = await simulate({ cheap: 'cheap', escalation: 0, verifier: {} }, reqs);
    expect(report.final.cost).toBeCloseTo(0.080625, 9);
    expect(report.final.calls).toBe(200);
    expect(report.final.successes).toBe(100);
    // An escalated request pays cheap + verifier + strong; the judge may be another model.
    const out = runStep(cascade, { cheap: 'cheap', escalation: 1, verifier: { model: 'other', input_tokens: 50 } }, [
      req({ id: 'z' }),
    ]);
    expect(out.map((r) => [r.id, r.model, r.inputTokens, r.outputTokens, r.answers])).toEqual([
      ['z/cheap', 'cheap', 1000, 200, false],
      ['z/verify', 'other', 50, 5, false],
      ['z', 'strong', 1000, 200, undefined],
    ]);
    expect(out[1]!.tags.route).toBe('cascade:verify');
  });

  it('`when` limits which requests cascade; the rest pass unchanged', () => {
    const reqs = [req({ id: 'a', tags: { intent: 'refund' } }), req({ id: 'b', tags: { intent: 'reasoning' } })];
    const out = runStep(cascade, { cheap: 'cheap', escalation: 0, when: { tags: { intent: 'refund' } } }, reqs);
    expect(out.map((r) => r.model)).toEqual(['cheap', 'strong']);
    expect(out[1]).toEqual(reqs[1]);
  });

  it('confidence model: escalate exactly the requests whose seeded confidence is below the threshold', () => {
    const reqs = Array.from({ length: 500 }, (_, i) => req({ id: `r${i}` }));
    const dist = { kind: 'beta' as const, alpha: 8, beta: 2 };
    const expected = reqs.map((r) => drawConfidence(drawRngFor(r, { seed: 11, name: 'cascade' }), dist) < 0.7);
    const out = runStep(cascade, { cheap: 'cheap', confidence: { threshold: 0.7, distribution: dist } }, reqs);
    const escalated = new Set(out.filter((r) => r.answers === false).map((r) => r.id.replace('/cheap', '')));
    expect(reqs.map((r) => escalated.has(r.id))).toEqual(expected);
    // Beta(8,2): P(X < 0.7) = I_0.7(8,2) = 9*0.7^8 - 8*0.7^9 = 0.5188 - 0.3229 = 0.1960
    expect(escalated.size).toBeGreaterThan(500 * 0.196 - 4 * 8.9); // sd = sqrt(500*0.196*0.804) = 8.9
    expect(escalated.size).toBeLessThan(500 * 0.196 + 4 * 8.9);
  });

  it('confidence draws stay in [0,1] with the documented means', () => {
    const rng = createRng(3);
    const mean = (d: Parameters<typeof drawConfidence>[1]) => {
      let s = 0;
      for (let i = 0; i < 20000; i++) {
        const x = drawConfidence(rng, d);
        if (x < 0 || x > 1) throw new Error(`out of range ${x}`);
        s += x;
      }
      return s / 20000;
    };
    expect(mean({ kind: 'uniform', min: 0.5, max: 1 })).toBeCloseTo(0.75, 2);
    expect(mean({ kind: 'beta', alpha: 0.5, beta: 0.5 })).toBeCloseTo(0.5, 1); // shape < 1 path
    expect(mean({ kind: 'beta', alpha: 8, beta: 2 })).toBeCloseTo(0.8, 2); // alpha / (alpha + beta)
  });

  it('requires exactly one of escalation or confidence; unknown cheap model fails at start', () => {
    expect(cascade.options.safeParse({ cheap: 'cheap' }).success).toBe(false);
    expect(
      cascade.options.safeParse({
        cheap: 'cheap',
        escalation: 0.2,
        confidence: { threshold: 0.5, distribution: { kind: 'uniform' } },
      }).success,
    ).toBe(false);
    expect(cascade.options.safeParse({ cheap: 'cheap', escalation: 1.2 }).success).toBe(false);
    expect(
      cascade.options.safeParse({ cheap: 'cheap', confidence: { threshold: 0.5, distribution: { kind: 'gauss' } } })
        .success,
    ).toBe(false);
    expect(() => runStep(cascade, { cheap: 'chaep', escalation: 0.1 }, [])).toThrow(/did you mean 'cheap'/);
  });
});
