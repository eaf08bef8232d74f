// Fuzz the edges: any bytes into the loaders, any request stream into the engine. The contract is
// that a user mistake is a UserError (exit 2) and nothing else ever escapes (exit 3 = our bug);
// and that what does get priced is never negative and adds up. Runs are bounded (small inputs,
// ~100-200 runs) so the suite stays fast.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { parseScenarioText } from '../../src/config/scenario.js';
import { UserError } from '../../src/diagnostics.js';
import type { SimRequest } from '../../src/engine/request.js';
import { runSimulation, type StageSpec } from '../../src/engine/run.js';
import { parsePricingText } from '../../src/pricing/load.js';
import { buildReport } from '../../src/report/model.js';
import { STRATEGIES } from '../../src/strategies/registry.js';
import { runCli } from '../helpers/cli.js';

/** FUZZ_RUNS=20 npx vitest run test/property multiplies every numRuns (a longer hunt, by hand). */
const K = Math.max(1, Number(process.env.FUZZ_RUNS ?? 1) || 1);
const scratch = mkdtempSync(join(tmpdir(), 'llmcost-fuzz-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const TABLE = {
  version: '2099-01-01',
  effective: '2099-01-01',
  currency: 'USD',
  models: {
    m: {
      provider: 'openai',
      source: 'https://example.com/p',
      checked: '2099-01-01',
      input: '1.00',
      output: '2.00',
      cache: { style: 'automatic', read: '0.50', min_tokens: 1024, increment: 128 },
      batch: { discount: '0.5' },
    },
    e: {
      provider: 'anthropic',
      source: 'https://example.com/p',
      checked: '2099-01-01',
      input: '3.00',
      output: '15.00',
      context_window: 1000000,
      cache: { style: 'explicit', read: '0.30', write_5m: '3.75', write_1h: '6.00', min_tokens: 1024 },
      batch: { discount: '0.5' },
      long_context: { threshold: 200000, input: '6.00', output: '22.50' },
    },
  },
};
const TABLE_TEXT = stringify(TABLE);

const SCENARIO = {
  name: 'fuzz',
  seed: 7,
  pricing: { file: 'pricing.yaml' },
  traffic: {
    profile: {
      days: 1,
      requests_per_day: 50,
      segments: [
        {
          name: 'chat',
          model: 'm',
          system_tokens: 2000,
          input_tokens: 300,
          output_tokens: { uniform: { min: 10, max: 400 } },
          turns: 3,
        },
      ],
    },
  },
  strategies: [
    { use: 'prompt-cache', ttl: '5m' },
    { use: 'batch', share: 0.5 },
  ],
  report: { by: ['tenant'] },
};

/** Throws unless `e` is a UserError: anything else is an internal bug. */
function onlyUserErrors(e: unknown): void {
  if (!(e instanceof UserError)) throw e;
}

/** A value anywhere in a JSON-like tree replaced by an arbitrary one (structure-aware fuzzing). */
function mutate(doc: unknown, pathPick: number[], value: unknown): unknown {
  const clone = structuredClone(doc) as Record<string, unknown>;
  let node: Record<string, unknown> = clone;
  for (let depth = 0; depth < pathPick.length; depth++) {
    const keys = Object.keys(node);
    if (!keys.length) break;
    const k = keys[pathPick[depth]! % keys.length]!;
    const child = node[k];
    if (depth === pathPick.length - 1 || child === null || typeof child !== 'object') {
      node[k] = value;
      break;
    }
    node = child as Record<string, unknown>;
  }
  return clone;
}

const junkValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    -1,
    0,
    1e400,
    -0,
    2 ** 53,
    0.1,
    'NaN',
    '',
    ' ',
    '1e3',
    '3.00',
    '-3.00',
    '5m',
    '1h',
    'never',
    '2025-02-30',
    null,
    true,
    [],
    {},
  ),
);

