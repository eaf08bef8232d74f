import { describe, expect, it } from 'vitest';
import type { SimRequest } from '../../src/engine/request.js';
import { createRng } from '../../src/engine/rng.js';
import { DIURNAL_CURVES } from '../../src/traffic/diurnal.js';
import { distSchema, intSampler, lognormalSigma, sampler } from '../../src/traffic/distributions.js';
import { generateProfile, type Profile, profileProblems, profileSchema } from '../../src/traffic/profile.js';

const DAY = 86_400_000;

function profile(p: Record<string, unknown>): Profile {
  return profileSchema.parse({
    start: '2026-11-02', // a Monday
    segments: [{ name: 'chat', model: 'm', system_tokens: 100, input_tokens: 10, output_tokens: 20 }],
    ...p,
  });
}

function all(p: Profile, seed = 1, batchSize?: number): SimRequest[] {
  const out: SimRequest[] = [];
  for (const b of generateProfile(p, seed, batchSize ? { batchSize } : {})) out.push(...b);
  return out;
}

describe('profile generator: determinism and streaming', () => {
  const p = profile({
    requests_per_day: 2000,
    diurnal: 'business-hours',
    tenants: [
      { name: 'a', share: 2 },
      { name: 'b', share: 1 },
    ],
    errors: { rate: 0.05, timeout_rate: 0.05 },
    segments: [
      {
        name: 'chat',
        model: 'm',
        system_tokens: 500,
        input_tokens: { lognormal: { mean: 200, p95: 500 } },
        output_tokens: { normal: { mean: 150, sd: 40 } },
        turns: { uniform: { min: 1, max: 5 } },
        think_time_s: { lognormal: { mean: 30, p95: 90 } },
      },
      {
        name: 'faq',
        share: 0.5,
        model: 'm',
        input_tokens: 30,
        output_tokens: { empirical: { values: [50, 100], weights: [3, 1] } },
        queries: { distinct: 20 },
        batchable: 0.5,
      },
    ],
  });

  it('same seed -> identical stream; another seed -> another stream', () => {
    const a = JSON.stringify(all(p, 1));
    expect(JSON.stringify(all(p, 1))).toBe(a);
    expect(JSON.stringify(all(p, 2))).not.toBe(a);
  });

  it('yields batches no larger than the batch size, in time order', () => {
    let prev = -Infinity;
    let batches = 0;
    for (const b of generateProfile(p, 1, { batchSize: 100 })) {
      batches++;
      expect(b.length).toBeLessThanOrEqual(100);
      for (const r of b) {
        expect(r.atMs).toBeGreaterThanOrEqual(prev);
        prev = r.atMs;
      }
    }
    expect(batches).toBeGreaterThan(10);
  });

  it('streams: the first batch of a 100M-request profile comes at once (nothing is materialised)', () => {
    const big = generateProfile(profile({ requests_per_day: 100_000_000 }), 1);
    const first = big.next();
    expect(first.done).toBe(false);
    expect(first.value!.length).toBe(1000);
    big.return(undefined);
  });

  it('adding a segment does not reshuffle the arrival times (RNG forked per concern)', () => {
    const one = profile({ requests_per_day: 500 });
    const two = profile({
      requests_per_day: 500,
      segments: [...one.segments, { name: 'other', model: 'm', input_tokens: 99, output_tokens: 1 }],
    });
    // single-turn segments: request times are the conversation start times
    expect(all(two).map((r) => r.atMs)).toEqual(all(one).map((r) => r.atMs));
  });

  it('tags every request with tenant, feature, intent, promptVersion, route and a query key', () => {
    const reqs = all(p);
    for (const r of reqs.slice(0, 200)) {
      expect(['a', 'b']).toContain(r.tags.tenant);
      expect(['chat', 'faq']).toContain(r.tags.feature);
      expect(r.tags.intent).toBe(r.tags.feature);
      expect(r.tags.promptVersion).toBe('v1');
      expect(r.tags.route).toBe('default');
      expect(r.tags.queryKey).toBeTruthy();
    }
    // tenant shares 2:1 over conversations
    const convTenant = new Map(reqs.map((r) => [r.conversationId, r.tags.tenant]));
    const aShare = [...convTenant.values()].filter((t) => t === 'a').length / convTenant.size;
    expect(aShare).toBeGreaterThan(0.62);
    expect(aShare).toBeLessThan(0.71);
    // FAQ queries repeat: 20 distinct query keys at most
    expect(new Set(reqs.filter((r) => r.tags.feature === 'faq').map((r) => r.tags.queryKey)).size).toBeLessThanOrEqual(
      20,
    );
  });
});

