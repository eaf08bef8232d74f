// The default thread count: the idle cores (cores minus the 1-minute load average) plus one for
// this run, between 1 and the cores; --threads and LLMCOST_THREADS beat it.
import { describe, expect, it } from 'vitest';
import { defaultThreads, readerFor, splitPays, threadCount } from '../../src/app/threads.js';

describe('thread count', () => {
  it('an idle 2-core machine uses both cores; a busy one (load 12) one; a half-busy one both', () => {
    expect(defaultThreads({ cores: 2, load: 0 })).toBe(2);
    expect(defaultThreads({ cores: 2, load: 12 })).toBe(1);
    // this run's own previous run (load ~1) does not keep the next one on one thread
    expect(defaultThreads({ cores: 2, load: 1 })).toBe(2);
    expect(defaultThreads({ cores: 8, load: 5.2 })).toBe(4);
    expect(defaultThreads({ cores: 1, load: 0 })).toBe(1);
  });

  it('--threads beats LLMCOST_THREADS, which beats the default', () => {
    const busy = { cores: 2, load: 12 };
    expect(threadCount('3', { LLMCOST_THREADS: '2' }, busy)).toBe(3);
    expect(threadCount(undefined, { LLMCOST_THREADS: '2' }, busy)).toBe(2);
    expect(threadCount(undefined, {}, busy)).toBe(1);
    expect(() => threadCount('0', {}, busy)).toThrow(/--threads '0' is not a whole number of threads/);
  });

  it('a single run splits by default from 3 threads (on 2 it streams with a reader thread); 1 thread has no reader thread', () => {
    expect(splitPays(2)).toBe(false);
    expect(splitPays(3)).toBe(true);
    expect(readerFor(1)).toBe('off');
    expect(readerFor(2)).toBeUndefined();
  });
});
