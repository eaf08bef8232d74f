// The realistic cache rules (docs/strategies-caching.md, "Rules"), each with a hand-computed case:
// breakpoint placement and the 20-block lookback, the 4-breakpoint limit, overflow of busy automatic
// prefixes, fan-out before the first response, workspaces, batch-tier best-effort hits, and the
// retention / write premium of newer automatic caches.
import { describe, expect, it } from 'vitest';
import { modelView } from '../../src/engine/run.js';
import type { PrefixBlock, SimRequest } from '../../src/engine/request.js';
import { promptCache } from '../../src/strategies/prompt-cache/index.js';
import { type Position, placeBreakpoints } from '../../src/strategies/prompt-cache/placement.js';
import { type CacheRealism, parseRealism } from '../../src/strategies/prompt-cache/rules.js';
import { bookFromYaml, ctxFor, makeRequest } from '../helpers/sim.js';

const book = bookFromYaml(`
version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  sonnet:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
    cache: { style: explicit, read: "0.30", write_5m: "3.75", write_1h: "6.00", min_tokens: 1024 }
  gpt:
    provider: openai
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.25"
    output: "10.00"
    cache: { style: automatic, read: "0.125", min_tokens: 1024, increment: 128 }
  gpt-next:
    provider: openai
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.25"
    output: "10.00"
    cache: { style: automatic, read: "0.125", write: "1.5625", retention: "30m", min_tokens: 1024, increment: 128 }
`);
const S = 1_000;
const MIN = 60_000;

function run(
  options: unknown,
  reqs: SimRequest[],
  realism: CacheRealism = 'realistic',
): { out: SimRequest[]; warnings: string[] } {
  const warnings: string[] = [];
  const r = promptCache.start(
    promptCache.options.parse(options),
    ctxFor({
      seed: 1,
      position: 1,
      models: modelView(book),
      warn: (m) => warnings.push(m),
      cacheRealism: realism,
    }),
  );
  return { out: reqs.flatMap((q) => r.step(q)), warnings };
}

/** A conversation prefix: a 2,000-token system block, `history` 100-token blocks, a 100-token message. */
function conversation(history: number): PrefixBlock[] {
  const blocks: PrefixBlock[] = [{ key: 'sys', tokens: 2000, kind: 'system' }];
  for (let i = 1; i <= history; i++) blocks.push({ key: `c/${i}`, tokens: 100, kind: 'history' });
  blocks.push({ key: `c/${history + 1}`, tokens: 100, kind: 'message' });
  return blocks;
}
const turn = (id: string, atMs: number, history: number): SimRequest =>
  makeRequest(
    { model: 'sonnet', inputTokens: 2000 + 100 * (history + 1), outputTokens: 50 },
    { id, atMs, prefix: conversation(history) },
  );

