// Splitting a run: which stages allow it (splitPlan), and the groups of requests that must stay
// together (partitionTable): one prefix root, a retry and its original, one cache key.
import { describe, expect, it } from 'vitest';
import { type StageState, splitPlan } from '../../src/engine/partition.js';
import { partitionTable } from '../../src/traffic/table/partition.js';
import { buildTable } from '../../src/traffic/table/table.js';
import { makeRequest } from '../helpers/sim.js';

const stage = (label: string, p: Partial<StageState>): StageState => ({
  label,
  state: { on: 'none' },
  clock: false,
  movesTime: false,
  ...p,
});

describe('splitPlan', () => {
  it('collects the relations of every stage', () => {
    const plan = splitPlan(
      [
        stage('dedupe', { state: { on: 'retry' }, clock: true }),
        stage('cache', { state: { on: 'prefix' }, clock: true }),
      ],
      0,
    );
    expect(plan).toEqual({ relations: [{ on: 'retry' }, { on: 'prefix' }] });
  });

  it('says why a run cannot be split', () => {
    expect(splitPlan([stage('x', { state: { on: 'stream', why: 'a counter' } })], 0)).toEqual({
      reason: 'x keeps state across the whole stream (a counter)',
    });
    expect(splitPlan([stage('cache', { state: { on: 'prefix' }, clock: true })], 3)).toEqual({
      reason: 'the log is not sorted by time (3 rows are earlier than a row before them) and cache keeps time',
    });
    expect(
      splitPlan([stage('batch', { movesTime: true }), stage('cache', { state: { on: 'prefix' }, clock: true })], 0),
    ).toEqual({ reason: 'batch moves requests in time before cache, which keeps time' });
    // a clock before the mover is fine: it sees the original times
    expect(
      'relations' in
        splitPlan([stage('cache', { state: { on: 'prefix' }, clock: true }), stage('batch', { movesTime: true })], 0),
    ).toBe(true);
  });
});

describe('partitionTable', () => {
  it('keeps a prefix root, a retry chain and a cache key together; spreads the groups', async () => {
    const sys = (key: string) => [{ key, tokens: 10, kind: 'system' as const }];
    const reqs = [
      makeRequest({ id: 'a', prefix: sys('p1') }),
      makeRequest({ id: 'b', prefix: sys('p2') }),
      makeRequest({ id: 'c', prefix: sys('p1') }), // with a
      makeRequest({ id: 'd', retryOf: 'b' }), // with b
      makeRequest({ id: 'e', tags: { q: 'x' } }),
      makeRequest({ id: 'f', tags: { q: 'x' } }), // with e
      makeRequest({ id: 'g' }),
      makeRequest({ id: 'h', retryOf: 'd' }), // with d, so with b
    ];
    const table = await buildTable([reqs]);
    const p = partitionTable(table.data(), [{ on: 'prefix' }, { on: 'retry' }, { on: 'key', key: (r) => r.tags.q }], 2);
    const part = [...p.part.subarray(0, reqs.length)];
    const same = (i: number, j: number) => part[i] === part[j];
    expect(same(0, 2)).toBe(true);
    expect(same(1, 3) && same(3, 7)).toBe(true);
    expect(same(4, 5)).toBe(true);
    expect(p.groups).toBe(4); // {a,c} {b,d,h} {e,f} {g}
    expect(p.sizes).toEqual([4, 4]); // 3 + 1 and 2 + 2, largest first to the least loaded
    expect(p.largest).toBeCloseTo(3 / 8);
    table.close();
  });

  it('single rows go after the groups, in row order, each to the least loaded part; with no relations every row is one', async () => {
    const sys = (key: string) => [{ key, tokens: 10, kind: 'system' as const }];
    const reqs = [
      makeRequest({ id: 'a' }),
      makeRequest({ id: 'b', prefix: sys('p1') }),
      makeRequest({ id: 'c' }),
      makeRequest({ id: 'd', prefix: sys('p1') }),
      makeRequest({ id: 'e', prefix: sys('p1') }),
      makeRequest({ id: 'f' }),
    ];
    const table = await buildTable([reqs]);
    const p = partitionTable(table.data(), [{ on: 'prefix' }], 2);
    // {b,d,e} to part 0 (3); then a, c, f one by one to the least loaded: 1, 1, 1
    expect([...p.part.subarray(0, 6)]).toEqual([1, 0, 1, 0, 0, 1]);
    expect(p.groups).toBe(4);
    expect(p.largest).toBeCloseTo(3 / 6);
    const none = partitionTable(table.data(), [], 2);
    // every row its own group: alternating, the first to part 0
    expect([...none.part.subarray(0, 6)]).toEqual([0, 1, 0, 1, 0, 1]);
    expect(none.groups).toBe(6);
    expect(none.largest).toBeCloseTo(1 / 6);
    table.close();
  });
});