describe('pricing loader: any input -> a book or located errors, never an exception', () => {
  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const r = parsePricingText(text, 'fuzz.yaml');
        expect(Boolean(r.book) !== r.errors.length > 0).toBe(true);
        for (const e of r.errors) expect(e.where).toMatch(/^fuzz\.yaml/);
      }),
      { numRuns: 200 * K },
    );
  });

  it('arbitrary bytes decoded as UTF-8', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = parsePricingText(Buffer.from(bytes).toString('utf8'), 'fuzz.yaml');
        expect(Boolean(r.book) !== r.errors.length > 0).toBe(true);
      }),
      { numRuns: 150 * K },
    );
  });

  it('a valid table with one value replaced anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), junkValue, (pick, value) => {
        const text = stringify(mutate(TABLE, pick, value));
        const r = parsePricingText(text, 'fuzz.yaml');
        expect(Boolean(r.book) !== r.errors.length > 0).toBe(true);
        for (const e of r.errors) expect(e.hint ?? '', `${e.message} has no hint`).not.toBe('');
      }),
      { numRuns: 200 * K },
    );
  });

  it('valid text cut at any byte (truncated file)', () => {
    fc.assert(
      fc.property(fc.nat({ max: TABLE_TEXT.length }), (cut) => {
        const r = parsePricingText(TABLE_TEXT.slice(0, cut), 'fuzz.yaml');
        expect(Boolean(r.book) !== r.errors.length > 0).toBe(true);
      }),
      { numRuns: 100 * K },
    );
  });

  it('through the CLI: random bytes in a file exit 0 or 2, never 3', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        const file = join(scratch, 'cli.yaml');
        writeFileSync(file, bytes);
        const r = await runCli(['pricing', 'validate', file]);
        expect([0, 2], r.stderr).toContain(r.code);
        expect(r.stderr).not.toMatch(/internal error/);
      }),
      { numRuns: 60 * K },
    );
  });
});

describe('scenario loader: any input -> a scenario or located errors, never an exception', () => {
  it('arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        try {
          const r = parseScenarioText(text, 'fuzz.yaml', scratch);
          expect(Boolean(r.value) !== r.errors.length > 0).toBe(true);
        } catch (e) {
          onlyUserErrors(e);
        }
      }),
      { numRuns: 150 * K },
    );
  });

  it('a valid scenario with one value replaced anywhere', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), junkValue, (pick, value) => {
        const text = stringify(mutate(SCENARIO, pick, value));
        try {
          const r = parseScenarioText(text, 'fuzz.yaml', scratch);
          expect(Boolean(r.value) !== r.errors.length > 0).toBe(true);
          for (const e of r.errors) expect(e.where, e.message).toMatch(/^fuzz\.yaml/);
        } catch (e) {
          onlyUserErrors(e);
        }
      }),
      { numRuns: 200 * K },
    );
  });
});

// ---------------------------------------------------------------- engine
const book = (() => {
  const r = parsePricingText(TABLE_TEXT, 'fuzz-pricing.yaml');
  if (!r.book) throw new Error(JSON.stringify(r.errors));
  return r.book;
})();

/** Option sets per strategy to fuzz with; `{}` (all defaults) is always tried when it parses. */
const OPTION_SAMPLES: Record<string, unknown[]> = {
  'prompt-cache': [
    { ttl: '5m' },
    { ttl: '1h', ready_delay: 2000 },
    { style: 'automatic', hit_rate: 0.5 },
    { scope: 'system' },
  ],
  batch: [{ share: 0.5 }, { only_batchable: false, window: 60_000 }],
  'response-cache': [
    { mode: 'exact', key: ['model', 'query'] },
    { mode: 'semantic', hit_rate: 0.3, quality: 0.9 },
  ],
  'dedupe-retries': [{}],
  route: [
    { rules: [{ name: 'r', when: { tags: { tenant: 'a' } }, to: 'm', share: 0.5, quality: 0.9 }] },
    { rules: [{ name: 'long', when: { input_tokens: { gt: 2000 } }, to: 'e' }], default: { to: 'm' } },
  ],
  cascade: [{ cheap: 'm', strong: 'e', escalation: 0.3 }],
  'trim-context': [{ max_history_tokens: 500 }],
  compress: [
    { parts: ['system', 'history'], ratio: 0.5 },
    { parts: ['message'], ratio: 0.9 },
  ],
  'cap-output': [{ max_output_tokens: 100 }, { max_output_tokens: 50, truncation_retry_share: 0.5, quality: 0.9 }],
};

function stageChoices(): StageSpec[] {
  const out: StageSpec[] = [];
  for (const s of STRATEGIES) {
    for (const o of [{}, ...(OPTION_SAMPLES[s.name] ?? [])]) {
      const parsed = s.options.safeParse(o);
      if (parsed.success) out.push({ strategy: s, options: parsed.data, label: `${s.name} ${JSON.stringify(o)}` });
    }
  }
  return out;
}
const CHOICES = stageChoices();