describe('explicit caches: breakpoints and the 20-block lookback', () => {
  // Turn 1: blocks 1..11 (system, 9 history, message): breakpoints at system (block 1), end of history
  // (block 10) and the prompt (block 11); nothing cached yet: writes 2,000 + 10 x 100 = 3,000.
  const t1 = turn('t1', 0, 9);

  it('a turn adding 19 blocks hits: the prompt breakpoint at block 30 checks blocks 30..11', () => {
    // Turn 2: 30 blocks (2,000 + 29 x 100 = 4,900 tokens); turn 1's entry at block 11 is in the window.
    const { out } = run({}, [t1, turn('t2', 10 * S, 28)]);
    expect(out.map((r) => r.cached)).toEqual([
      { read: 0, write5m: 3000, write1h: 0 },
      { read: 3000, write5m: 1900, write1h: 0 },
    ]);
  });

  it('a turn adding 21 blocks misses the conversation: only the system breakpoint finds its entry', () => {
    // Turn 2: 32 blocks (5,100 tokens). Prompt breakpoint (32) checks 32..13, history (31) checks
    // 31..12: turn 1's entries at blocks 10 and 11 are out of both windows. System (1) finds block 1.
    const { out } = run({}, [t1, turn('t2', 10 * S, 30)]);
    expect(out[1]!.cached).toEqual({ read: 2000, write5m: 3100, write1h: 0 });
    // With the prompt breakpoint alone (Anthropic's top-level automatic caching) it is a full re-write.
    const alone = run({ breakpoints: ['prompt'] }, [t1, turn('t2', 10 * S, 30)]).out;
    expect(alone[1]!.cached).toEqual({ read: 0, write5m: 5100, write1h: 0 });
    // The ideal rules (every block an entry, no lookback limit) read all of turn 1.
    const ideal = run({}, [t1, turn('t2', 10 * S, 30)], 'ideal').out;
    expect(ideal[1]!.cached).toEqual({ read: 3000, write5m: 2100, write1h: 0 });
  });

  it('the issue example: a 50K-token Sonnet prefix re-written instead of read costs $0.1875 instead of $0.015', () => {
    const m = book.resolve('sonnet');
    const usd = (tokens: number, cls: 'cacheRead' | 'cacheWrite5m') =>
      Number(BigInt(tokens) * book.price(m, 'standard', 'base', cls)) / 1e18;
    expect(usd(50_000, 'cacheRead')).toBeCloseTo(0.015, 12);
    expect(usd(50_000, 'cacheWrite5m')).toBeCloseTo(0.1875, 12);
  });

  it('entries exist only at breakpoints: a later request sharing only block 11 of turn 1 finds nothing at block 5', () => {
    // A request whose prefix is turn 1's first 5 blocks: its prompt breakpoint (block 5) looks back to
    // block 1; turn 1 wrote entries at blocks 1, 10 and 11 only, so it reads the system block.
    const five = makeRequest(
      { model: 'sonnet', inputTokens: 2400 },
      { id: 'f', atMs: 10 * S, prefix: conversation(9).slice(0, 5) },
    );
    expect(run({}, [t1, five]).out[1]!.cached).toEqual({ read: 2000, write5m: 400, write1h: 0 });
    expect(run({}, [t1, five], 'ideal').out[1]!.cached).toEqual({ read: 2400, write5m: 0, write1h: 0 });
  });

  it('a fifth breakpoint is ignored: the earliest of five goes, as the API uses the last four', () => {
    // Five blocks of 2,000 + 4 x 100: breakpoints named at blocks 1..5 keep 2..5 (no entry at block 1).
    const blocks: PrefixBlock[] = [
      { key: 'b1', tokens: 2000, kind: 'system' },
      ...[2, 3, 4, 5].map((i): PrefixBlock => ({ key: `b1/${i}`, tokens: 100, kind: 'history' })),
    ];
    const first = makeRequest({ model: 'sonnet', inputTokens: 2400 }, { id: 'a', atMs: 0, prefix: blocks });
    // A second request shares block 1 only: with block 1 a breakpoint of the first it would read 2,000.
    const second = makeRequest(
      { model: 'sonnet', inputTokens: 2100 },
      { id: 'b', atMs: 10 * S, prefix: [blocks[0]!, { key: 'b1/x', tokens: 100, kind: 'message' }] },
    );
    const { out, warnings } = run({ breakpoints: [1, 2, 3, 4, 5] }, [first, second]);
    expect(out[0]!.cached).toEqual({ read: 0, write5m: 2400, write1h: 0 });
    expect(out[1]!.cached).toEqual({ read: 0, write5m: 2100, write1h: 0 });
    expect(warnings.some((w) => w.includes('earliest are ignored'))).toBe(true);
    // Four named breakpoints: block 1 keeps its entry and the second request reads it.
    const four = run({ breakpoints: [1, 2, 3, 4] }, [first, second]).out;
    expect(four[1]!.cached).toEqual({ read: 2000, write5m: 100, write1h: 0 });
  });
});

describe('automatic caches under load: overflow above 15 requests per minute', () => {
  // One request per second for 10 minutes (600 requests = 60 RPM) with one 2,000-token prefix
  // (cached as 1,024 + 7 x 128 = 1,920 tokens).
  const stream = (tag?: (i: number) => Record<string, string>) =>
    Array.from({ length: 600 }, (_, i) =>
      makeRequest(
        { model: 'gpt', inputTokens: 2500 },
        { id: `q${i}`, atMs: i * S, prefix: [{ key: 'sys', tokens: 2000 }], tags: tag?.(i) ?? {} },
      ),
    );
  const hits = (out: SimRequest[]) => out.filter((r) => r.cached!.read > 0).length;

  it('60 RPM on one prefix: 15 of every 60 requests reach the machine with the cache, 75% overflow', () => {
    // The primary takes t = 0..14 s, 60..74 s, ... (15 in any sliding minute): 10 x 15 = 150; the
    // first of them writes, 149 read 1,920 tokens; the other 450 (75% = (60 - 15) / 60) miss.
    const { out } = run({}, stream());
    expect(hits(out)).toBe(149);
    expect(out.filter((r) => r.cached!.read > 0).every((r) => r.cached!.read === 1920)).toBe(true);
    expect(out.filter((r, i) => i > 0 && r.cached!.read === 0).length).toBe(450);
    // Ideal: every request after the first reads.
    expect(hits(run({}, stream(), 'ideal').out)).toBe(599);
  });

  it('prompt_cache_key splits the load: 4 keys at 15 RPM each never overflow, each key pays its first miss', () => {
    const { out } = run(
      {},
      stream((i) => ({ prompt_cache_key: `k${i % 4}` })),
    );
    expect(hits(out)).toBe(596);
  });

  it('hit_rate stays an explicit override of the load model', () => {
    expect(hits(run({ hit_rate: 1 }, stream()).out)).toBe(599);
  });
});