describe('arrivals', () => {
  it('uniform: exactly requests_per_day per day, evenly spaced', () => {
    const reqs = all(profile({ requests_per_day: 500, days: 3, arrivals: 'uniform', diurnal: 'business-hours' }));
    expect(reqs.length).toBe(1500);
    // spacing 86,400,000 / 500 = 172,800 ms; the first at half a spacing (86,400 ms)
    expect(reqs[0]!.atMs).toBe(Date.parse('2026-11-02T00:00:00Z') + 86_400);
    expect(reqs[1]!.atMs - reqs[0]!.atMs).toBe(172_800);
    const perDay = [0, 1, 2].map(
      (d) => reqs.filter((r) => Math.floor((r.atMs - reqs[0]!.atMs + 86_400) / DAY) === d).length,
    );
    expect(perDay).toEqual([500, 500, 500]);
  });

  it('Poisson counts stay within 4 standard deviations of the mean (sd = sqrt(10,000) = 100)', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const n = all(profile({ requests_per_day: 10_000 }), seed).length;
      expect(Math.abs(n - 10_000)).toBeLessThan(400);
    }
  });

  it('follows the diurnal curve: hourly counts match the weights within 5 sd', () => {
    const perDay = 20_000;
    const days = 5;
    const reqs = all(profile({ requests_per_day: perDay, days, diurnal: 'business-hours' }));
    const w = DIURNAL_CURVES['business-hours']!;
    const sum = w.reduce((s, x) => s + x, 0);
    const counts = new Array(24).fill(0) as number[];
    for (const r of reqs) counts[new Date(r.atMs).getUTCHours()]!++;
    for (let h = 0; h < 24; h++) {
      const expected = (perDay * days * w[h]!) / sum; // e.g. 10:00 -> 100,000 x 2.0 / 21.95 ~ 9,112
      expect(Math.abs(counts[h]! - expected)).toBeLessThan(5 * Math.sqrt(expected));
    }
    expect(counts[10]! / counts[3]!).toBeGreaterThan(15); // 2.0 / 0.1 = 20 in expectation
  });

  it('shifts the curve by utc_offset_hours (local = UTC + offset)', () => {
    const reqs = all(profile({ requests_per_day: 20_000, diurnal: 'business-hours', utc_offset_hours: -5 }));
    const counts = new Array(24).fill(0) as number[];
    for (const r of reqs) counts[new Date(r.atMs).getUTCHours()]!++;
    // local 10:00 at UTC-5 is 15:00 UTC; local 03:00 is 08:00 UTC
    expect(counts[15]! / counts[8]!).toBeGreaterThan(10);
  });

  it('weekly factors: Monday vs Saturday ~ 1.2 / 0.55', () => {
    const reqs = all(profile({ requests_per_day: 5_000, days: 7, weekly: 'weekdays' }));
    const mon = reqs.filter((r) => new Date(r.atMs).getUTCDay() === 1).length;
    const sat = reqs.filter((r) => new Date(r.atMs).getUTCDay() === 6).length;
    // expected: 5,000 x 1.2/(7.0/7) = 6,000 and 5,000 x 0.55 = 2,750 -> ratio 2.18
    expect(mon / sat).toBeGreaterThan(2.0);
    expect(mon / sat).toBeLessThan(2.4);
  });
});

