import { ErrorCode } from '@lsmkit/fs'
import { decodeValue, encodeValue, MAX_LEVEL_VALUE_LENGTH, VALUE_FORMAT_V1 } from '@lsmkit/level'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describe('value codec', () => {
  it('round-trips every value, the empty one included', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (value) => {
        const stored = encodeValue(value)
        expect(stored.length).toBe(value.length + 1)
        expect(stored[0]).toBe(VALUE_FORMAT_V1)
        expect(decodeValue(stored)).toEqual(value)
      }),
    )
  })

  it('encodes the empty value as the single byte 0x01', () => {
    expect(encodeValue(new Uint8Array(0))).toEqual(new Uint8Array([0x01]))
  })

  it('rejects a value over the limit with LEVEL_INVALID_VALUE', () => {
    expect(() => encodeValue(new Uint8Array(MAX_LEVEL_VALUE_LENGTH + 1))).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_VALUE }),
    )
  })

  it('reports a value without the prefix as LEVEL_CORRUPTION', () => {
    expect(() => decodeValue(new Uint8Array([0x61]))).toThrow(
      expect.objectContaining({ code: ErrorCode.CORRUPTION }),
    )
  })
})
