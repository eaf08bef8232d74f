// compress: named parts scaled by the kept ratio, each part rounded half-up exactly; re-keyed blocks.
import { describe, expect, it } from 'vitest';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { SimRequest } from '../../src/engine/request.js';
import { modelView } from '../../src/engine/run.js';
import { compress } from '../../src/strategies/compress.js';
import { ratioOf, scaleTokens } from '../../src/strategies/shape.js';
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
function runStep(raw: unknown, reqs: SimRequest[]): SimRequest[] {
  const run = compress.start(
    compress.options.parse(raw),
    ctxFor({
      seed: 1,
      position: 1,
      models: modelView(book()),
      warn: () => {},
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

// system 1001 | history 300 (block) + 101 (loose) | message 599 ; output 201
const r0 = req({
  inputTokens: 2001,
  historyTokens: 401,
  outputTokens: 201,
  prefix: [
    { key: 'sys', tokens: 1001, kind: 'system' },
    { key: 'sys/h1', tokens: 300, kind: 'history' },
  ],
  cached: { read: 1001, write5m: 0, write1h: 0 },
});

describe('compress', () => {
  it('parts no request has (a log: no blocks, no history): STRATEGY_NO_DATA at the end, naming input', () => {
    const said: { m: string; code?: string }[] = [];
    const ctx = ctxFor({ seed: 1, position: 1, models: modelView(book()), warn: (m, code) => said.push({ m, code }) });
    const finish = (raw: unknown, reqs: SimRequest[]): void => {
      const o = compress.options.parse(raw);
      const run = compress.start(o, ctx);
      for (const r of reqs) run.step(r);
      compress.finish!(o, run.counters!(), ctx);
    };
    const flat = req({ inputTokens: 6000, outputTokens: 100 });
    finish({ parts: ['system', 'history'], ratio: 0.5 }, [flat]);
    expect(said.map((s) => s.code)).toEqual(['STRATEGY_NO_DATA']);
    expect(said[0]!.m).toMatch(/no request has tokens in the parts named \(system, history\).*name input or message/);
    // the whole prompt is there to compress; a ratio of 1 keeps everything on purpose
    finish({ parts: ['input'], ratio: 0.5 }, [flat]);
    finish({ parts: ['system'], ratio: 1 }, [flat]);
    expect(said).toHaveLength(1);
  });

  it('rounds each part half-up, exactly (no float error at .5)', () => {
    expect(scaleTokens(1001, ratioOf(0.5))).toBe(501); // 500.5 -> 501
    expect(scaleTokens(10, ratioOf(0.35))).toBe(4); // 3.5 -> 4 (0.35 is 35/100 exactly, not 0.34999...)
    expect(scaleTokens(1, ratioOf(0.4))).toBe(0); // 0.4 -> 0
    expect(scaleTokens(201, ratioOf(0.7))).toBe(141); // 140.7 -> 141
    expect(scaleTokens(3_000_000_000, ratioOf(0.333333))).toBe(999_999_000); // exact even for big products
  });

  it('system: only system blocks shrink; every block from the first changed one gets a new key', () => {
    const [o] = runStep({ parts: ['system'], ratio: 0.5, quality: 0.98 }, [r0]);
    // 1001 -> 501 (-500); input 2001 - 500 = 1501
    expect(o!.prefix.map((b) => [b.key, b.tokens])).toEqual([
      ['sys~cmp:system@0.5', 501],
      ['sys/h1~cmp:system@0.5', 300],
    ]);
    expect([o!.inputTokens, o!.historyTokens, o!.outputTokens]).toEqual([1501, 401, 201]);
    expect(o!.quality).toBe(0.98);
    expect(o!.cached).toBeUndefined();
    // saving: 500 input tokens x $3 = 1500 µ$
    expect(atto([r0]) - atto([o!])).toBe(1500n * MICRO);
  });

  it('history: history blocks and loose history both shrink; the system block keeps its key', () => {
    const [o] = runStep({ parts: ['history'], ratio: 0.5 }, [r0]);
    // block 300 -> 150; loose 101 -> 51 (50.5 half-up); history 201; input 1001 + 150 + 51 + 599 = 1801
    expect(o!.prefix.map((b) => [b.key, b.tokens])).toEqual([
      ['sys', 1001],
      ['sys/h1~cmp:history@0.5', 150],
    ]);
    expect([o!.inputTokens, o!.historyTokens]).toEqual([1801, 201]);
  });

  it('message, output and input (every part)', () => {
    const [m] = runStep({ parts: ['message'], ratio: 0.35 }, [r0]);
    // message 599 x 0.35 = 209.65 -> 210; input 1001 + 300 + 101 + 210 = 1612; blocks untouched
    expect([m!.inputTokens, m!.historyTokens, m!.prefix[0]!.key, m!.prefix[1]!.key]).toEqual([
      1612,
      401,
      'sys',
      'sys/h1',
    ]);
    const [out] = runStep({ parts: ['output'], ratio: 0.7 }, [r0]);
    expect([out!.inputTokens, out!.outputTokens]).toEqual([2001, 141]);
    expect(out!.cached).toEqual(r0.cached); // the prompt did not change
    const [all] = runStep({ parts: ['input', 'output'], ratio: 0.5 }, [r0]);
    // 1001->501, 300->150, 101->51, 599->300 (299.5 half-up): input 1002; output 201 -> 101
    expect([all!.inputTokens, all!.historyTokens, all!.outputTokens]).toEqual([1002, 201, 101]);
    expect(all!.prefix.map((b) => b.key)).toEqual(['sys~cmp:input+output@0.5', 'sys/h1~cmp:input+output@0.5']);
  });

  it('a block compressed to 0 tokens disappears and the blocks after it are re-keyed', () => {
    const r = req({
      inputTokens: 12,
      prefix: [
        { key: 'a', tokens: 1, kind: 'system' },
        { key: 'a/b', tokens: 10, kind: 'message' },
      ],
    });
    const [o] = runStep({ parts: ['system'], ratio: 0.4 }, [r]);
    expect(o!.prefix).toEqual([{ key: 'a/b~cmp:system@0.4', tokens: 10, kind: 'message' }]);
    expect(o!.inputTokens).toBe(11);
  });

  it('ratio 1 changes nothing (no quality factor either)', () => {
    const [o] = runStep({ parts: ['input', 'output'], ratio: 1, quality: 0.5 }, [r0]);
    expect(o).toEqual(r0);
  });

  it('rejects a ratio outside 0..1 and unknown parts', () => {
    expect(compress.options.safeParse({ parts: ['system'], ratio: 1.2 }).success).toBe(false);
    expect(compress.options.safeParse({ parts: ['sytem'], ratio: 0.5 }).success).toBe(false);
    expect(compress.options.safeParse({ parts: [], ratio: 0.5 }).success).toBe(false);
  });
});