describe('conversations', () => {
  const p = profile({
    conversations_per_day: 10,
    arrivals: 'uniform',
    segments: [
      {
        name: 'chat',
        model: 'm',
        system_tokens: 100,
        prompt_version: 'v7',
        input_tokens: 10,
        output_tokens: 20,
        turns: 3,
        think_time_s: 60,
      },
    ],
  });
  const reqs = all(p);
  const c0 = reqs.filter((r) => r.conversationId === 'c0');

  it('history grows with earlier turns: input = system + earlier messages and answers + new message', () => {
    expect(reqs.length).toBe(30);
    expect(c0.map((r) => r.inputTokens)).toEqual([110, 140, 170]); // 100+10; 100+(10+20)+10; 100+2x30+10
    expect(c0.map((r) => r.historyTokens)).toEqual([0, 30, 60]);
    expect(c0.map((r) => r.outputTokens)).toEqual([20, 20, 20]);
    expect(c0[1]!.atMs - c0[0]!.atMs).toBe(60_000); // think time
  });

  it('prefix blocks carry cumulative keys: [system, u1, a1, ..., u_t]', () => {
    const t3 = c0[2]!;
    expect(t3.prefix.map((b) => b.key)).toEqual(['sys:chat:v7', 'c0:u1', 'c0:a1', 'c0:u2', 'c0:a2', 'c0:u3']);
    expect(t3.prefix.map((b) => b.kind)).toEqual(['system', 'history', 'history', 'history', 'history', 'message']);
    expect(t3.prefix.map((b) => b.tokens)).toEqual([100, 10, 20, 10, 20, 10]);
    expect(t3.prefix.reduce((s, b) => s + b.tokens, 0)).toBe(t3.inputTokens);
    // turn t's prompt starts with turn t-1's whole prompt (same keys): conversation caching can read it
    const t2 = c0[1]!.prefix.map((b) => b.key);
    expect(t3.prefix.slice(0, t2.length).map((b) => b.key)).toEqual(t2);
    // every conversation shares the system block key, no other block key
    const c1 = reqs.find((r) => r.conversationId === 'c1')!;
    expect(c1.prefix[0]!.key).toBe('sys:chat:v7');
    expect(c1.prefix[1]!.key).toBe('c1:u1');
  });

  it('agent loops: tool_calls k splits the message into k tool results and the answer into k tool calls', () => {
    const q = profile({
      conversations_per_day: 10,
      arrivals: 'uniform',
      segments: [
        { name: 'agent', model: 'm', system_tokens: 100, input_tokens: 10, output_tokens: 20, turns: 2, tool_calls: 3 },
      ],
    });
    const [t1, t2] = all(q).filter((r) => r.conversationId === 'c0');
    // turn 1: system + 3 result blocks of 10 tokens split 3 + 3 + 4
    expect(t1!.prefix.map((b) => [b.key, b.tokens, b.kind])).toEqual([
      ['sys:agent:v1', 100, 'system'],
      ['c0:u1', 3, 'message'],
      ['c0:u1#2', 3, 'message'],
      ['c0:u1#3', 4, 'message'],
    ]);
    // turn 2 re-sends them as history, then the 3 tool calls (20 = 6 + 6 + 8), then 3 new results:
    // the turn added 6 blocks after turn 1's last one.
    expect(t2!.prefix.map((b) => b.key)).toEqual([
      'sys:agent:v1',
      'c0:u1',
      'c0:u1#2',
      'c0:u1#3',
      'c0:a1',
      'c0:a1#2',
      'c0:a1#3',
      'c0:u2',
      'c0:u2#2',
      'c0:u2#3',
    ]);
    expect(t2!.prefix.slice(4, 7).map((b) => b.tokens)).toEqual([6, 6, 8]);
    expect(t2!.prefix.reduce((s, b) => s + b.tokens, 0)).toBe(t2!.inputTokens);
    // tool_calls: 1 (a fixed value draws nothing) is the stream without tool_calls
    const one = (extra: Record<string, unknown>) =>
      all(
        profile({
          requests_per_day: 500,
          segments: [{ name: 'a', model: 'm', input_tokens: 10, output_tokens: 20, turns: 4, ...extra }],
        }),
      );
    expect(one({ tool_calls: 1 })).toEqual(one({}));
  });

  it('errors are retried after a delay with retryOf; timeouts duplicate a completed call', () => {
    const q = profile({ requests_per_day: 5000, errors: { rate: 0.1, timeout_rate: 0.05, retry_delay_s: 7 } });
    const rs = all(q);
    const retries = rs.filter((r) => r.retryOf);
    const byId = new Map(rs.map((r) => [r.id, r]));
    const failed = rs.filter((r) => r.status === 'error');
    // shares: 5,000 x 0.1 = 500 failures, 5,000 x 0.15 = 750 retries (sd ~ 21 and ~ 25)
    expect(failed.length).toBeGreaterThan(400);
    expect(failed.length).toBeLessThan(600);
    expect(retries.length).toBeGreaterThan(650);
    expect(retries.length).toBeLessThan(850);
    for (const r of retries) {
      const orig = byId.get(r.retryOf!)!;
      expect(r.atMs - orig.atMs).toBe(7000);
      expect(r.status).toBe('ok');
      // the retry sends what the original sent; a failed original was refused, so it bills nothing
      expect(r.inputTokens).toBeGreaterThan(0);
      if (orig.status === 'ok') expect(r.inputTokens).toBe(orig.inputTokens);
    }
    for (const f of failed) expect([f.inputTokens, f.outputTokens, f.historyTokens, f.prefix]).toEqual([0, 0, 0, []]);
  });
});

