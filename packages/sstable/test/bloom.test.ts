import { describe, expect, it } from 'vitest'
import { numberedKey, openBuilt, tempDir } from './helpers.js'

const dir = await tempDir()

// Present keys are the even numbers, absent ones the odd numbers between them, so every probe
// falls inside the table's key range and only the filter can rule it out.
const PRESENT = Array.from({ length: 10_000 }, (_, i) => ({
  key: numberedKey(2 * i),
  value: new Uint8Array(1),
}))
const ABSENT = Array.from({ length: 10_000 }, (_, i) => numberedKey(2 * i + 1))

describe('bloom filter', () => {
  it('never rules out a key the table holds', async () => {
    const reader = await openBuilt(dir, PRESENT)
    expect(PRESENT.every(({ key }) => reader.mayContain(key))).toBe(true)
    await reader.close()
  })

  it('admits about 1% of absent keys at 10 bits per key', async () => {
    const reader = await openBuilt(dir, PRESENT, { bitsPerKey: 10 })
    const falsePositives = ABSENT.filter((key) => reader.mayContain(key)).length
    expect(falsePositives / ABSENT.length).toBeLessThan(0.02)
    expect(falsePositives).toBeGreaterThan(0)
    await reader.close()
  })

  it('admits fewer absent keys with more bits per key', async () => {
    const rate = async (bitsPerKey: number) => {
      const reader = await openBuilt(dir, PRESENT, { bitsPerKey })
      const count = ABSENT.filter((key) => reader.mayContain(key)).length
      await reader.close()
      return count
    }
    expect(await rate(16)).toBeLessThan(await rate(10))
    expect(await rate(4)).toBeGreaterThan(await rate(10))
  })
})
