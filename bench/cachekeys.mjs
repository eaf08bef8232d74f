// Memory per live prompt-cache key: N requests on N distinct one-block prefixes, one millisecond
// apart (all within the 5-minute TTL, so every entry is live at the end), through prompt-cache
// alone. Heap after a full GC, minus the heap before, over N. Run with --expose-gc (bench/run.mjs does).
import { makeRequest } from '../dist/engine/request.js';
import { startRun } from '../dist/engine/run.js';
import { chooseSchedule } from '../dist/pricing/load.js';
import { getStrategy } from '../dist/strategies/registry.js';

const gc = globalThis.gc;

function heap() {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

export function cacheKeyBytes(n) {
  if (!gc) throw new Error('run with node --expose-gc');
  const { pricing } = chooseSchedule({ pricing: '2026-11-01' });
  const strategy = getStrategy('prompt-cache');
  const run = startRun({
    stages: [{ strategy, options: strategy.options.parse({ ttl: '5m' }), label: 'prompt-cache' }],
    book: pricing,
    seed: 1,
  });
  const request = (i) =>
    makeRequest({
      id: `r${i}`,
      atMs: 1_700_000_000_000 + i,
      model: 'claude-sonnet-4-5',
      serviceTier: 'standard',
      inputTokens: 3000,
      outputTokens: 100,
      historyTokens: 0,
      prefix: [{ key: `p${i}`, tokens: 2048, kind: 'system' }],
      batchable: false,
      tags: {},
      status: 'ok',
    });
  // warm up the code paths and the model lookups, then measure
  run.push([request(-1)]);
  const before = heap();
  const BATCH = 4096;
  for (let i = 0; i < n; i += BATCH) {
    const batch = [];
    for (let j = i; j < Math.min(n, i + BATCH); j++) batch.push(request(j));
    run.push(batch);
  }
  const after = heap();
  const part = run.end(); // keeps the run (and its cache) alive until after the measure
  return { keys: n, bytesPerKey: Math.round((after - before) / n), requests: part.requests };
}