describe('fan-out: an entry is readable once the writing request responds', () => {
  const fan = (atMs: number[], model = 'sonnet') =>
    atMs.map((t, i) =>
      makeRequest(
        { model, inputTokens: 2500 },
        { id: `p${i}`, atMs: t, prefix: [{ key: 'sys', tokens: 2000, kind: 'system' }] },
      ),
    );
  const writes = (out: SimRequest[]) => out.filter((r) => r.cached!.write5m > 0).length;

  it('8 parallel first requests pay 8 writes with the default delay (Anthropic: 2 s to first token)', () => {
    const { out } = run({}, fan([0, 0, 0, 0, 0, 0, 0, 0]));
    expect(writes(out)).toBe(8);
    expect(out.every((r) => r.cached!.read === 0)).toBe(true);
    // Ideal: the first request's entry is readable at once: 1 write, 7 reads.
    expect(writes(run({}, fan([0, 0, 0, 0, 0, 0, 0, 0]), 'ideal').out)).toBe(1);
  });

  it('the entry becomes readable 2,000 ms after the first write', () => {
    const { out } = run({}, fan([0, 1999, 2000]));
    expect(out.map((r) => r.cached!.read)).toEqual([0, 0, 2000]);
    // OpenAI's default is 1,000 ms.
    const gpt = run({}, fan([0, 999, 1000], 'gpt')).out;
    expect(gpt.map((r) => r.cached!.read)).toEqual([0, 0, 1920]);
  });
});

describe('workspaces: caches are not shared across them', () => {
  const two = [
    makeRequest(
      { model: 'sonnet', inputTokens: 2500 },
      { id: 'a', atMs: 0, prefix: [{ key: 's', tokens: 2000 }], tags: { tenant: 'A' } },
    ),
    makeRequest(
      { model: 'sonnet', inputTokens: 2500 },
      { id: 'b', atMs: 10 * S, prefix: [{ key: 's', tokens: 2000 }], tags: { tenant: 'B' } },
    ),
  ];

  it('workspace_by: tenant - tenant B writes its own entry; one workspace - B reads A', () => {
    expect(run({ workspace_by: 'tenant' }, two).out[1]!.cached).toEqual({ read: 0, write5m: 2000, write1h: 0 });
    expect(run({}, two).out[1]!.cached).toEqual({ read: 2000, write5m: 0, write1h: 0 });
  });
});

describe('batch tier: best-effort hits', () => {
  it('a batch of 1,000 concurrent requests with one shared prefix gets 64% of its 999 would-be hits', () => {
    // All at the same instant on the batch tier: readiness does not apply, the share does: the k-th
    // would-be hit of the prefix key 's' hits when floor(k x 0.64 + phase) steps up, phase = its
    // place in [0, 1) (0.128): floor(999 x 0.64 + 0.128) = 639 hits. The first
    // request and the 360 misses write 2,000 tokens each, here at the 1-hour TTL Anthropic recommends
    // for batches (batch_ttl; the default is the strategy's ttl).
    const batch = Array.from({ length: 1000 }, (_, i) =>
      makeRequest(
        { model: 'sonnet', inputTokens: 2500, serviceTier: 'batch' },
        { id: `b${i}`, atMs: 0, prefix: [{ key: 's', tokens: 2000 }] },
      ),
    );
    const { out } = run({ batch_ttl: '1h' }, batch);
    const read = out.filter((r) => r.cached!.read === 2000).length;
    expect(read).toBe(639);
    expect(out.filter((r) => r.cached!.write1h === 2000).length).toBe(361);
    expect(out.every((r) => r.cached!.write5m === 0)).toBe(true);
    // default: the strategy's ttl (5m)
    expect(run({}, batch).out.filter((r) => r.cached!.write5m === 2000).length).toBe(361);
    // batch_hit_rate: 0.3 (the vendor's low end): floor(999 x 0.3 + 0.128) = 299.
    expect(run({ batch_hit_rate: 0.3 }, batch).out.filter((r) => r.cached!.read > 0).length).toBe(299);
    // Ideal: batch requests hit like interactive ones at the strategy's TTL.
    const ideal = run({}, batch, 'ideal').out;
    expect(ideal.filter((r) => r.cached!.read === 2000).length).toBe(999);
    expect(ideal[0]!.cached).toEqual({ read: 0, write5m: 2000, write1h: 0 });
  });
});

