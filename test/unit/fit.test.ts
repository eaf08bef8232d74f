// The fitting math (traffic/fit-dist.ts, traffic/fit.ts) and the generator features a fitted
// profile uses (duration, first_input_tokens, shared_prefixes, block_tokens), hand-computed.
import { describe, expect, it } from 'vitest';
import { makeRequest, newTags, type SimRequest } from '../../src/engine/request.js';
import { arrivalShape, empiricalOf, Sample, zipfExponent } from '../../src/traffic/fit-dist.js';
import { LogFitter } from '../../src/traffic/fit.js';
import { generateProfile, periodOf, profileProblems, profileSchema } from '../../src/traffic/profile.js';

const sample = (xs: number[]): Sample => {
  const s = new Sample();
  for (const x of xs) s.push(x);
  return s;
};

const T0 = Date.parse('2026-11-02T09:00:00Z');

function req(p: Partial<SimRequest> & { atMs: number; inputTokens: number; outputTokens: number }): SimRequest {
  return makeRequest({
    id: p.id ?? `r${p.atMs}`,
    model: 'claude-sonnet-4-5',
    serviceTier: 'standard',
    historyTokens: 0,
    prefix: [],
    batchable: false,
    status: 'ok',
    tags: newTags(),
    ...p,
  });
}

describe('fit-dist', () => {
  it('keeps a small sample exactly, one value as fixed', () => {
    expect(empiricalOf(sample([3, 1, 3]))).toEqual({ empirical: { values: [1, 3], weights: [1, 2] } });
    expect(empiricalOf(sample([7, 7]))).toBe(7);
  });

  it('bins a large sample into equal-count bins at their mean: the mean is kept', () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i); // mean 499.5
    const d = empiricalOf(sample(xs), 10) as { empirical: { values: number[]; weights: number[] } };
    expect(d.empirical.weights).toEqual(Array(10).fill(100));
    // bin b holds 100b..100b+99, mean 100b + 49.5, rounded half up
    expect(d.empirical.values).toEqual([50, 150, 250, 350, 450, 550, 650, 750, 850, 950]);
  });

  it('reads a 1/rank popularity as Zipf 1 and equal popularity as 0', () => {
    expect(zipfExponent([1000, 500, 333, 250, 200])).toBeCloseTo(1, 2);
    expect(zipfExponent([5, 5, 5])).toBe(0);
  });

  it('weights hours by starts per covered hour, uncovered hours at the mean', () => {
    // 09:00-13:00 covered once: 4 starts at 09, 2 at 10, 2 at 11, 0 at 12 -> rates 4,2,2,0, mean 2
    const starts = sample([0, 1, 2, 3].map((m) => T0 + m * 60_000).concat([1, 1, 2, 2].map((h) => T0 + h * 3_600_000)));
    const shape = arrivalShape(starts, T0, T0 + 4 * 3_600_000);
    expect(shape.weekly).toBe('flat');
    const w = shape.diurnal as number[];
    expect(w.slice(9, 13)).toEqual([2, 1, 1, 0]);
    expect(w[0]).toBe(1);
  });

  it('keeps a period under 3 hours flat', () => {
    expect(arrivalShape(sample([T0]), T0, T0 + 3_600_000).diurnal).toBe('flat');
  });
});

