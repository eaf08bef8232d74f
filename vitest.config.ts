import { availableParallelism } from 'node:os';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * Vitest's order (slowest first by the last run's durations; with none recorded, as on a fresh
 * clone or in CI, the largest files first), with the documented-examples shards always first:
 * they are among the slowest files, but tiny ones (test/helpers/examples-suite.ts holds their
 * tests), and started last they would leave one core idle at the end.
 */
class ExamplesFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const examples = (f: TestSpecification) => /\/examples-[\w-]+\.test\.ts$/.test(f.moduleId);
    return [...sorted.filter(examples), ...sorted.filter((f) => !examples(f))];
  }
}

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
    sequence: { sequencer: ExamplesFirst },
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    globalSetup: ['test/helpers/build-dist.ts', 'test/helpers/shared-data-notice.ts', 'test/helpers/tmp-dir.ts'],
  },
});
