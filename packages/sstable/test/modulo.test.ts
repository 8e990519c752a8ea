import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { modulo } from '../src/internal/modulo.js'

describe('modulo', () => {
  it('equals the % remainder for any 32-bit hash and modulus', () => {
    fc.assert(
      fc.property(fc.nat({ max: 2 ** 32 - 1 }), fc.integer({ min: 1, max: 2 ** 32 - 1 }), (h, m) => {
        expect(modulo(h, m)).toBe(h % m)
      }),
      { numRuns: 20_000 },
    )
  })

  it('is exact at and just below multiples of large moduli, where the quotient is nearest an integer', () => {
    for (const m of [2 ** 31 - 1, 3_000_017, 4_000_037, 2 ** 32 - 5]) {
      for (let k = 1; k * m <= 2 ** 32; k++) {
        expect(modulo(k * m - 1, m)).toBe(m - 1)
        if (k * m < 2 ** 32) expect(modulo(k * m, m)).toBe(0)
      }
    }
  })
})
