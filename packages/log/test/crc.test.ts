import { crc32c } from '@lsmkit/log'
import CRC32C from 'crc-32/crc32c.js'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

const reference = (data: Uint8Array, seed?: number) => CRC32C.buf(data, seed) >>> 0

describe('crc32c', () => {
  it('gives the standard check value for "123456789" (0xe3069283)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283)
  })

  it('agrees with the crc-32 package on every length from 0 to 600 bytes, past the 256-byte switch', () => {
    const data = Uint8Array.from({ length: 600 }, (_, i) => (i * 131 + 7) & 0xff)
    const mismatches: number[] = []
    for (let n = 0; n <= 600; n++) {
      if (crc32c(data.subarray(0, n)) !== reference(data.subarray(0, n))) mismatches.push(n)
    }
    expect(mismatches).toEqual([])
  })

  it('agrees with the crc-32 package on random buffers, offsets and seeds', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 5000 }),
        fc.nat({ max: 7 }),
        fc.option(fc.integer({ min: 0, max: 0xffffffff }), { nil: undefined }),
        (bytes, offset, seed) => {
          const view = bytes.subarray(Math.min(offset, bytes.length))
          expect(crc32c(view, seed)).toBe(reference(view, seed === undefined ? undefined : seed | 0))
        },
      ),
    )
  })

  it('continues from a seed: the CRC of two pieces equals the CRC of the whole', () => {
    const whole = Uint8Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)
    for (const cut of [0, 1, 255, 256, 300, 4095, 4096]) {
      expect(crc32c(whole.subarray(cut), crc32c(whole.subarray(0, cut)))).toBe(crc32c(whole))
    }
  })
})