/** A request stream: non-decreasing time, cumulative prefix keys, conversations and retries. */
const requestStream = fc
  .array(
    fc.record({
      gapMs: fc.oneof(fc.constant(0), fc.nat({ max: 10_000 }), fc.nat({ max: 7_200_000 })),
      model: fc.constantFrom('m', 'e'),
      tier: fc.constantFrom('standard', 'standard', 'batch'),
      prefixBlocks: fc.array(
        fc.record({
          variant: fc.nat({ max: 2 }),
          tokens: fc.nat({ max: 3000 }),
          kind: fc.constantFrom('system', 'history', 'message', 'block', undefined),
        }),
        { maxLength: 3 },
      ),
      extraInput: fc.nat({ max: 2000 }),
      huge: fc.boolean(),
      outputTokens: fc.nat({ max: 3000 }),
      history: fc.nat({ max: 100 }),
      cachedRead: fc.nat({ max: 100 }),
      batchable: fc.boolean(),
      status: fc.constantFrom('ok', 'ok', 'error'),
      conv: fc.nat({ max: 3 }),
      retry: fc.boolean(),
      tenant: fc.constantFrom('a', 'b', undefined),
      query: fc.nat({ max: 3 }),
      quality: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    }),
    { maxLength: 40 },
  )
  .map((rows) => {
    let t = Date.UTC(2026, 10, 2);
    return rows.map((x, i): SimRequest => {
      t += x.gapMs;
      let key = '';
      const prefix = x.prefixBlocks.map((b, j) => {
        key = `${key}/${j}:${b.variant}`;
        return { key: `${x.model}${key}`, tokens: b.tokens, ...(b.kind ? { kind: b.kind } : {}) };
      });
      const prefixTokens = prefix.reduce((s, b) => s + b.tokens, 0);
      const inputTokens = prefixTokens + x.extraInput + (x.huge ? 250_000 : 0);
      const historyTokens = Math.min(inputTokens, (x.history * inputTokens) / 100) | 0;
      const read = Math.min(inputTokens, (x.cachedRead * inputTokens) / 400) | 0;
      return {
        id: `r${i}`,
        atMs: t,
        model: x.model,
        serviceTier: x.tier as SimRequest['serviceTier'],
        inputTokens,
        outputTokens: x.outputTokens,
        historyTokens,
        prefix,
        ...(read > 0 && i % 3 === 0 ? { cached: { read, write5m: 0, write1h: 0 } } : {}),
        batchable: x.batchable,
        status: x.status as SimRequest['status'],
        ...(x.retry && i > 0 ? { retryOf: `r${i - 1}` } : {}),
        conversationId: `c${x.conv}`,
        tags: { ...(x.tenant ? { tenant: x.tenant } : {}), queryKey: `q${x.query}`, promptVersion: 'v1' },
        ...(x.quality !== undefined ? { quality: x.quality } : {}),
      };
    });
  });