describe('LogFitter', () => {
  it('turns conversation ids that resend history into turns, first and later messages, think time', () => {
    const f = new LogFitter();
    const sys = [{ key: 'sys', tokens: 1000, kind: 'system' as const }];
    // conversation a: 1000 + 200 in, 100 out; then 1000 + 200 + 100 + 50 in (history resent), 80 out, 30 s later
    f.add(req({ atMs: T0, inputTokens: 1200, outputTokens: 100, conversationId: 'a', prefix: sys }));
    f.add(req({ atMs: T0 + 30_000, inputTokens: 1350, outputTokens: 80, conversationId: 'a', prefix: sys }));
    f.add(req({ atMs: T0 + 60_000, inputTokens: 1400, outputTokens: 60, conversationId: 'b', prefix: sys }));
    const fit = f.finish();
    expect(fit.summary).toMatchObject({
      requests: 3,
      conversations: 2,
      historyMode: true,
      linkedBy: 'conversation_id',
    });
    // one-turn and multi-turn conversations are drawn apart (their first messages differ)
    const [one, two] = fit.profile.segments as Record<string, unknown>[];
    expect(one).toMatchObject({ name: 'claude-sonnet-4-5-t1', share: 0.5, system_tokens: 1000, input_tokens: 400 });
    expect(one!.turns).toBeUndefined();
    expect(two).toMatchObject({
      name: 'claude-sonnet-4-5-t2-4',
      share: 0.5,
      system_tokens: 1000,
      system_prompt: one!.system_prompt,
      first_input_tokens: 200,
      input_tokens: 50,
      turns: 2,
      think_time_s: 30,
    });
    // 2 conversations over the 2-minute period: a flat curve at 2 per 2 minutes = 1440 a day
    expect(fit.profile.duration).toBe('2m');
    expect(fit.profile.conversations_per_day).toBe(1440);
    expect(profileSchema.safeParse(fit.profile).success).toBe(true);
  });

  it('fits turns that do not resend history as independent requests', () => {
    const f = new LogFitter();
    for (let i = 0; i < 4; i++)
      f.add(req({ atMs: T0 + i * 60_000, inputTokens: 500, outputTokens: 10, conversationId: 'a' }));
    const fit = f.finish();
    expect(fit.summary.historyMode).toBe(false);
    expect(fit.profile.requests_per_day).toBeDefined();
    expect((fit.profile.segments as Record<string, unknown>[])[0]).toMatchObject({ input_tokens: 500, share: 1 });
  });

  it('segments by model and --by, counts retries after failed calls as the error rate', () => {
    const f = new LogFitter({ by: ['tenant'] });
    const t = (tenant: string): Record<string, string> => Object.assign(newTags(), { tenant });
    f.add(req({ id: 'x', atMs: T0, inputTokens: 0, outputTokens: 0, status: 'error', tags: t('a') }));
    f.add(req({ id: 'x2', atMs: T0 + 5000, inputTokens: 100, outputTokens: 10, retryOf: 'x', tags: t('a') }));
    f.add(req({ atMs: T0 + 6000, inputTokens: 100, outputTokens: 10, tags: t('a') }));
    f.add(req({ atMs: T0 + 7000, inputTokens: 300, outputTokens: 10, tags: t('b'), model: 'gpt-4o' }));
    const fit = f.finish();
    // 3 originals (the failed call among them), 1 retry of a failed call
    expect(fit.profile.errors).toEqual({ rate: 0.3333, timeout_rate: 0, retry_delay_s: 5 });
    const segs = fit.profile.segments as Record<string, unknown>[];
    expect(segs.map((s) => [s.name, s.model, s.share, s.tags])).toEqual([
      ['a', 'claude-sonnet-4-5', 0.5, { tenant: 'a' }],
      ['b', 'gpt-4o', 0.5, { tenant: 'b' }],
    ]);
  });

  it('links hash-block prompts that extend the last prompt of a conversation', () => {
    const f = new LogFitter();
    const blocks = (ids: string[], last: number) => {
      let k = 'mc';
      return ids.map((id, i) => ({
        key: (k = `${k}/${id}`),
        tokens: i < ids.length - 1 ? 512 : last,
        kind: 'block' as const,
      }));
    };
    f.add(req({ atMs: T0, inputTokens: 1300, outputTokens: 100, prefix: blocks(['0', '1', '2'], 276) }));
    // resends blocks 0, 1 (the partial block 2 changed), grows to 1600
    f.add(req({ atMs: T0 + 60_000, inputTokens: 1600, outputTokens: 50, prefix: blocks(['0', '1', '3', '4'], 64) }));
    f.add(req({ atMs: T0 + 90_000, inputTokens: 700, outputTokens: 50, prefix: blocks(['0', '9'], 188) }));
    const fit = f.finish();
    expect(fit.summary).toMatchObject({ conversations: 2, linkedBy: 'prefix blocks' });
    const segs = fit.profile.segments as Record<string, unknown>[];
    // the shared first block is the system prompt; later message = 1600 - 1300 - 100
    expect(segs.map((x) => x.name)).toEqual(['claude-sonnet-4-5-t1', 'claude-sonnet-4-5-t2-4']);
    expect(segs[1]).toMatchObject({
      system_tokens: 512,
      block_tokens: 512,
      first_input_tokens: 788,
      input_tokens: 200,
    });
  });
});

