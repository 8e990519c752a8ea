import { describe, expect, it } from 'vitest'
import { keyHash } from '../src/internal/key-table.js'
import { MemtableFilter } from '../src/internal/memtable-filter.js'
import { utf8 } from './support.js'

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

  it('never rules out a key given after the first probe, across every doubling', () => {
    const filter = filterOf(10)
    expect(filter.mayContain(benchHash(0))).toBe(true)
    for (let i = 10; i < 100_000; i++) filter.add(benchHash(2 * i))
    const missed = Array.from({ length: 100_000 }, (_, i) => benchHash(2 * i)).filter(
      (h) => !filter.mayContain(h),
    )
    expect(missed).toEqual([])
  })

  it('rules out almost every key it was not given, probed after every add', () => {
    const filter = new MemtableFilter()
    let yes = 0
    for (let i = 0; i < 50_000; i++) {
      filter.add(benchHash(2 * i))
      if (filter.mayContain(benchHash(2 * i + 1))) yes++
    }
    expect(yes / 50_000).toBeLessThan(0.03)
  })

  it('rules out almost every key it was not given', () => {
    const filter = filterOf(100_000)
    let yes = 0
    for (let i = 0; i < 100_000; i++) if (filter.mayContain(benchHash(2 * i + 1))) yes++
    expect(yes / 100_000).toBeLessThan(0.03)
  })

  it('rules out every key while empty', () => {
    const filter = new MemtableFilter()
    expect(filter.mayContain(benchHash(1))).toBe(false)
    expect(filter.mayContain(hashOf(new Uint8Array(0)))).toBe(false)
  })
})
