import { defineConfig } from 'vitest/config'

/** Settings every package's tests share; each package's vitest.config.ts uses these. */
export const sharedConfig = defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The timeouts only catch hangs. `npm test` runs every package's suites at once on CI's two
    // cores, where a sweep that takes 10 s alone has been seen to take six times that.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    // Sweeps are CPU-bound; two cores are all CI has.
    maxWorkers: 2,
  },
})