describe('retention and write premium of newer automatic caches', () => {
  const at = (model: string, t: number[]) =>
    t.map((atMs, i) =>
      makeRequest({ model, inputTokens: 2500 }, { id: `r${i}`, atMs, prefix: [{ key: 'sys', tokens: 2000 }] }),
    );

  it('a 30-minute table retention keeps the prefix 20 minutes; the 5-minute default does not', () => {
    expect(run({}, at('gpt-next', [0, 20 * MIN])).out.map((r) => r.cached!.read)).toEqual([0, 1920]);
    expect(run({}, at('gpt', [0, 20 * MIN])).out.map((r) => r.cached!.read)).toEqual([0, 0]);
  });

  it('cache.write bills the stored prefix at the write price (1.25 x input) on a miss, nothing on a hit', () => {
    const { out } = run({}, at('gpt-next', [0, 10 * S]));
    expect(out.map((r) => r.cached)).toEqual([
      { read: 0, write5m: 1920, write1h: 0 },
      { read: 1920, write5m: 0, write1h: 0 },
    ]);
    const m = book.resolve('gpt-next');
    expect(Number(book.price(m, 'standard', 'base', 'cacheWrite5m')) / 1e12).toBe(1.5625);
  });
});

describe('realism: ideal, realistic, or single rules joined by +', () => {
  it('parses rule lists and names what is allowed', () => {
    expect([...(parseRealism('breakpoints+fan-out') as Set<string>)]).toEqual(['breakpoints', 'fan-out']);
    expect((parseRealism('realistic') as Set<string>).size).toBe(5);
    expect((parseRealism('ideal') as Set<string>).size).toBe(0);
    expect(parseRealism('lookback')).toMatch(/not a cache realism: use realistic, ideal, or rules joined by '\+'/);
  });

  it('each rule alone: fan-out makes 8 parallel writes, overflow alone does not', () => {
    const eight = Array.from({ length: 8 }, (_, i) =>
      makeRequest({ model: 'sonnet', inputTokens: 2500 }, { id: `p${i}`, prefix: [{ key: 's', tokens: 2000 }] }),
    );
    const writes = (realism: string) => run({}, eight, realism).out.filter((r) => r.cached!.write5m > 0).length;
    expect(writes('fan-out')).toBe(8);
    expect(writes('overflow')).toBe(1);
    expect(writes('breakpoints+overflow+batch+semantic')).toBe(1);
  });
});

describe('breakpoint placement policy', () => {
  const place = (positions: Position[], prefix: PrefixBlock[], max = 4) => {
    const out: number[] = [];
    const r = placeBreakpoints(positions, prefix, new Set(['system', 'none', 'history', 'message', 'block']), max, out);
    return { at: out.slice(0, r.kept).map((i) => i + 1), dropped: r.dropped };
  };
  const conv = conversation(3); // blocks 1 system, 2-4 history, 5 message

  it('system = end of the leading system blocks, history = last history block, prompt = last block', () => {
    expect(place(['system', 'history', 'prompt'], conv)).toEqual({ at: [1, 4, 5], dropped: 0 });
    expect(place([2, -1, 'prompt'], conv)).toEqual({ at: [2, 5], dropped: 0 }); // numbers; duplicates once
    expect(place([9, -9], conv)).toEqual({ at: [], dropped: 0 }); // out of range: no breakpoint
    expect(place([1, 2, 3, 4, 5], conv)).toEqual({ at: [2, 3, 4, 5], dropped: 1 });
  });

  it('hash-block traces: the prompt breakpoint skips a partial last block', () => {
    const blocks = (tokens: number[]): PrefixBlock[] =>
      tokens.map((t, i) => ({ key: `h${i}`, tokens: t, kind: 'block' as const }));
    expect(place(['prompt'], blocks([512, 512, 100]))).toEqual({ at: [2], dropped: 0 });
    expect(place(['prompt'], blocks([512, 512, 512]))).toEqual({ at: [3], dropped: 0 });
    expect(place(['system', 'history'], blocks([512, 100]))).toEqual({ at: [], dropped: 0 });
  });
});
