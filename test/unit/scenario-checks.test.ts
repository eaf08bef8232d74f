import { describe, expect, it } from 'vitest';
import { scenarioChecks } from '../../src/app/scenario.js';
import type { Report } from '../../src/report/model.js';

// Only the fields the checks read; the figures are chosen by hand.
function report(p: {
  finalCost: number;
  fixed: number;
  requests: number;
  days: number;
  successRate: number;
  tenants?: [string, number][];
}): Report {
  return {
    requests: p.requests,
    period: { startMs: 0, endMs: p.days * 86_400_000 - 1, days: p.days },
    final: {
      cost: p.finalCost,
      breakdown: { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, storage: 0, fixed: p.fixed },
      successRate: p.successRate,
    },
    ...(p.tenants
      ? { by: { tenant: p.tenants.map(([key, cost]) => ({ key, cost, baselineCost: cost, requests: 1 })) } }
      : {}),
  } as unknown as Report;
}

describe('budgets and the quality floor', () => {
  // $1,500 final = $1,000 variable + $500 one-time, 2,000 requests over 4 days
  const r = report({
    finalCost: 1500,
    fixed: 500,
    requests: 2000,
    days: 4,
    successRate: 0.96,
    tenants: [
      ['a', 700],
      ['b', 300],
    ],
  });

  it('per request and per day use the variable cost; total includes fixed costs', () => {
    const checks = scenarioChecks(r, { budgets: { per_request_usd: '0.5', per_day_usd: '200', total_usd: '1400' } });
    const by = Object.fromEntries(checks.map((c) => [c.name, c]));
    expect(by['budget.per_request_usd']).toMatchObject({ ok: true, actual: 0.5, limit: 0.5 }); // 1,000 / 2,000 (at the limit passes)
    expect(by['budget.per_day_usd']).toMatchObject({ ok: false, actual: 250, limit: 200 }); // 1,000 / 4 days
    expect(by['budget.total_usd']).toMatchObject({ ok: false, actual: 1500, limit: 1400 });
    expect(by['budget.per_day_usd']!.message).toContain('exceeds');
  });

  it('per tenant per day: the most expensive tenant over the period days', () => {
    const [c] = scenarioChecks(r, { budgets: { per_tenant_per_day_usd: '150' } });
    expect(c).toMatchObject({ name: 'budget.per_tenant_per_day_usd', ok: false, actual: 175, limit: 150 }); // 700 / 4
    expect(c!.message).toContain("tenant 'a'");
  });

  it('quality floor compares the final success rate', () => {
    expect(scenarioChecks(r, { budgets: {}, quality: { floor: 0.95 } })[0]).toMatchObject({
      name: 'quality.floor',
      ok: true,
      actual: 0.96,
      limit: 0.95,
    });
    expect(scenarioChecks(r, { budgets: {}, quality: { floor: 0.97 } })[0]!.ok).toBe(false);
    expect(scenarioChecks(r, { budgets: {} })).toEqual([]);
  });
});
