import { defineConfig } from 'vitest/config'

/** Settings every package's tests share; each package's vitest.config.ts uses these. */
export const sharedConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Sweeps are CPU-bound; two cores are all CI has.
    maxWorkers: 2,
  },
})
