import { ErrorCode } from '@lsmkit/fs'
import {
  BlockCache,
  type BlockCacheStats,
  DEFAULT_BLOCK_CACHE_CAPACITY,
  type TableEntry,
} from '@lsmkit/sstable'
import { describe, expect, it } from 'vitest'
import { expectCode, numberedKey, openBuilt, tempDir } from './helpers.js'

const dir = await tempDir()

// blockSize 1 puts every entry in a data block of its own, all of one size.
const ONE_PER_BLOCK = { blockSize: 1 }
const entries: TableEntry[] = Array.from({ length: 10 }, (_, i) => ({
  key: numberedKey(i),
  value: new Uint8Array(100).fill(i),
}))

// The bytes one of those blocks takes in a cache.
async function blockBytes(): Promise<number> {
  const cache = new BlockCache()
  const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
  reader.get(entries[0]!.key)
  const { bytes } = cache.stats
  await reader.close()
  return bytes
}
const BLOCK = await blockBytes()

function counts(stats: BlockCacheStats) {
  return { hits: stats.hits, misses: stats.misses, entries: stats.entries }
}

describe('BlockCache', () => {
  it('serves a re-read block from the cache', async () => {
    const cache = new BlockCache()
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    expect(reader.get(entries[3]!.key)).toEqual(entries[3])
    expect(reader.get(entries[3]!.key)).toEqual(entries[3])
    expect(cache.stats).toEqual({ hits: 1, misses: 1, evictions: 0, bytes: BLOCK, entries: 1 })
    await reader.close()
  })

  it('evicts the least recently used block first', async () => {
    const cache = new BlockCache({ capacityBytes: 2 * BLOCK + Math.floor(BLOCK / 2) })
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    const [a, b, c] = [entries[0]!.key, entries[1]!.key, entries[2]!.key]
    reader.get(a)
    reader.get(b)
    reader.get(a) // a is now more recently used than b
    reader.get(c) // evicts b
    expect(counts(cache.stats)).toEqual({ hits: 1, misses: 3, entries: 2 })
    reader.get(a)
    expect(counts(cache.stats)).toEqual({ hits: 2, misses: 3, entries: 2 })
    reader.get(b)
    expect(counts(cache.stats)).toEqual({ hits: 2, misses: 4, entries: 2 })
    expect(cache.stats.evictions).toBe(2)
    await reader.close()
  })

  it('keeps serving a reader whose only cached block makes way for its next', async () => {
    const cache = new BlockCache({ capacityBytes: BLOCK })
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    for (const entry of [...entries, ...entries]) expect(reader.get(entry.key)).toEqual(entry)
    expect(cache.stats).toMatchObject({ entries: 1, evictions: 2 * entries.length - 1 })
    await reader.close()
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 })
  })

  it('never holds more bytes than its capacity', async () => {
    const cache = new BlockCache({ capacityBytes: 3 * BLOCK + 1 })
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    for (let i = 0; i < 100; i++) {
      reader.get(entries[(i * 7) % entries.length]!.key)
      expect(cache.stats.bytes).toBeLessThanOrEqual(cache.capacityBytes)
    }
    expect(cache.stats.entries).toBe(3)
    await reader.close()
  })

  it('reads every block right when misses reuse the memory of evicted ones', async () => {
    const cache = new BlockCache({ capacityBytes: 4 * BLOCK })
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    for (let i = 0; i < 200; i++) {
      const entry = entries[(i * 7 + (i >> 3)) % entries.length]!
      expect(reader.get(entry.key)).toEqual(entry)
    }
    expect(cache.stats.evictions).toBeGreaterThan(100)
    await reader.close()
  })

  it('keeps an evicted block intact while a cursor is positioned in it', async () => {
    const cache = new BlockCache({ capacityBytes: 4 * BLOCK })
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    const cursor = reader.cursor()
    cursor.seek(entries[0]!.key)
    // The gets evict the cursor's block, then others; were its memory recycled, a later read
    // would land in it.
    for (const { key } of entries.slice(1)) reader.get(key)
    expect({ key: cursor.key, value: cursor.value }).toEqual(entries[0])
    cursor.next()
    expect({ key: cursor.key, value: cursor.value }).toEqual(entries[1])
    await reader.close()
  })

  it('positions a released cursor again, while new cursors reuse what it gave up', async () => {
    const cache = new BlockCache({ capacityBytes: 4 * BLOCK })
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    const first = reader.cursor()
    first.seek(entries[0]!.key)
    first.release()
    first.release()
    expect(first.valid).toBe(false)
    const others = entries.slice(1).map((entry) => {
      const cursor = reader.cursor()
      cursor.seek(entry.key)
      return cursor
    })
    first.seek(entries[0]!.key)
    expect({ key: first.key, value: first.value }).toEqual(entries[0])
    others.forEach((cursor, i) => {
      expect({ key: cursor.key, value: cursor.value }).toEqual(entries[i + 1])
    })
    await reader.close()
  })

  it('lets a cursor scan re-use cached blocks', async () => {
    const cache = new BlockCache()
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    expect([...reader.entries()]).toEqual(entries)
    expect([...reader.entries({ reverse: true })]).toEqual(entries.toReversed())
    expect(counts(cache.stats)).toEqual({
      hits: entries.length,
      misses: entries.length,
      entries: entries.length,
    })
    await reader.close()
  })

  it('leaves the cache as it was for a cursor that does not fill it', async () => {
    const cache = new BlockCache()
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    const forward: TableEntry[] = []
    const cursor = reader.cursor({ fillCache: false })
    for (cursor.seekToFirst(); cursor.valid; cursor.next())
      forward.push({ key: cursor.key, value: cursor.value })
    const backward: TableEntry[] = []
    for (cursor.seekToLast(); cursor.valid; cursor.prev())
      backward.push({ key: cursor.key, value: cursor.value })
    expect(forward).toEqual(entries)
    expect(backward).toEqual(entries.toReversed())
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 })
    await reader.close()
  })

  it('serves a cursor that does not fill the cache from blocks cached already', async () => {
    const cache = new BlockCache()
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    reader.get(entries[3]!.key)
    expect([...reader.cursor({ fillCache: false }).entries()]).toEqual(entries)
    expect(counts(cache.stats)).toEqual({ hits: 1, misses: entries.length, entries: 1 })
    await reader.close()
  })

  it('does not cache a block larger than its capacity', async () => {
    const cache = new BlockCache({ capacityBytes: BLOCK - 1 })
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    expect(reader.get(entries[0]!.key)).toEqual(entries[0])
    expect(reader.get(entries[0]!.key)).toEqual(entries[0])
    expect(cache.stats).toEqual({ hits: 0, misses: 2, evictions: 0, bytes: 0, entries: 0 })
    await reader.close()
  })

  it('keeps the blocks of readers that share it apart', async () => {
    const cache = new BlockCache()
    // Same layout, same offsets, different values.
    const other = entries.map(({ key, value }) => ({ key, value: value!.map((b) => b + 1) }))
    const first = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    const second = await openBuilt(dir, other, ONE_PER_BLOCK, { cache })
    expect(first.get(entries[0]!.key)).toEqual(entries[0])
    expect(second.get(entries[0]!.key)).toEqual(other[0])
    expect(counts(cache.stats)).toEqual({ hits: 0, misses: 2, entries: 2 })
    await Promise.all([first.close(), second.close()])
  })

  it('drops every block on clear', async () => {
    const cache = new BlockCache()
    const reader = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    for (const { key } of entries) reader.get(key)
    cache.clear()
    expect(cache.stats.bytes).toBe(0)
    expect(cache.stats.entries).toBe(0)
    reader.get(entries[0]!.key)
    expect(cache.stats.misses).toBe(entries.length + 1)
    await reader.close()
  })

  it('drops the blocks of a reader when it closes', async () => {
    const cache = new BlockCache()
    const closing = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    const staying = await openBuilt(dir, entries, ONE_PER_BLOCK, { cache })
    for (const { key } of entries) closing.get(key)
    staying.get(entries[0]!.key)
    await closing.close()
    expect(cache.stats).toMatchObject({ bytes: BLOCK, entries: 1, evictions: 0 })
    await staying.close()
  })

  it('defaults to 8 MiB', () => {
    expect(new BlockCache().capacityBytes).toBe(DEFAULT_BLOCK_CACHE_CAPACITY)
    expect(DEFAULT_BLOCK_CACHE_CAPACITY).toBe(8 * 1024 * 1024)
  })

  it.each([-1, 1.5, Number.NaN])('rejects the capacity %d', async (capacityBytes) => {
    await expectCode(() => new BlockCache({ capacityBytes }), ErrorCode.INVALID_OPTION)
  })
})
