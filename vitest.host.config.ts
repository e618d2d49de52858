// Host tests: pvesim contract tests and pxdeploy e2e tests on real LXC; one pvesim setup for the run, serial.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/pvesim/contract/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/helpers/pvesim-global-setup.ts'],
    pool: 'forks',
    poolOptions: { forks: { singleFork: true } },
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 300_000,
  },
});
