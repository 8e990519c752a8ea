import { defineConfig } from 'vitest/config'

// Running `npx vitest` at the root runs every package's tests as one project each.
export default defineConfig({
  test: {
    projects: ['packages/*/vitest.config.ts'],
  },
})