describe('profile features a fit uses', () => {
  const base = {
    start: '2026-11-02T09:00:00Z',
    duration: '10m',
    requests_per_day: 14_400,
    segments: [{ name: 's', model: 'm', input_tokens: 10, output_tokens: 1 }],
  };

  it('a duration from a date-time: every arrival inside the 10 minutes, about 100 of them', () => {
    const p = profileSchema.parse(base);
    const { startMs, endMs } = periodOf(p);
    expect([startMs, endMs]).toEqual([T0, T0 + 600_000 - 1]);
    const reqs = [...generateProfile(p, 1)].flat();
    expect(reqs.every((r) => r.atMs >= T0 && r.atMs <= endMs)).toBe(true);
    expect(reqs.length).toBeGreaterThan(70);
    expect(reqs.length).toBeLessThan(130);
  });

  it('a start time of day needs a duration', () => {
    const { duration: _d, ...noDuration } = base;
    const problems = profileProblems(profileSchema.parse(noDuration));
    expect(problems.map((x) => [x.path, x.message])).toEqual([
      [['start'], 'a start time of day needs duration (days start at UTC midnight)'],
    ]);
  });

  it('block_tokens sends the prompt as cumulative 512-token blocks, the last one partial', () => {
    const p = profileSchema.parse({
      ...base,
      segments: [{ ...base.segments[0], system_tokens: 600, input_tokens: 500, block_tokens: 512 }],
    });
    const r = [...generateProfile(p, 1)].flat()[0]!;
    expect(r.inputTokens).toBe(1100);
    expect(r.prefix.map((b) => [b.tokens, b.kind])).toEqual([
      [512, 'block'],
      [512, 'block'],
      [76, 'block'],
    ]);
    expect(r.prefix[0]!.key).toBe('sys:s:v1@512');
  });

  it('shared_prefixes: each conversation carries one of N prefixes after the system prompt, first messages from first_input_tokens', () => {
    const p = profileSchema.parse({
      ...base,
      segments: [
        {
          ...base.segments[0],
          first_input_tokens: 40,
          shared_prefixes: { distinct: 3, zipf: 0, tokens: 1000 },
        },
      ],
    });
    const reqs = [...generateProfile(p, 1)].flat();
    expect(reqs.every((r) => r.inputTokens === 1040 && r.prefix[0]!.tokens === 1000)).toBe(true);
    expect(new Set(reqs.map((r) => r.prefix[0]!.key))).toEqual(new Set(['sys:s:v1|p0', 'sys:s:v1|p1', 'sys:s:v1|p2']));
  });
});

describe('profile scale', () => {
  it('multiplies conversation arrivals and nothing else', () => {
    const p = {
      start: '2026-11-02T09:00:00Z',
      duration: '1h',
      conversations_per_day: 2400, // 100 in the hour
      segments: [{ name: 's', model: 'm', input_tokens: 10, output_tokens: 1, turns: 3 }],
    };
    const count = (scale?: number) => [...generateProfile(profileSchema.parse({ ...p, scale }), 7)].flat();
    const one = count();
    const four = count(4);
    expect(one.length % 3).toBe(0); // whole conversations of 3 turns
    expect(four.length / one.length).toBeGreaterThan(3.3);
    expect(four.length / one.length).toBeLessThan(4.7);
    expect(new Set(four.map((r) => r.inputTokens))).toEqual(new Set(one.map((r) => r.inputTokens)));
  });
});
