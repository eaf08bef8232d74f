import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    // One test file per core. Vitest's default in a run is one fewer than the cores, which on the
    // 2-core machines the suite targets is a single worker: every file one after the other.
    maxWorkers: availableParallelism(),
    // A worker keeps the modules it imported for its next file instead of importing src/ afresh
    // per file (most files import the whole CLI). Measured on the full suite: ~27% less CPU. The
    // tests keep no state in modules between files (fake timers and process.env.TZ are restored).
    isolate: false,
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    globalSetup: ['test/helpers/build-dist.ts', 'test/helpers/shared-data-notice.ts'],
  },
});
