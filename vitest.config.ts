import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'conformance/**/*.test.ts', 'reality/**/*.test.ts'],
    // The simulator is single-threaded and CPU-bound; two forks match the two cores here.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
    testTimeout: 60_000,
    setupFiles: ['test/setup.ts'],
  },
});
