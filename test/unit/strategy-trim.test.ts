// trim-context: oldest history goes first; inputTokens falls by the trimmed amount; later blocks re-keyed.
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { PrefixBlock, SimRequest } from '../../src/engine/request.js';
import { modelView } from '../../src/engine/run.js';
import { trimContext } from '../../src/strategies/trim-context.js';
import type { PriceBook } from '../../src/pricing/pricebook.js';
import { bookFromYaml, makeRequest, ctxFor } from '../helpers/sim.js';

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
const MICRO = 1_000_000_000_000n; // atto-USD per µ$
const book = (): PriceBook => bookFromYaml(TABLE);
const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'strong', inputTokens: 0, outputTokens: 0 }, p);
function runStep(raw: unknown, reqs: SimRequest[], warn: (m: string) => void = () => {}): SimRequest[] {
  const run = trimContext.start(
    trimContext.options.parse(raw),
    ctxFor({
      seed: 1,
      position: 1,
      models: modelView(book()),
      warn,
    }),
  );
  return reqs
    .map(
      (r) => Object.freeze({ ...r, prefix: Object.freeze(r.prefix.map((b) => Object.freeze({ ...b }))) }) as SimRequest,
    )
    .flatMap((r) => run.step(r));
}
function atto(reqs: SimRequest[]): bigint {
  const b = book();
  const l = new Ledger(b.thresholds());
  for (const r of reqs) l.add(r);
  return priceCells(l.cells, b.thresholds(), b).total;
}

// system 1000, then three earlier messages (300, 200, 100: oldest first), then a 50-token message
const convo = req({
  id: 'turn4',
  inputTokens: 1650,
  historyTokens: 600,
  outputTokens: 100,
  prefix: [
    { key: 'sys', tokens: 1000, kind: 'system' },
    { key: 'sys/u1', tokens: 300, kind: 'history' },
    { key: 'sys/u1/a1', tokens: 200, kind: 'history' },
    { key: 'sys/u1/a1/u2', tokens: 100, kind: 'history' },
  ],
  cached: { read: 1000, write5m: 0, write1h: 0 },
});

