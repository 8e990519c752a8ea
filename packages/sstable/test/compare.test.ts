import { compareKeys, keyText, keyTextOf } from '@lsmkit/sstable'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'

describe('key texts', () => {
  it('map every byte value to the character of the same code', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i)
    const text = keyText(all)
    expect(text.length).toBe(256)
    for (let i = 0; i < 256; i++) expect(text.charCodeAt(i)).toBe(i)
  })

  it('order exactly as their keys do bytewise', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), (a, b) => {
        const texts = keyText(a) < keyText(b) ? -1 : keyText(a) === keyText(b) ? 0 : 1
        expect(texts).toBe(Math.sign(compareKeys(a, b)))
      }),
    )
  })

  it('of a range equal the key text of that range cut out', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.nat(), (bytes, x, y) => {
        const start = x % (bytes.length + 1)
        const end = start + (y % (bytes.length - start + 1))
        expect(keyTextOf(bytes, start, end)).toBe(keyText(bytes.slice(start, end)))
      }),
    )
  })

  it('convert keys longer than one conversion call takes whole', () => {
    const key = Uint8Array.from({ length: 10_000 }, (_, i) => (i * 7) & 0xff)
    expect(keyText(key)).toBe(Array.from(key, (b) => String.fromCharCode(b)).join(''))
  })
})
