import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ChunkedWriter } from '../src/internal/chunked-writer.js'

describe('ChunkedWriter', () => {
  it('hands back every byte appended, in order, across chunk boundaries', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 300_000 }), { maxLength: 12 }), (sizes) => {
        const writer = new ChunkedWriter()
        const pieces = sizes.map((size, i) =>
          Uint8Array.from({ length: size }, (_, j) => (i * 31 + j) & 0xff),
        )
        for (const piece of pieces) writer.bytes(piece)
        const expected = new Uint8Array(sizes.reduce((a, b) => a + b, 0))
        let at = 0
        for (const piece of pieces) {
          expected.set(piece, at)
          at += piece.length
        }
        expect(writer.length).toBe(expected.length)
        expect(Buffer.from(writer.concat()).equals(Buffer.from(expected))).toBe(true)
      }),
      { numRuns: 40 },
    )
  })

  it('copies what it is given, so the caller may reuse its array at once', () => {
    const writer = new ChunkedWriter()
    const scratch = Uint8Array.of(1, 2, 3)
    writer.bytes(scratch)
    scratch.fill(9)
    writer.bytes(scratch)
    expect([...writer.concat()]).toEqual([1, 2, 3, 9, 9, 9])
  })
})