describe('engine: random request streams through random strategy chains', () => {
  it('fuzzes every registered strategy (self-host needs its synthetic model in the book: covered end to end instead)', () => {
    const covered = new Set(CHOICES.map((c) => c.strategy.name));
    expect(STRATEGIES.map((s) => s.name).filter((n) => !covered.has(n) && n !== 'self-host')).toEqual([]);
  });

  it('never throws but UserError; costs >= 0; savings add up to baseline - final', async () => {
    await fc.assert(
      fc.asyncProperty(
        requestStream,
        fc.array(fc.nat({ max: CHOICES.length - 1 }), { maxLength: 4 }),
        fc.nat({ max: 1000 }),
        fc.nat({ max: 7 }),
        async (reqs, picks, seed, batchSize) => {
          const stages = picks.map((p) => CHOICES[p]!);
          const batches: SimRequest[][] = [];
          const size = batchSize + 1;
          for (let i = 0; i < reqs.length; i += size) batches.push(reqs.slice(i, i + size));
          let run: Awaited<ReturnType<typeof runSimulation>>;
          try {
            run = await runSimulation({
              source: batches,
              stages,
              book,
              seed,
              by: ['tenant'],
              standalone: seed % 2 === 0,
            });
          } catch (e) {
            onlyUserErrors(e);
            return;
          }
          expect(run.requests).toBe(reqs.length);
          const report = buildReport({
            command: 'fuzz',
            scenario: 'fuzz',
            seed,
            run,
            book,
            labels: stages.map((s) => ({ strategy: s.strategy.name, label: s.label })),
            version: 'test',
          });
          const costs = [report.baseline, ...report.steps, report.final];
          for (const c of costs) {
            expect(c.cost).toBeGreaterThanOrEqual(0);
            for (const v of Object.values(c.breakdown)) expect(v).toBeGreaterThanOrEqual(0);
            for (const v of Object.values(c.tokens)) expect(v).toBeGreaterThanOrEqual(0);
          }
          // each saving is rounded to 1e-6 USD on its own: allow one unit per step
          const sum = report.steps.reduce((s, x) => s + x.saving, 0);
          expect(Math.abs(sum - (report.baseline.cost - report.final.cost))).toBeLessThanOrEqual(
            1e-6 * (report.steps.length + 1),
          );
          for (const row of report.by?.tenant ?? []) expect(row.cost).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 150 * K },
    );
  });

  it('an unknown model in the stream is a UserError naming it, not $0 and not a crash', async () => {
    const req: SimRequest = {
      id: 'x',
      atMs: 0,
      model: 'gpt-9',
      serviceTier: 'standard',
      inputTokens: 10,
      outputTokens: 1,
      historyTokens: 0,
      prefix: [],
      batchable: false,
      status: 'ok',
      tags: {},
      line: 3,
    };
    await expect(runSimulation({ source: [[req]], stages: [], book, seed: 1 })).rejects.toThrow(UserError);
    await expect(runSimulation({ source: [[req]], stages: [], book, seed: 1 })).rejects.toThrow(/gpt-9/);
  });
});

describe('simulate end to end: mutated strategy options and segments', () => {
  // every strategy, small volume; one value anywhere in strategies/segments replaced by junk
  const FULL = {
    name: 'fuzz-e2e',
    seed: 5,
    pricing: { file: 'pricing.yaml' },
    traffic: {
      profile: {
        days: 1,
        requests_per_day: 60,
        tenants: [{ name: 'a', share: 1 }],
        errors: { rate: 0.1, timeout_rate: 0.1 },
        segments: [
          {
            name: 'chat',
            model: 'e',
            system_tokens: 1500,
            input_tokens: { lognormal: { mean: 100, p95: 300 } },
            output_tokens: 200,
            turns: 3,
            queries: { distinct: 5 },
          },
          {
            name: 'jobs',
            model: 'm',
            system_tokens: 1100,
            input_tokens: { uniform: { min: 1, max: 3000 } },
            output_tokens: { normal: { mean: 100, sd: 50 } },
            batchable: 0.5,
          },
        ],
      },
    },
    strategies: [
      { use: 'dedupe-retries' },
      { use: 'response-cache', mode: 'exact', ttl: '1h' },
      { use: 'cascade', when: { tags: { feature: 'chat' } }, cheap: 'm', strong: 'e', escalation: 0.3 },
      { use: 'route', rules: [{ name: 'r', when: { tags: { feature: 'jobs' } }, to: 'm', share: 0.5 }] },
      { use: 'trim-context', max_history_tokens: 500 },
      { use: 'compress', parts: ['system', 'history'], ratio: 0.8 },
      { use: 'cap-output', max_output_tokens: 150, truncation_retry_share: 0.2 },
      { use: 'prompt-cache', ttl: '5m' },
      { use: 'batch', only_batchable: true, window: '1h' },
      {
        use: 'self-host',
        name: 'self-host/small',
        when: { tags: { feature: 'jobs' } },
        gpu_hour_usd: '2.50',
        tokens_per_second_per_gpu: 1200,
        utilisation: 0.4,
        min_gpus: 1,
      },
    ],
    report: { by: ['tenant', 'feature'] },
  };
  const dir = mkdtempSync(join(scratch, 'e2e-'));
  writeFileSync(join(dir, 'pricing.yaml'), TABLE_TEXT);

  it('the unmutated scenario runs (so the mutations below start from something valid)', async () => {
    const file = join(dir, 'scenario-ok.yaml');
    writeFileSync(file, stringify(FULL));
    const r = await runCli(['simulate', file, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const rep = JSON.parse(r.stdout) as { steps: { strategy: string }[] };
    expect(rep.steps.length).toBe(FULL.strategies.length);
  });

  it('exits 0, 1 or 2, never 3; a report has non-negative costs', async () => {
    const codes = new Set<number>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(['strategies'], ['traffic', 'profile', 'segments']),
        fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
        junkValue,
        async (root, pick, value) => {
          const doc = structuredClone(FULL) as Record<string, unknown>;
          let node = doc as Record<string, unknown>;
          for (const k of root) node = node[k] as Record<string, unknown>;
          const mutated = mutate(node, pick, value);
          let parent = doc as Record<string, unknown>;
          for (const k of root.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
          parent[root[root.length - 1]!] = mutated;
          const file = join(dir, 'scenario.yaml');
          writeFileSync(file, stringify(doc));
          const r = await runCli(['simulate', file, '--format', 'json']);
          codes.add(r.code);
          expect([0, 1, 2], `exit ${r.code}: ${stringify(mutated)}\n${r.stderr}`).toContain(r.code);
          if (r.code === 2) expect(r.stderr).toMatch(/error\[[A-Z_]+\] \S/);
          else {
            const rep = JSON.parse(r.stdout) as {
              baseline: { cost: number };
              final: { cost: number };
              steps: { cost: number }[];
            };
            for (const c of [rep.baseline.cost, rep.final.cost, ...rep.steps.map((x) => x.cost)])
              expect(c).toBeGreaterThanOrEqual(0);
          }
        },
      ),
      { numRuns: 60 * K },
    );
    expect(codes.has(0) && codes.has(2), `exit codes seen: ${[...codes].join(',')}`).toBe(true);
  });
});

// The log readers are fuzzed end to end (through `replay`) in test/property/fuzz-logs.test.ts.
