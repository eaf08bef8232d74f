import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
    setupFiles: ['test/helpers/fast-check-seed.ts'],
    globalSetup: ['test/helpers/build-dist.ts', 'test/helpers/shared-data-notice.ts'],
  },
});