describe('token distributions', () => {
  const draws = (d: unknown, n = 40_000): number[] => {
    const s = sampler(distSchema.parse(d));
    const rng = createRng(11);
    return Array.from({ length: n }, () => s.draw(rng));
  };
  const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.floor(q * xs.length)]!;
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

  it('lognormal by mean and p95: sample mean and p95 match', () => {
    const xs = draws({ lognormal: { mean: 300, p95: 800 } });
    expect(Math.abs(mean(xs) / 300 - 1)).toBeLessThan(0.02);
    expect(Math.abs(quantile(xs, 0.95) / 800 - 1)).toBeLessThan(0.03);
  });

  it('lognormal sigma solves mean = exp(mu + s^2/2), p95 = exp(mu + 1.645 s)', () => {
    const s = lognormalSigma(300, 800);
    const mu = Math.log(300) - (s * s) / 2;
    expect(Math.exp(mu + 1.6448536269514722 * s)).toBeCloseTo(800, 6);
  });

  it('fixed, uniform, normal and empirical', () => {
    expect(draws(42, 10)).toEqual(new Array(10).fill(42));
    const u = draws({ uniform: { min: 100, max: 200 } });
    expect(Math.min(...u)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...u)).toBeLessThan(200);
    expect(Math.abs(mean(u) - 150)).toBeLessThan(1.5);
    const n = draws({ normal: { mean: 500, sd: 50 } });
    expect(Math.abs(mean(n) - 500)).toBeLessThan(2);
    const e = draws({ empirical: { values: [10, 20, 30], weights: [1, 2, 1] } });
    expect(e.filter((x) => x === 20).length / e.length).toBeGreaterThan(0.48);
    expect(e.filter((x) => x === 20).length / e.length).toBeLessThan(0.52);
  });

  it('whole-number uniform (turns, tokens): min..max inclusive, equally likely', () => {
    const s = intSampler(distSchema.parse({ uniform: { min: 1, max: 6 } }), 1);
    const rng = createRng(5);
    const counts = new Array(7).fill(0) as number[];
    for (let i = 0; i < 60_000; i++) counts[s.draw(rng)]!++;
    expect(counts[0]).toBe(0);
    for (let k = 1; k <= 6; k++) expect(Math.abs(counts[k]! - 10_000)).toBeLessThan(500); // sd ~ 91
    expect(s.mean).toBe(3.5);
  });

  it('rejects impossible distributions', () => {
    expect(distSchema.safeParse({ lognormal: { mean: 300, p95: 200 } }).success).toBe(false);
    expect(distSchema.safeParse({ lognormal: { mean: 100, p95: 1000 } }).success).toBe(false); // p95/mean > 3.87
    expect(distSchema.safeParse({ uniform: { min: 5, max: 1 } }).success).toBe(false);
    expect(distSchema.safeParse({ fixed: 1, uniform: { min: 0, max: 2 } }).success).toBe(false);
    expect(distSchema.safeParse({ empirical: { values: [1, 2], weights: [1] } }).success).toBe(false);
  });
});

