import { compareKeys } from '@lsmkit/sstable'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { keyOrder } from '../src/internal/key-order.js'
import { utf8 } from './support.js'

// Keys packed back to back after `gap` bytes of something else, as a flush job packs them
// inside a larger buffer; the order keyOrder returns, as keys.
function sortedBy(keys: readonly Uint8Array[], gap = 3): Uint8Array[] {
  const total = keys.reduce((sum, key) => sum + key.length, gap)
  const packed = new Uint8Array(total).fill(0xee)
  const starts = new Int32Array(keys.length)
  const lengths = new Int32Array(keys.length)
  let at = gap
  for (const [i, key] of keys.entries()) {
    packed.set(key, at)
    starts[i] = at
    lengths[i] = key.length
    at += key.length
  }
  return [...keyOrder(packed, starts, lengths)].map((i) => keys[i]!)
}

const reference = (keys: readonly Uint8Array[]): Uint8Array[] => [...keys].sort(compareKeys)

// Bytes from a small alphabet, so keys share prefixes and are prefixes of each other.
const byteKey = fc.uint8Array({ maxLength: 10 }).map((bytes) => bytes.map((b) => [0, 1, 0x7f, 0xff][b % 4]!))
const distinctKeys = (maxLength: number) =>
  fc.uniqueArray(byteKey, {
    maxLength,
    selector: (key) => Array.from(key).join(','),
  })

describe('keyOrder', () => {
  it('orders keys bytewise, a prefix before the keys it begins, as a comparison sort does', () => {
    fc.assert(
      fc.property(distinctKeys(400), (keys) => {
        expect(sortedBy(keys)).toEqual(reference(keys))
      }),
      { numRuns: 200 },
    )
  })

  it('orders thousands of keys that share a long prefix, as the bench writes them', () => {
    const keys = Array.from({ length: 5000 }, (_, i) => utf8(String((i * 7919) % 100_000).padStart(16, '0')))
    expect(sortedBy(keys)).toEqual(reference(keys))
  })

  it('orders a group whose keys share a long prefix, but for one that leaves it early, written last', () => {
    const keys = Array.from({ length: 40 }, (_, i) => utf8(`prefix-${String((i * 7) % 40).padStart(2, '0')}`))
    keys.push(utf8('prez'))
    expect(sortedBy(keys)).toEqual(reference(keys))
  })

  it('orders keys that differ only past a prefix of 300 bytes, the empty key first', () => {
    const keys = Array.from({ length: 200 }, (_, i) => {
      const key = new Uint8Array(300 + (i % 3)).fill(0x61)
      key[key.length - 1] = (i * 37) % 256
      return key
    })
    const unique = [...new Map(keys.map((key) => [Array.from(key).join(','), key])).values()]
    const withEmpty = [...unique, new Uint8Array(0)]
    const sorted = sortedBy(withEmpty)
    expect(sorted[0]).toEqual(new Uint8Array(0))
    expect(sorted).toEqual(reference(withEmpty))
  })

  it('returns an empty order for no keys and the only key for one', () => {
    expect(sortedBy([])).toEqual([])
    expect(sortedBy([utf8('a')])).toEqual([utf8('a')])
  })

  it('returns from keys given twice, against its requirement, instead of looping forever', () => {
    const keys = [...Array.from({ length: 50 }, () => utf8('same')), utf8('other')]
    const sorted = sortedBy(keys)
    expect(sorted).toHaveLength(51)
    expect(sorted[0]).toEqual(utf8('other'))
  })
})
