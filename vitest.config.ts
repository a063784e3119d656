import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['ts/**/*.test.ts', 'examples/**/*.test.ts', 'tools/**/*.test.ts', 'interop-tests/**/*.test.ts'],
    globalSetup: ['interop-tests/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Interop tests start .NET processes and use both cores; running files one at a time
    // keeps timing-sensitive checks (timeouts, abandonment) honest on a 2-core machine.
    fileParallelism: false,
    // Forks, not threads: a pthread mutex belongs to an OS thread, and tests check which.
    pool: 'forks',
  },
});
