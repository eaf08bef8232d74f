// Fixed reports for the golden tests, built only from the engine core (runSimulation, buildReport)
// with an inline pricing table and inline strategies, so they do not depend on scenario files or
// on the strategy simulators. Every report section is covered by `fullReport`.
import { z } from 'zod';
import { runSimulation } from '../../src/engine/run.js';
import type { SimRequest } from '../../src/engine/request.js';
import { parsePricingText } from '../../src/pricing/load.js';
import { buildReport, type Report, type StageFigures, zeroMoney, zeroTokens } from '../../src/report/model.js';
import type { Strategy } from '../../src/engine/strategy.js';

export const TOOL_VERSION = '0.0.0-golden';

const TABLE = `
version: "2099-01-01"
effective: "2099-01-01"
currency: USD
models:
  big:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "3.00"
    output: "15.00"
    cache: { style: explicit, read: "0.30", write_5m: "3.75", write_1h: "6.00", min_tokens: 1024 }
  small:
    provider: anthropic
    source: https://example.com/pricing
    checked: "2099-01-01"
    input: "0.25"
    output: "1.25"
`;

export function book() {
  const r = parsePricingText(TABLE, 'golden.yaml');
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book;
}

const none = z.strictObject({});
const strategy = (name: string, step: (r: SimRequest) => SimRequest[]): Strategy => ({
  name,
  summary: name,
  options: none,
  start: () => ({ step, flush: () => [] }),
});

/** faq traffic to the small model, at 90% quality */
const routeFaq = strategy('route', (r) => [r.tags.feature === 'faq' ? { ...r, model: 'small', quality: 0.9 } : r]);
/** a cheap verifier call for tenant t01 that pays twice (an increase) */
const verify = strategy('verify', (r) =>
  r.tags.tenant === 't01' ? [{ ...r, model: 'small', answers: false, id: `${r.id}:v` }, r] : [r],
);
/** retries whose original completed are dropped */
const dedupe = strategy('dedupe-retries', (r) => (r.retryOf ? [] : [r]));
/** output capped at 200 tokens */
const cap = strategy('cap-output', (r) => [{ ...r, outputTokens: Math.min(r.outputTokens, 200) }]);

const DAY = 86_400_000;
const T0 = Date.UTC(2099, 0, 1);
const TENANTS = [
  't01',
  't02',
  't03',
  't04',
  't05',
  't06',
  't07',
  't08',
  't09',
  't10',
  't11',
  '=HYPERLINK("http://evil.example")',
  'pipe|tenant',
  '<b>bold</b>',
];

/** 28 requests over 2 days: 14 tenants, 2 features, 4 retries. Token counts are fixed by index. */
export function requests(): SimRequest[] {
  return Array.from({ length: 28 }, (_, i) => ({
    id: `r${i}`,
    atMs: T0 + i * (DAY / 14),
    model: 'big',
    serviceTier: 'standard' as const,
    inputTokens: 1000 + 100 * i,
    outputTokens: 100 + 20 * i,
    historyTokens: 0,
    prefix: [],
    ...(i % 7 === 3 ? { cached: { read: 500, write5m: 0, write1h: 0 } } : {}),
    batchable: false,
    status: 'ok' as const,
    ...(i % 7 === 6 ? { retryOf: `r${i - 1}` } : {}),
    tags: { tenant: TENANTS[i % TENANTS.length]!, feature: i % 2 === 0 ? 'faq' : 'agent' },
  }));
}

export async function fullReport(): Promise<Report> {
  const b = book();
  const stages = [routeFaq, verify, dedupe, cap].map((s) => ({ strategy: s, options: {}, label: s.name }));
  const run = await runSimulation({
    source: [requests()],
    stages,
    book: b,
    seed: 7,
    by: ['tenant', 'feature'],
    standalone: true,
  });
  const report = buildReport({
    command: 'simulate',
    scenario: 'support <script>alert("x")</script> | bot',
    seed: 7,
    run,
    book: b,
    labels: stages.map((s) => ({ strategy: s.strategy.name, label: s.label })),
    fixed: [{ stage: 1, label: 'router setup', usd: '0.05' }],
    rows: { read: 30, priced: 28, rejected: 2 },
    period: { startMs: T0, endMs: T0 + 27 * (DAY / 14) },
    warnings: ['pricing table 2099-01-01 is 400 days older than --as-of', 'model "big" has <no> batch tier'],
    version: TOOL_VERSION,
  });
  report.checks = [
    { name: 'budget', ok: true, actual: 0.2, limit: 1, message: 'final cost $0.20 is within the $1.00 budget' },
    {
      name: 'quality floor',
      ok: false,
      actual: 0.95,
      limit: 0.97,
      message: 'success rate 95.0% is below the floor of 97.0%',
    },
  ];
  report.extras = {
    reconciliation: { billedCost: 0.1234, computedCost: 0.12, diffPct: 2.75, rowsReconciled: 28 },
    retries: { count: 4, cost: 0.0101 },
    rejects: [
      { line: 12, reason: 'missing column model' },
      { line: 31, reason: 'input_tokens -5 is negative' },
    ],
    note: 'costs reconcile within 3%',
  };
  return report;
}

/** No strategies, no attribution, no extras: the smallest report. */
export async function bareReport(): Promise<Report> {
  const b = book();
  const run = await runSimulation({ source: [requests().slice(0, 3)], stages: [], book: b, seed: 1 });
  return buildReport({
    command: 'replay',
    scenario: 'bare.csv',
    seed: 1,
    run,
    book: b,
    labels: [],
    version: TOOL_VERSION,
  });
}

// A hand-written report with round numbers, for tests that check figures by hand.
function stage(cost: number, parts: Partial<StageFigures['breakdown']> = {}): StageFigures {
  return {
    cost,
    breakdown: { ...zeroMoney(), ...parts },
    tokens: zeroTokens(),
    calls: 1,
    successes: 1,
    successRate: 1,
    costPerSuccess: cost,
  };
}

export function handReport(): Report {
  // baseline 10 -> cache 4 (saves 6) -> cascade 5 (adds 1) -> final 5
  return {
    schema: 'llmcost.report/v1',
    tool: { name: 'llmcost', version: 'x' },
    command: 'simulate',
    scenario: 's',
    pricing: { version: 'v', effective: 'e' },
    seed: 1,
    requests: 1,
    rows: { read: 1, priced: 1, rejected: 0 },
    period: { startMs: null, endMs: null, days: 1 },
    baseline: stage(10, { input: 8, output: 2 }),
    steps: [
      {
        ...stage(4, { input: 1, cacheRead: 1, output: 2 }),
        strategy: 'prompt-cache',
        label: 'cache',
        saving: 6,
        savingPct: 60,
      },
      {
        ...stage(5, { input: 2, cacheRead: 1, output: 2 }),
        strategy: 'cascade',
        label: 'cascade',
        saving: -1,
        savingPct: -10,
      },
    ],
    final: { ...stage(5, { input: 2, cacheRead: 1, output: 2 }), saving: 5, savingPct: 50 },
    fixed: [],
    models: [
      { model: 'a', baselineCost: 10, finalCost: 4 },
      { model: 'b', baselineCost: 0, finalCost: 1 },
    ],
    by: {
      tenant: Array.from({ length: 12 }, (_, i) => ({
        key: `t${i}`,
        cost: 12 - i,
        baselineCost: 24 - 2 * i,
        requests: 1,
      })),
    },
    checks: [],
    warnings: [],
  };
}
