import { describe, expect, it } from 'vitest'
import { runCrashTest } from '../src/index.js'

// The short version of `npm run test:crash`: the same module, 20 cycles with a fixed seed.
// The child writer runs from dist/ (turbo builds before testing), else through tsx.
describe('the process crash test (SIGKILL of a writing child)', () => {
  it('loses no acknowledged write in 20 cycles over every durability mode', async () => {
    const report = await runCrashTest({ cycles: 20, seed: 20_251_121 })
    expect(report.failures).toEqual([])
    expect(report.lost).toBe(0)
    expect(report.checked).toBeGreaterThan(500)
    expect(Object.values(report.modes).every((n) => n > 0)).toBe(true)
  })
})
