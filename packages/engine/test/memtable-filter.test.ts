import { describe, expect, it } from 'vitest'
import { Memtable } from '../src/internal/memtable.js'
import { keyHash, MemtableFilter } from '../src/internal/memtable-filter.js'
import { text, utf8 } from './support.js'

const hashOf = (key: Uint8Array): number => keyHash(key, 0, key.length)
// The hashes of the bench's keys: 16 digits, zero-padded.
const benchHash = (i: number): number => hashOf(utf8(String(i).padStart(16, '0')))

// A filter of the even bench keys below 2 * `count`.
function filterOf(count: number): MemtableFilter {
  const filter = new MemtableFilter()
  for (let i = 0; i < count; i++) filter.add(benchHash(2 * i))
  return filter
}

describe('MemtableFilter', () => {
  it('never rules out a key it was given, across every doubling', () => {
    const filter = filterOf(100_000)
    const missed = Array.from({ length: 100_000 }, (_, i) => benchHash(2 * i)).filter(
      (h) => !filter.mayContain(h),
    )
    expect(missed).toEqual([])
  })

  it('rules out almost every key it was not given', () => {
    const filter = filterOf(100_000)
    let yes = 0
    for (let i = 0; i < 100_000; i++) if (filter.mayContain(benchHash(2 * i + 1))) yes++
    expect(yes / 100_000).toBeLessThan(0.03)
  })

  it('hashes a key inside a larger buffer as it hashes the key alone', () => {
    const inside = Uint8Array.of(9, 9, 0x6b, 0x65, 0x79, 9)
    expect(keyHash(inside, 2, 5)).toBe(hashOf(utf8('key')))
    expect(keyHash(inside, 2, 5)).not.toBe(keyHash(inside, 2, 6))
  })

  it('rules out every key while empty', () => {
    const filter = new MemtableFilter()
    expect(filter.mayContain(benchHash(1))).toBe(false)
    expect(filter.mayContain(hashOf(new Uint8Array(0)))).toBe(false)
  })
})

describe('Memtable gets behind the filter and the map', () => {
  it('finds every key put, deletes included, and no other, after the filter and the map have grown', () => {
    const mem = new Memtable(1)
    for (let i = 0; i < 20_000; i++) mem.put(utf8(`k${i}`), i % 7 === 0 ? undefined : utf8(`v${i}`), i + 1)
    for (let i = 0; i < 20_000; i++) {
      const found = mem.get(utf8(`k${i}`))
      expect(found).toBeDefined()
      expect(text(found!.value)).toBe(i % 7 === 0 ? undefined : `v${i}`)
    }
    expect(mem.get(utf8('k20000'))).toBeUndefined()
  })

  it('finds keys added from an encoded batch', () => {
    const mem = new Memtable(1)
    // key_len u16 | value_len u16 | key | value, twice.
    const batch = Uint8Array.of(1, 0, 1, 0, 0x61, 0x31, 1, 0, 0, 0, 0x62)
    mem.applyEncoded(batch, 0)
    expect(text(mem.get(utf8('a'))?.value)).toBe('1')
    expect(mem.get(utf8('b'))).toEqual({ value: undefined })
    expect(mem.get(utf8('c'))).toBeUndefined()
  })
})
