// prompt-cache: hand-computed reads and writes per request (docs/semantics.md).
import { describe, expect, it } from 'vitest';
import { modelView } from '../../src/engine/run.js';
import { Ledger } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import type { PrefixBlock, SimRequest } from '../../src/engine/request.js';
import { UserError } from '../../src/diagnostics.js';
import { promptCache, roundAutomatic } from '../../src/strategies/prompt-cache/index.js';
import { ExpiringMap, parseDurationMs } from '../../src/strategies/prompt-cache/expiring.js';
import { bookFromYaml, ctxFor, drawFor, makeRequest } from '../helpers/sim.js';

const TABLE = `
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
  oldclaude:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
    cache: { style: explicit, read: "0.30", write_5m: "3.75", min_tokens: 1024 }
  gpt:
    provider: openai
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.25"
    output: "10.00"
    cache: { style: automatic, read: "0.125", min_tokens: 1024, increment: 128 }
  plain:
    provider: other
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "1.00"
    output: "2.00"
`;
const book = bookFromYaml(TABLE);
const MIN = 60_000;

const req = (p: Partial<SimRequest>): SimRequest =>
  makeRequest({ model: 'sonnet', inputTokens: 2500, outputTokens: 100 }, p);
const sys = (tokens: number, key = 'sys'): PrefixBlock[] => [{ key, tokens, kind: 'system' }];

// These are the ideal rules (--cache-realism ideal): test/unit/cache-realism.test.ts has the realistic ones.
function run(options: unknown, reqs: SimRequest[], seed = 1): { out: SimRequest[]; warnings: string[] } {
  const warnings: string[] = [];
  const r = promptCache.start(
    promptCache.options.parse(options),
    ctxFor({
      seed,
      position: 1,
      models: modelView(book),
      warn: (m) => warnings.push(m),
      cacheRealism: 'ideal',
    }),
  );
  const out = reqs.flatMap((q) => r.step(q));
  return { out: [...out, ...(r.flush?.() ?? [])], warnings };
}
const cachedOf = (out: SimRequest[]) => out.map((r) => r.cached);