describe('profile rules', () => {
  it('needs exactly one of requests_per_day and conversations_per_day; unique segment names', () => {
    const p = profileSchema.parse({
      segments: [
        { name: 'a', model: 'm', input_tokens: 1, output_tokens: 1 },
        { name: 'a', model: 'm', input_tokens: 1, output_tokens: 1 },
      ],
    });
    const msgs = profileProblems(p).map((x) => x.message);
    expect(msgs.some((m) => /exactly one of requests_per_day or conversations_per_day/.test(m))).toBe(true);
    expect(msgs.some((m) => /segment name 'a' is used twice/.test(m))).toBe(true);
  });
});

describe('profile bounds', () => {
  it('token draws never pass 10M per request, whatever the tail; turns never pass 1,000', () => {
    const rng = createRng(5);
    const tokens = intSampler(distSchema.parse({ normal: { mean: 9_999_000, sd: 5_000_000 } }) as never, 0, 10_000_000);
    const turns = intSampler(distSchema.parse({ uniform: { min: 1, max: 5000 } }) as never, 1, 1000);
    for (let i = 0; i < 2000; i++) {
      expect(tokens.draw(rng)).toBeLessThanOrEqual(10_000_000);
      expect(turns.draw(rng)).toBeLessThanOrEqual(1000);
    }
  });

  it('the volume guard counts conversations x mean turns x days x retries', () => {
    const base = {
      segments: [{ name: 'chat', model: 'm', input_tokens: 10, output_tokens: 20, turns: 10 }],
    };
    // 5e7 conversations x 10 turns x 2 days = 1e9: at the bound, allowed
    expect(profileProblems(profile({ ...base, conversations_per_day: 5e7, days: 2 }))).toEqual([]);
    // x 1.5 for errors and timeouts (each retried once): over the bound
    const over = profileProblems(
      profile({ ...base, conversations_per_day: 5e7, days: 2, errors: { rate: 0.25, timeout_rate: 0.25 } }),
    );
    expect(over.map((o) => o.message)).toEqual([
      'conversations_per_day 50000000 x 10.0 turns on average x 2 days x 1.5 for retries is 1.50e+9 requests, more than the 1e+9 a run may simulate (~4 hours at the ~75,000 requests/s of a 6-strategy waterfall)',
    ]);
  });

  it('each per-request number states its bound and the reason', () => {
    const p = profile({
      requests_per_day: 10,
      errors: { retry_delay_s: 1e7 },
      segments: [
        {
          name: 'chat',
          model: 'm',
          system_tokens: 1e8,
          input_tokens: { uniform: { min: 1, max: 2e7 } },
          output_tokens: 5,
        },
      ],
    });
    expect(profileProblems(p).map((x) => [x.path.join('.'), x.message.split(':')[0]])).toEqual([
      ['segments.0.input_tokens', 'input_tokens reaches 20,000,000, more than 10,000,000'],
      ['segments.0.system_tokens', 'system_tokens reaches 100,000,000, more than 10,000,000'],
      ['errors.retry_delay_s', 'retry_delay_s reaches 10,000,000, more than 604,800'],
    ]);
  });
});
