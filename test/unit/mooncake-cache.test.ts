// The real Mooncake conversation trace (512-token hash blocks) replayed through block-level prompt
// caching: sane figures, the first request writes everything it can. The bundled first 10 minutes
// always; the full trace (12,031 requests) when ../shared/data is beside the repository.
import { ctxFor } from '../helpers/sim.js';
import { describe, expect, it } from 'vitest';
import { choosePricing } from '../../src/pricing/load.js';
import { modelView, runSimulation } from '../../src/engine/run.js';
import { Q } from '../../src/engine/ledger.js';
import { priceCells } from '../../src/engine/price.js';
import { newLogStats, readLog } from '../../src/traffic/logs/read.js';
import type { SimRequest } from '../../src/engine/request.js';
import { promptCache } from '../../src/strategies/prompt-cache/index.js';
import type { CacheRealism } from '../../src/strategies/prompt-cache/rules.js';
import { MOONCAKE_ROWS, MOONCAKE_SLICE, sharedData } from '../helpers/data.js';

const { book } = choosePricing({ pricing: '2026-11-01' });

type Trace = { batches: SimRequest[][]; stats: ReturnType<typeof newLogStats> };

/** The trace read once per file (readLog is what `simulate` uses), then priced as each model. */
const reads = new Map<string, Promise<Trace>>();
async function trace(file: string, model: string) {
  let read = reads.get(file);
  if (!read) {
    read = (async () => {
      const stats = newLogStats();
      const batches: SimRequest[][] = [];
      for await (const b of readLog({ file, preset: 'mooncake', model: 'claude-sonnet-4-5' }, stats)) batches.push(b);
      return { batches, stats };
    })();
    reads.set(file, read);
  }
  const { batches, stats } = await read;
  return {
    stats,
    batches: model === 'claude-sonnet-4-5' ? batches : batches.map((b) => b.map((q) => ({ ...q, model }))),
  };
}

async function replay(file: string, model: string, options: unknown, cacheRealism: CacheRealism = 'ideal') {
  const { batches, stats } = await trace(file, model);
  const out: SimRequest[] = [];
  const r = promptCache.start(
    promptCache.options.parse(options),
    ctxFor({
      seed: 1,
      position: 1,
      models: modelView(book),
      warn: () => {},
      cacheRealism,
    }),
  );
  let input = 0;
  for (const batch of batches) {
    for (const q of batch) {
      input += q.inputTokens;
      out.push(...r.step(q));
    }
  }
  const sum = (f: (q: SimRequest) => number) => out.reduce((s, q) => s + f(q), 0);
  return {
    stats,
    out,
    input,
    read: sum((q) => q.cached?.read ?? 0),
    written: sum((q) => (q.cached?.write5m ?? 0) + (q.cached?.write1h ?? 0)),
  };
}

const full = sharedData('traces/mooncake_conversation_trace.jsonl');
const traces = [
  { name: 'bundled first 10 minutes', file: MOONCAKE_SLICE, rows: MOONCAKE_ROWS.slice, it, minReadShare: 0.1 },
  { name: 'full trace', file: full.file, rows: MOONCAKE_ROWS.full, it: full.it, minReadShare: 0.2 },
];

for (const { name, file, rows, it, minReadShare } of traces) {
  describe(`Mooncake conversation trace (${name}) through block-level prompt caching`, () => {
    it('explicit (claude-sonnet-4-5, 5m, every block a breakpoint)', async () => {
      const { stats, out, input, read, written } = await replay(file, 'claude-sonnet-4-5', { scope: 'all', ttl: '5m' });
      expect(stats.read).toBe(rows);
      expect(stats.rejected).toBe(0);
      expect(out).toHaveLength(rows);
      // First record: input 6,758 in 14 blocks (13 x 512 + 102): nothing is cached yet, every
      // cacheable breakpoint is written: the last one covers all 6,758 tokens.
      expect(out[0]!.cached).toEqual({ read: 0, write5m: 6758, write1h: 0 });
      // Second record shares only block 0 (512 tokens, below the 1,024 minimum): writes all 7,322.
      expect(out[1]!.cached).toEqual({ read: 0, write5m: 7322, write1h: 0 });
      expect(read).toBeGreaterThan(0);
      expect(written).toBeGreaterThan(0);
      expect(read + written).toBeLessThanOrEqual(input);
      // conversations re-send their history: a share of input is read from the cache (more of it
      // in the full hour, whose later turns find their conversation's earlier blocks)
      expect(read / input).toBeGreaterThan(minReadShare);
      expect(read / input).toBeLessThan(0.95);
    });

    it('automatic (gpt-5): every read is 0 or 1,024 + k x 128 tokens, with no write premium', async () => {
      const { out, read, written } = await replay(file, 'gpt-5', { scope: 'all' });
      expect(read).toBeGreaterThan(0);
      expect(written).toBe(0);
      for (const q of out) {
        const r = q.cached!.read;
        expect(r === 0 || (r >= 1024 && (r - 1024) % 128 === 0)).toBe(true);
      }
    });

    it('through the engine: caching lowers the cost', async () => {
      const { batches } = await trace(file, 'gpt-5');
      const r = await runSimulation({
        source: batches,
        stages: [
          { strategy: promptCache, options: promptCache.options.parse({ scope: 'all' }), label: 'prompt-cache' },
        ],
        book,
        seed: 1,
      });
      const cost = (k: number) => priceCells(r.taps[k]!.cells, r.thresholds, book).total;
      expect(cost(1)).toBeLessThan(cost(0));
      const reads = r.taps[1]!.total(Q.cacheRead);
      expect(reads).toBeGreaterThan(0);
      expect(r.taps[1]!.total(Q.cacheWrite5m)).toBe(0); // no write premium on automatic caches
      expect(r.taps[1]!.total(Q.input) + reads).toBe(r.taps[0]!.total(Q.input));
    });
  });

  describe(`Mooncake (${name}) through the realistic cache rules`, () => {
    it('explicit: one breakpoint at the last whole 512-token block, 20-block lookback; fewer reads than ideal', async () => {
      const ideal = await replay(file, 'claude-sonnet-4-5', { scope: 'all', ttl: '5m' });
      const real = await replay(file, 'claude-sonnet-4-5', { scope: 'all', ttl: '5m' }, 'realistic');
      // First record: 13 whole blocks + 102 tokens; the breakpoint is the last whole block (a partial
      // block's hash changes once the conversation grows): 13 x 512 = 6,656 tokens written.
      expect(real.out[0]!.cached).toEqual({ read: 0, write5m: 6656, write1h: 0 });
      expect(real.read).toBeGreaterThan(0);
      expect(real.read).toBeLessThan(ideal.read);
      expect(real.read + real.written).toBeLessThanOrEqual(real.input);
    });
  });
}