describe('prompt-cache explicit', () => {
  const at = [0, 1 * MIN, 7 * MIN, 8 * MIN].map((atMs, i) => req({ id: `q${i}`, atMs, prefix: sys(2000) }));

  it('5m TTL, requests at 0, 1, 7, 8 min with a 2,000-token system block', () => {
    // t=0 miss: write 2000, expires 5m. t=1m hit: read 2000, refresh to 6m.
    // t=7m >= 6m expired: write 2000, expires 12m. t=8m hit: read 2000.
    expect(cachedOf(run({ ttl: '5m' }, at).out)).toEqual([
      { read: 0, write5m: 2000, write1h: 0 },
      { read: 2000, write5m: 0, write1h: 0 },
      { read: 0, write5m: 2000, write1h: 0 },
      { read: 2000, write5m: 0, write1h: 0 },
    ]);
  });

  it('1h TTL: one write, then reads; the 1h write costs 2x input', () => {
    const { out } = run({ ttl: '1h' }, at);
    // t=0 write (expires 60m); 1m, 7m, 8m all inside the refreshed hour
    expect(cachedOf(out)).toEqual([
      { read: 0, write5m: 0, write1h: 2000 },
      { read: 2000, write5m: 0, write1h: 0 },
      { read: 2000, write5m: 0, write1h: 0 },
      { read: 2000, write5m: 0, write1h: 0 },
    ]);
    const l = new Ledger(book.thresholds());
    l.add(out[0]!);
    const p = priceCells(l.cells, book.thresholds(), book);
    // 2000 x $6.00/M = $0.012 = 2 x (2000 x $3.00/M = $0.006); atto = 1e-18 USD; 1h writes are their own class
    expect(p.breakdown.cacheWrite1h).toBe(12_000_000_000_000_000n);
    expect(p.breakdown.cacheWrite1h).toBe(2n * 2000n * 3_000_000_000_000n);
    expect(p.breakdown.cacheWrite).toBe(0n);
    // plain input 500 x $3 = $0.0015, output 100 x $15 = $0.0015
    expect(p.breakdown.input).toBe(1_500_000_000_000_000n);
  });

  it('ttls: a prefix family (prompt_version) keeps its own TTL; the others use ttl', () => {
    // two families with their own 2,000-token system prompts, each at 0, 1, 7 and 8 min
    const fam = (v: string) =>
      [0, 1, 7, 8].map((m) => req({ id: `${v}${m}`, atMs: m * MIN, prefix: sys(2000, v), tags: { promptVersion: v } }));
    const reqs = [...fam('a'), ...fam('b')].sort((x, y) => x.atMs - y.atMs);
    const out = run({ ttl: '5m', ttls: { b: '1h' } }, reqs).out;
    const of = (v: string) => cachedOf(out.filter((r) => r.tags.promptVersion === v));
    // a (5m): write, read, expired at 7m: write, read - as the 5m test above
    expect(of('a').map((c) => [c!.read, c!.write5m, c!.write1h])).toEqual([
      [0, 2000, 0],
      [2000, 0, 0],
      [0, 2000, 0],
      [2000, 0, 0],
    ]);
    // b (1h): one 1-hour write, then reads - as the 1h test above
    expect(of('b').map((c) => [c!.read, c!.write5m, c!.write1h])).toEqual([
      [0, 0, 2000],
      [2000, 0, 0],
      [2000, 0, 0],
      [2000, 0, 0],
    ]);
    // ttl_by names another dimension: a tag here
    const byTeam = run({ ttl: '5m', ttl_by: 'team', ttls: { x: '1h' } }, [
      req({ id: 't', prefix: sys(2000), tags: { team: 'x' } }),
    ]).out;
    expect(cachedOf(byTeam)[0]).toEqual({ read: 0, write5m: 0, write1h: 2000 });
  });

  it('min-token cutoff: 1,023 is not cacheable, 1,024 is', () => {
    const two = (tokens: number) => [
      req({ id: 'a', prefix: sys(tokens) }),
      req({ id: 'b', atMs: 1000, prefix: sys(tokens) }),
    ];
    expect(cachedOf(run({}, two(1023)).out)).toEqual([
      { read: 0, write5m: 0, write1h: 0 },
      { read: 0, write5m: 0, write1h: 0 },
    ]);
    expect(cachedOf(run({}, two(1024)).out)).toEqual([
      { read: 0, write5m: 1024, write1h: 0 },
      { read: 1024, write5m: 0, write1h: 0 },
    ]);
    // option override of the table's minimum
    expect(cachedOf(run({ min_tokens: 2048 }, two(2000)).out)[1]).toEqual({ read: 0, write5m: 0, write1h: 0 });
  });

  it('ready_delay_ms: two requests 100 ms apart with a 2 s delay both write; a third at 3 s reads', () => {
    const reqs = [0, 100, 3000].map((atMs, i) => req({ id: `q${i}`, atMs, prefix: sys(2000) }));
    expect(cachedOf(run({ ready_delay: 2000 }, reqs).out)).toEqual([
      { read: 0, write5m: 2000, write1h: 0 },
      { read: 0, write5m: 2000, write1h: 0 },
      { read: 2000, write5m: 0, write1h: 0 },
    ]);
  });

  it('conversation scope: turn t reads exactly turn t-1 prompt and writes the rest', () => {
    // system 1500; turn 1 message 300; turn 2 = system + u1 (300) + a1 (200) + message 400
    const t1: PrefixBlock[] = [
      { key: 's', tokens: 1500, kind: 'system' },
      { key: 's/u1', tokens: 300, kind: 'message' },
    ];
    const t2: PrefixBlock[] = [
      { key: 's', tokens: 1500, kind: 'system' },
      { key: 's/u1', tokens: 300, kind: 'history' },
      { key: 's/u1/a1', tokens: 200, kind: 'history' },
      { key: 's/u1/a1/u2', tokens: 400, kind: 'message' },
    ];
    const reqs = [
      req({ id: 't1', inputTokens: 1800, prefix: t1 }),
      req({ id: 't2', atMs: 30_000, inputTokens: 2400, historyTokens: 500, prefix: t2 }),
    ];
    expect(cachedOf(run({ scope: 'conversation' }, reqs).out)).toEqual([
      { read: 0, write5m: 1800, write1h: 0 }, // 1500 + 300
      { read: 1800, write5m: 600, write1h: 0 }, // turn 1's prompt; writes 200 + 400 (2400 - 1800)
    ]);
    // system scope: only the system block is a breakpoint
    expect(cachedOf(run({ scope: 'system' }, reqs).out)).toEqual([
      { read: 0, write5m: 1500, write1h: 0 },
      { read: 1500, write5m: 0, write1h: 0 },
    ]);
  });

  it('block prefixes (Mooncake style): shared leading 512-token blocks are read', () => {
    const blocks = (ids: number[]): PrefixBlock[] =>
      ids.map((_, i) => ({ key: ids.slice(0, i + 1).join('-'), tokens: 512, kind: 'block' }));
    const a = req({ id: 'a', inputTokens: 1600, prefix: blocks([0, 1, 2]) });
    const b = req({ id: 'b', atMs: 1000, inputTokens: 1700, prefix: blocks([0, 1, 9]) });
    // a: cumulative 512 (< 1024, not cacheable), 1024, 1536: writes 1536.
    // b: key "0-1" is live -> reads 1024; "0-1-9" is new -> writes 1536 - 1024 = 512.
    expect(cachedOf(run({ scope: 'all' }, [a, b]).out)).toEqual([
      { read: 0, write5m: 1536, write1h: 0 },
      { read: 1024, write5m: 512, write1h: 0 },
    ]);
    // with scope system, opaque blocks are not breakpoints
    expect(cachedOf(run({ scope: 'system' }, [a, b]).out)).toEqual([
      { read: 0, write5m: 0, write1h: 0 },
      { read: 0, write5m: 0, write1h: 0 },
    ]);
  });

  it('recomputes cached tokens a log reported (what-if); never mutates the input request', () => {
    const q = req({ prefix: sys(2000), cached: { read: 2000, write5m: 0, write1h: 0 } });
    const snapshot = JSON.stringify(q);
    expect(run({}, [q]).out[0]!.cached).toEqual({ read: 0, write5m: 2000, write1h: 0 });
    expect(JSON.stringify(q)).toBe(snapshot);
  });

  it('unsorted timestamps: the cache clock is the largest timestamp seen so far', () => {
    // 0 writes (expires 5m); 6m writes again (expired); the late 1m request is treated as at 6m: hit
    const reqs = [0, 6 * MIN, 1 * MIN].map((atMs, i) => req({ id: `q${i}`, atMs, prefix: sys(2000) }));
    expect(cachedOf(run({}, reqs).out).map((c) => c!.read)).toEqual([0, 0, 2000]);
  });

  it('batch-tier requests have their own cache', () => {
    const reqs = [
      req({ id: 'a', prefix: sys(2000) }),
      req({ id: 'b', atMs: 1000, prefix: sys(2000), serviceTier: 'batch' }),
    ];
    expect(cachedOf(run({}, reqs).out).map((c) => c!.write5m)).toEqual([2000, 2000]);
  });

  it('ttl 1h on a model without a 1-hour price is a user error naming the model', () => {
    const r = promptCache.start(
      promptCache.options.parse({ ttl: '1h' }),
      ctxFor({
        seed: 1,
        position: 1,
        models: modelView(book),
        warn: () => {},
      }),
    );
    expect(() => r.step(req({ model: 'oldclaude', prefix: sys(2000) }))).toThrow(UserError);
    expect(() => r.step(req({ model: 'oldclaude', prefix: sys(2000) }))).toThrow(/oldclaude.*1-hour/);
  });

  it('a model without caching passes through unchanged and warns once', () => {
    const reqs = [req({ model: 'plain', prefix: sys(2000) }), req({ model: 'plain', atMs: 1, prefix: sys(2000) })];
    const { out, warnings } = run({}, reqs);
    expect(out).toEqual(reqs);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/'plain' has no prompt caching/);
  });

  it('models option limits the strategy; unknown names are errors', () => {
    const reqs = [req({ prefix: sys(2000) }), req({ model: 'gpt', prefix: sys(2000) })];
    const { out } = run({ models: ['gpt'] }, reqs);
    expect(out[0]).toBe(reqs[0]);
    expect(out[1]!.cached).toEqual({ read: 0, write5m: 0, write1h: 0 });
    expect(() => run({ models: ['sonet'] }, reqs)).toThrow(/did you mean 'sonnet'/);
  });

  it('strict options: unknown keys and bad values are rejected', () => {
    expect(promptCache.options.safeParse({ ttl: '10m' }).success).toBe(false);
    expect(promptCache.options.safeParse({ tll: '5m' }).success).toBe(false);
    expect(promptCache.options.safeParse({ retention: 'soon' }).success).toBe(false);
  });
});

