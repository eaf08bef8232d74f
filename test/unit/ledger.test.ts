// The ledger's lookup shortcuts (nested model/tier/bucket/period index, last-key caches) must give
// the same cells as a plain sum keyed by (model, tier, bucket, period[, dimension value]).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CELL_WIDTH, Ledger, Q } from '../../src/engine/ledger.js';
import type { SimRequest } from '../../src/engine/request.js';
import { makeRequest } from '../helpers/sim.js';

describe('ledger', () => {
  it('sums each request into its (model, tier, bucket, period) cell and its per-tenant cell, in any order', () => {
    const req = fc.record({
      model: fc.constantFrom('a', 'b', 'c'),
      serviceTier: fc.constantFrom('standard', 'batch') as fc.Arbitrary<SimRequest['serviceTier']>,
      inputTokens: fc.constantFrom(10, 200_000, 200_001, 1_000_001),
      outputTokens: fc.nat({ max: 1000 }),
      tenant: fc.constantFrom('x', 'y'),
      // the table in force changes at t = 1000 (period 1 from then on)
      atMs: fc.constantFrom(0, 999, 1000, 5000),
    });
    fc.assert(
      fc.property(fc.array(req, { maxLength: 60 }), (rs) => {
        const l = new Ledger([200_000, 1_000_000], ['tenant'], undefined, (atMs) => (atMs >= 1000 ? 1 : 0));
        const want = new Map<string, number[]>();
        const bump = (k: string, r: (typeof rs)[number]): void => {
          const c = want.get(k) ?? new Array<number>(CELL_WIDTH).fill(0);
          c[Q.calls]! += 1;
          c[Q.input]! += r.inputTokens;
          c[Q.output]! += r.outputTokens;
          c[Q.successes]! += 1;
          c[Q.answering]! += 1;
          want.set(k, c);
        };
        for (const r of rs) {
          // fresh string objects each time, as a log reader makes them
          l.add(
            makeRequest({
              model: `${r.model}`.slice(0),
              serviceTier: r.serviceTier,
              inputTokens: r.inputTokens,
              outputTokens: r.outputTokens,
              atMs: r.atMs,
              tags: { tenant: [r.tenant].join('') },
            }),
          );
          const bucket = (r.inputTokens > 200_000 ? 1 : 0) + (r.inputTokens > 1_000_000 ? 1 : 0);
          const key = `${r.model}\u0001${r.serviceTier}\u0001${bucket}\u0001${r.atMs >= 1000 ? 1 : 0}`;
          bump(key, r);
          bump(`${r.tenant}|${key}`, r);
        }
        const got = new Map<string, number[]>();
        for (const [k, c] of l.cells) got.set(k, [...c]);
        for (const [tenant, cells] of l.by.get('tenant')!)
          for (const [k, c] of cells) got.set(`${tenant}|${k}`, [...c]);
        expect(got).toEqual(want);
      }),
    );
  });
});
