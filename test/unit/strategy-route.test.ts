// route: hand-computed expectations, priced through Ledger + priceCells from an inline table.
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { SimRequest } from '../../src/engine/request.js';
import { modelView } from '../../src/engine/run.js';
import { route } from '../../src/strategies/route.js';
import type { Strategy } from '../../src/engine/strategy.js';
import { UserError } from '../../src/diagnostics.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import { bookFromYaml, ctxFor, drawFor, makeRequest } from '../helpers/sim.js';

// strong: $3 in / $15 out; cheap: $0.25 in / $1.25 out (per 1M tokens). 1 µ$ = 1e12 atto-USD.
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
    context_window: 200000
  cheap:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "0.25"
    output: "1.25"
    context_window: 8000
    aliases: [cheap-2099-01-01]
`;
const MICRO = 1_000_000_000_000n; // atto-USD per µ$

const book = (): PriceBook => bookFromYaml(TABLE);
const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'strong', inputTokens: 1000, outputTokens: 200 }, p);
function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object') {
    for (const v of Object.values(o)) deepFreeze(v);
    Object.freeze(o);
  }
  return o;
}
/** run a strategy directly (position 1) on frozen requests: mutation of the input would throw */
function runStep<O>(
  s: Strategy<O>,
  raw: unknown,
  reqs: SimRequest[],
  seed = 7,
  warn: (m: string) => void = () => {},
): SimRequest[] {
  const opts = s.options.parse(raw);
  const run = s.start(
    opts,
    ctxFor({
      seed,
      position: 1,
      name: s.name,
      models: modelView(book()),
      warn,
    }),
  );
  return [...reqs.map(deepFreeze).flatMap((r) => run.step(r)), ...(run.flush?.() ?? [])];
}
function atto(reqs: SimRequest[]): bigint {
  const b = book();
  const l = new Ledger(b.thresholds());
  for (const r of reqs) l.add(r);
  return priceCells(l.cells, b.thresholds(), b).total;
}

describe('route', () => {
  it('a rule whose when matched none of the requests that reached it: STRATEGY_UNMATCHED at the end', () => {
    const said: { m: string; code?: string }[] = [];
    const ctx = ctxFor({ seed: 7, position: 1, models: modelView(book()), warn: (m, code) => said.push({ m, code }) });
    const o = route.options.parse({
      rules: [
        { name: 'typo', when: { tags: { feature: 'serach' } }, to: 'cheap' },
        { name: 'long', when: { input_tokens: { gte: 500 } }, to: 'cheap' },
        { name: 'never-reached', when: { tags: { feature: 'chat' } }, to: 'cheap' },
      ],
    });
    const run = route.start(o, ctx);
    const reqs = [req({ id: 'a', tags: { feature: 'search' } }), req({ id: 'b', tags: { feature: 'chat' } })];
    for (const r of reqs) run.step(r);
    route.finish!(o, run.counters!(), ctx);
    // 'long' takes both, so 'never-reached' is not asked about any (nothing to say of it)
    expect(said).toEqual([
      {
        code: 'STRATEGY_UNMATCHED',
        m: 'route: rule typo: its when ({"tags":{"feature":"serach"}}) matched none of the 2 requests that reached it, so it moved nothing (a misspelt tag value, or a tag the traffic does not have?)',
      },
    ]);
  });

  it('routes by tags (a list of values is an OR), tags the route and sets quality', () => {
    const reqs = [
      req({ id: 'a', tags: { intent: 'faq' } }),
      req({ id: 'b', tags: { intent: 'greeting' } }),
      req({ id: 'c', tags: { intent: 'billing' } }),
      req({ id: 'd' }),
    ];
    const out = runStep(
      route,
      { rules: [{ name: 'simple', when: { tags: { intent: ['faq', 'greeting'] } }, to: 'cheap', quality: 0.9 }] },
      reqs,
    );
    expect(out.map((r) => r.model)).toEqual(['cheap', 'cheap', 'strong', 'strong']);
    expect(out.map((r) => r.tags.route)).toEqual(['simple', 'simple', undefined, undefined]);
    expect(out.map((r) => r.quality)).toEqual([0.9, 0.9, undefined, undefined]);
    // baseline: 4 x (1000*3 + 200*15) = 4 x 6000 µ$ = 24000 µ$
    expect(atto(reqs)).toBe(24_000n * MICRO);
    // routed: 2 x (1000*0.25 + 200*1.25) + 2 x 6000 = 2 x 500 + 12000 = 13000 µ$
    expect(atto(out)).toBe(13_000n * MICRO);
  });

  it('routes by an input_tokens threshold, exactly at the boundary (lt is strict)', () => {
    const reqs = [1999, 2000, 2001].map((n, i) => req({ id: `r${i}`, inputTokens: n, outputTokens: 0 }));
    const out = runStep(route, { rules: [{ when: { input_tokens: { lt: 2000 } }, to: 'cheap' }] }, reqs);
    expect(out.map((r) => r.model)).toEqual(['cheap', 'strong', 'strong']);
    expect(out[0]!.tags.route).toBe('rule-1');
    // 1999*0.25 + 2000*3 + 2001*3 = 499.75 + 6000 + 6003 = 12502.75 µ$
    expect(atto(out)).toBe(12_502_750_000_000_000n);
    const lte = runStep(route, { rules: [{ when: { input_tokens: { lte: 2000 } }, to: 'cheap' }] }, reqs);
    expect(lte.map((r) => r.model)).toEqual(['cheap', 'cheap', 'strong']);
  });

  it('first matching rule wins; unmatched requests go to the default', () => {
    const reqs = [
      req({ id: 'a', tags: { tier: 'free' }, inputTokens: 500 }),
      req({ id: 'b', tags: { tier: 'free' }, inputTokens: 5000 }),
      req({ id: 'c', tags: { tier: 'pro' }, model: 'cheap' }),
    ];
    const out = runStep(
      route,
      {
        rules: [
          { name: 'small', when: { input_tokens: { lt: 1000 } }, to: 'cheap' },
          { name: 'free', when: { tags: { tier: 'free' } }, to: 'cheap-2099-01-01' },
        ],
        default: { to: 'strong', quality: 1 },
      },
      reqs,
    );
    expect(out.map((r) => [r.model, r.tags.route])).toEqual([
      ['cheap', 'small'],
      ['cheap', 'free'], // alias resolved to the canonical id
      ['strong', 'default'],
    ]);
  });

  it('a seeded share: exactly the requests whose per-rule draw is below the share; a larger share selects a superset', () => {
    const reqs = Array.from({ length: 1000 }, (_, i) => req({ id: `r${i}` }));
    const expected = reqs.map((r) => drawFor(r, { seed: 7, name: 'route', label: 'rule:0' }) < 0.3);
    const out = runStep(route, { rules: [{ to: 'cheap', share: 0.3 }] }, reqs);
    const moved = out.map((r) => r.model === 'cheap');
    expect(moved).toEqual(expected);
    const n = moved.filter(Boolean).length;
    expect(n).toBeGreaterThan(250); // binomial(1000, 0.3): mean 300, sd 14.5
    expect(n).toBeLessThan(350);
    const wider = runStep(route, { rules: [{ to: 'cheap', share: 0.5 }] }, reqs).map((r) => r.model === 'cheap');
    expect(moved.every((m, i) => !m || wider[i])).toBe(true);
  });

  it('a request a share rule does not take falls through to the next rule', () => {
    const reqs = Array.from({ length: 200 }, (_, i) => req({ id: `r${i}` }));
    const out = runStep(
      route,
      {
        rules: [
          { name: 'half', to: 'cheap', share: 0.5 },
          { name: 'rest', to: 'strong' },
        ],
      },
      reqs,
    );
    expect(out.every((r) => r.tags.route === 'half' || r.tags.route === 'rest')).toBe(true);
    expect(out.filter((r) => r.tags.route === 'half').every((r) => r.model === 'cheap')).toBe(true);
  });

  it('token inflation scales output (and input with inflate_input) with exact half-up rounding; cumulative prefix sums stay ordered', () => {
    const r = req({
      inputTokens: 1001,
      outputTokens: 201,
      historyTokens: 3,
      prefix: [
        { key: 's', tokens: 1, kind: 'system' },
        { key: 's/h', tokens: 1, kind: 'history' },
        { key: 's/h/h', tokens: 1, kind: 'history' },
      ],
      cached: { read: 3, write5m: 0, write1h: 0 },
    });
    const [o] = runStep(route, { rules: [{ to: 'cheap', token_inflation: 1.5, inflate_input: true }] }, [r]);
    expect(o!.outputTokens).toBe(302); // 201 * 1.5 = 301.5 -> 302
    expect(o!.inputTokens).toBe(1502); // 1001 * 1.5 = 1501.5 -> 1502
    expect(o!.historyTokens).toBe(5); // 3 * 1.5 = 4.5 -> 5
    // cumulative 1, 2, 3 -> 2 (1.5), 3, 5 (4.5): blocks 2, 1, 2 (each rounded alone would be 2+2+2 = 6 > 5)
    expect(o!.prefix.map((b) => b.tokens)).toEqual([2, 1, 2]);
    expect(o!.prefix.map((b) => b.key)).toEqual(['s', 's/h', 's/h/h']);
    expect(o!.cached).toBeUndefined(); // another model's cache does not carry over
    const [outOnly] = runStep(route, { rules: [{ to: 'cheap', token_inflation: 1.2 }] }, [r]);
    expect([outOnly!.inputTokens, outOnly!.outputTokens]).toEqual([1001, 241]); // 201 * 1.2 = 241.2 -> 241
  });

  it('keeps cached counts when the route keeps the model, drops them on another model', () => {
    const r = req({ cached: { read: 500, write5m: 0, write1h: 0 }, tags: { x: '1' } });
    const warnings: string[] = [];
    const out = runStep(
      route,
      {
        rules: [{ when: { model: 'strong', tags: { x: '1' } }, to: 'strong', name: 'same' }],
        default: { to: 'cheap' },
      },
      [r, req({ model: 'cheap' }), { ...r, tags: {} }, { ...r, tags: {} }],
      7,
      (m) => warnings.push(m),
    );
    expect(out[0]!.cached).toEqual({ read: 500, write5m: 0, write1h: 0 });
    expect(out[0]!.model).toBe('strong');
    expect(out[2]!.model).toBe('cheap');
    expect(out[2]!.cached).toBeUndefined();
    expect(warnings).toHaveLength(1); // once, not per request
    expect(warnings[0]).toMatch(/does not carry over/);
  });

  it('warns once when a route exceeds the target context window', () => {
    const warnings: string[] = [];
    runStep(route, { rules: [{ to: 'cheap' }] }, [req({ inputTokens: 9000 }), req({ inputTokens: 9500 })], 7, (m) =>
      warnings.push(m),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/context window of .* \(8000 tokens\)/);
  });

  it('an unknown target model fails at start with did-you-mean, before any request', () => {
    expect(() => runStep(route, { rules: [{ to: 'chep' }] }, [])).toThrow(UserError);
    expect(() => runStep(route, { rules: [{ to: 'chep' }] }, [])).toThrow(/did you mean 'cheap'/);
    // located by the option's path in the scenario (position 1 = strategies[0])
    expect(() => runStep(route, { rules: [{ to: 'cheap' }, { to: 'chep' }] }, [])).toThrow(
      /strategies\[0\]\.rules\[1\]\.to: model 'chep'/,
    );
    expect(() => runStep(route, { rules: [{ when: { model: 'strnog' }, to: 'cheap' }] }, [])).toThrow(
      /did you mean 'strong'/,
    );
  });

  it('rejects bad options: share > 1, unknown keys, an empty route', () => {
    expect(route.options.safeParse({ rules: [{ to: 'cheap', share: 1.5 }] }).success).toBe(false);
    expect(route.options.safeParse({ rules: [{ to: 'cheap', shares: 0.5 }] }).success).toBe(false);
    expect(
      route.options.safeParse({ rules: [{ when: { tags: { a: 'b' }, input_tokenz: { lt: 1 } }, to: 'cheap' }] })
        .success,
    ).toBe(false);
    expect(route.options.safeParse({ rules: [{ when: { input_tokens: {} }, to: 'cheap' }] }).success).toBe(false);
    expect(route.options.safeParse({}).success).toBe(false);
  });
});