describe('prompt-cache automatic', () => {
  it('rounds down to min + k x 128: 1,500 cached -> 1,408; below 1,024 -> 0', () => {
    expect(roundAutomatic(1500, 1024, 128)).toBe(1408); // 1024 + floor(476/128)=3 x 128
    expect(roundAutomatic(1024, 1024, 128)).toBe(1024);
    expect(roundAutomatic(1023, 1024, 128)).toBe(0);
    const reqs = [0, 1000].map((atMs, i) => req({ id: `q${i}`, model: 'gpt', atMs, prefix: sys(1500) }));
    // first stores the prefix (plain input, no write premium); second reads 1408
    expect(cachedOf(run({}, reqs).out)).toEqual([
      { read: 0, write5m: 0, write1h: 0 },
      { read: 1408, write5m: 0, write1h: 0 },
    ]);
  });

  it('retention is idle time, refreshed on use', () => {
    // 0 store (idle until 5m); 4m hit (until 9m); 8m hit (until 13m); 14m miss; with 24h retention 14m hits
    const reqs = [0, 4, 8, 14].map((m, i) => req({ id: `q${i}`, model: 'gpt', atMs: m * MIN, prefix: sys(2048) }));
    expect(cachedOf(run({}, reqs).out).map((c) => c!.read)).toEqual([0, 2048, 2048, 0]);
    expect(cachedOf(run({ retention: '24h' }, reqs).out).map((c) => c!.read)).toEqual([0, 2048, 2048, 2048]);
  });

  it('hit_rate with a fixed seed: a hit iff the seeded draw is below the rate', () => {
    const n = 1000;
    const reqs = Array.from({ length: n }, (_, i) =>
      req({ id: `q${i}`, model: 'gpt', atMs: i * 1000, prefix: sys(2048) }),
    );
    const reads = cachedOf(run({ hit_rate: 0.5 }, reqs, 42).out).map((c) => c!.read);
    // request 0 has nothing to hit; requests 1..999 hit iff their own draw is below the rate
    const expected = reqs.map((r, i) => (i > 0 && drawFor(r, { seed: 42 }) < 0.5 ? 2048 : 0));
    expect(reads).toEqual(expected);
    const hits = reads.filter((r) => r > 0).length;
    expect(hits).toBeGreaterThan(450);
    expect(hits).toBeLessThan(550);
  });

  it('options of the other cache style are ignored with one warning per model', () => {
    const reqs = [0, 1000].map((atMs, i) => req({ id: `q${i}`, model: 'gpt', atMs, prefix: sys(1500) }));
    const a = run({ ttl: '1h' }, reqs);
    expect(a.out[1]!.cached).toEqual({ read: 1408, write5m: 0, write1h: 0 });
    expect(a.warnings).toEqual([
      "prompt-cache: model 'gpt' caches automatically: ttl is ignored for it; its idle expiry is retention (5 min)",
    ]);
    const b = run({ retention: '1h' }, [req({ prefix: sys(2000) }), req({ id: 'b', atMs: 1, prefix: sys(2000) })]);
    expect(b.warnings).toHaveLength(1);
    expect(b.warnings[0]).toMatch(/'sonnet' caches explicitly: retention and hit_rate .* ignored/);
    // both styles' options on one step (a route from gpt to sonnet): each model takes its own, silently
    const both = run({ ttl: '1h', retention: '1h' }, [...reqs, req({ id: 'c', atMs: 2000, prefix: sys(2000) })]);
    expect(both.warnings).toEqual([]);
  });

  it('style override: automatic semantics on an explicit-cache model has no write premium', () => {
    const reqs = [0, 1000].map((atMs, i) => req({ id: `q${i}`, atMs, prefix: sys(1500) }));
    // the table's increment for an explicit-cache model is 1 token, so 1500 is read whole
    expect(cachedOf(run({ style: 'automatic' }, reqs).out)).toEqual([
      { read: 0, write5m: 0, write1h: 0 },
      { read: 1500, write5m: 0, write1h: 0 },
    ]);
  });
});