describe('trim-context', () => {
  it('a token budget drops whole messages, oldest first, and keeps the newest', () => {
    const [o] = runStep({ max_history_tokens: 350 }, [convo]);
    // drop u1 (300): 600 - 300 = 300 <= 350, stop. input 1650 - 300 = 1350
    expect(o!.historyTokens).toBe(300);
    expect(o!.inputTokens).toBe(1350);
    expect(o!.prefix.map((b) => [b.key, b.tokens])).toEqual([
      ['sys', 1000], // before the trimmed block: same identity, still cacheable
      ['sys/u1/a1~trim:300', 200], // after it: new cumulative identity
      ['sys/u1/a1/u2~trim:300', 100],
    ]);
    // the system block is untouched: its cached tokens stay; nothing after it was cached here
    expect(o!.cached).toEqual({ read: 1000, write5m: 0, write1h: 0 });
    // saving: 300 input tokens x $3/1M = 900 µ$
    expect(atto([convo]) - atto([o!])).toBe(900n * MICRO);
  });

  it('a budget of 0 drops every history message', () => {
    const [o] = runStep({ max_history_tokens: 0 }, [convo]);
    expect([o!.historyTokens, o!.inputTokens, o!.prefix.length]).toEqual([0, 1050, 1]);
  });

  it('history without blocks (a log with counts only) is cut to exactly the budget', () => {
    const r = req({ inputTokens: 6000, historyTokens: 5000, outputTokens: 10 });
    const [o] = runStep({ max_history_tokens: 2000, quality: 0.97 }, [r]);
    expect([o!.inputTokens, o!.historyTokens, o!.quality]).toEqual([3000, 2000, 0.97]); // 6000 - (5000 - 2000)
  });

  it('requests within the budget pass unchanged (no quality factor, cached counts kept)', () => {
    const out = runStep({ max_history_tokens: 600, quality: 0.9 }, [convo]);
    expect(out[0]).toEqual(convo);
    expect(out[0]!.quality).toBeUndefined();
  });

  it('keep_turns: N keeps the newest 2N history blocks (a user message and its answer per turn)', () => {
    const [o] = runStep({ keep_turns: 1 }, [convo]);
    // 3 history blocks, keep 2: drop u1 (300)
    expect(o!.prefix.map((b) => b.key)).toEqual(['sys', 'sys/u1/a1~trim:300', 'sys/u1/a1/u2~trim:300']);
    expect(o!.inputTokens).toBe(1350);
    const [z] = runStep({ keep_turns: 0 }, [convo]);
    expect(z!.historyTokens).toBe(0);
  });

  it('keep_turns on history without blocks: unchanged, with one warning', () => {
    const warnings: string[] = [];
    const r = req({ inputTokens: 6000, historyTokens: 5000 });
    const out = runStep({ keep_turns: 3 }, [r, { ...r, id: 'r2' }], (m) => warnings.push(m));
    expect(out.map((x) => x.inputTokens)).toEqual([6000, 6000]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/max_history_tokens/);
  });

  it('no request with history (a request log): STRATEGY_NO_DATA at the end of the run, naming fit', () => {
    const said: { m: string; code?: string }[] = [];
    const ctx = ctxFor({ seed: 1, position: 1, models: modelView(book()), warn: (m, code) => said.push({ m, code }) });
    const o = trimContext.options.parse({ max_history_tokens: 100 });
    const run = trimContext.start(o, ctx);
    const flat = req({ inputTokens: 6000 });
    expect(run.step(flat)).toEqual([flat]);
    trimContext.finish!(o, run.counters!(), ctx);
    expect(said).toHaveLength(1);
    expect(said[0]!.code).toBe('STRATEGY_NO_DATA');
    expect(said[0]!.m).toMatch(/no request carries conversation history .*\(llmcost fit LOG\)/);
    // one request with history is data: no warning
    const run2 = trimContext.start(o, ctx);
    run2.step(flat);
    run2.step(req({ id: 'h', inputTokens: 6000, historyTokens: 500 }));
    trimContext.finish!(o, run2.counters!(), ctx);
    expect(said).toHaveLength(1);
  });

  it('consecutive turns of a sliding window share only the system block (what trimming does to caching)', () => {
    const next = req({
      inputTokens: 1850,
      historyTokens: 800,
      prefix: [...convo.prefix, { key: 'sys/u1/a1/u2/a2', tokens: 200, kind: 'history' }],
    });
    const [a, b] = runStep({ max_history_tokens: 350 }, [convo, next]);
    // turn 5 drops u1 + a1 (500): 800 - 500 = 300
    expect(b!.prefix.map((x) => x.key)).toEqual(['sys', 'sys/u1/a1/u2~trim:500', 'sys/u1/a1/u2/a2~trim:500']);
    const keysA = new Set(a!.prefix.map((x) => x.key));
    expect(b!.prefix.filter((x) => keysA.has(x.key)).map((x) => x.key)).toEqual(['sys']);
  });

  it('cached counts beyond the untouched leading blocks become plain input (read first, then writes), with one order warning', () => {
    const warnings: string[] = [];
    // as if prompt-cache ran first: 1000 (system) + 300 (u1) read, 300 (a1 + u2) written
    const cachedConvo = { ...convo, cached: { read: 1300, write5m: 300, write1h: 0 } };
    const [o, o2] = runStep({ max_history_tokens: 350 }, [cachedConvo, { ...cachedConvo, id: 'again' }], (m) =>
      warnings.push(m),
    );
    expect(o!.cached).toEqual({ read: 1000, write5m: 0, write1h: 0 }); // u1 dropped: only the system block is unchanged
    expect(o2!.cached).toEqual({ read: 1000, write5m: 0, write1h: 0 });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/before prompt-cache/);
    // no blocks (a log): the untouched lead is taken as input - history = 1000 tokens
    const [l] = runStep({ max_history_tokens: 2000 }, [
      req({ inputTokens: 6000, historyTokens: 5000, cached: { read: 600, write5m: 900, write1h: 0 } }),
    ]);
    expect(l!.cached).toEqual({ read: 600, write5m: 400, write1h: 0 }); // 600 read + min(1500, 1000) - 600 written
  });

  it('step_turns: the window moves in steps, so consecutive turns keep the same cache prefix', () => {
    // history of h turns (2 blocks each, 100 tokens per block), keep_turns 2, step_turns 3
    const turn = (h: number): SimRequest => {
      const prefix: PrefixBlock[] = [{ key: 'sys', tokens: 1000, kind: 'system' }];
      let key = 'sys';
      for (let i = 0; i < 2 * h; i++) prefix.push({ key: (key = `${key}/${i}`), tokens: 100, kind: 'history' });
      return req({ id: `t${h}`, inputTokens: 1000 + 200 * h + 50, historyTokens: 200 * h, prefix });
    };
    const out = runStep({ keep_turns: 2, step_turns: 3 }, [3, 4, 5, 6].map(turn));
    // excess turns 1, 2, 3 -> drop 3 turns (6 blocks) for h = 3..5; h = 6: excess 4 -> drop 6 turns
    expect(out.map((r) => r.historyTokens)).toEqual([0, 200, 400, 0]);
    // h = 4 and h = 5 share the block after the system prompt: a cache hit on the kept window
    expect(out[1]!.prefix[1]!.key).toBe(out[2]!.prefix[1]!.key);
    expect(out[1]!.prefix[1]!.key).toBe('sys/0/1/2/3/4/5/6~trim:600');
    // without steps the window slides every turn: no block after the system prompt is shared
    const slide = runStep({ keep_turns: 2 }, [4, 5].map(turn));
    expect(slide[0]!.prefix[1]!.key).not.toBe(slide[1]!.prefix[1]!.key);
  });

  it('needs exactly one budget', () => {
    expect(trimContext.options.safeParse({}).success).toBe(false);
    expect(trimContext.options.safeParse({ max_history_tokens: 10, keep_turns: 2 }).success).toBe(false);
    expect(trimContext.options.safeParse({ max_history_tokens: -1 }).success).toBe(false);
    expect(trimContext.options.safeParse({ keep_turns: 2.5 }).success).toBe(false);
  });
});