describe('bounded state', () => {
  it('expired entries are evicted: 100,000 unique keys at 1/s with a 5 min expiry stay under 1,500 entries', () => {
    const m = new ExpiringMap<{ expiresAtMs: number }>();
    for (let i = 0; i < 100_000; i++) m.set(`k${i}`, { expiresAtMs: i * 1000 + 300_000 }, i * 1000);
    // live: 300 keys; a sweep runs every max(1024, size) writes -> at most ~300 + 1024
    expect(m.peakSize).toBeLessThan(1500);
    expect(m.size).toBeLessThan(1500);
  });

  it('prompt-cache state stays bounded on a long stream of one-off prefixes', () => {
    // 50,000 requests at 1/s, each with its own 2,000-token system block, 5m TTL: ~300 live entries
    let maxSize = 0;
    const orig = ExpiringMap.prototype.set;
    ExpiringMap.prototype.set = function (
      this: ExpiringMap<{ expiresAtMs: number }>,
      ...args: Parameters<typeof orig>
    ) {
      orig.apply(this, args);
      maxSize = Math.max(maxSize, this.size);
    } as typeof orig;
    try {
      const r = promptCache.start(
        promptCache.options.parse({}),
        ctxFor({
          seed: 1,
          position: 1,
          models: modelView(book),
          warn: () => {},
        }),
      );
      for (let i = 0; i < 50_000; i++) r.step(req({ id: `q${i}`, atMs: i * 1000, prefix: sys(2000, `k${i}`) }));
    } finally {
      ExpiringMap.prototype.set = orig;
    }
    expect(maxSize).toBeGreaterThan(300);
    expect(maxSize).toBeLessThan(1500);
  });

  it('durations', () => {
    expect(parseDurationMs('5m')).toBe(300_000);
    expect(parseDurationMs('24h')).toBe(86_400_000);
    expect(parseDurationMs(250)).toBe(250);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('five')).toBeUndefined();
  });
});
